"""街坊银行 (street bank): residents earn points for verified service and redeem them
with partner units and merchants. A double-entry, append-only ledger that never loses
or invents a point. See ``docs/plugins/streetbank.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import msgspec

from linli import EventHandler, Manifest, NavItem, Permission, Role, Widget, hookimpl
from linli.cli import Instance, pass_instance
from linli.events import Event
from linli.i18n import N_
from linli.models import Community
from linli.plugins import Consequence, PersonSection
from linli.settings import current_zone
from linli_streetbank.settings import BankSettings

HERE = Path(__file__).parent

manifest = Manifest(
    name="streetbank",
    title={"zh_CN": "街坊银行", "en": "Street bank"},
    description={
        "zh_CN": "志愿服务积分:居民服务得积分,在共建单位和商户兑换商品与服务",
        "en": "Points for verified volunteer service, redeemed with partner units and merchants",
    },
    version="0.1.0",
    community_settings=BankSettings,
)


class ServiceVerified(msgspec.Struct):
    """The street bank's view of the shared ``service.verified``: whoever organised a
    person's service verified it. ``category`` is the key of a street bank service
    category; ``reference`` identifies the service (one credit per reference)."""

    person: int
    hours: float
    category: str
    reference: str = ""


async def credit_verified_service(event: Event) -> None:
    """Credit the points of a verified service, once per service."""
    from linli_streetbank import services

    if event.community_id is None:
        raise ValueError("service.verified needs a community")
    payload: ServiceVerified = event.payload
    await services.credit_verified_service(
        event.community_id,
        person_id=payload.person,
        hours=payload.hours,
        category_key=payload.category,
        reference=payload.reference,
        event_id=str(event.id),
        now=event.created_at,
    )


#: The service category that rewards a canteen meal delivered to an elderly resident's door.
MEAL_DELIVERY_CATEGORY = "meal-delivery"


async def credit_meal_delivery(event: Event) -> None:
    """Credit one task of the ``meal-delivery`` category to the volunteer of a delivered
    canteen order, once per delivery (an undone delivery marked again earns again,
    never two points at once). A community without that category does not reward
    deliveries: adding the category is how it switches the reward on."""
    from linli_streetbank import services

    if event.community_id is None:
        raise ValueError("canteen.delivery_done needs a community")
    if not await services.has_category(event.community_id, MEAL_DELIVERY_CATEGORY):
        return
    payload = event.payload
    await services.credit_undoable_service(
        event.community_id,
        person_id=payload.volunteer,
        hours=1,
        category_key=MEAL_DELIVERY_CATEGORY,
        reference=f"canteen.delivery:{payload.order}",
        event_id=str(event.id),
        now=event.created_at,
    )


async def reverse_meal_delivery(event: Event) -> None:
    """A volunteer undid a "delivered" mark (``canteen.delivery_undone``): reverse the
    point its ``canteen.delivery_done`` credited, if any, once. Marking the stop
    delivered again credits it again."""
    from linli_streetbank import services

    if event.community_id is None:
        raise ValueError("canteen.delivery_undone needs a community")
    await services.reverse_undone_service(
        event.community_id,
        reference=f"canteen.delivery:{event.payload.order}",
        event_id=str(event.id),
        now=event.created_at,
    )


@hookimpl
def linli_tortoise_apps() -> dict[str, dict[str, Any]]:
    return {
        "streetbank": {
            "models": ["linli_streetbank.models"],
            "migrations": "linli_streetbank.migrations",
        }
    }


@hookimpl
def linli_routes() -> list[Any]:
    from linli_streetbank.routes import ROUTES

    return ROUTES


@hookimpl
def linli_template_dirs() -> list[Path]:
    return [HERE / "templates"]


@hookimpl
def linli_static_dirs() -> list[Path]:
    return [HERE / "static"]


@hookimpl
def linli_locale_dirs() -> list[Path]:
    return [HERE / "locale"]


@hookimpl
def linli_nav_items(community: Community) -> list[NavItem]:
    return [NavItem(N_("Street bank"), "streetbank/", order=20)]


@hookimpl
def linli_dashboard_widgets(community: Community) -> list[Widget]:
    async def load(community: Community) -> dict[str, Any]:
        from linli_streetbank import services

        return await services.summary(community, zone=current_zone())

    return [Widget(N_("Street bank"), "streetbank/widget.html", load, order=20)]


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


@hookimpl
def linli_event_handlers() -> list[EventHandler]:
    return [
        EventHandler(
            "service.verified", "credit_service", credit_verified_service, payload=ServiceVerified
        ),
        EventHandler("canteen.delivery_done", "credit_meal_delivery", credit_meal_delivery),
        EventHandler("canteen.delivery_undone", "reverse_meal_delivery", reverse_meal_delivery),
    ]


@hookimpl
def linli_demo_data() -> Any:
    from linli_streetbank.demo import seed

    return seed


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
