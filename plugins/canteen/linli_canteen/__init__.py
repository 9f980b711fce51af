"""幸福食堂 (happiness canteen): menus and subsidised meals for the elderly, dine-in or
delivered within the canteen's radius by volunteers, with welfare alerts when nobody
opens the door. See ``docs/plugins/canteen.md``.
"""

from __future__ import annotations

from datetime import date
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
    hookimpl,
    pass_instance,
)

manifest = Manifest(
    name="canteen",
    title={"zh_CN": "幸福食堂", "en": "Happiness canteen"},
    description={
        "zh_CN": "老年助餐：菜单、分档补贴、堂食与1.5公里内送餐、送餐路线与关怀提醒",
        "en": "Meals for the elderly: menus, subsidy tiers, dine-in and delivery within "
        "1.5 km, delivery runs and welfare alerts",
    },
    version="0.1.0",
    linli_api=">=2.3,<3",
    nav_order=30,
    icon="utensils",
)


@hookimpl
def linli_sections() -> list[Section]:
    """The canteen's tabs. The first one a visitor may open is where the canteen's link
    takes them: a resident's menu, a volunteer's runs, a worker's day."""
    return [
        Section(N_("This week's menu"), "menu", permission="canteen.order"),
        Section(N_("My meals"), "orders", permission="canteen.order"),
        Section(N_("My delivery runs"), "runs/", permission="canteen.deliver"),
        Section(N_("Today"), "manage/", permission="canteen.manage"),
        Section(N_("Menus"), "manage/menu", permission="canteen.manage"),
        Section(N_("Dishes"), "manage/dishes", permission="canteen.manage"),
        Section(N_("Subsidies"), "manage/tiers", permission="canteen.manage"),
        Section(N_("Delivery runs"), "manage/runs", permission="canteen.manage"),
        Section(N_("Canteens"), "manage/canteens", permission="canteen.manage"),
        Section(N_("Order for a resident"), "for/", permission="canteen.order_for"),
        Section(N_("Welfare alerts"), "alerts/", permission="canteen.alert.handle"),
        Section(N_("Figures"), "figures/", permission="canteen.figures"),
    ]


@hookimpl
def linli_dashboard_widgets(community: Community) -> list[Widget]:
    async def load(community: Community) -> dict[str, Any]:
        from linli_canteen import services

        today = services.local_day(services.now_utc(), services.instance_zone())
        return await services.summary(community, today)

    return [Widget(N_("Happiness canteen"), "canteen/widget.html", load, order=30)]


@hookimpl
def linli_home_items(community: Community, actor: Any) -> list[HomeItem]:
    from linli_canteen import services

    today = services.local_day(services.now_utc(), services.instance_zone())
    return services.home_items(community, actor, today)


@hookimpl
def linli_person_sections(person: Any, actor: Any) -> list[PersonSection]:
    async def load(person: Any) -> dict[str, Any]:
        from linli_canteen import services

        today = services.local_day(services.now_utc(), services.instance_zone())
        return await services.person_summary(person, today)

    return [PersonSection(N_("Canteen"), "canteen/person_section.html", load)]


@hookimpl
def linli_disable_consequences(community: Community) -> list[Consequence]:
    """Switching the canteen off stops today's meals and leaves the open welfare alerts
    without a page to resolve them on. "Today" is in the community's time zone."""
    from linli_canteen import services

    return [
        Consequence(
            N_("%(count)s meals ordered for today would not be delivered"),
            services.undelivered_today,
        ),
        Consequence(
            N_("%(count)s dine-in meals ordered for today would not be served"),
            services.unserved_today,
        ),
        Consequence(
            N_("%(count)s welfare alerts are still open and could no longer be resolved"),
            services.open_alerts,
        ),
    ]


PERMISSIONS = [
    Permission("canteen.order", N_("Order meals for oneself")),
    Permission("canteen.order_for", N_("Order meals on behalf of residents")),
    Permission("canteen.deliver", N_("Deliver meals on one's delivery runs")),
    Permission("canteen.manage", N_("Manage canteens, menus, subsidies, orders and runs")),
    Permission("canteen.alert.handle", N_("See and resolve welfare alerts")),
    Permission("canteen.figures", N_("See the canteen's figures")),
]


@hookimpl
def linli_permissions() -> list[Permission]:
    return PERMISSIONS


@hookimpl
def linli_default_roles() -> list[Role]:
    return [
        Role("canteen_diner", N_("Canteen diner"), ("canteen.order",)),
        # extends the core's roles
        Role("volunteer", N_("Volunteer"), ("canteen.order_for", "canteen.deliver")),
        Role(
            "community_worker",
            N_("Community worker"),
            ("canteen.order_for", "canteen.manage", "canteen.alert.handle", "canteen.figures"),
        ),
        # a grid worker is on duty for the welfare alerts of the buildings in their grid
        Role("grid_worker", N_("Grid worker"), ("canteen.alert.handle",)),
        Role(
            "canteen_manager",
            N_("Canteen manager"),
            ("canteen.order_for", "canteen.manage", "canteen.figures"),
        ),
        Role("meal_volunteer", N_("Meal delivery volunteer"), ("canteen.deliver",)),
    ]


@click.group("canteen")
def canteen_command() -> None:
    """Happiness canteen (幸福食堂): daily jobs."""


@canteen_command.command("standing")
@click.argument("slug")
@click.option("--day", default="", help="The day to order for, YYYY-MM-DD (default: today).")
@pass_instance
def standing_command(instance: Instance, slug: str, day: str) -> None:
    """Place the meals standing orders ask for on DAY (run it before the cut-off)."""
    from linli_canteen import services

    async def run() -> services.StandingReport:
        community = await Community.get_or_none(slug=slug)
        if community is None:
            raise click.ClickException(f"no community {slug}")
        now = services.now_utc()
        zone = instance.settings.zone
        chosen = date.fromisoformat(day) if day else services.local_day(now, zone)
        return await services.place_standing_orders(community, chosen, now=now, zone=zone)

    report = instance.run(run)
    click.echo(
        f"{report.placed} meals ordered, {report.already} already ordered, "
        f"{len(report.refused)} refused"
    )
    for standing_id, message in report.refused:
        click.echo(f"  standing order {standing_id}: {message}")


@hookimpl
def linli_cli_commands() -> list[click.Command]:
    return [canteen_command]


@hookimpl
def linli_audit_titles() -> dict[str, str]:
    """What the audit trail calls the canteen plugin's actions and records."""
    return {
        "canteen.alert.resolve": N_("Welfare alert resolved"),
        "canteen.canteen.save": N_("Canteen saved"),
        "canteen.diner.save": N_("Diner saved"),
        "canteen.dish.save": N_("Dish saved"),
        "canteen.menu.copy_week": N_("Week's menu copied"),
        "canteen.menu.remove": N_("Dish taken off the menu"),
        "canteen.menu.set": N_("Menu set"),
        "canteen.order.cancel": N_("Order cancelled"),
        "canteen.order.on_behalf": N_("Meal ordered on behalf"),
        "canteen.period.save": N_("Meal time saved"),
        "canteen.run.assign": N_("Delivery run assigned"),
        "canteen.runs.build": N_("Delivery runs made"),
        "canteen.standing.create": N_("Standing order created"),
        "canteen.standing.pause": N_("Standing order paused"),
        "canteen.standing.stop": N_("Standing order stopped"),
        "canteen.stop.undo": N_("Delivery mark undone"),
        "canteen.tier.save": N_("Subsidy tier saved"),
        "canteen.Canteen": N_("Canteen"),
        "canteen.MealPeriod": N_("Meal time"),
        "canteen.Dish": N_("Dish"),
        "canteen.MenuItem": N_("Menu item"),
        "canteen.SubsidyTier": N_("Subsidy tier"),
        "canteen.Diner": N_("Diner"),
        "canteen.StandingOrder": N_("Standing order"),
        "canteen.StandingPause": N_("Pause of a standing order"),
        "canteen.DeliveryRun": N_("Delivery run"),
        "canteen.Order": N_("Meal order"),
        "canteen.WelfareAlert": N_("Welfare alert"),
    }
