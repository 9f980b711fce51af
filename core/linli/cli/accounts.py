"""``linli createadmin`` and ``linli accounts``: the operator's account commands."""

from __future__ import annotations

import secrets

import click

from linli.domain.audit.services import record
from linli.domain.communities import community_root
from linli.domain.identity.models import Account
from linli.domain.identity.services import AccountError, create_account, reset_password
from linli.domain.permissions.models import Role
from linli.domain.permissions.services import grant
from linli.kernel.models import Community


def _refuse(message: str) -> None:
    raise click.ClickException(message)


@click.command("createadmin")
@click.argument("username")
@click.option("--community", "slug", required=True, help="The community's slug.")
@click.option("--phone", default=None, help="Phone number the administrator can log in with.")
@click.password_option(help="The password (asked for when not given).")
@click.pass_obj
def createadmin(
    instance: object, username: str, slug: str, phone: str | None, password: str
) -> None:
    """Create an account holding the administrator role for a whole community."""
    from linli.cli import Instance

    assert isinstance(instance, Instance)

    async def task() -> None:
        community = await Community.get_or_none(slug=slug)
        if community is None:
            _refuse(f"community {slug} does not exist (see `linli community list`)")
        try:
            account = await create_account(username, password, phone=phone)
        except AccountError as exc:
            _refuse(instance.registry.catalogues.translate("en", str(exc)))
        role = await Role.get(community=community, key="administrator")
        root = await community_root(community)
        await grant(account, role, root)
        await record(
            "account.create_admin",
            actor=None,
            community_id=community.id,
            obj=account,
            after={"username": username, "role": "administrator", "node": root.id},
        )

    instance.run(task)
    click.echo(f"administrator {username} created for {slug}")


@click.group("accounts")
def accounts() -> None:
    """Manage login accounts."""


@accounts.command("reset-password")
@click.argument("username")
@click.pass_obj
def accounts_reset_password(instance: object, username: str) -> None:
    """Give USERNAME a temporary password that must be changed at the next login."""
    from linli.cli import Instance

    assert isinstance(instance, Instance)
    temporary = secrets.token_urlsafe(9)

    async def task() -> None:
        account = await Account.get_or_none(username=username)
        if account is None:
            _refuse(f"no account is called {username}")
        await reset_password(account, temporary)
        await record("account.reset_password", actor=None, community_id=None, obj=account)

    instance.run(task)
    click.echo(f"temporary password for {username}: {temporary}")
    click.echo("it must be changed at the next login")
