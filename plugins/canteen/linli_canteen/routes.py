"""The canteen's pages: thin controllers that call :mod:`linli_canteen.services`.

Residents (``canteen.order``) see this week's menus and their own orders; volunteers
(``canteen.deliver``) see the runs assigned to them; workers order on behalf of
residents (``canteen.order_for``), run the canteen (``canteen.manage``), handle the
welfare alerts of the homes in their care (``canteen.alert.handle``) and see the figures.

Every form lets a refusal through: the application shows the form's page again
(:func:`~linli.kit.form_page`) with the message beside the field, the input kept, the
refusal's status, nothing changed. A page with several forms is told which one failed
(``failed``, a key such as ``"pause-12"``, from the route: :func:`form_on`) so that only
that form shows the error and the input. Every write ends with a one-time message
(:func:`~linli.kit.flash`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.connection import ASGIConnection
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery, MultipartBody, URLEncodedBody
from litestar.response import Redirect, Response, Template
from tortoise.expressions import Q
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from linli.kit import (
    N_,
    Actor,
    Community,
    Node,
    Person,
    Refusal,
    Upload,
    UploadRefused,
    addresses,
    as_list,
    bar_chart,
    community_node,
    confirmation,
    current_actor,
    file_response,
    find_person,
    flash,
    form_page,
    form_values,
    is_confirmed,
    language_of,
    logged_in,
    need_person,
    own_person,
    parse_date,
    parse_float,
    requires,
    save_image,
    site_of,
    today_of,
    translate,
    zone_of,
)
from linli_canteen import services
from linli_canteen.models import (
    DELIVERED,
    DELIVERY,
    NO_ANSWER,
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
#: The whole numbers the forms take: form field → (lowest, highest, message saying so
#: with its unit).
WEEKS = (1, 8, services.WEEKS_RANGE)
CAPACITY = (0, 10_000, services.CAPACITY_RANGE)
RADIUS = (1, 20_000, services.RADIUS_RANGE)
AGE = (0, services.MAX_AGE, services.AGE_RANGE)
PERCENT = (0, 100, N_("A percentage is between 0 and 100."))
#: The route option naming the form a route handles on a page with several.
FORM_KEY = "canteen_form"


# ----------------------------------------------------------------------------- helpers


def base(community: Community) -> str:
    return f"/c/{community.slug}/canteen"


def see_other(url: str) -> Redirect:
    return Redirect(url, status_code=303)


def form_on(
    template: str, context: Callable[..., Awaitable[Any]], key: str = "", **opt: Any
) -> dict[str, Any]:
    """The route option of a form on ``template``, a page whose GET builds its context
    with the coroutine ``context``: a refusal shows that page again. ``key`` names the
    form among the page's others (``"pause-{standing_id}"``, filled in from the path),
    so that only that form shows the refusal and the visitor's input."""
    return form_page(template, context, **{FORM_KEY: key}, **opt)


def failed_form(request: Req) -> str:
    """The key of the form the current route handles: on a refused post, the form that
    shows the refusal and the input ("" where the page's GET shows it)."""
    handler = request.scope.get("route_handler")
    key = handler.opt.get(FORM_KEY, "") if handler is not None else ""
    return str(key).format(**request.path_params)


def whole_number(
    raw: str, bounds: tuple[int, int, str], *, field: str, default: int | None = None
) -> int | None:
    """A form's whole number within ``bounds``; anything else (a word, 500 where 100 is
    the most) is refused with the message that says the limits, beside ``field``."""
    low, high, message = bounds
    text = raw.strip()
    if not text:
        return default
    if len(text) > 12 or not text.removeprefix("-").isdecimal() or not low <= int(text) <= high:
        raise services.CanteenError(message, field=field)
    return int(text)


def required_date(raw: str, field: str) -> date:
    """The date a form must give; refused about ``field`` when missing or malformed."""
    day = parse_date(raw, field, required=True)
    assert day is not None  # required: a refusal otherwise
    return day


def some_date(raw: str, default: date) -> date:
    """The day a form names, or ``default`` when it names none that can be read (a
    refused form's page shows that day)."""
    try:
        return parse_date(raw, "day") or default
    except Refusal:
        return default


def query_date(request: Req, raw: str) -> date:
    """A day from the address bar (a link or the day picker); a wrong one is refused
    (400) with the message saying how to write it."""
    return parse_date(raw, "day", today_of(request)) or today_of(request)


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
    """What every canteen page shows: its links' base, the labels, and which form a
    refused post came from (``failed``; the refusal and the input come with it)."""
    return {
        "base": base(community),
        "period_labels": services.PERIOD_LABELS,
        "mode_labels": services.MODE_LABELS,
        "status_labels": services.STATUS_LABELS,
        "allergens": services.ALLERGENS,
        "weekday_labels": services.WEEKDAY_LABELS,
        "yuan": services.yuan,
        "zone": zone_of(request),
        "form_error": None,
        "form": {},
        "failed": failed_form(request),
        **extra,
    }


async def canteens_of(community: Community) -> list[Canteen]:
    return list(await Canteen.filter(community_id=community.id, active=True))


async def chosen_canteen(community: Community, raw: str | int = "") -> Canteen | None:
    """The canteen named in the query, else the community's first."""
    query = Canteen.filter(community_id=community.id, active=True)
    if str(raw).isdecimal() and len(str(raw)) < 10:
        found = await query.filter(id=int(raw)).first()
        if found is not None:
            return found
    return await query.order_by("id").first()


async def canteen_or_404(community: Community, canteen_id: int | str) -> Canteen:
    found = None
    if str(canteen_id).isdecimal() and len(str(canteen_id)) < 10:
        found = await Canteen.get_or_none(id=int(canteen_id), community_id=community.id)
    if found is None:
        raise NotFoundException()
    return found


def status_text(request: Req, status: str) -> str:
    return translate(request, services.STATUS_LABELS.get(status, status))


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


class ConfirmForm(msgspec.Struct):
    """A one-click action that asks first: the confirmation page posts ``confirmed``."""

    confirmed: str = ""


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


async def menu_item_or_404(community: Community, item_id: int) -> MenuItem:
    item = (
        await MenuItem.filter(id=item_id, canteen__community_id=community.id)
        .select_related("dish", "canteen")
        .first()
    )
    if item is None:
        raise NotFoundException()
    return item


async def order_page(request: Req, community: Community, item_id: int) -> dict[str, Any]:
    """The order page: the dish, the diner's price breakdown and any allergy clash."""
    item = await menu_item_or_404(community, item_id)
    person = await own_person(request)
    breakdown = clash = None
    period = await MealPeriod.get_or_none(canteen_id=item.canteen_id, kind=item.period)
    closes = services.cutoff_of(item.day, period, zone_of(request)) if period else None
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
    )


async def orders_page(request: Req, community: Community, placed: int = 0) -> dict[str, Any]:
    """ "My meals": the resident's meals of the last week on, and their standing orders."""
    person = await own_person(request)
    today = today_of(request)
    orders, standing = [], []
    if person is not None:
        orders = await services.orders_of(person, since=today - timedelta(days=7))
        standing = await StandingOrder.filter(person_id=person.id, active=True).prefetch_related(
            "pauses"
        )
    return await page_context(
        request,
        community,
        person=person,
        orders=orders,
        standing=standing,
        placed=placed,
        today=today,
        canteens=await canteens_of(community),
        now=services.now_utc(),
    )


async def already_ordered(
    request: Req, person: Person, item: MenuItem, *, mine: bool
) -> Order | None:
    """After :class:`~linli_canteen.services.AlreadyOrdered`: the diner's live order for
    that meal, with a message saying so (``None`` if it vanished meanwhile)."""
    existing = await services.live_order(item.canteen_id, person.id, item.day, item.period)
    if existing is not None:
        flash(
            request,
            N_("You have already ordered this meal; here is your order.")
            if mine
            else N_("%(name)s already has an order for this meal; here it is."),
            name=person.name,
        )
    return existing


class ResidentController(Controller):
    path = "/"
    guards = [requires("canteen.order")]  # noqa: RUF012

    @get("/menu", name="canteen:menu")
    async def menu(
        self,
        request: Req,
        community: NamedDependency[Community],
        today: NamedDependency[date],
        canteen: FromQuery[str] = "",
        week: FromQuery[str] = "",
    ) -> Template:
        chosen = await chosen_canteen(community, canteen)
        monday = parse_date(week, "week", today) or today
        monday -= timedelta(days=monday.weekday())
        days = await services.week_menu(chosen, monday) if chosen else []
        if monday <= today < monday + timedelta(days=7):  # this week: from today on
            days = [menu_day for menu_day in days if menu_day.day >= today]
        context = await page_context(
            request,
            community,
            canteen=chosen,
            canteens=await canteens_of(community),
            days=days,
            monday=monday,
            today=today,
            previous=(monday - timedelta(days=7)).isoformat(),
            next=(monday + timedelta(days=7)).isoformat(),
        )
        return Template("canteen/menu.html", context=context)

    @get("/order/{item_id:int}", name="canteen:order_form")
    async def order_form(
        self, request: Req, community: NamedDependency[Community], item_id: FromPath[int]
    ) -> Template:
        return Template("canteen/order.html", context=await order_page(request, community, item_id))

    @post(
        "/order/{item_id:int}",
        name="canteen:order",
        opt=form_on("canteen/order.html", order_page),
    )
    async def order(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        item_id: FromPath[int],
        data: URLEncodedBody[OrderForm],
    ) -> Redirect:
        item = await menu_item_or_404(community, item_id)
        person = await need_person(request)
        try:
            placed = await services.place_order(
                community,
                person=person,
                menu_item=item,
                mode=data.mode,
                actor=actor,
                now=services.now_utc(),
                zone=zone_of(request),
            )
        except services.AlreadyOrdered:
            placed = await already_ordered(request, person, item, mine=True)
            if placed is None:
                raise
        else:
            flash(request, N_("Ordered."))
        return see_other(f"{base(community)}/orders?placed={placed.id}#order-{placed.id}")

    @get("/orders", name="canteen:orders")
    async def orders(
        self, request: Req, community: NamedDependency[Community], placed: FromQuery[int] = 0
    ) -> Template:
        return Template(
            "canteen/orders.html", context=await orders_page(request, community, placed)
        )

    @post(
        "/orders/{order_id:int}/cancel",
        name="canteen:cancel",
        opt=form_on("canteen/orders.html", orders_page, "cancel-{order_id}"),
    )
    async def cancel(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        order_id: FromPath[int],
    ) -> Redirect:
        person = await need_person(request)
        order = await Order.get_or_none(id=order_id, person_id=person.id, community_id=community.id)
        if order is None:
            raise NotFoundException()
        await services.cancel_order(
            order, actor=actor, now=services.now_utc(), zone=zone_of(request)
        )
        flash(request, N_("The meal is cancelled."))
        return see_other(f"{base(community)}/orders")

    @post(
        "/standing",
        name="canteen:standing",
        opt=form_on("canteen/orders.html", orders_page, "standing"),
    )
    async def standing(
        self,
        request: Req,
        community: NamedDependency[Community],
        data: URLEncodedBody[StandingForm],
    ) -> Redirect:
        await make_standing(request, community, await need_person(request), data)
        flash(request, N_("The standing order is started."))
        return see_other(f"{base(community)}/orders")

    @post(
        "/standing/{standing_id:int}/pause",
        name="canteen:pause",
        opt=form_on("canteen/orders.html", orders_page, "pause-{standing_id}"),
    )
    async def pause(
        self,
        request: Req,
        community: NamedDependency[Community],
        standing_id: FromPath[int],
        data: URLEncodedBody[PauseForm],
    ) -> Redirect:
        standing = await self._standing(request, community, standing_id)
        await pause_standing(request, standing, data)
        flash(request, N_("The standing order is paused."))
        return see_other(f"{base(community)}/orders")

    @post("/standing/{standing_id:int}/stop", name="canteen:stop")
    async def stop(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        today: NamedDependency[date],
        standing_id: FromPath[int],
        data: URLEncodedBody[ConfirmForm],
    ) -> Template | Redirect:
        standing = await self._standing(request, community, standing_id)
        if not is_confirmed(data.confirmed):
            return confirmation(
                request,
                question=translate(request, N_("Stop this standing order?")),
                consequences=[
                    translate(
                        request,
                        N_(
                            "No more meals will be ordered by it. Meals already ordered "
                            "stay ordered; cancel them one by one if you need to."
                        ),
                    )
                ],
                action=f"{base(community)}/standing/{standing.id}/stop",
                back=f"{base(community)}/orders",
                confirm_label=translate(request, N_("Stop this standing order")),
                fields=form_values(data),
            )
        await services.stop_standing(standing, actor=actor, today=today)
        flash(request, N_("The standing order is stopped."))
        return see_other(f"{base(community)}/orders")

    async def _standing(
        self, request: Req, community: Community, standing_id: int
    ) -> StandingOrder:
        person = await need_person(request)
        standing = await StandingOrder.get_or_none(
            id=standing_id, person_id=person.id, community_id=community.id, active=True
        )
        if standing is None:
            raise NotFoundException()
        return standing


async def make_standing(
    request: Req, community: Community, person: Person, data: StandingForm
) -> StandingOrder:
    """Start the standing order ``data`` asks for; a refusal says which field."""
    canteen = await chosen_canteen(community, data.canteen)
    if canteen is None:
        raise NotFoundException()
    tomorrow = today_of(request) + timedelta(days=1)
    return await services.save_standing(
        community,
        person=person,
        canteen=canteen,
        period=data.period,
        weekdays="".join(as_list(data.weekdays)),
        mode=data.mode,
        starts_on=parse_date(data.starts_on, "starts_on", tomorrow) or tomorrow,
        actor=await current_actor(request),
    )


async def pause_standing(request: Req, standing: StandingOrder, data: PauseForm) -> None:
    await services.pause_standing(
        standing,
        starts_on=required_date(data.starts_on, "starts_on"),
        ends_on=required_date(data.ends_on, "ends_on"),
        reason=data.reason,
        actor=await current_actor(request),
        now=services.now_utc(),
        zone=zone_of(request),
    )


# ---------------------------------------------------------------------------- on behalf


async def for_context(
    request: Req,
    community: Community,
    who: str = "",
    person: Person | None = None,
    canteen: str = "",
) -> dict[str, Any]:
    """Ordering for a resident: the resident found, the coming week's menu (by day and
    time of day), their meals and standing orders."""
    chosen = await chosen_canteen(community, canteen)
    day = today_of(request)
    items: list[MenuItem] = []
    standing: list[StandingOrder] = []
    orders: list[Order] = []
    if chosen is not None:
        items = sorted(
            await MenuItem.filter(
                canteen_id=chosen.id, day__gte=day, day__lt=day + timedelta(days=7)
            ).select_related("dish"),
            key=lambda i: (i.day, services.period_rank(i.period), i.price, i.id),
        )
    if person is not None:
        orders = await services.orders_of(person, since=day)
        standing = list(await StandingOrder.filter(person_id=person.id, active=True))
    return await page_context(
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


async def for_page(
    request: Req,
    community: Community,
    form: dict[str, Any],
    order_id: int = 0,
    standing_id: int = 0,
) -> dict[str, Any]:
    """The page again after a refused form: for the resident whose order or standing
    order the form was about, or whom it names (a hidden ``#id``); after a refused
    search, with what was searched for."""
    owner: Order | StandingOrder | None = None
    if order_id:
        owner = await Order.get_or_none(id=order_id, community_id=community.id)
    elif standing_id:
        owner = await StandingOrder.get_or_none(id=standing_id, community_id=community.id)
    if owner is not None:
        person = await Person.get(id=owner.person_id)
    elif form.get("person"):
        person = await resident_or_404(community, str(form["person"]))
    else:
        who, canteen = request.query_params.get("who", ""), request.query_params.get("canteen", "")
        return await for_context(request, community, who, None, canteen)
    return await for_context(request, community, f"#{person.id}", person)


async def resident_or_404(community: Community, raw: str) -> Person:
    """The resident a form on the page names (a hidden ``#id``): gone is 404."""
    try:
        person = await find_person(community, raw, field="person")
    except Refusal:
        raise NotFoundException() from None
    assert person is not None  # required: a refusal otherwise
    return person


def back_to(community: Community, person_id: int) -> str:
    return f"{base(community)}/for/?who=%23{person_id}"


class OnBehalfController(Controller):
    path = "/for"
    guards = [requires("canteen.order_for")]  # noqa: RUF012

    @get("/", name="canteen:for", opt=form_on("canteen/for.html", for_page, "who"))
    async def page(
        self,
        request: Req,
        community: NamedDependency[Community],
        who: FromQuery[str] = "",
        canteen: FromQuery[str] = "",
    ) -> Template:
        person = await find_person(community, who) if who.strip() else None
        context = await for_context(request, community, who, person, canteen)
        return Template("canteen/for.html", context=context)

    @post("/order", name="canteen:order_for", opt=form_on("canteen/for.html", for_page, "order"))
    async def order(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        data: URLEncodedBody[OnBehalfForm],
    ) -> Redirect:
        person = await resident_or_404(community, data.person)
        item = None
        if data.item.isdecimal() and len(data.item) < 10:
            item = await MenuItem.get_or_none(id=int(data.item), canteen__community_id=community.id)
        if item is None:
            raise services.CanteenError(N_("Choose a dish from the menu."), field="item")
        try:
            await services.place_order(
                community,
                person=person,
                menu_item=item,
                mode=data.mode,
                actor=actor,
                now=services.now_utc(),
                zone=zone_of(request),
            )
        except services.AlreadyOrdered:
            existing = await already_ordered(request, person, item, mine=False)
            if existing is None:
                raise
            return see_other(f"{back_to(community, person.id)}#order-{existing.id}")
        flash(request, N_("Ordered for %(name)s."), name=person.name)
        return see_other(back_to(community, person.id))

    @post(
        "/standing",
        name="canteen:standing_for",
        opt=form_on("canteen/for.html", for_page, "standing"),
    )
    async def standing(
        self,
        request: Req,
        community: NamedDependency[Community],
        data: URLEncodedBody[StandingForm],
    ) -> Redirect:
        person = await resident_or_404(community, data.person)
        await make_standing(request, community, person, data)
        flash(request, N_("The standing order is started."))
        return see_other(back_to(community, person.id))

    @post(
        "/orders/{order_id:int}/cancel",
        name="canteen:cancel_for",
        opt=form_on("canteen/for.html", for_page, "cancel-{order_id}"),
    )
    async def cancel(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        order_id: FromPath[int],
    ) -> Redirect:
        order = await Order.get_or_none(id=order_id, community_id=community.id)
        if order is None:
            raise NotFoundException()
        await services.cancel_order(
            order, actor=actor, now=services.now_utc(), zone=zone_of(request)
        )
        flash(request, N_("The meal is cancelled."))
        return see_other(back_to(community, order.person_id))

    @post(
        "/standing/{standing_id:int}/pause",
        name="canteen:pause_for",
        opt=form_on("canteen/for.html", for_page, "pause-{standing_id}"),
    )
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
        flash(request, N_("The standing order is paused."))
        return see_other(back_to(community, standing.person_id))


# ---------------------------------------------------------------------------- volunteer


async def runs_context(request: Req, community: Community, day: date) -> dict[str, Any]:
    """The volunteer's runs of ``day``, each stop with its flat's full address and, for
    the stops they marked a moment ago, until when they may undo the mark."""
    person = await own_person(request)
    runs = await services.my_runs(person, day) if person else []
    stops = [stop for _, run_stops in runs for stop in run_stops]
    deadlines = await services.undo_deadlines(stops, person, services.now_utc()) if person else {}
    places = await addresses([stop.home for stop in stops], language_of(request))
    return await page_context(
        request,
        community,
        person=person,
        runs=runs,
        day=day,
        undo_until=deadlines,
        places=places,
    )


async def stop_page(request: Req, community: Community, order_id: int) -> dict[str, Any]:
    """The runs page again after a refused undo: the day of that stop."""
    stop = await Order.get_or_none(id=order_id, community_id=community.id)
    return await runs_context(request, community, stop.day if stop else today_of(request))


#: The two marks of a stop: the question, what follows, the button and the message after.
MARKS = {
    DELIVERED: (
        N_("Mark the meal of %(name)s (%(place)s) as delivered?"),
        N_("The meal is handed over; the stop is done and counts as your volunteer service."),
        N_("Yes, delivered"),
        N_("Delivered: %(name)s. You can undo this for %(minutes)s minutes."),
    ),
    NO_ANSWER: (
        N_("Nobody opened the door at %(name)s (%(place)s)?"),
        N_("The community worker on duty gets a welfare alert and will check on the resident."),
        N_("Yes, nobody answered"),
        N_(
            "No answer at %(name)s: the community worker on duty is alerted. You can undo "
            "this for %(minutes)s minutes."
        ),
    ),
}


async def own_stop(request: Req, order_id: int) -> tuple[Person, Order]:
    """The visitor and a stop of one of their runs; anyone else's stop is 404."""
    person = await need_person(request)
    try:
        return person, await services.stop_of(order_id, person)
    except services.CanteenError as exc:
        raise NotFoundException() from exc


class RunsController(Controller):
    path = "/runs"
    guards = [requires("canteen.deliver")]  # noqa: RUF012

    @get("/", name="canteen:runs")
    async def runs(
        self, request: Req, community: NamedDependency[Community], day: FromQuery[str] = ""
    ) -> Template:
        context = await runs_context(request, community, query_date(request, day))
        return Template("canteen/runs.html", context=context)

    @post("/stops/{order_id:int}/delivered", name="canteen:delivered")
    async def delivered(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        order_id: FromPath[int],
        data: URLEncodedBody[ConfirmForm],
    ) -> Template | Redirect:
        return await self._mark(request, community, actor, order_id, data, DELIVERED)

    @post("/stops/{order_id:int}/no-answer", name="canteen:no_answer")
    async def no_answer(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        order_id: FromPath[int],
        data: URLEncodedBody[ConfirmForm],
    ) -> Template | Redirect:
        return await self._mark(request, community, actor, order_id, data, NO_ANSWER)

    async def _mark(
        self,
        request: Req,
        community: Community,
        actor: Actor,
        order_id: int,
        data: ConfirmForm,
        mark: str,
    ) -> Template | Redirect:
        """Ask first, then mark. A stop already marked (a second tap, another device)
        is not an error: the runs page shows its state and, while it lasts, the undo."""
        person, stop = await own_stop(request, order_id)
        back = f"{base(community)}/runs/?day={stop.day.isoformat()}#stop-{stop.id}"
        question, consequence, label, done = MARKS[mark]
        place = (await addresses([stop.home], language_of(request))).get(stop.home_id or 0, "")
        minutes = int(services.UNDO_WINDOW.total_seconds() // 60)
        if stop.status != PLACED:
            return self._already(request, back, stop.status)
        if not is_confirmed(data.confirmed):
            return confirmation(
                request,
                question=translate(request, question, name=stop.person.name, place=place),
                consequences=[
                    translate(request, consequence),
                    translate(
                        request,
                        N_("If you tap by mistake, you can undo it for %(minutes)s minutes."),
                        minutes=minutes,
                    ),
                ],
                action=f"{base(community)}/runs/stops/{stop.id}/"
                + ("delivered" if mark == DELIVERED else "no-answer"),
                back=back,
                confirm_label=translate(request, label),
                fields=form_values(data),
                danger=mark == NO_ANSWER,
            )
        mark_stop = services.mark_delivered if mark == DELIVERED else services.mark_no_answer
        try:
            await mark_stop(stop.id, volunteer=person, actor=actor, now=services.now_utc())
        except services.StopClosed:
            return self._already(request, back, (await Order.get(id=stop.id)).status)
        flash(request, done, name=stop.person.name, minutes=minutes)
        return see_other(back)

    def _already(self, request: Req, back: str, status: str) -> Redirect:
        flash(
            request,
            N_("This stop is already marked: %(status)s."),
            status=status_text(request, status),
        )
        return see_other(back)

    @post(
        "/stops/{order_id:int}/undo",
        name="canteen:undo",
        opt=form_on("canteen/runs.html", stop_page, "stop-{order_id}"),
    )
    async def undo(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        order_id: FromPath[int],
    ) -> Redirect:
        """Take back a mark made a moment ago (reversible, so no confirmation)."""
        person, stop = await own_stop(request, order_id)
        was = await services.undo_mark(
            stop.id, volunteer=person, actor=actor, now=services.now_utc()
        )
        flash(
            request,
            N_("Undone: the welfare alert is withdrawn; the stop for %(name)s is to do again.")
            if was == NO_ANSWER
            else N_("Undone: the stop for %(name)s is to do again."),
            name=stop.person.name,
        )
        return see_other(f"{base(community)}/runs/?day={stop.day.isoformat()}#stop-{stop.id}")


# ---------------------------------------------------------------------------- staff


async def overview_context(request: Req, community: Community, day: date) -> Any:
    """The canteen's day: meals per canteen and period (in the order of the day)."""
    canteens = await canteens_of(community)
    counts = (
        await Order.filter(community_id=community.id, day=day, status__not="cancelled")
        .group_by("canteen_id", "period", "mode")
        .annotate(n=Count("id"))
        .values_list("canteen_id", "period", "mode", "n")
    )
    table: dict[tuple[int, str], dict[str, int]] = {}
    for canteen_id, period, mode, n in counts:
        table.setdefault((canteen_id, period), {})[mode] = n
    periods = sorted(
        await MealPeriod.filter(canteen_id__in=[c.id for c in canteens]),
        key=lambda p: (services.period_rank(p.kind), p.id),
    )
    return await page_context(
        request,
        community,
        day=day,
        canteens=canteens,
        periods=periods,
        table=table,
        open_alerts=await WelfareAlert.filter(
            community_id=community.id, resolved_at__isnull=True
        ).count(),
    )


async def manage_page(request: Req, community: Community) -> Any:
    return await overview_context(request, community, today_of(request))


async def canteens_page(request: Req, community: Community) -> Any:
    rows = await Canteen.filter(community_id=community.id).prefetch_related("periods")
    for row in rows:
        row.meals = sorted(row.periods, key=lambda p: services.period_rank(p.kind))  # type: ignore[attr-defined]
    return await page_context(request, community, rows=rows, kinds=PERIODS)


async def dishes_page(request: Req, community: Community, page: int = 1) -> Any:
    page = max(page, 1)
    rows = (
        await Dish.filter(community_id=community.id)
        .order_by("name", "id")
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    )
    return await page_context(request, community, rows=rows, page=page, per_page=PER_PAGE)


async def menu_context(
    request: Req, community: Community, canteen: str | int = "", week: date | None = None
) -> Any:
    chosen = await chosen_canteen(community, canteen)
    monday = week or today_of(request)
    monday -= timedelta(days=monday.weekday())
    days = await services.week_menu(chosen, monday) if chosen else []
    dishes = await Dish.filter(community_id=community.id, active=True).only("id", "name")
    return await page_context(
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


async def menu_page(
    request: Req, community: Community, form: dict[str, Any], item_id: int = 0
) -> Any:
    """The week's menu again after a refused form: the week of the dish taken off, or
    of the canteen and day the form names."""
    item = await MenuItem.get_or_none(id=item_id, canteen__community_id=community.id)
    if item is not None:
        return await menu_context(request, community, item.canteen_id, item.day)
    day = some_date(str(form.get("day") or form.get("week") or ""), today_of(request))
    return await menu_context(request, community, str(form.get("canteen", "")), day)


async def tiers_page(request: Req, community: Community) -> Any:
    rows = await SubsidyTier.filter(community_id=community.id)
    return await page_context(request, community, rows=rows)


async def diner_page(request: Req, community: Community, person_id: int) -> Any:
    person = await Person.get_or_none(id=person_id, community_id=community.id)
    if person is None:
        raise NotFoundException()
    diner = await Diner.get_or_none(person_id=person.id)
    return await page_context(request, community, person=person, diner=diner)


async def manage_runs_context(
    request: Req,
    community: Community,
    canteen: str | int = "",
    day: date | None = None,
    period: str = "lunch",
) -> Any:
    chosen = await chosen_canteen(community, canteen)
    when = day or today_of(request)
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
    return await page_context(
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


async def manage_runs_page(
    request: Req, community: Community, form: dict[str, Any], run_id: int = 0
) -> Any:
    """The runs again after a refused form: those of the run being assigned, or of the
    canteen, day and meal the form names."""
    run = await DeliveryRun.get_or_none(id=run_id, canteen__community_id=community.id)
    if run is not None:
        return await manage_runs_context(request, community, run.canteen_id, run.day, run.period)
    day = some_date(str(form.get("day", "")), today_of(request))
    canteen, period = str(form.get("canteen", "")), str(form.get("period", "lunch"))
    return await manage_runs_context(request, community, canteen, day, period)


class ManageController(Controller):
    path = "/manage"
    guards = [requires("canteen.manage")]  # noqa: RUF012

    @get("/", name="canteen:manage")
    async def overview(
        self, request: Req, community: NamedDependency[Community], day: FromQuery[str] = ""
    ) -> Template:
        context = await overview_context(request, community, query_date(request, day))
        return Template("canteen/manage.html", context=context)

    @post(
        "/standing/place",
        name="canteen:place_standing",
        opt=form_on("canteen/manage.html", manage_page, "place"),
    )
    async def place_standing(
        self,
        request: Req,
        community: NamedDependency[Community],
        today: NamedDependency[date],
        data: URLEncodedBody[DayForm],
    ) -> Template:
        chosen = parse_date(data.day, "day", today) or today
        report = await services.place_standing_orders(
            community, chosen, now=services.now_utc(), zone=zone_of(request)
        )
        context = await page_context(request, community, report=report, day=chosen)
        return Template("canteen/standing_report.html", context=context)

    # -- canteens and periods

    @get("/canteens", name="canteen:canteens")
    async def canteens(self, request: Req, community: NamedDependency[Community]) -> Template:
        return Template("canteen/canteens.html", context=await canteens_page(request, community))

    @post(
        "/canteens",
        name="canteen:canteen_add",
        opt=form_on("canteen/canteens.html", canteens_page, "canteen-new"),
    )
    async def canteen_add(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        data: URLEncodedBody[CanteenForm],
    ) -> Redirect:
        return await self._save(request, community, actor, None, data)

    @post(
        "/canteens/{canteen_id:int}",
        name="canteen:canteen_edit",
        opt=form_on("canteen/canteens.html", canteens_page, "canteen-{canteen_id}"),
    )
    async def canteen_edit(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        canteen_id: FromPath[int],
        data: URLEncodedBody[CanteenForm],
    ) -> Redirect:
        canteen = await canteen_or_404(community, canteen_id)
        return await self._save(request, community, actor, canteen, data)

    @post(
        "/canteens/{canteen_id:int}/periods",
        name="canteen:period",
        opt=form_on("canteen/canteens.html", canteens_page, "period-{canteen_id}"),
    )
    async def period(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        canteen_id: FromPath[int],
        data: URLEncodedBody[PeriodForm],
    ) -> Redirect:
        canteen = await canteen_or_404(community, canteen_id)
        await services.save_period(
            canteen,
            kind=data.kind,
            cutoff_minutes=services.parse_time(data.cutoff),
            capacity=whole_number(data.capacity, CAPACITY, field="capacity", default=0) or 0,
            active=bool(data.active),
            actor=actor,
        )
        flash(request, N_("Saved."))
        return see_other(f"{base(community)}/manage/canteens")

    async def _save(
        self,
        request: Req,
        community: Community,
        actor: Actor,
        canteen: Canteen | None,
        data: CanteenForm,
    ) -> Redirect:
        await services.save_canteen(
            community,
            canteen=canteen,
            name=data.name,
            name_en=data.name_en,
            address=data.address,
            latitude=parse_float(data.latitude, "latitude"),
            longitude=parse_float(data.longitude, "longitude"),
            radius_m=whole_number(data.radius_m, RADIUS, field="radius_m", default=1500) or 0,
            open_days="".join(as_list(data.open_days)),
            actor=actor,
        )
        flash(request, N_("Saved."))
        return see_other(f"{base(community)}/manage/canteens")

    # -- dishes

    @get("/dishes", name="canteen:dishes")
    async def dishes(
        self, request: Req, community: NamedDependency[Community], page: FromQuery[int] = 1
    ) -> Template:
        return Template("canteen/dishes.html", context=await dishes_page(request, community, page))

    @post(
        "/dishes",
        name="canteen:dish_add",
        opt=form_on("canteen/dishes.html", dishes_page, "dish-new"),
    )
    async def dish_add(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        data: MultipartBody[DishForm],
    ) -> Redirect:
        return await self._save_dish(request, community, actor, None, data)

    @post(
        "/dishes/{dish_id:int}",
        name="canteen:dish_edit",
        opt=form_on("canteen/dishes.html", dishes_page, "dish-{dish_id}"),
    )
    async def dish_edit(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        dish_id: FromPath[int],
        data: MultipartBody[DishForm],
    ) -> Redirect:
        dish = await Dish.get_or_none(id=dish_id, community_id=community.id)
        if dish is None:
            raise NotFoundException()
        return await self._save_dish(request, community, actor, dish, data)

    async def _save_dish(
        self,
        request: Req,
        community: Community,
        actor: Actor,
        dish: Dish | None,
        data: DishForm,
    ) -> Redirect:
        async with in_transaction():
            photo_id = None
            if data.photo is not None and data.photo.filename:
                try:
                    upload = await save_image(
                        community,
                        await data.photo.read(),
                        filename=data.photo.filename,
                        by=actor.account,
                    )
                except UploadRefused as exc:
                    exc.field = "photo"
                    raise
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
        flash(request, N_("Saved."))
        return see_other(f"{base(community)}/manage/dishes")

    # -- menus

    @get("/menu", name="canteen:manage_menu")
    async def menu(
        self,
        request: Req,
        community: NamedDependency[Community],
        canteen: FromQuery[str] = "",
        week: FromQuery[str] = "",
    ) -> Template:
        context = await menu_context(request, community, canteen, query_date(request, week))
        return Template("canteen/manage_menu.html", context=context)

    @post(
        "/menu",
        name="canteen:menu_add",
        opt=form_on("canteen/manage_menu.html", menu_page, "menu"),
    )
    async def menu_add(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        data: URLEncodedBody[MenuForm],
    ) -> Redirect:
        canteen = await canteen_or_404(community, data.canteen)
        dish = None
        if data.dish.isdecimal() and len(data.dish) < 10:
            dish = await Dish.get_or_none(id=int(data.dish), community_id=community.id)
        day = required_date(data.day, "day")
        if dish is None:
            raise services.CanteenError(N_("Choose a dish."), field="dish")
        await services.set_menu_item(
            canteen,
            day=day,
            period=data.period,
            dish=dish,
            price=services.parse_yuan(data.price),
            actor=actor,
        )
        flash(request, N_("On the menu."))
        return see_other(
            f"{base(community)}/manage/menu?canteen={canteen.id}&week={day.isoformat()}"
        )

    @post(
        "/menu/{item_id:int}/remove",
        name="canteen:menu_remove",
        opt=form_on("canteen/manage_menu.html", menu_page, "remove-{item_id}"),
    )
    async def menu_remove(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        item_id: FromPath[int],
    ) -> Redirect:
        item = await MenuItem.get_or_none(id=item_id, canteen__community_id=community.id)
        if item is None:
            raise NotFoundException()
        await services.remove_menu_item(item, actor=actor)
        flash(request, N_("Taken off the menu."))
        return see_other(
            f"{base(community)}/manage/menu?canteen={item.canteen_id}&week={item.day.isoformat()}"
        )

    @post(
        "/menu/copy",
        name="canteen:menu_copy",
        opt=form_on("canteen/manage_menu.html", menu_page, "copy"),
    )
    async def menu_copy(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        data: URLEncodedBody[CopyForm],
    ) -> Redirect:
        canteen = await canteen_or_404(community, data.canteen)
        week = required_date(data.week, "week")
        weeks = whole_number(data.weeks, WEEKS, field="weeks", default=1) or 1
        made = await services.copy_week(canteen, week, weeks=weeks, actor=actor)
        flash(request, N_("%(n)s dishes copied."), n=made)
        return see_other(
            f"{base(community)}/manage/menu?canteen={canteen.id}"
            f"&week={(week + timedelta(days=7)).isoformat()}"
        )

    # -- subsidy tiers

    @get("/tiers", name="canteen:tiers")
    async def tiers(self, request: Req, community: NamedDependency[Community]) -> Template:
        return Template("canteen/tiers.html", context=await tiers_page(request, community))

    @post(
        "/tiers",
        name="canteen:tier_add",
        opt=form_on("canteen/tiers.html", tiers_page, "tier-new"),
    )
    async def tier_add(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        data: URLEncodedBody[TierForm],
    ) -> Redirect:
        return await self._save_tier(request, community, actor, None, data)

    @post(
        "/tiers/{tier_id:int}",
        name="canteen:tier_edit",
        opt=form_on("canteen/tiers.html", tiers_page, "tier-{tier_id}"),
    )
    async def tier_edit(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        tier_id: FromPath[int],
        data: URLEncodedBody[TierForm],
    ) -> Redirect:
        tier = await SubsidyTier.get_or_none(id=tier_id, community_id=community.id)
        if tier is None:
            raise NotFoundException()
        return await self._save_tier(request, community, actor, tier, data)

    async def _save_tier(
        self,
        request: Req,
        community: Community,
        actor: Actor,
        tier: SubsidyTier | None,
        data: TierForm,
    ) -> Redirect:
        amount = (
            services.parse_yuan(data.amount, field="amount")
            if data.kind == "fixed"
            else whole_number(data.amount, PERCENT, field="amount", default=0) or 0
        )
        await services.save_tier(
            community,
            tier=tier,
            name=data.name,
            name_en=data.name_en,
            min_age=whole_number(data.min_age, AGE, field="min_age"),
            max_age=whole_number(data.max_age, AGE, field="max_age"),
            tag=data.tag,
            kind=data.kind,
            amount=amount,
            cap=services.parse_yuan(data.cap, field="cap") if data.cap.strip() else None,
            active=tier is None or bool(data.active),
            actor=actor,
        )
        flash(request, N_("Saved."))
        return see_other(f"{base(community)}/manage/tiers")

    # -- diners

    @get("/diners/{person_id:int}", name="canteen:diner")
    async def diner(
        self, request: Req, community: NamedDependency[Community], person_id: FromPath[int]
    ) -> Template:
        return Template(
            "canteen/diner.html", context=await diner_page(request, community, person_id)
        )

    @post(
        "/diners/{person_id:int}",
        name="canteen:diner_save",
        opt=form_on("canteen/diner.html", diner_page, "diner"),
    )
    async def diner_save(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        person_id: FromPath[int],
        data: URLEncodedBody[DinerForm],
    ) -> Redirect:
        person = await Person.get_or_none(id=person_id, community_id=community.id)
        if person is None:
            raise NotFoundException()
        await services.save_diner(
            person, allergies=as_list(data.allergies), notes=data.notes, actor=actor
        )
        flash(request, N_("Saved."))
        return see_other(f"{base(community)}/manage/diners/{person.id}")

    # -- orders, runs and sheets

    @get("/orders", name="canteen:manage_orders")
    async def orders(
        self,
        request: Req,
        community: NamedDependency[Community],
        day: FromQuery[str] = "",
        page: FromQuery[int] = 1,
    ) -> Template:
        chosen = query_date(request, day)
        page = max(page, 1)
        rows = (
            await Order.filter(community_id=community.id, day=chosen)
            .annotate(meal_rank=services.in_day_order())
            .select_related("person", "dish", "placed_by")
            .order_by("meal_rank", "mode", "id")
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
        context = await manage_runs_context(
            request, community, canteen, query_date(request, day), period
        )
        return Template("canteen/manage_runs.html", context=context)

    @post(
        "/runs/build",
        name="canteen:runs_build",
        opt=form_on("canteen/manage_runs.html", manage_runs_page, "build"),
    )
    async def runs_build(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        data: URLEncodedBody[RunsForm],
    ) -> Redirect:
        canteen = await canteen_or_404(community, data.canteen)
        day = required_date(data.day, "day")
        runs = await services.build_runs(
            canteen, day, data.period, now=services.now_utc(), zone=zone_of(request), actor=actor
        )
        flash(request, N_("%(n)s runs made."), n=len(runs))
        return see_other(
            f"{base(community)}/manage/runs?canteen={canteen.id}&day={day.isoformat()}"
            f"&period={data.period}"
        )

    @post(
        "/runs/{run_id:int}/assign",
        name="canteen:run_assign",
        opt=form_on("canteen/manage_runs.html", manage_runs_page, "assign-{run_id}"),
    )
    async def run_assign(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        run_id: FromPath[int],
        data: URLEncodedBody[AssignForm],
    ) -> Redirect:
        run = await DeliveryRun.get_or_none(id=run_id, canteen__community_id=community.id)
        if run is None:
            raise NotFoundException()
        volunteer = None
        if data.volunteer:
            allowed = {str(p.id): p for p in await services.volunteers(community)}
            volunteer = allowed.get(data.volunteer)
            if volunteer is None:
                raise services.CanteenError(N_("Choose a delivery volunteer."), field="volunteer")
        await services.assign_run(run, volunteer, actor=actor)
        flash(
            request,
            N_("Assigned to %(name)s.") if volunteer else N_("Nobody is assigned now."),
            name=volunteer.name if volunteer else "",
        )
        return see_other(
            f"{base(community)}/manage/runs?canteen={run.canteen_id}&day={run.day.isoformat()}"
            f"&period={run.period}"
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
        when = query_date(request, day)
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
        when = query_date(request, day)
        period = period if period in PERIODS else "lunch"
        sheets = await services.delivery_sheets(chosen, when, period) if chosen else []
        places = await addresses(
            [stop.home for _, stops in sheets for stop in stops], language_of(request)
        )
        context = await page_context(
            request,
            community,
            canteen=chosen,
            day=when,
            period=period,
            sheets=sheets,
            places=places,
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


async def alerts_page(request: Req, community: Community, resolved: bool = False) -> Any:
    """The alerts the visitor is on duty for, each with the diner's full address."""
    actor = await current_actor(request)
    rows = (
        await services.visible_alerts(actor, community, open_only=not resolved)
        .select_related("person", "node", "order__dish", "raised_by", "resolved_by")
        .limit(PER_PAGE)
    )
    language = language_of(request)
    places = await addresses([row.node for row in rows], language)
    loaded = site_of(request).registry.loaded
    sources = {
        name: plugin.manifest.title.get(language) or plugin.manifest.title.get("zh_CN", name)
        for name, plugin in loaded.items()
    }
    return await page_context(
        request, community, rows=rows, resolved=resolved, places=places, sources=sources
    )


class AlertsController(Controller):
    path = "/alerts"
    guards = [requires("canteen.alert.handle", node=alert_node)]  # noqa: RUF012

    @get("/", name="canteen:alerts")
    async def alerts(
        self, request: Req, community: NamedDependency[Community], resolved: FromQuery[str] = ""
    ) -> Template:
        context = await alerts_page(request, community, bool(resolved))
        return Template("canteen/alerts.html", context=context)

    @post(
        "/{alert_id:int}/resolve",
        name="canteen:resolve",
        opt=form_on("canteen/alerts.html", alerts_page, "resolve-{alert_id}"),
    )
    async def resolve(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        alert_id: FromPath[int],
        data: URLEncodedBody[ResolveForm],
    ) -> Redirect:
        alert = await WelfareAlert.get_or_none(id=alert_id, community_id=community.id)
        if alert is None:
            raise NotFoundException()
        await services.resolve_alert(alert, note=data.note, actor=actor, now=services.now_utc())
        flash(request, N_("Resolved."))
        return see_other(f"{base(community)}/alerts/")


# ----------------------------------------------------------------------------- figures


class FiguresController(Controller):
    path = "/figures"

    @get("/", name="canteen:figures", guards=[requires("canteen.figures")])
    async def figures(
        self,
        request: Req,
        community: NamedDependency[Community],
        today: NamedDependency[date],
        month: FromQuery[str] = "",
    ) -> Template:
        try:
            year, number = (
                (int(part) for part in month.split("-")) if month else (today.year, today.month)
            )
            date(year, number, 1)
        except ValueError:
            raise Refusal(N_("Enter the month as YYYY-MM.")) from None
        data = await services.figures(community, year, number, zone_of(request))
        # no future zeros: the days and months that have not come yet are left out
        shown_days = sum(1 for day in data.days if day <= today)
        shown_months = today.month if year == today.year else 0 if year > today.year else 12
        data = dataclasses.replace(
            data,
            days=data.days[:shown_days],
            meals_by_day=data.meals_by_day[:shown_days],
            delivered_by_day=data.delivered_by_day[:shown_days],
            meals_by_month=data.meals_by_month[:shown_months],
        )
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
                [str(m) for m in range(1, shown_months + 1)],
            ),
        )
        return Template("canteen/figures.html", context=context)


ROUTES = [
    dish_photo,
    ResidentController,
    OnBehalfController,
    RunsController,
    ManageController,
    AlertsController,
    FiguresController,
]
