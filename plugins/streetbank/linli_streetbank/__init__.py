"""街坊银行 (street bank): residents earn points for verified service and redeem them
with partner units and merchants. A double-entry, append-only ledger that never loses
or invents a point. See ``docs/plugins/streetbank.md``.

Its folder gives linli its models and migrations, routes, templates, static files,
catalogue, demo data and the events it listens to (``events.py``); this module holds
its manifest and its extension points.
"""

from __future__ import annotations

from typing import Any

import click

from linli.kit import (
    N_,
    Community,
    Consequence,
    HomeItem,
    Instance,
    Manifest,
    Permission,
    PersonSection,
    Role,
    Section,
    Widget,
    current_zone,
    hookimpl,
    pass_instance,
)
from linli_streetbank.settings import BankSettings

manifest = Manifest(
    name="streetbank",
    title={"zh_CN": "街坊银行", "en": "Street bank"},
    description={
        "zh_CN": "志愿服务积分：居民服务得积分，在共建单位和商户兑换商品与服务",
        "en": "Points for verified volunteer service, redeemed with partner units and merchants",
    },
    nav_order=20,
    icon="piggy-bank",
    version="0.1.0",
    community_settings=BankSettings,
    linli_api=">=2.3,<3",
)


@hookimpl
def linli_sections() -> list[Section]:
    """The street bank's tabs, in order. The navigation's link opens the first one the
    visitor may: a resident's own points, an operator's vouchers to verify, a clerk's
    record of service, a supervisor's accounts."""
    manage = "streetbank.manage"
    return [
        Section(N_("My points"), "me", permission="streetbank.use"),
        Section(N_("Catalogue"), "catalogue", permission="streetbank.use"),
        Section(N_("My vouchers"), "vouchers", permission="streetbank.use"),
        Section(N_("Verify a voucher"), "operator/", permission="streetbank.verify"),
        Section(N_("Record service"), "worker/record", permission="streetbank.record"),
        Section(
            N_("Redeem for a resident"), "worker/redeem-for", permission="streetbank.redeem_for"
        ),
        Section(N_("Accounts"), "worker/accounts", permission=manage),
        Section(N_("Ledger"), "worker/ledger", permission=manage),
        Section(N_("Manage catalogue"), "worker/catalogue", permission=manage),
        Section(N_("Partners"), "worker/partners", permission=manage),
        Section(N_("Settings"), "worker/settings", permission=manage),
        Section(N_("Approvals"), "worker/approvals", permission="streetbank.approve"),
        Section(
            N_("Manual corrections"),
            "worker/adjustments",
            permission=(manage, "streetbank.figures"),
        ),
        Section(N_("Figures"), "figures/", permission="streetbank.figures"),
    ]


@hookimpl
def linli_dashboard_widgets(community: Community) -> list[Widget]:
    async def load(community: Community) -> dict[str, Any]:
        from linli_streetbank import services

        return await services.summary(community, zone=current_zone())

    return [Widget(N_("Street bank"), "streetbank/widget.html", load, order=20, cached=True)]


@hookimpl
def linli_home_items(community: Community, actor: Any) -> list[HomeItem]:
    from linli_streetbank import services

    return services.home_items(community, actor)


@hookimpl
def linli_person_sections(person: Any, actor: Any) -> list[PersonSection]:
    async def load(person: Any) -> dict[str, Any]:
        from linli_streetbank import services
        from linli_streetbank.models import ServiceRecord

        services_count = await ServiceRecord.filter(person_id=person.id).count()
        return {"balance": await services.balance_of(person), "services": services_count}

    return [PersonSection(N_("Street bank points"), "streetbank/person_section.html", load)]


async def _open_vouchers(community: Community) -> int:
    from linli_streetbank import services

    return await services.open_vouchers(community)


async def _holders(community: Community) -> int:
    from linli_streetbank import services

    return await services.holders(community)


@hookimpl
def linli_disable_consequences(community: Community) -> list[Consequence]:
    """Switched off, the street bank's pages answer 404: issued vouchers cannot be
    shown or verified, and points cannot be spent (nothing is deleted)."""
    return [
        Consequence(
            N_("%(count)s vouchers issued and not yet used would no longer be honoured."),
            _open_vouchers,
        ),
        Consequence(N_("%(count)s residents hold points they could no longer spend."), _holders),
    ]


PERMISSIONS = [
    Permission("streetbank.use", N_("Use the street bank: balance, catalogue and vouchers")),
    Permission("streetbank.verify", N_("Verify vouchers of a partner")),
    Permission("streetbank.record", N_("Record verified service")),
    Permission("streetbank.redeem_for", N_("Redeem points on behalf of a resident")),
    Permission("streetbank.manage", N_("Manage street bank accounts, catalogue and partners")),
    Permission("streetbank.figures", N_("See the street bank's figures")),
    Permission(
        "streetbank.approve",
        N_("Approve manual corrections above a worker's limit, and set the limits"),
    ),
]


@hookimpl
def linli_permissions() -> list[Permission]:
    return PERMISSIONS


@hookimpl
def linli_default_roles() -> list[Role]:
    return [
        Role("streetbank_member", N_("Street bank member"), ("streetbank.use",)),
        # extends the core's role: its holders at a partner's node operate that partner
        Role("merchant_operator", N_("Merchant operator"), ("streetbank.verify",)),
        Role(
            "streetbank_clerk",
            N_("Street bank clerk"),
            (
                "streetbank.record",
                "streetbank.redeem_for",
                "streetbank.manage",
                "streetbank.figures",
            ),
        ),
        # The checker of maker–checker: approves the corrections above a clerk's limit.
        Role(
            "streetbank_supervisor",
            N_("Street bank supervisor"),
            ("streetbank.approve", "streetbank.manage", "streetbank.figures"),
        ),
    ]


@click.group("streetbank")
def streetbank_command() -> None:
    """Street bank (街坊银行): check and maintain the points ledger."""


@streetbank_command.command("verify")
@click.option("--community", "slug", default="", help="Check one community (default: all).")
@pass_instance
def verify_command(instance: Instance, slug: str) -> None:
    """Check that every entry sums to zero and every balance equals its postings."""
    from linli_streetbank import services

    async def check() -> services.LedgerReport:
        community_id = None
        if slug:
            community = await Community.get_or_none(slug=slug)
            if community is None:
                raise click.ClickException(f"no community {slug}")
            community_id = community.id
        return await services.verify_ledger(community_id)

    report = instance.run(check)
    for line in report.lines():
        click.echo(line)
    if not report.ok:
        raise SystemExit(1)


@streetbank_command.command("expire-vouchers")
@pass_instance
def expire_vouchers_command(instance: Instance) -> None:
    """Lapse unused vouchers past their time and return their points (run daily)."""
    from linli_streetbank import services

    click.echo(f"{instance.run(services.expire_vouchers)} vouchers expired")


@streetbank_command.command("expire-points")
@click.argument("slug")
@click.argument("year", type=int)
@pass_instance
def expire_points_command(instance: Instance, slug: str, year: int) -> None:
    """Expire points that lapse at the end of YEAR, where the community switched it on."""
    from linli_streetbank import services

    async def run() -> dict[int, int]:
        community = await Community.get_or_none(slug=slug)
        if community is None:
            raise click.ClickException(f"no community {slug}")
        try:
            return (await services.expire_points(community, year)).value
        except services.StreetbankError as exc:
            raise click.ClickException(str(exc)) from exc

    done = instance.run(run)
    click.echo(f"{sum(done.values())} points expired on {len(done)} accounts")


@hookimpl
def linli_cli_commands() -> list[click.Command]:
    return [streetbank_command]


@hookimpl
def linli_audit_titles() -> dict[str, str]:
    """What the audit trail calls the streetbank plugin's actions and records."""
    return {
        "streetbank.adjust": N_("Points corrected"),
        "streetbank.adjust_request": N_("Correction asked for approval"),
        "streetbank.adjust_approve": N_("Correction approved"),
        "streetbank.adjust_reject": N_("Correction rejected"),
        "streetbank.category_save": N_("Service category saved"),
        "streetbank.operator_add": N_("Partner operator added"),
        "streetbank.partner_add": N_("Partner added"),
        "streetbank.redeem_on_behalf": N_("Redeemed on behalf"),
        "streetbank.settings": N_("Street bank settings changed"),
        # the street bank's settings before the core kept them (older audit entries)
        "streetbank.settings_save": N_("Street bank settings saved"),
        "streetbank.BankSettings": N_("Street bank settings"),
        "streetbank.LedgerAccount": N_("Points account"),
        "streetbank.Entry": N_("Ledger entry"),
        "streetbank.Adjustment": N_("Manual correction"),
        "streetbank.ServiceCategory": N_("Service category"),
        "streetbank.ServiceRecord": N_("Service record"),
        "streetbank.Partner": N_("Partner"),
        "streetbank.CatalogueItem": N_("Catalogue item"),
        "streetbank.Voucher": N_("Voucher"),
    }
