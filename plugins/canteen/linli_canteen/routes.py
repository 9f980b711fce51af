"""The canteen's pages: thin controllers that call :mod:`linli_canteen.services`.

Residents (``canteen.order``) see this week's menus and their own orders; volunteers
(``canteen.deliver``) see the runs assigned to them; workers order on behalf of
residents (``canteen.order_for``), run the canteen (``canteen.manage``), handle the
welfare alerts of the homes in their care (``canteen.alert.handle``) and see the figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.connection import ASGIConnection
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath, FromQuery, MultipartBody, URLEncodedBody
from litestar.response import Redirect, Response, Template
from tortoise.expressions import Q
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from linli.hierarchy.models import Node
from linli.i18n import N_
from linli.identity.models import Person
from linli.models import Community
from linli.uploads import Upload, UploadRefused, file_response, save_image
from linli.web.auth import community_node, current_actor, logged_in, requires
from linli.web.charts import bar_chart
from linli.web.errors import VisibleError, refusal, refused
from linli.web.site import site_of, translate
from linli_canteen import services
from linli_canteen.models import (
    DELIVERY,
    PERIODS,
    PLACED,
    Canteen,
    DeliveryRun,
    Diner,
    Dish,
    MealPeriod,
    MenuItem,
    Order,
    StandingOrder,
    SubsidyTier,
    WelfareAlert,
)

Req = Request[Any, Any, Any]
PER_PAGE = 50
OWN_PERMISSIONS = (
    "canteen.order",
    "canteen.order_for",
    "canteen.deliver",
    "canteen.manage",
    "canteen.figures",
)


# ----------------------------------------------------------------------------- helpers


def zone(request: Req) -> Any:
    return site_of(request).settings.zone


def today(request: Req) -> date:
    return services.local_day(services.now_utc(), zone(request))


def base(community: Community) -> str:
    return f"/c/{community.slug}/canteen"


def as_list(value: str | list[str]) -> list[str]:
    return value if isinstance(value, list) else [value] if value else []


def parse_date(request: Req, raw: str, default: date | None = None) -> date:
    if not raw.strip():
        if default is None:
            raise refused(request, N_("Enter the date as YYYY-MM-DD."))
        return default
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise refused(request, N_("Enter the date as YYYY-MM-DD.")) from None


def parse_int(request: Req, raw: str, default: int | None = None) -> int | None:
    if not raw.strip():
        return default
    try:
        return int(raw.strip())
    except ValueError:
        raise refused(request, N_("Enter a whole number.")) from None


def parse_float(request: Req, raw: str) -> float | None:
    if not raw.strip():
        return None
    try:
        return float(raw.strip())
    except ValueError:
        raise refused(request, N_("Enter both coordinates, as decimal degrees.")) from None


async def alert_node(connection: ASGIConnection[Any, Any, Any, Any]) -> Node:
    """Node resolver for the alerts pages: the visitor's outermost node where they may
    handle alerts (a grid worker's buildings), else the community node, which refuses."""
    actor = await current_actor(connection)
    paths = actor.paths_allowing("canteen.alert.handle")
    if paths:
        node = (
            await Node.filter(community_id=connection.state.community.id)
            .filter(Q(*[Q(path=p) for p in paths], join_type="OR"))
            .order_by("depth")
            .first()
        )
        if node is not None:
            return node
    return await community_node(connection)


async def page_context(request: Req, community: Community, **extra: Any) -> dict[str, Any]:
    """What every canteen page shows in its sub-navigation, and the labels."""
    actor = await current_actor(request)
    node = await community_node(request)
    allowed = {name.split(".", 1)[1] for name in OWN_PERMISSIONS if actor.can(name, node)}
    if actor.paths_allowing("canteen.alert.handle"):
        allowed.add("alerts")
    if actor.paths_allowing("canteen.deliver"):
        allowed.add("deliver")
    return {
        "base": base(community),
        "allowed": allowed,
        "period_labels": services.PERIOD_LABELS,
        "mode_labels": services.MODE_LABELS,
        "status_labels": services.STATUS_LABELS,
        "allergens": services.ALLERGENS,
        "weekday_labels": services.WEEKDAY_LABELS,
        "yuan": services.yuan,
        "zone": zone(request),
        **extra,
    }


async def own_person(request: Req) -> Person | None:
    actor = await current_actor(request)
    if actor.account is None or actor.account.person_id is None:
        return None
    return await Person.get_or_none(
        id=actor.account.person_id, community_id=request.state.community.id
    )


async def need_person(request: Req) -> Person:
    person = await own_person(request)
    if person is None:
        raise refused(request, N_("Your account is not linked to a resident record."))
    return person


async def find_person(request: Req, community: Community, who: str) -> Person:
    """A resident by register number (``#12``), phone or exact name."""
    who = who.strip()
    if who.startswith("#") and who[1:].isdigit():
        found = await Person.filter(community_id=community.id, id=int(who[1:])).limit(2)
    elif who:
        found = await Person.filter(Q(name=who) | Q(phone=who), community_id=community.id).limit(2)
    else:
        found = []
    if not found:
        raise refused(request, N_("No resident matches this name or phone."))
    if len(found) > 1:
        raise refused(
            request, N_("Several residents match; enter the phone or the register number (#id).")
        )
    return found[0]


async def canteens_of(community: Community) -> list[Canteen]:
    return list(await Canteen.filter(community_id=community.id, active=True))


async def chosen_canteen(community: Community, raw: str | int = "") -> Canteen | None:
    """The canteen named in the query, else the community's first."""
    query = Canteen.filter(community_id=community.id, active=True)
    if str(raw).isdigit():
        found = await query.filter(id=int(raw)).first()
        if found is not None:
            return found
    return await query.order_by("id").first()


async def canteen_or_404(community: Community, canteen_id: int | str) -> Canteen:
    found = None
    if str(canteen_id).isdigit():
        found = await Canteen.get_or_none(id=int(canteen_id), community_id=community.id)
    if found is None:
        raise NotFoundException()
    return found


# ----------------------------------------------------------------------------- forms


class OrderForm(msgspec.Struct):
    mode: str = "dine_in"


class OnBehalfForm(msgspec.Struct):
    person: str = ""
    item: str = ""
    mode: str = "dine_in"


class StandingForm(msgspec.Struct):
    canteen: str = ""
    period: str = "lunch"
    weekdays: str | list[str] = ""
    mode: str = "dine_in"
    starts_on: str = ""
    person: str = ""


class PauseForm(msgspec.Struct):
    starts_on: str = ""
    ends_on: str = ""
    reason: str = ""


class CanteenForm(msgspec.Struct):
    name: str = ""
    name_en: str = ""
    address: str = ""
    latitude: str = ""
    longitude: str = ""
    radius_m: str = "1500"
    open_days: str | list[str] = ""


class PeriodForm(msgspec.Struct):
    kind: str = "lunch"
    cutoff: str = ""
    capacity: str = ""
    active: str = ""


@dataclass
class DishForm:
    name: str = ""
    name_en: str = ""
    description: str = ""
    allergens: str | list[str] = ""
    soft: str = ""
    low_salt: str = ""
    low_sugar: str = ""
    photo: UploadFile | None = None


class MenuForm(msgspec.Struct):
    canteen: str = ""
    day: str = ""
    period: str = "lunch"
    dish: str = ""
    price: str = ""


class CopyForm(msgspec.Struct):
    canteen: str = ""
    week: str = ""
    weeks: str = "1"


class TierForm(msgspec.Struct):
    name: str = ""
    name_en: str = ""
    min_age: str = ""
    max_age: str = ""
    tag: str = ""
    kind: str = "fixed"
    amount: str = ""
    cap: str = ""
    active: str = ""


class DinerForm(msgspec.Struct):
    allergies: str | list[str] = ""
    notes: str = ""


class RunsForm(msgspec.Struct):
    canteen: str = ""
    day: str = ""
    period: str = "lunch"


class AssignForm(msgspec.Struct):
    volunteer: str = ""


class DayForm(msgspec.Struct):
    day: str = ""


class ResolveForm(msgspec.Struct):
    note: str = ""


# ---------------------------------------------------------------------------- resident


class ResidentController(Controller):
    path = "/"
    guards = [requires("canteen.order")]  # noqa: RUF012

    @get("/menu", name="canteen:menu")
    async def menu(
        self,
        request: Req,
        community: NamedDependency[Community],
        canteen: FromQuery[str] = "",
        week: FromQuery[str] = "",
    ) -> Template:
        chosen = await chosen_canteen(community, canteen)
        monday = parse_date(request, week, today(request))
        monday -= timedelta(days=monday.weekday())
        days = await services.week_menu(chosen, monday) if chosen else []
        context = await page_context(
            request,
            community,
            canteen=chosen,
            canteens=await canteens_of(community),
            days=days,
            monday=monday,
            today=today(request),
            previous=(monday - timedelta(days=7)).isoformat(),
            next=(monday + timedelta(days=7)).isoformat(),
        )
        return Template("canteen/menu.html", context=context)

    @get("/order/{item_id:int}", name="canteen:order_form")
    async def order_form(
        self, request: Req, community: NamedDependency[Community], item_id: FromPath[int]
    ) -> Template:
        item = await self._item(community, item_id)
        person = await own_person(request)
        context = await order_context(request, community, item, person)
        return Template("canteen/order.html", context=context)

    @post("/order/{item_id:int}", name="canteen:order")
    async def order(
        self,
        request: Req,
        community: NamedDependency[Community],
        item_id: FromPath[int],
        data: URLEncodedBody[OrderForm],
    ) -> Redirect:
        item = await self._item(community, item_id)
        person = await need_person(request)
        try:
            placed = await services.place_order(
                community,
                person=person,
                menu_item=item,
                mode=data.mode,
                actor=await current_actor(request),
                now=services.now_utc(),
                zone=zone(request),
            )
        except services.CanteenError as exc:
            raise refusal(request, exc) from exc
        return Redirect(f"{base(community)}/orders?placed={placed.id}", status_code=303)

    @get("/orders", name="canteen:orders")
    async def orders(
        self, request: Req, community: NamedDependency[Community], placed: FromQuery[int] = 0
    ) -> Template:
        person = await own_person(request)
        orders, standing = [], []
        if person is not None:
            orders = await services.orders_of(person, since=today(request) - timedelta(days=7))
            standing = await StandingOrder.filter(
                person_id=person.id, active=True
            ).prefetch_related("pauses")
        context = await page_context(
            request,
            community,
            person=person,
            orders=orders,
            standing=standing,
            placed=placed,
            today=today(request),
            canteens=await canteens_of(community),
            now=services.now_utc(),
        )
        return Template("canteen/orders.html", context=context)

    @post("/orders/{order_id:int}/cancel", name="canteen:cancel")
    async def cancel(
        self, request: Req, community: NamedDependency[Community], order_id: FromPath[int]
    ) -> Redirect:
        person = await need_person(request)
        order = await Order.get_or_none(id=order_id, person_id=person.id, community_id=community.id)
        if order is None:
            raise NotFoundException()
        try:
            await services.cancel_order(
                order,
                actor=await current_actor(request),
                now=services.now_utc(),
                zone=zone(request),
            )
        except services.CanteenError as exc:
            raise refusal(request, exc) from exc
        return Redirect(f"{base(community)}/orders", status_code=303)

    @post("/standing", name="canteen:standing")
    async def standing(
        self,
        request: Req,
        community: NamedDependency[Community],
        data: URLEncodedBody[StandingForm],
    ) -> Redirect:
        person = await need_person(request)
        await make_standing(request, community, person, data)
        return Redirect(f"{base(community)}/orders", status_code=303)

    @post("/standing/{standing_id:int}/pause", name="canteen:pause")
    async def pause(
        self,
        request: Req,
        community: NamedDependency[Community],
        standing_id: FromPath[int],
        data: URLEncodedBody[PauseForm],
    ) -> Redirect:
        standing = await self._standing(request, community, standing_id)
        await pause_standing(request, standing, data)
        return Redirect(f"{base(community)}/orders", status_code=303)

    @post("/standing/{standing_id:int}/stop", name="canteen:stop")
    async def stop(
        self, request: Req, community: NamedDependency[Community], standing_id: FromPath[int]
    ) -> Redirect:
        standing = await self._standing(request, community, standing_id)
        await services.stop_standing(
            standing, actor=await current_actor(request), today=today(request)
        )
        return Redirect(f"{base(community)}/orders", status_code=303)

    async def _item(self, community: Community, item_id: int) -> MenuItem:
        item = (
            await MenuItem.filter(id=item_id, canteen__community_id=community.id)
            .select_related("dish", "canteen")
            .first()
        )
        if item is None:
            raise NotFoundException()
        return item

    async def _standing(
        self, request: Req, community: Community, standing_id: int
    ) -> StandingOrder:
        person = await need_person(request)
        standing = await StandingOrder.get_or_none(
            id=standing_id, person_id=person.id, community_id=community.id
        )
        if standing is None:
            raise NotFoundException()
        return standing


async def order_context(
    request: Req, community: Community, item: MenuItem, person: Person | None, **extra: Any
) -> dict[str, Any]:
    """The order page: the dish, the diner's price breakdown and any allergy clash."""
    breakdown = clash = None
    period = await MealPeriod.get_or_none(canteen_id=item.canteen_id, kind=item.period)
    closes = services.cutoff_of(item.day, period, zone(request)) if period else None
    if person is not None:
        breakdown = await services.price_for(person, item.price, item.day)
        clash = services.conflicts(item.dish, await Diner.get_or_none(person_id=person.id))
    return await page_context(
        request,
        community,
        item=item,
        person=person,
        breakdown=breakdown,
        clash=clash or [],
        closes=closes,
        open=closes is not None and services.now_utc() < closes,
        **extra,
    )


async def make_standing(
    request: Req, community: Community, person: Person, data: StandingForm
) -> StandingOrder:
    canteen = await chosen_canteen(community, data.canteen)
    if canteen is None:
        raise NotFoundException()
    try:
        return await services.save_standing(
            community,
            person=person,
            canteen=canteen,
            period=data.period,
            weekdays="".join(as_list(data.weekdays)),
            mode=data.mode,
            starts_on=parse_date(request, data.starts_on, today(request) + timedelta(days=1)),
            actor=await current_actor(request),
        )
    except services.CanteenError as exc:
        raise refusal(request, exc) from exc


async def pause_standing(request: Req, standing: StandingOrder, data: PauseForm) -> None:
    try:
        await services.pause_standing(
            standing,
            starts_on=parse_date(request, data.starts_on),
            ends_on=parse_date(request, data.ends_on),
            reason=data.reason,
            actor=await current_actor(request),
            now=services.now_utc(),
            zone=zone(request),
        )
    except services.CanteenError as exc:
        raise refusal(request, exc) from exc


# ---------------------------------------------------------------------------- on behalf


class OnBehalfController(Controller):
    path = "/for"
    guards = [requires("canteen.order_for")]  # noqa: RUF012

    @get("/", name="canteen:for")
    async def page(
        self,
        request: Req,
        community: NamedDependency[Community],
        who: FromQuery[str] = "",
        canteen: FromQuery[str] = "",
    ) -> Template:
        person = await find_person(request, community, who) if who.strip() else None
        chosen = await chosen_canteen(community, canteen)
        day = today(request)
        items: list[MenuItem] = []
        standing: list[StandingOrder] = []
        orders: list[Order] = []
        if chosen is not None:
            items = list(
                await MenuItem.filter(
                    canteen_id=chosen.id, day__gte=day, day__lt=day + timedelta(days=7)
                )
                .select_related("dish")
                .order_by("day", "period", "price")
            )
        if person is not None:
            orders = await services.orders_of(person, since=day)
            standing = list(await StandingOrder.filter(person_id=person.id, active=True))
        context = await page_context(
            request,
            community,
            who=who,
            person=person,
            canteen=chosen,
            items=items,
            orders=orders,
            standing=standing,
            canteens=await canteens_of(community),
            today=day,
        )
        return Template("canteen/for.html", context=context)

    @post("/order", name="canteen:order_for")
    async def order(
        self,
        request: Req,
        community: NamedDependency[Community],
        data: URLEncodedBody[OnBehalfForm],
    ) -> Redirect:
        person = await find_person(request, community, data.person)
        item = None
        if data.item.isdigit():
            item = await MenuItem.get_or_none(id=int(data.item), canteen__community_id=community.id)
        if item is None:
            raise refused(request, N_("Choose a dish from the menu."))
        try:
            await services.place_order(
                community,
                person=person,
                menu_item=item,
                mode=data.mode,
                actor=await current_actor(request),
                now=services.now_utc(),
                zone=zone(request),
            )
        except services.CanteenError as exc:
            raise refusal(request, exc) from exc
        return Redirect(f"{base(community)}/for/?who=%23{person.id}&done=1", status_code=303)

    @post("/standing", name="canteen:standing_for")
    async def standing(
        self,
        request: Req,
        community: NamedDependency[Community],
        data: URLEncodedBody[StandingForm],
    ) -> Redirect:
        person = await find_person(request, community, data.person)
        await make_standing(request, community, person, data)
        return Redirect(f"{base(community)}/for/?who=%23{person.id}", status_code=303)

    @post("/orders/{order_id:int}/cancel", name="canteen:cancel_for")
    async def cancel(
        self, request: Req, community: NamedDependency[Community], order_id: FromPath[int]
    ) -> Redirect:
        order = await Order.get_or_none(id=order_id, community_id=community.id)
        if order is None:
            raise NotFoundException()
        try:
            await services.cancel_order(
                order,
                actor=await current_actor(request),
                now=services.now_utc(),
                zone=zone(request),
            )
        except services.CanteenError as exc:
            raise refusal(request, exc) from exc
        return Redirect(f"{base(community)}/for/?who=%23{order.person_id}", status_code=303)

    @post("/standing/{standing_id:int}/pause", name="canteen:pause_for")
    async def pause(
        self,
        request: Req,
        community: NamedDependency[Community],
        standing_id: FromPath[int],
        data: URLEncodedBody[PauseForm],
    ) -> Redirect:
        standing = await StandingOrder.get_or_none(id=standing_id, community_id=community.id)
        if standing is None:
            raise NotFoundException()
        await pause_standing(request, standing, data)
        return Redirect(f"{base(community)}/for/?who=%23{standing.person_id}", status_code=303)


# ---------------------------------------------------------------------------- volunteer


class RunsController(Controller):
    path = "/runs"
    guards = [requires("canteen.deliver")]  # noqa: RUF012

    @get("/", name="canteen:runs")
    async def runs(
        self, request: Req, community: NamedDependency[Community], day: FromQuery[str] = ""
    ) -> Template:
        person = await own_person(request)
        chosen = parse_date(request, day, today(request))
        runs = await services.my_runs(person, chosen) if person else []
        context = await page_context(request, community, person=person, runs=runs, day=chosen)
        return Template("canteen/runs.html", context=context)

    @post("/stops/{order_id:int}/delivered", name="canteen:delivered")
    async def delivered(
        self, request: Req, community: NamedDependency[Community], order_id: FromPath[int]
    ) -> Redirect:
        person = await need_person(request)
        try:
            await services.mark_delivered(
                order_id,
                volunteer=person,
                actor=await current_actor(request),
                now=services.now_utc(),
            )
        except services.CanteenError as exc:
            raise refusal(request, exc) from exc
        return Redirect(f"{base(community)}/runs/#stop-{order_id}", status_code=303)

    @post("/stops/{order_id:int}/no-answer", name="canteen:no_answer")
    async def no_answer(
        self, request: Req, community: NamedDependency[Community], order_id: FromPath[int]
    ) -> Redirect:
        person = await need_person(request)
        try:
            await services.mark_no_answer(
                order_id,
                volunteer=person,
                actor=await current_actor(request),
                now=services.now_utc(),
            )
        except services.CanteenError as exc:
            raise refusal(request, exc) from exc
        return Redirect(f"{base(community)}/runs/#stop-{order_id}", status_code=303)


# ---------------------------------------------------------------------------- staff


class ManageController(Controller):
    path = "/manage"
    guards = [requires("canteen.manage")]  # noqa: RUF012

    @get("/", name="canteen:manage")
    async def overview(
        self, request: Req, community: NamedDependency[Community], day: FromQuery[str] = ""
    ) -> Template:
        chosen = parse_date(request, day, today(request))
        canteens = await canteens_of(community)
        counts = (
            await Order.filter(community_id=community.id, day=chosen, status__not="cancelled")
            .group_by("canteen_id", "period", "mode")
            .annotate(n=Count("id"))
            .values_list("canteen_id", "period", "mode", "n")
        )
        table: dict[tuple[int, str], dict[str, int]] = {}
        for canteen_id, period, mode, n in counts:
            table.setdefault((canteen_id, period), {})[mode] = n
        periods = await MealPeriod.filter(canteen_id__in=[c.id for c in canteens])
        context = await page_context(
            request,
            community,
            day=chosen,
            canteens=canteens,
            periods=periods,
            table=table,
            open_alerts=await WelfareAlert.filter(
                community_id=community.id, resolved_at__isnull=True
            ).count(),
        )
        return Template("canteen/manage.html", context=context)

    @post("/standing/place", name="canteen:place_standing")
    async def place_standing(
        self, request: Req, community: NamedDependency[Community], data: URLEncodedBody[DayForm]
    ) -> Template:
        chosen = parse_date(request, data.day, today(request))
        report = await services.place_standing_orders(
            community, chosen, now=services.now_utc(), zone=zone(request)
        )
        context = await page_context(request, community, report=report, day=chosen)
        return Template("canteen/standing_report.html", context=context)

    # -- canteens and periods

    @get("/canteens", name="canteen:canteens")
    async def canteens(self, request: Req, community: NamedDependency[Community]) -> Template:
        rows = await Canteen.filter(community_id=community.id).prefetch_related("periods")
        context = await page_context(request, community, rows=rows, kinds=PERIODS)
        return Template("canteen/canteens.html", context=context)

    @post("/canteens", name="canteen:canteen_add")
    async def canteen_add(
        self, request: Req, community: NamedDependency[Community], data: URLEncodedBody[CanteenForm]
    ) -> Redirect:
        await self._save(request, community, None, data)
        return Redirect(f"{base(community)}/manage/canteens", status_code=303)

    @post("/canteens/{canteen_id:int}", name="canteen:canteen_edit")
    async def canteen_edit(
        self,
        request: Req,
        community: NamedDependency[Community],
        canteen_id: FromPath[int],
        data: URLEncodedBody[CanteenForm],
    ) -> Redirect:
        await self._save(request, community, await canteen_or_404(community, canteen_id), data)
        return Redirect(f"{base(community)}/manage/canteens", status_code=303)

    @post("/canteens/{canteen_id:int}/periods", name="canteen:period")
    async def period(
        self,
        request: Req,
        community: NamedDependency[Community],
        canteen_id: FromPath[int],
        data: URLEncodedBody[PeriodForm],
    ) -> Redirect:
        canteen = await canteen_or_404(community, canteen_id)
        try:
            await services.save_period(
                canteen,
                kind=data.kind,
                cutoff_minutes=services.parse_time(data.cutoff),
                capacity=parse_int(request, data.capacity, 0) or 0,
                active=bool(data.active),
                actor=await current_actor(request),
            )
        except services.CanteenError as exc:
            raise refusal(request, exc) from exc
        return Redirect(f"{base(community)}/manage/canteens", status_code=303)

    async def _save(
        self, request: Req, community: Community, canteen: Canteen | None, data: CanteenForm
    ) -> None:
        try:
            await services.save_canteen(
                community,
                canteen=canteen,
                name=data.name,
                name_en=data.name_en,
                address=data.address,
                latitude=parse_float(request, data.latitude),
                longitude=parse_float(request, data.longitude),
                radius_m=parse_int(request, data.radius_m, 1500) or 0,
                open_days="".join(as_list(data.open_days)),
                actor=await current_actor(request),
            )
        except services.CanteenError as exc:
            raise refusal(request, exc) from exc

    # -- dishes

    @get("/dishes", name="canteen:dishes")
    async def dishes(
        self, request: Req, community: NamedDependency[Community], page: FromQuery[int] = 1
    ) -> Template:
        page = max(page, 1)
        rows = (
            await Dish.filter(community_id=community.id)
            .order_by("name", "id")
            .offset((page - 1) * PER_PAGE)
            .limit(PER_PAGE)
        )
        context = await page_context(request, community, rows=rows, page=page, per_page=PER_PAGE)
        return Template("canteen/dishes.html", context=context)

    @post("/dishes", name="canteen:dish_add")
    async def dish_add(
        self, request: Req, community: NamedDependency[Community], data: MultipartBody[DishForm]
    ) -> Redirect:
        await self._save_dish(request, community, None, data)
        return Redirect(f"{base(community)}/manage/dishes", status_code=303)

    @post("/dishes/{dish_id:int}", name="canteen:dish_edit")
    async def dish_edit(
        self,
        request: Req,
        community: NamedDependency[Community],
        dish_id: FromPath[int],
        data: MultipartBody[DishForm],
    ) -> Redirect:
        dish = await Dish.get_or_none(id=dish_id, community_id=community.id)
        if dish is None:
            raise NotFoundException()
        await self._save_dish(request, community, dish, data)
        return Redirect(f"{base(community)}/manage/dishes", status_code=303)

    async def _save_dish(
        self, request: Req, community: Community, dish: Dish | None, data: DishForm
    ) -> None:
        actor = await current_actor(request)
        try:
            async with in_transaction():
                photo_id = None
                if data.photo is not None and data.photo.filename:
                    upload = await save_image(
                        community,
                        await data.photo.read(),
                        filename=data.photo.filename,
                        by=actor.account,
                    )
                    photo_id = upload.id
                await services.save_dish(
                    community,
                    dish=dish,
                    name=data.name,
                    name_en=data.name_en,
                    description=data.description,
                    allergens=as_list(data.allergens),
                    soft=bool(data.soft),
                    low_salt=bool(data.low_salt),
                    low_sugar=bool(data.low_sugar),
                    photo_id=photo_id,
                    actor=actor,
                )
        except UploadRefused as exc:
            raise VisibleError(
                status_code=exc.status, detail=translate(request, exc.message, **exc.values)
            ) from exc
        except services.CanteenError as exc:
            raise refusal(request, exc) from exc

    # -- menus

    @get("/menu", name="canteen:manage_menu")
    async def menu(
        self,
        request: Req,
        community: NamedDependency[Community],
        canteen: FromQuery[str] = "",
        week: FromQuery[str] = "",
    ) -> Template:
        chosen = await chosen_canteen(community, canteen)
        monday = parse_date(request, week, today(request))
        monday -= timedelta(days=monday.weekday())
        days = await services.week_menu(chosen, monday) if chosen else []
        dishes = await Dish.filter(community_id=community.id, active=True).only("id", "name")
        context = await page_context(
            request,
            community,
            canteen=chosen,
            canteens=await canteens_of(community),
            days=days,
            monday=monday,
            dishes=dishes,
            kinds=PERIODS,
            previous=(monday - timedelta(days=7)).isoformat(),
            next=(monday + timedelta(days=7)).isoformat(),
        )
        return Template("canteen/manage_menu.html", context=context)

    @post("/menu", name="canteen:menu_add")
    async def menu_add(
        self, request: Req, community: NamedDependency[Community], data: URLEncodedBody[MenuForm]
    ) -> Redirect:
        canteen = await canteen_or_404(community, data.canteen)
        dish = None
        if data.dish.isdigit():
            dish = await Dish.get_or_none(id=int(data.dish), community_id=community.id)
        if dish is None:
            raise refused(request, N_("Choose a dish."))
        day = parse_date(request, data.day)
        try:
            await services.set_menu_item(
                canteen,
                day=day,
                period=data.period,
                dish=dish,
                price=services.parse_yuan(data.price),
                actor=await current_actor(request),
            )
        except services.CanteenError as exc:
            raise refusal(request, exc) from exc
        return Redirect(
            f"{base(community)}/manage/menu?canteen={canteen.id}&week={day.isoformat()}",
            status_code=303,
        )

    @post("/menu/{item_id:int}/remove", name="canteen:menu_remove")
    async def menu_remove(
        self, request: Req, community: NamedDependency[Community], item_id: FromPath[int]
    ) -> Redirect:
        item = await MenuItem.get_or_none(id=item_id, canteen__community_id=community.id)
        if item is None:
            raise NotFoundException()
        try:
            await services.remove_menu_item(item, actor=await current_actor(request))
        except services.CanteenError as exc:
            raise refusal(request, exc) from exc
        return Redirect(
            f"{base(community)}/manage/menu?canteen={item.canteen_id}&week={item.day.isoformat()}",
            status_code=303,
        )

    @post("/menu/copy", name="canteen:menu_copy")
    async def menu_copy(
        self, request: Req, community: NamedDependency[Community], data: URLEncodedBody[CopyForm]
    ) -> Redirect:
        canteen = await canteen_or_404(community, data.canteen)
        week = parse_date(request, data.week)
        weeks = parse_int(request, data.weeks, 1) or 1
        if not 1 <= weeks <= 8:
            raise refused(request, N_("Copy to between 1 and 8 weeks."))
        try:
            await services.copy_week(canteen, week, weeks=weeks, actor=await current_actor(request))
        except services.CanteenError as exc:
            raise refusal(request, exc) from exc
        return Redirect(
            f"{base(community)}/manage/menu?canteen={canteen.id}"
            f"&week={(week + timedelta(days=7)).isoformat()}",
            status_code=303,
        )

    # -- subsidy tiers

    @get("/tiers", name="canteen:tiers")
    async def tiers(self, request: Req, community: NamedDependency[Community]) -> Template:
        rows = await SubsidyTier.filter(community_id=community.id)
        context = await page_context(request, community, rows=rows)
        return Template("canteen/tiers.html", context=context)

    @post("/tiers", name="canteen:tier_add")
    async def tier_add(
        self, request: Req, community: NamedDependency[Community], data: URLEncodedBody[TierForm]
    ) -> Redirect:
        await self._save_tier(request, community, None, data)
        return Redirect(f"{base(community)}/manage/tiers", status_code=303)

    @post("/tiers/{tier_id:int}", name="canteen:tier_edit")
    async def tier_edit(
        self,
        request: Req,
        community: NamedDependency[Community],
        tier_id: FromPath[int],
        data: URLEncodedBody[TierForm],
    ) -> Redirect:
        tier = await SubsidyTier.get_or_none(id=tier_id, community_id=community.id)
        if tier is None:
            raise NotFoundException()
        await self._save_tier(request, community, tier, data)
        return Redirect(f"{base(community)}/manage/tiers", status_code=303)

    async def _save_tier(
        self, request: Req, community: Community, tier: SubsidyTier | None, data: TierForm
    ) -> None:
        try:
            amount = (
                services.parse_yuan(data.amount)
                if data.kind == "fixed"
                else parse_int(request, data.amount, 0) or 0
            )
            await services.save_tier(
                community,
                tier=tier,
                name=data.name,
                name_en=data.name_en,
                min_age=parse_int(request, data.min_age),
                max_age=parse_int(request, data.max_age),
                tag=data.tag,
                kind=data.kind,
                amount=amount,
                cap=services.parse_yuan(data.cap) if data.cap.strip() else None,
                active=tier is None or bool(data.active),
                actor=await current_actor(request),
            )
        except services.CanteenError as exc:
            raise refusal(request, exc) from exc

    # -- diners

    @get("/diners/{person_id:int}", name="canteen:diner")
    async def diner(
        self, request: Req, community: NamedDependency[Community], person_id: FromPath[int]
    ) -> Template:
        person = await Person.get_or_none(id=person_id, community_id=community.id)
        if person is None:
            raise NotFoundException()
        context = await page_context(
            request, community, person=person, diner=await Diner.get_or_none(person_id=person.id)
        )
        return Template("canteen/diner.html", context=context)

    @post("/diners/{person_id:int}", name="canteen:diner_save")
    async def diner_save(
        self,
        request: Req,
        community: NamedDependency[Community],
        person_id: FromPath[int],
        data: URLEncodedBody[DinerForm],
    ) -> Redirect:
        person = await Person.get_or_none(id=person_id, community_id=community.id)
        if person is None:
            raise NotFoundException()
        await services.save_diner(
            person,
            allergies=as_list(data.allergies),
            notes=data.notes,
            actor=await current_actor(request),
        )
        return Redirect(f"{base(community)}/manage/diners/{person.id}", status_code=303)

    # -- orders, runs and sheets

    @get("/orders", name="canteen:manage_orders")
    async def orders(
        self,
        request: Req,
        community: NamedDependency[Community],
        day: FromQuery[str] = "",
        page: FromQuery[int] = 1,
    ) -> Template:
        chosen = parse_date(request, day, today(request))
        page = max(page, 1)
        rows = (
            await Order.filter(community_id=community.id, day=chosen)
            .select_related("person", "dish", "placed_by")
            .order_by("period", "mode", "id")
            .offset((page - 1) * PER_PAGE)
            .limit(PER_PAGE)
        )
        context = await page_context(
            request, community, rows=rows, day=chosen, page=page, per_page=PER_PAGE
        )
        return Template("canteen/manage_orders.html", context=context)

    @get("/runs", name="canteen:manage_runs")
    async def runs(
        self,
        request: Req,
        community: NamedDependency[Community],
        canteen: FromQuery[str] = "",
        day: FromQuery[str] = "",
        period: FromQuery[str] = "lunch",
    ) -> Template:
        chosen = await chosen_canteen(community, canteen)
        when = parse_date(request, day, today(request))
        period = period if period in PERIODS else "lunch"
        runs = await services.runs_of(chosen, when, period) if chosen else []
        loose = 0
        if chosen is not None:
            loose = await Order.filter(
                canteen_id=chosen.id,
                day=when,
                period=period,
                mode=DELIVERY,
                status=PLACED,
                run_id__isnull=True,
            ).count()
        context = await page_context(
            request,
            community,
            canteen=chosen,
            canteens=await canteens_of(community),
            day=when,
            period=period,
            runs=runs,
            loose=loose,
            kinds=PERIODS,
            volunteers=await services.volunteers(community),
        )
        return Template("canteen/manage_runs.html", context=context)

    @post("/runs/build", name="canteen:runs_build")
    async def runs_build(
        self, request: Req, community: NamedDependency[Community], data: URLEncodedBody[RunsForm]
    ) -> Redirect:
        canteen = await canteen_or_404(community, data.canteen)
        day = parse_date(request, data.day)
        try:
            await services.build_runs(
                canteen,
                day,
                data.period,
                now=services.now_utc(),
                zone=zone(request),
                actor=await current_actor(request),
            )
        except services.CanteenError as exc:
            raise refusal(request, exc) from exc
        return Redirect(
            f"{base(community)}/manage/runs?canteen={canteen.id}&day={day.isoformat()}"
            f"&period={data.period}",
            status_code=303,
        )

    @post("/runs/{run_id:int}/assign", name="canteen:run_assign")
    async def run_assign(
        self,
        request: Req,
        community: NamedDependency[Community],
        run_id: FromPath[int],
        data: URLEncodedBody[AssignForm],
    ) -> Redirect:
        run = await DeliveryRun.get_or_none(id=run_id, canteen__community_id=community.id)
        if run is None:
            raise NotFoundException()
        volunteer = None
        if data.volunteer.isdigit():
            allowed = {p.id: p for p in await services.volunteers(community)}
            volunteer = allowed.get(int(data.volunteer))
            if volunteer is None:
                raise refused(request, N_("Choose a delivery volunteer."))
        await services.assign_run(run, volunteer, actor=await current_actor(request))
        return Redirect(
            f"{base(community)}/manage/runs?canteen={run.canteen_id}&day={run.day.isoformat()}"
            f"&period={run.period}",
            status_code=303,
        )

    @get("/kitchen", name="canteen:kitchen")
    async def kitchen(
        self,
        request: Req,
        community: NamedDependency[Community],
        canteen: FromQuery[str] = "",
        day: FromQuery[str] = "",
    ) -> Template:
        chosen = await chosen_canteen(community, canteen)
        when = parse_date(request, day, today(request))
        lines, noted = await services.kitchen_sheet(chosen, when) if chosen else ([], [])
        context = await page_context(
            request,
            community,
            canteen=chosen,
            canteens=await canteens_of(community),
            day=when,
            lines=lines,
            noted=noted,
        )
        return Template("canteen/kitchen.html", context=context)

    @get("/sheets", name="canteen:sheets")
    async def sheets(
        self,
        request: Req,
        community: NamedDependency[Community],
        canteen: FromQuery[str] = "",
        day: FromQuery[str] = "",
        period: FromQuery[str] = "lunch",
    ) -> Template:
        chosen = await chosen_canteen(community, canteen)
        when = parse_date(request, day, today(request))
        period = period if period in PERIODS else "lunch"
        sheets = await services.delivery_sheets(chosen, when, period) if chosen else []
        context = await page_context(
            request, community, canteen=chosen, day=when, period=period, sheets=sheets
        )
        return Template("canteen/sheets.html", context=context)


# ---------------------------------------------------------------------------- dish photos


@get("/dishes/{dish_id:int}/photo", name="canteen:photo", guards=[logged_in])
async def dish_photo(
    community: NamedDependency[Community], dish_id: FromPath[int]
) -> Response[bytes]:
    """A dish's photo, for anyone logged in to this community (menus are not private)."""
    dish = await Dish.get_or_none(id=dish_id, community_id=community.id)
    if dish is None or dish.photo_id is None:
        raise NotFoundException()
    upload = await Upload.get_or_none(id=dish.photo_id, community_id=community.id)
    if upload is None:
        raise NotFoundException()
    return file_response(upload)


# ---------------------------------------------------------------------------- alerts


class AlertsController(Controller):
    path = "/alerts"
    guards = [requires("canteen.alert.handle", node=alert_node)]  # noqa: RUF012

    @get("/", name="canteen:alerts")
    async def alerts(
        self, request: Req, community: NamedDependency[Community], resolved: FromQuery[str] = ""
    ) -> Template:
        actor = await current_actor(request)
        rows = (
            await services.visible_alerts(actor, community, open_only=not resolved)
            .select_related("person", "node", "order__dish", "raised_by", "resolved_by")
            .limit(PER_PAGE)
        )
        context = await page_context(request, community, rows=rows, resolved=bool(resolved))
        return Template("canteen/alerts.html", context=context)

    @post("/{alert_id:int}/resolve", name="canteen:resolve")
    async def resolve(
        self,
        request: Req,
        community: NamedDependency[Community],
        alert_id: FromPath[int],
        data: URLEncodedBody[ResolveForm],
    ) -> Redirect:
        alert = await WelfareAlert.get_or_none(id=alert_id, community_id=community.id)
        if alert is None:
            raise NotFoundException()
        try:
            await services.resolve_alert(
                alert, note=data.note, actor=await current_actor(request), now=services.now_utc()
            )
        except services.CanteenError as exc:
            raise refusal(request, exc) from exc
        return Redirect(f"{base(community)}/alerts/", status_code=303)


# ----------------------------------------------------------------------------- figures


class FiguresController(Controller):
    path = "/figures"

    @get("/", name="canteen:figures", guards=[requires("canteen.figures")])
    async def figures(
        self,
        request: Req,
        community: NamedDependency[Community],
        month: FromQuery[str] = "",
    ) -> Template:
        now = today(request)
        try:
            year, number = (
                (int(part) for part in month.split("-")) if month else (now.year, now.month)
            )
            date(year, number, 1)
        except ValueError:
            raise refused(request, N_("Enter the month as YYYY-MM.")) from None
        data = await services.figures(community, year, number)
        context = await page_context(
            request,
            community,
            data=data,
            month=f"{year}-{number:02d}",
            daily=bar_chart(
                [(translate(request, N_("Meals")), data.meals_by_day)],
                [str(d.day) for d in data.days],
                tick_every=5,
            ),
            monthly=bar_chart(
                [(translate(request, N_("Meals")), data.meals_by_month)],
                [str(m) for m in range(1, 13)],
            ),
        )
        return Template("canteen/figures.html", context=context)


#: Where the canteen's link in the navigation leads each kind of visitor, in order.
START_PAGES = [
    ("canteen.order", "menu"),
    ("canteen.deliver", "runs/"),
    ("canteen.manage", "manage/"),
    ("canteen.order_for", "for/"),
    ("canteen.alert.handle", "alerts/"),
    ("canteen.figures", "figures/"),
]


@get("/", name="canteen:start", guards=[logged_in])
async def start(request: Req, community: NamedDependency[Community]) -> Redirect:
    """The navigation's entry: a resident's menu, a volunteer's runs, a worker's desk."""
    actor = await current_actor(request)
    for permission, page in START_PAGES:
        if any(
            permission in held.permissions and held.community_id == community.id
            for held in actor.grants
        ):
            return Redirect(f"{base(community)}/{page}", status_code=303)
    raise PermissionDeniedException()


ROUTES = [
    start,
    dish_photo,
    ResidentController,
    OnBehalfController,
    RunsController,
    ManageController,
    AlertsController,
    FiguresController,
]
