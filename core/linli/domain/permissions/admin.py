"""The rules of a community's admin area: editing roles, giving and withdrawing them,
switching plugins on and off, and reading the audit trail.

Every write is recorded with :func:`linli.domain.audit.services.record` inside the transaction
of the write, with the values before and after. Messages of :class:`AdminError` are
message ids (English), translated where they are shown.

In the admin area a grant at the community's own place node counts for every tree of the
community: the staff who run the community run its party, property and partner trees
too. A grant lower down counts for its own subtree, as everywhere else.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from linli.domain.audit.models import AuditEntry
from linli.domain.audit.services import record, snapshot
from linli.domain.enablement import EnablementError, disable, enable, enabled_plugins
from linli.domain.hierarchy.models import Node
from linli.domain.hierarchy.services import IDS
from linli.domain.identity.models import Account, Person
from linli.domain.identity.services import AccountError, create_account, reset_password
from linli.domain.permissions.models import Grant, Role
from linli.domain.permissions.services import Actor, all_permissions, grant
from linli.kernel.i18n import N_
from linli.kernel.models import Community
from linli.kernel.refusals import Refusal
from linli.kernel.registry import PluginRegistry


class AdminError(Refusal):
    """An admin write refused, or a thing asked for that is not there.

    ``message`` is a message id; ``params`` fill its ``%(name)s`` places after
    translation; ``status`` is the HTTP status the page answers with."""

    @property
    def params(self) -> dict[str, Any]:
        """The values of the message's placeholders (the refusal's ``values``)."""
        return self.values

    def text(self, translate: Callable[[str], str]) -> str:
        """The message in the visitor's language, given their ``translate``."""
        translated = translate(self.message)
        return translated % self.params if self.params else translated


# Roles


ACCOUNT_NAME = re.compile(r"^[A-Za-z0-9._-]{2,64}$")
ROLE_KEY = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
ROLE_NAME_LENGTH = 64


def known_permissions(registry: PluginRegistry) -> dict[str, tuple[str, str]]:
    """Every permission name mapped to (where it comes from, its title message id)."""
    return {p.name: (source, p.title) for source, p in all_permissions(registry)}


def _clean_role_names(name: str, name_en: str) -> tuple[str, str]:
    name, name_en = name.strip(), name_en.strip()
    if not name:
        raise AdminError(N_("Give the role a name."))
    if len(name) > ROLE_NAME_LENGTH or len(name_en) > ROLE_NAME_LENGTH:
        raise AdminError(N_("A role's name can have at most 64 characters."))
    return name, name_en


async def add_role(
    community: Community, *, key: str, name: str, name_en: str = "", actor: Actor
) -> Role:
    """Create a role without permissions (they are ticked on its page next); audited."""
    key = key.strip()
    if not ROLE_KEY.match(key):
        raise AdminError(
            N_(
                "A role's key is 2 to 64 lowercase letters, digits or underscores, "
                "starting with a letter."
            )
        )
    name, name_en = _clean_role_names(name, name_en)
    async with in_transaction():
        if await Role.exists(community_id=community.id, key=key):
            raise AdminError(N_("This community already has a role with that key."))
        role = await Role.create(
            community=community, key=key, name=name, name_en=name_en, permissions=[], source="admin"
        )
        await record(
            "role.add",
            actor=actor,
            community_id=community.id,
            obj=role,
            after=snapshot(role, ["key", "name", "name_en", "permissions"]),
        )
    return role


def _keeps_role_editing(actor: Actor, role: Role, permissions: list[str], here: Node) -> bool:
    """Whether ``actor`` could still edit roles at ``here`` once ``role`` holds only
    ``permissions`` (answered from the grants already loaded)."""
    for held in actor.grants:
        allowed = held.permissions
        if held.role_key == role.key and held.community_id == role.community_id:
            allowed = frozenset(permissions)
        if "permissions.role.edit" in allowed and here.path.startswith(held.node_path):
            return True
    return False


async def edit_role(
    role: Role,
    *,
    permissions: Iterable[str],
    name: str,
    name_en: str,
    registry: PluginRegistry,
    actor: Actor,
    community_node: Node,
) -> Role:
    """Set a role's names and permissions; audited.

    Every ticked name must be a permission the core or a loaded plugin declares. Names
    the role already holds from plugins that are not loaded now are kept, so that
    uninstalling a plugin for a while loses nothing. An edit that would take the right
    to edit roles away from the very person making it is refused."""
    known = known_permissions(registry)
    chosen = list(dict.fromkeys(p.strip() for p in permissions if p.strip()))
    unknown = [p for p in chosen if p not in known]
    if unknown:
        raise AdminError(N_("There is no permission called %(name)s."), name=unknown[0])
    name, name_en = _clean_role_names(name, name_en)
    kept = [p for p in role.permissions if p not in known]
    new_permissions = sorted(set(chosen) | set(kept))
    actor_had = _keeps_role_editing(actor, role, list(role.permissions), community_node)
    if actor_had and not _keeps_role_editing(actor, role, new_permissions, community_node):
        raise AdminError(
            N_(
                "You would lose the right to edit roles yourself. Leave “Edit roles” "
                "ticked, or let another administrator make this change."
            )
        )
    fields = ["name", "name_en", "permissions"]
    before = snapshot(role, fields)
    before["permissions"] = sorted(before["permissions"])
    after = {"name": name, "name_en": name_en, "permissions": new_permissions}
    if before == after:
        return role
    async with in_transaction():
        role.name, role.name_en, role.permissions = name, name_en, new_permissions
        await role.save(update_fields=fields)
        await record(
            "role.edit",
            actor=actor,
            community_id=role.community_id,
            obj=role,
            before=before,
            after=after,
        )
    return role


# Grants


def parse_day(text: str) -> date | None:
    """A date typed as ``2026-12-31`` (what a date field sends), or ``None`` if empty."""
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise AdminError(N_("Write the date as year-month-day, for example 2026-12-31.")) from None


def start_of_day(day: date, zone: tzinfo) -> datetime:
    """Midnight at the start of ``day`` in ``zone``."""
    return datetime.combine(day, time(), tzinfo=zone)


async def community_account(community_id: int, login: str) -> Account | None:
    """The account called ``login`` (username or phone) if it belongs to the community:
    its resident record is there, or it holds or held a role there."""
    login = login.strip()
    if not login:
        return None
    return (
        await Account.filter(Q(username=login) | Q(phone=login))
        .filter(Q(person__community_id=community_id) | Q(grants__node__community_id=community_id))
        .distinct()
        .first()
    )


def _active(now: datetime) -> Q:
    return Q(ends_at__isnull=True) | Q(ends_at__gt=now)


def _grant_record(row: Grant, account: Account, role: Role, node: Node) -> dict[str, Any]:
    return {
        "account": account.username,
        "role": role.key,
        "node": node.id,
        "ends_at": row.ends_at.isoformat() if row.ends_at else None,
    }


async def give_role(
    *,
    account: Account,
    role: Role,
    node: Node,
    ends_on: date | None,
    actor: Actor,
    zone: tzinfo,
    now: datetime | None = None,
) -> Grant:
    """Give ``role`` to ``account`` at ``node``, until the end of ``ends_on`` (in the
    community's time zone) if given; audited."""
    if role.community_id != node.community_id:
        raise AdminError(N_("This role belongs to another community."), status=404)
    now = now or datetime.now(UTC)
    ends_at = None
    if ends_on is not None:
        ends_at = start_of_day(ends_on + timedelta(days=1), zone)
        if ends_at <= now:
            raise AdminError(N_("The end date has already passed."))
    async with in_transaction():
        held = await Grant.filter(
            _active(now), account_id=account.id, role_id=role.id, node_id=node.id
        ).exists()
        if held:
            raise AdminError(
                N_("%(account)s already holds this role here."), account=account.username
            )
        row = await grant(account, role, node, granted_by=actor.account, ends_at=ends_at)
        await record(
            "grant.add",
            actor=actor,
            community_id=node.community_id,
            obj=row,
            after=_grant_record(row, account, role, node),
        )
    return row


async def grant_in_community(community_id: int, grant_id: int) -> Grant | None:
    """The grant ``grant_id`` with its account, role and node, if its node belongs to the
    community."""
    if grant_id not in IDS:
        return None
    return (
        await Grant.filter(id=grant_id, node__community_id=community_id)
        .select_related("account", "role", "node")
        .first()
    )


async def withdraw_grant(row: Grant, *, actor: Actor, now: datetime | None = None) -> Grant:
    """End a grant now; audited. The grant stays, ended, so the history shows who held
    what when. ``row`` comes from :func:`grant_in_community`."""
    now = now or datetime.now(UTC)
    before = _grant_record(row, row.account, row.role, row.node)
    async with in_transaction():
        changed = await Grant.filter(_active(now), id=row.id).update(ends_at=now)
        if not changed:
            raise AdminError(N_("This role has already ended."))
        row.ends_at = now
        await record(
            "grant.withdraw",
            actor=actor,
            community_id=row.node.community_id,
            obj=row,
            before=before,
            after=_grant_record(row, row.account, row.role, row.node),
        )
    return row


async def active_grants(
    community_id: int,
    *,
    login: str = "",
    offset: int = 0,
    limit: int = 50,
    now: datetime | None = None,
) -> tuple[list[Grant], bool]:
    """The community's grants in force, with account, role and node, optionally of one
    account (username or phone): one query. Returns a page and whether more follow."""
    now = now or datetime.now(UTC)
    query = Grant.filter(_active(now), node__community_id=community_id)
    login = login.strip()
    if login:
        query = query.filter(Q(account__username=login) | Q(account__phone=login))
    rows = (
        await query.select_related("account", "role", "node__kind")
        .order_by("account__username", "node__path", "role__key", "id")
        .offset(max(offset, 0))
        .limit(limit + 1)
    )
    return rows[:limit], len(rows) > limit


# Plugins


async def switch_plugin(
    community: Community, name: str, *, on: bool, registry: PluginRegistry, actor: Actor
) -> list[str]:
    """Switch a plugin on (with what it requires) or off in ``community``; audited, one
    entry per plugin that changed. Returns the plugins that changed."""
    if name not in registry.loaded:
        failed = registry.failed.get(name)
        if failed is None:
            raise AdminError(N_("No plugin of that name is installed."), status=404)
        raise AdminError(
            N_("This plugin failed to load, so it cannot be switched on: %(error)s"),
            error=failed.error,
        )
    if not on:
        enabled = set(await enabled_plugins(community, registry))
        needing = [other for other in registry.dependents_of(name) if other in enabled]
        if needing:
            raise AdminError(
                N_("Switch off %(plugins)s first: they need this plugin."),
                plugins=", ".join(needing),
            )
    async with in_transaction():
        try:
            if on:
                changed = await enable(community, name, registry)
            else:
                changed = [name] if await disable(community, name, registry) else []
        except EnablementError as exc:
            raise AdminError(str(exc)) from exc
        for plugin in changed:
            await record(
                "plugin.enable" if on else "plugin.disable",
                actor=actor,
                community_id=community.id,
                object_type="core.PluginState",
                object_id=plugin,
                before={"enabled": not on},
                after={"enabled": on},
            )
    return changed


# The audit trail


@dataclass(frozen=True)
class AuditFilters:
    """What the audit page is narrowed to; empty strings mean "any"."""

    action: str = ""
    actor: str = ""
    object_type: str = ""
    since: str = ""
    until: str = ""


async def audit_entries(
    community_id: int,
    filters: AuditFilters,
    *,
    zone: tzinfo,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[AuditEntry], bool]:
    """The community's audit entries, newest first, narrowed by ``filters`` (``since`` and
    ``until`` are whole days in ``zone``), with actor and person: one query. Returns a
    page and whether more follow."""
    since, until = parse_day(filters.since), parse_day(filters.until)
    if since is not None and until is not None and since > until:
        raise AdminError(N_("The first day comes after the last day."))
    query = AuditEntry.filter(community_id=community_id)
    if filters.action.strip():
        query = query.filter(action=filters.action.strip())
    if filters.actor.strip():
        query = query.filter(actor__username=filters.actor.strip())
    if filters.object_type.strip():
        query = query.filter(object_type=filters.object_type.strip())
    if since is not None:
        query = query.filter(at__gte=start_of_day(since, zone))
    if until is not None:
        query = query.filter(at__lt=start_of_day(until + timedelta(days=1), zone))
    rows = (
        await query.select_related("actor", "on_behalf_of")
        .order_by("-at", "-id")
        .offset(max(offset, 0))
        .limit(limit + 1)
    )
    return rows[:limit], len(rows) > limit


async def audit_choices(community_id: int) -> tuple[list[str], list[str]]:
    """The actions and object types the community's trail holds, for the filter lists:
    two queries."""
    entries = AuditEntry.filter(community_id=community_id).distinct()
    actions = await entries.order_by("action").values_list("action", flat=True)
    types = await entries.order_by("object_type").values_list("object_type", flat=True)
    return [str(a) for a in actions], [str(t) for t in types if t]


# Accounts


def _of_community(community_id: int) -> Q:
    return Q(person__community_id=community_id) | Q(grants__node__community_id=community_id)


async def community_accounts(
    community_id: int, search: str, *, offset: int, limit: int
) -> list[Account]:
    """Accounts of the community (see :func:`community_account`), filtered by username,
    phone or the resident's name; one query."""
    query = Account.filter(_of_community(community_id))
    search = search.strip()
    if search:
        query = query.filter(
            Q(username__icontains=search)
            | Q(phone__icontains=search)
            | Q(person__name__icontains=search)
        )
    return (
        await query.distinct()
        .select_related("person")
        .order_by("username")
        .offset(offset)
        .limit(limit)
    )


async def account_in_community(community_id: int, account_id: int) -> Account:
    account = await Account.filter(_of_community(community_id), id=account_id).distinct().first()
    if account is None:
        raise AdminError(N_("There is no such account in this community."), status=404)
    return account


def temporary_password() -> str:
    return secrets.token_urlsafe(9)


async def open_account(
    community_id: int, *, username: str, phone: str, person_id: int | None, actor: Actor
) -> tuple[Account, str]:
    """A new account with a temporary password its holder must change at first login,
    linked to a resident of the community if ``person_id`` is given; audited."""
    username = username.strip()
    if not ACCOUNT_NAME.match(username):
        raise AdminError(N_("A username has 2 to 64 letters, digits, '.', '-' or '_'."))
    person = None
    if person_id is not None:
        person = await Person.get_or_none(id=person_id, community_id=community_id)
        if person is None:
            raise AdminError(N_("There is no such resident in this community."), status=404)
        if await Account.exists(person_id=person.id):
            raise AdminError(N_("This resident already has an account."))
    password = temporary_password()
    async with in_transaction():
        try:
            account = await create_account(
                username, password, phone=phone.strip() or None, person=person,
                must_change_password=True,
            )  # fmt: skip
        except AccountError as exc:
            raise AdminError(str(exc)) from exc
        await record(
            "account.create",
            actor=actor,
            community_id=community_id,
            obj=account,
            after={"username": username, "phone": account.phone, "person": person_id},
        )
    return account, password


async def reset_account_password(account: Account, *, community_id: int, actor: Actor) -> str:
    """A temporary password that must be changed at the next login; audited."""
    password = temporary_password()
    async with in_transaction():
        await reset_password(account, password)
        await record("account.reset_password", actor=actor, community_id=community_id, obj=account)
    return password


async def set_account_active(
    account: Account, active: bool, *, community_id: int, actor: Actor
) -> None:
    """Switch an account on or off (never one's own); audited."""
    if actor.account is not None and actor.account.id == account.id:
        raise AdminError(N_("You cannot switch off your own account."))
    before = account.is_active
    async with in_transaction():
        account.is_active = active
        await account.save(update_fields=["is_active"])
        await record(
            "account.activate" if active else "account.deactivate",
            actor=actor,
            community_id=community_id,
            obj=account,
            before={"is_active": before},
            after={"is_active": active},
        )
