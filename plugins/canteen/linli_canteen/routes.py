"""The canteen's pages: thin controllers that call :mod:`linli_canteen.services`.

Residents (``canteen.order``) see this week's menus and their own orders; volunteers
(``canteen.deliver``) see the runs assigned to them; workers order on behalf of
residents (``canteen.order_for``), run the canteen (``canteen.manage``), handle the
welfare alerts of the homes in their care (``canteen.alert.handle``) and see the figures.

Every form answers a refusal with its page again (:func:`~linli.web.feedback.form_again`):
the message beside the field, the input kept, the refusal's status, nothing changed.
A page with several forms is told which one failed (``failed``, a key such as
``"pause-12"``) so that only that form shows the error and the input. Every write ends
with a one-time message (:func:`~linli.web.feedback.flash`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
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
from linli.hierarchy.services import addresses
from linli.i18n import N_
from linli.identity.models import Person
from linli.models import Community
from linli.refusals import Refusal
from linli.uploads import Upload, UploadRefused, file_response, save_image
from linli.web.auth import community_node, current_actor, logged_in, requires
from linli.web.charts import bar_chart
from linli.web.errors import refused
from linli.web.feedback import confirmation, flash, form_again, form_values, is_confirmed
from linli.web.site import language_of, site_of, translate
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
OWN_PERMISSIONS = (
    "canteen.order",
    "canteen.order_for",
    "canteen.deliver",
    "canteen.manage",
    "canteen.figures",
)
#: The integers the forms take: form field → (lowest, highest, message saying so).
WEEKS = (1, 8, services.WEEKS_RANGE)
CAPACITY = (0, 10_000, services.CAPACITY_RANGE)
RADIUS = (1, 20_000, services.RADIUS_RANGE)
AGE = (0, services.MAX_AGE, services.AGE_RANGE)
PERCENT = (0, 100, N_("A percentage is between 0 and 100."))


# ----------------------------------------------------------------------------- helpers


def zone(request: Req) -> Any:
    return site_of(request).settings.zone


def today(request: Req) -> date:
    return services.local_day(services.now_utc(), zone(request))


def base(community: Community) -> str:
    return f"/c/{community.slug}/canteen"


def see_other(url: str) -> Redirect:
    return Redirect(url, status_code=303)


def as_list(value: str | list[str]) -> list[str]:
    return value if isinstance(value, list) else [value] if value else []


def parse_date(raw: str, default: date | None = None, *, field: str = "day") -> date:
    """A form's date; a refusal about ``field`` if it is missing or not a date."""
    if not raw.strip():
        if default is None:
            raise services.CanteenError(N_("Enter the date as YYYY-MM-DD."), field=field)
        return default
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise services.CanteenError(N_("Enter the date as YYYY-MM-DD."), field=field) from None


def parse_int(
    raw: str, bounds: tuple[int, int, str], *, field: str, default: int | None = None
) -> int | None:
    """A form's whole number within ``bounds``; anything else (a word, 500 where 100 is
    the most) is refused with the message that says the limits, beside ``field``."""
    low, high, message = bounds
    if not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise services.CanteenError(message, field=field) from None
    if not low <= value <= high:
        raise services.CanteenError(message, field=field)
    return value


def parse_float(raw: str, *, field: str) -> float | None:
    if not raw.strip():
        return None
    try:
        return float(raw.strip())
    except ValueError:
        raise services.CanteenError(
            N_("Enter both coordinates, as decimal degrees."), field=field
        ) from None


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
    """What every canteen page shows in its sub-navigation, and the labels. A page
    rendered normally has no refusal to show (``form_error``, ``failed``)."""
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
        "form_error": None,
        "form": {},
        "failed": "",
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


async def find_person(community: Community, who: str, *, field: str = "who") -> Person:
    """A resident by register number (``#12``), phone or exact name."""
    who = who.strip()
    if who.startswith("#") and who[1:].isdecimal() and len(who) < 12:
        found = await Person.filter(community_id=community.id, id=int(who[1:])).limit(2)
    elif who:
        found = await Person.filter(Q(name=who) | Q(phone=who), community_id=community.id).limit(2)
    else:
        found = []
    if not found:
        raise services.CanteenError(N_("No resident matches this name or phone."), field=field)
    if len(found) > 1:
        raise services.CanteenError(
            N_("Several residents match; enter the phone or the register number (#id)."),
            field=field,
        )
    return found[0]


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


def dish_values(data: DishForm) -> dict[str, Any]:
    """A dish form's text fields, to fill it in again (a file is never sent back)."""
    return {f.name: getattr(data, f.name) for f in fields(data) if f.name != "photo"}


# ---------------------------------------------------------------------------- resident


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


async def orders_context(
    request: Req, community: Community, placed: int = 0, **extra: Any
) -> dict[str, Any]:
    """ "My meals": the resident's meals of the last week on, and their standing orders."""
    person = await own_person(request)
    orders, standing = [], []
    if person is not None:
        orders = await services.orders_of(person, since=today(request) - timedelta(days=7))
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
        today=today(request),
        canteens=await canteens_of(community),
        now=services.now_utc(),
        **extra,
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
        canteen: FromQuery[str] = "",
        week: FromQuery[str] = "",
    ) -> Template:
        chosen = await chosen_canteen(community, canteen)
        try:
            monday = parse_date(week, today(request), field="week")
        except services.CanteenError as exc:
            raise refused(request, exc.message, exc.status) from exc
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
    ) -> Template | Redirect:
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
        except services.AlreadyOrdered as exc:
            existing = await already_ordered(request, person, item, mine=True)
            if existing is None:
                context = await order_context(request, community, item, person)
                return form_again(request, "canteen/order.html", context, exc, data)
            return see_other(f"{base(community)}/orders?placed={existing.id}#order-{existing.id}")
        except services.CanteenError as exc:
            context = await order_context(request, community, item, person)
            return form_again(request, "canteen/order.html", context, exc, data)
        flash(request, N_("Ordered."))
        return see_other(f"{base(community)}/orders?placed={placed.id}#order-{placed.id}")

    @get("/orders", name="canteen:orders")
    async def orders(
        self, request: Req, community: NamedDependency[Community], placed: FromQuery[int] = 0
    ) -> Template:
        context = await orders_context(request, community, placed)
        return Template("canteen/orders.html", context=context)

    @post("/orders/{order_id:int}/cancel", name="canteen:cancel")
    async def cancel(
        self, request: Req, community: NamedDependency[Community], order_id: FromPath[int]
    ) -> Template | Redirect:
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
            context = await orders_context(request, community, failed=f"cancel-{order.id}")
            return form_again(request, "canteen/orders.html", context, exc)
        flash(request, N_("The meal is cancelled."))
        return see_other(f"{base(community)}/orders")

    @post("/standing", name="canteen:standing")
    async def standing(
        self,
        request: Req,
        community: NamedDependency[Community],
        data: URLEncodedBody[StandingForm],
    ) -> Template | Redirect:
        person = await need_person(request)
        try:
            await make_standing(request, community, person, data)
        except services.CanteenError as exc:
            context = await orders_context(request, community, failed="standing")
            return form_again(request, "canteen/orders.html", context, exc, data)
        flash(request, N_("The standing order is started."))
        return see_other(f"{base(community)}/orders")

    @post("/standing/{standing_id:int}/pause", name="canteen:pause")
    async def pause(
        self,
        request: Req,
        community: NamedDependency[Community],
        standing_id: FromPath[int],
        data: URLEncodedBody[PauseForm],
    ) -> Template | Redirect:
        standing = await self._standing(request, community, standing_id)
        try:
            await pause_standing(request, standing, data)
        except services.CanteenError as exc:
            context = await orders_context(request, community, failed=f"pause-{standing.id}")
            return form_again(request, "canteen/orders.html", context, exc, data)
        flash(request, N_("The standing order is paused."))
        return see_other(f"{base(community)}/orders")

    @post("/standing/{standing_id:int}/stop", name="canteen:stop")
    async def stop(
        self,
        request: Req,
        community: NamedDependency[Community],
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
        await services.stop_standing(
            standing, actor=await current_actor(request), today=today(request)
        )
        flash(request, N_("The standing order is stopped."))
        return see_other(f"{base(community)}/orders")

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
    return await services.save_standing(
        community,
        person=person,
        canteen=canteen,
        period=data.period,
        weekdays="".join(as_list(data.weekdays)),
        mode=data.mode,
        starts_on=parse_date(data.starts_on, today(request) + timedelta(days=1), field="starts_on"),
        actor=await current_actor(request),
    )


async def pause_standing(request: Req, standing: StandingOrder, data: PauseForm) -> None:
    await services.pause_standing(
        standing,
        starts_on=parse_date(data.starts_on, field="starts_on"),
        ends_on=parse_date(data.ends_on, field="ends_on"),
        reason=data.reason,
        actor=await current_actor(request),
        now=services.now_utc(),
        zone=zone(request),
    )


# ---------------------------------------------------------------------------- on behalf


async def for_context(
    request: Req,
    community: Community,
    who: str = "",
    person: Person | None = None,
    canteen: str = "",
    **extra: Any,
) -> dict[str, Any]:
    """Ordering for a resident: the resident found, the coming week's menu (by day and
    time of day), their meals and standing orders."""
    chosen = await chosen_canteen(community, canteen)
    day = today(request)
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
        **extra,
    )


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
        try:
            person = await find_person(community, who) if who.strip() else None
        except services.CanteenError as exc:
            context = await for_context(request, community, who, None, canteen, failed="who")
            return form_again(request, "canteen/for.html", context, exc, {"who": who})
        context = await for_context(request, community, who, person, canteen)
        return Template("canteen/for.html", context=context)

    async def _person(self, community: Community, raw: str) -> Person:
        """The resident a form on the page names (a hidden ``#id``): gone is 404."""
        try:
            return await find_person(community, raw, field="person")
        except services.CanteenError:
            raise NotFoundException() from None

    @post("/order", name="canteen:order_for")
    async def order(
        self,
        request: Req,
        community: NamedDependency[Community],
        data: URLEncodedBody[OnBehalfForm],
    ) -> Template | Redirect:
        person = await self._person(community, data.person)
        again = f"{base(community)}/for/?who=%23{person.id}"
        item = None
        if data.item.isdecimal() and len(data.item) < 10:
            item = await MenuItem.get_or_none(id=int(data.item), canteen__community_id=community.id)
        try:
            if item is None:
                raise services.CanteenError(N_("Choose a dish from the menu."), field="item")
            await services.place_order(
                community,
                person=person,
                menu_item=item,
                mode=data.mode,
                actor=await current_actor(request),
                now=services.now_utc(),
                zone=zone(request),
            )
        except services.AlreadyOrdered as exc:
            assert item is not None
            existing = await already_ordered(request, person, item, mine=False)
            if existing is None:
                context = await for_context(
                    request, community, f"#{person.id}", person, failed="order"
                )
                return form_again(request, "canteen/for.html", context, exc, data)
            return see_other(f"{again}#order-{existing.id}")
        except services.CanteenError as exc:
            context = await for_context(request, community, f"#{person.id}", person, failed="order")
            return form_again(request, "canteen/for.html", context, exc, data)
        flash(request, N_("Ordered for %(name)s."), name=person.name)
        return see_other(again)

    @post("/standing", name="canteen:standing_for")
    async def standing(
        self,
        request: Req,
        community: NamedDependency[Community],
        data: URLEncodedBody[StandingForm],
    ) -> Template | Redirect:
        person = await self._person(community, data.person)
        try:
            await make_standing(request, community, person, data)
        except services.CanteenError as exc:
            context = await for_context(
                request, community, f"#{person.id}", person, failed="standing"
            )
            return form_again(request, "canteen/for.html", context, exc, data)
        flash(request, N_("The standing order is started."))
        return see_other(f"{base(community)}/for/?who=%23{person.id}")

    @post("/orders/{order_id:int}/cancel", name="canteen:cancel_for")
    async def cancel(
        self, request: Req, community: NamedDependency[Community], order_id: FromPath[int]
    ) -> Template | Redirect:
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
            person = await Person.get(id=order.person_id)
            context = await for_context(
                request, community, f"#{person.id}", person, failed=f"cancel-{order.id}"
            )
            return form_again(request, "canteen/for.html", context, exc)
        flash(request, N_("The meal is cancelled."))
        return see_other(f"{base(community)}/for/?who=%23{order.person_id}")

    @post("/standing/{standing_id:int}/pause", name="canteen:pause_for")
    async def pause(
        self,
        request: Req,
        community: NamedDependency[Community],
        standing_id: FromPath[int],
        data: URLEncodedBody[PauseForm],
    ) -> Template | Redirect:
        standing = await StandingOrder.get_or_none(id=standing_id, community_id=community.id)
        if standing is None:
            raise NotFoundException()
        try:
            await pause_standing(request, standing, data)
        except services.CanteenError as exc:
            person = await Person.get(id=standing.person_id)
            context = await for_context(
                request, community, f"#{person.id}", person, failed=f"pause-{standing.id}"
            )
            return form_again(request, "canteen/for.html", context, exc, data)
        flash(request, N_("The standing order is paused."))
        return see_other(f"{base(community)}/for/?who=%23{standing.person_id}")


# ---------------------------------------------------------------------------- volunteer


async def runs_context(
    request: Req, community: Community, day: date, **extra: Any
) -> dict[str, Any]:
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
        **extra,
    )


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


class RunsController(Controller):
    path = "/runs"
    guards = [requires("canteen.deliver")]  # noqa: RUF012

    @get("/", name="canteen:runs")
    async def runs(
        self, request: Req, community: NamedDependency[Community], day: FromQuery[str] = ""
    ) -> Template:
        try:
            chosen = parse_date(day, today(request))
        except services.CanteenError as exc:
            raise refused(request, exc.message, exc.status) from exc
        context = await runs_context(request, community, chosen)
        return Template("canteen/runs.html", context=context)

    @post("/stops/{order_id:int}/delivered", name="canteen:delivered")
    async def delivered(
        self,
        request: Req,
        community: NamedDependency[Community],
        order_id: FromPath[int],
        data: URLEncodedBody[ConfirmForm],
    ) -> Template | Redirect:
        return await self._mark(request, community, order_id, data, DELIVERED)

    @post("/stops/{order_id:int}/no-answer", name="canteen:no_answer")
    async def no_answer(
        self,
        request: Req,
        community: NamedDependency[Community],
        order_id: FromPath[int],
        data: URLEncodedBody[ConfirmForm],
    ) -> Template | Redirect:
        return await self._mark(request, community, order_id, data, NO_ANSWER)

    async def _mark(
        self, request: Req, community: Community, order_id: int, data: ConfirmForm, mark: str
    ) -> Template | Redirect:
        """Ask first, then mark. A stop already marked (a second tap, another device)
        is not an error: the runs page shows its state and, while it lasts, the undo."""
        person = await need_person(request)
        try:
            stop = await services.stop_of(order_id, person)
        except services.CanteenError as exc:
            raise NotFoundException() from exc
        back = f"{base(community)}/runs/?day={stop.day.isoformat()}#stop-{stop.id}"
        question, consequence, label, done = MARKS[mark]
        place = (await addresses([stop.home], language_of(request))).get(stop.home_id or 0, "")
        minutes = int(services.UNDO_WINDOW.total_seconds() // 60)
        if stop.status != PLACED:
            flash(
                request,
                N_("This stop is already marked: %(status)s."),
                status=status_text(request, stop.status),
            )
            return see_other(back)
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
            await mark_stop(
                stop.id,
                volunteer=person,
                actor=await current_actor(request),
                now=services.now_utc(),
            )
        except services.StopClosed:
            current = await Order.get(id=stop.id)
            flash(
                request,
                N_("This stop is already marked: %(status)s."),
                status=status_text(request, current.status),
            )
            return see_other(back)
        flash(request, done, name=stop.person.name, minutes=minutes)
        return see_other(back)

    @post("/stops/{order_id:int}/undo", name="canteen:undo")
    async def undo(
        self, request: Req, community: NamedDependency[Community], order_id: FromPath[int]
    ) -> Template | Redirect:
        """Take back a mark made a moment ago (reversible, so no confirmation)."""
        person = await need_person(request)
        try:
            stop = await services.stop_of(order_id, person)
        except services.CanteenError as exc:
            raise NotFoundException() from exc
        try:
            was = await services.undo_mark(
                stop.id,
                volunteer=person,
                actor=await current_actor(request),
                now=services.now_utc(),
            )
        except services.CanteenError as exc:
            context = await runs_context(request, community, stop.day, failed=f"stop-{stop.id}")
            return form_again(request, "canteen/runs.html", context, exc)
        flash(
            request,
            N_("Undone: the welfare alert is withdrawn; the stop for %(name)s is to do again.")
            if was == NO_ANSWER
            else N_("Undone: the stop for %(name)s is to do again."),
            name=stop.person.name,
        )
        return see_other(f"{base(community)}/runs/?day={stop.day.isoformat()}#stop-{stop.id}")


# ---------------------------------------------------------------------------- staff


async def overview_context(request: Req, community: Community, day: date, **extra: Any) -> Any:
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
        **extra,
    )


async def canteens_context(request: Req, community: Community, **extra: Any) -> Any:
    rows = await Canteen.filter(community_id=community.id).prefetch_related("periods")
    for row in rows:
        row.meals = sorted(row.periods, key=lambda p: services.period_rank(p.kind))  # type: ignore[attr-defined]
    return await page_context(request, community, rows=rows, kinds=PERIODS, **extra)


async def dishes_context(request: Req, community: Community, page: int = 1, **extra: Any) -> Any:
    page = max(page, 1)
    rows = (
        await Dish.filter(community_id=community.id)
        .order_by("name", "id")
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    )
    return await page_context(request, community, rows=rows, page=page, per_page=PER_PAGE, **extra)


async def menu_context(
    request: Req,
    community: Community,
    canteen: str | int = "",
    week: date | None = None,
    **extra: Any,
) -> Any:
    chosen = await chosen_canteen(community, canteen)
    monday = week or today(request)
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
        **extra,
    )


async def tiers_context(request: Req, community: Community, **extra: Any) -> Any:
    rows = await SubsidyTier.filter(community_id=community.id)
    return await page_context(request, community, rows=rows, **extra)


async def manage_runs_context(
    request: Req,
    community: Community,
    canteen: str | int = "",
    day: date | None = None,
    period: str = "lunch",
    **extra: Any,
) -> Any:
    chosen = await chosen_canteen(community, canteen)
    when = day or today(request)
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
        **extra,
    )


def query_date(request: Req, raw: str) -> date:
    """A day from the address bar (a link or the day picker); a wrong one is 400."""
    try:
        return parse_date(raw, today(request))
    except services.CanteenError as exc:
        raise refused(request, exc.message, exc.status) from exc


class ManageController(Controller):
    path = "/manage"
    guards = [requires("canteen.manage")]  # noqa: RUF012

    @get("/", name="canteen:manage")
    async def overview(
        self, request: Req, community: NamedDependency[Community], day: FromQuery[str] = ""
    ) -> Template:
        context = await overview_context(request, community, query_date(request, day))
        return Template("canteen/manage.html", context=context)

    @post("/standing/place", name="canteen:place_standing")
    async def place_standing(
        self, request: Req, community: NamedDependency[Community], data: URLEncodedBody[DayForm]
    ) -> Template:
        try:
            chosen = parse_date(data.day, today(request))
        except services.CanteenError as exc:
            context = await overview_context(request, community, today(request), failed="place")
            return form_again(request, "canteen/manage.html", context, exc, data)
        report = await services.place_standing_orders(
            community, chosen, now=services.now_utc(), zone=zone(request)
        )
        context = await page_context(request, community, report=report, day=chosen)
        return Template("canteen/standing_report.html", context=context)

    # -- canteens and periods

    @get("/canteens", name="canteen:canteens")
    async def canteens(self, request: Req, community: NamedDependency[Community]) -> Template:
        return Template("canteen/canteens.html", context=await canteens_context(request, community))

    @post("/canteens", name="canteen:canteen_add")
    async def canteen_add(
        self, request: Req, community: NamedDependency[Community], data: URLEncodedBody[CanteenForm]
    ) -> Template | Redirect:
        return await self._save(request, community, None, data)

    @post("/canteens/{canteen_id:int}", name="canteen:canteen_edit")
    async def canteen_edit(
        self,
        request: Req,
        community: NamedDependency[Community],
        canteen_id: FromPath[int],
        data: URLEncodedBody[CanteenForm],
    ) -> Template | Redirect:
        return await self._save(
            request, community, await canteen_or_404(community, canteen_id), data
        )

    @post("/canteens/{canteen_id:int}/periods", name="canteen:period")
    async def period(
        self,
        request: Req,
        community: NamedDependency[Community],
        canteen_id: FromPath[int],
        data: URLEncodedBody[PeriodForm],
    ) -> Template | Redirect:
        canteen = await canteen_or_404(community, canteen_id)
        try:
            await services.save_period(
                canteen,
                kind=data.kind,
                cutoff_minutes=services.parse_time(data.cutoff),
                capacity=parse_int(data.capacity, CAPACITY, field="capacity", default=0) or 0,
                active=bool(data.active),
                actor=await current_actor(request),
            )
        except services.CanteenError as exc:
            context = await canteens_context(request, community, failed=f"period-{canteen.id}")
            return form_again(request, "canteen/canteens.html", context, exc, data)
        flash(request, N_("Saved."))
        return see_other(f"{base(community)}/manage/canteens")

    async def _save(
        self, request: Req, community: Community, canteen: Canteen | None, data: CanteenForm
    ) -> Template | Redirect:
        try:
            await services.save_canteen(
                community,
                canteen=canteen,
                name=data.name,
                name_en=data.name_en,
                address=data.address,
                latitude=parse_float(data.latitude, field="latitude"),
                longitude=parse_float(data.longitude, field="longitude"),
                radius_m=parse_int(data.radius_m, RADIUS, field="radius_m", default=1500) or 0,
                open_days="".join(as_list(data.open_days)),
                actor=await current_actor(request),
            )
        except services.CanteenError as exc:
            key = f"canteen-{canteen.id}" if canteen else "canteen-new"
            context = await canteens_context(request, community, failed=key)
            return form_again(request, "canteen/canteens.html", context, exc, data)
        flash(request, N_("Saved."))
        return see_other(f"{base(community)}/manage/canteens")

    # -- dishes

    @get("/dishes", name="canteen:dishes")
    async def dishes(
        self, request: Req, community: NamedDependency[Community], page: FromQuery[int] = 1
    ) -> Template:
        return Template(
            "canteen/dishes.html", context=await dishes_context(request, community, page)
        )

    @post("/dishes", name="canteen:dish_add")
    async def dish_add(
        self, request: Req, community: NamedDependency[Community], data: MultipartBody[DishForm]
    ) -> Template | Redirect:
        return await self._save_dish(request, community, None, data)

    @post("/dishes/{dish_id:int}", name="canteen:dish_edit")
    async def dish_edit(
        self,
        request: Req,
        community: NamedDependency[Community],
        dish_id: FromPath[int],
        data: MultipartBody[DishForm],
    ) -> Template | Redirect:
        dish = await Dish.get_or_none(id=dish_id, community_id=community.id)
        if dish is None:
            raise NotFoundException()
        return await self._save_dish(request, community, dish, data)

    async def _save_dish(
        self, request: Req, community: Community, dish: Dish | None, data: DishForm
    ) -> Template | Redirect:
        actor = await current_actor(request)
        try:
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
        except Refusal as exc:
            key = f"dish-{dish.id}" if dish else "dish-new"
            context = await dishes_context(request, community, failed=key)
            return form_again(request, "canteen/dishes.html", context, exc, dish_values(data))
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

    @post("/menu", name="canteen:menu_add")
    async def menu_add(
        self, request: Req, community: NamedDependency[Community], data: URLEncodedBody[MenuForm]
    ) -> Template | Redirect:
        canteen = await canteen_or_404(community, data.canteen)
        dish = None
        if data.dish.isdecimal() and len(data.dish) < 10:
            dish = await Dish.get_or_none(id=int(data.dish), community_id=community.id)
        day = None
        try:
            day = parse_date(data.day)
            if dish is None:
                raise services.CanteenError(N_("Choose a dish."), field="dish")
            await services.set_menu_item(
                canteen,
                day=day,
                period=data.period,
                dish=dish,
                price=services.parse_yuan(data.price),
                actor=await current_actor(request),
            )
        except services.CanteenError as exc:
            context = await menu_context(request, community, canteen.id, day, failed="menu")
            return form_again(request, "canteen/manage_menu.html", context, exc, data)
        flash(request, N_("On the menu."))
        return see_other(
            f"{base(community)}/manage/menu?canteen={canteen.id}&week={day.isoformat()}"
        )

    @post("/menu/{item_id:int}/remove", name="canteen:menu_remove")
    async def menu_remove(
        self, request: Req, community: NamedDependency[Community], item_id: FromPath[int]
    ) -> Template | Redirect:
        item = await MenuItem.get_or_none(id=item_id, canteen__community_id=community.id)
        if item is None:
            raise NotFoundException()
        try:
            await services.remove_menu_item(item, actor=await current_actor(request))
        except services.CanteenError as exc:
            context = await menu_context(
                request, community, item.canteen_id, item.day, failed=f"remove-{item.id}"
            )
            return form_again(request, "canteen/manage_menu.html", context, exc)
        flash(request, N_("Taken off the menu."))
        return see_other(
            f"{base(community)}/manage/menu?canteen={item.canteen_id}&week={item.day.isoformat()}"
        )

    @post("/menu/copy", name="canteen:menu_copy")
    async def menu_copy(
        self, request: Req, community: NamedDependency[Community], data: URLEncodedBody[CopyForm]
    ) -> Template | Redirect:
        canteen = await canteen_or_404(community, data.canteen)
        week = None
        try:
            week = parse_date(data.week, field="week")
            weeks = parse_int(data.weeks, WEEKS, field="weeks", default=1) or 1
            made = await services.copy_week(
                canteen, week, weeks=weeks, actor=await current_actor(request)
            )
        except services.CanteenError as exc:
            context = await menu_context(request, community, canteen.id, week, failed="copy")
            return form_again(request, "canteen/manage_menu.html", context, exc, data)
        flash(request, N_("%(n)s dishes copied."), n=made)
        return see_other(
            f"{base(community)}/manage/menu?canteen={canteen.id}"
            f"&week={(week + timedelta(days=7)).isoformat()}"
        )

    # -- subsidy tiers

    @get("/tiers", name="canteen:tiers")
    async def tiers(self, request: Req, community: NamedDependency[Community]) -> Template:
        return Template("canteen/tiers.html", context=await tiers_context(request, community))

    @post("/tiers", name="canteen:tier_add")
    async def tier_add(
        self, request: Req, community: NamedDependency[Community], data: URLEncodedBody[TierForm]
    ) -> Template | Redirect:
        return await self._save_tier(request, community, None, data)

    @post("/tiers/{tier_id:int}", name="canteen:tier_edit")
    async def tier_edit(
        self,
        request: Req,
        community: NamedDependency[Community],
        tier_id: FromPath[int],
        data: URLEncodedBody[TierForm],
    ) -> Template | Redirect:
        tier = await SubsidyTier.get_or_none(id=tier_id, community_id=community.id)
        if tier is None:
            raise NotFoundException()
        return await self._save_tier(request, community, tier, data)

    async def _save_tier(
        self, request: Req, community: Community, tier: SubsidyTier | None, data: TierForm
    ) -> Template | Redirect:
        try:
            amount = (
                services.parse_yuan(data.amount, field="amount")
                if data.kind == "fixed"
                else parse_int(data.amount, PERCENT, field="amount", default=0) or 0
            )
            await services.save_tier(
                community,
                tier=tier,
                name=data.name,
                name_en=data.name_en,
                min_age=parse_int(data.min_age, AGE, field="min_age"),
                max_age=parse_int(data.max_age, AGE, field="max_age"),
                tag=data.tag,
                kind=data.kind,
                amount=amount,
                cap=services.parse_yuan(data.cap, field="cap") if data.cap.strip() else None,
                active=tier is None or bool(data.active),
                actor=await current_actor(request),
            )
        except services.CanteenError as exc:
            key = f"tier-{tier.id}" if tier else "tier-new"
            context = await tiers_context(request, community, failed=key)
            return form_again(request, "canteen/tiers.html", context, exc, data)
        flash(request, N_("Saved."))
        return see_other(f"{base(community)}/manage/tiers")

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
    ) -> Template | Redirect:
        person = await Person.get_or_none(id=person_id, community_id=community.id)
        if person is None:
            raise NotFoundException()
        try:
            await services.save_diner(
                person,
                allergies=as_list(data.allergies),
                notes=data.notes,
                actor=await current_actor(request),
            )
        except services.CanteenError as exc:
            context = await page_context(
                request,
                community,
                person=person,
                diner=await Diner.get_or_none(person_id=person.id),
                failed="diner",
            )
            return form_again(request, "canteen/diner.html", context, exc, data)
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

    @post("/runs/build", name="canteen:runs_build")
    async def runs_build(
        self, request: Req, community: NamedDependency[Community], data: URLEncodedBody[RunsForm]
    ) -> Template | Redirect:
        canteen = await canteen_or_404(community, data.canteen)
        day = None
        try:
            day = parse_date(data.day)
            runs = await services.build_runs(
                canteen,
                day,
                data.period,
                now=services.now_utc(),
                zone=zone(request),
                actor=await current_actor(request),
            )
        except services.CanteenError as exc:
            context = await manage_runs_context(
                request, community, canteen.id, day, data.period, failed="build"
            )
            return form_again(request, "canteen/manage_runs.html", context, exc, data)
        flash(request, N_("%(n)s runs made."), n=len(runs))
        return see_other(
            f"{base(community)}/manage/runs?canteen={canteen.id}&day={day.isoformat()}"
            f"&period={data.period}"
        )

    @post("/runs/{run_id:int}/assign", name="canteen:run_assign")
    async def run_assign(
        self,
        request: Req,
        community: NamedDependency[Community],
        run_id: FromPath[int],
        data: URLEncodedBody[AssignForm],
    ) -> Template | Redirect:
        run = await DeliveryRun.get_or_none(id=run_id, canteen__community_id=community.id)
        if run is None:
            raise NotFoundException()
        volunteer = None
        try:
            if data.volunteer:
                allowed = {str(p.id): p for p in await services.volunteers(community)}
                volunteer = allowed.get(data.volunteer)
                if volunteer is None:
                    raise services.CanteenError(
                        N_("Choose a delivery volunteer."), field="volunteer"
                    )
            await services.assign_run(run, volunteer, actor=await current_actor(request))
        except services.CanteenError as exc:
            context = await manage_runs_context(
                request, community, run.canteen_id, run.day, run.period, failed=f"assign-{run.id}"
            )
            return form_again(request, "canteen/manage_runs.html", context, exc, data)
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


async def alerts_context(
    request: Req, community: Community, resolved: bool = False, **extra: Any
) -> dict[str, Any]:
    """The alerts the visitor is on duty for, each with the diner's full address."""
    actor = await current_actor(request)
    rows = (
        await services.visible_alerts(actor, community, open_only=not resolved)
        .select_related("person", "node", "order__dish", "raised_by", "resolved_by")
        .limit(PER_PAGE)
    )
    places = await addresses([row.node for row in rows], language_of(request))
    return await page_context(
        request, community, rows=rows, resolved=resolved, places=places, **extra
    )


class AlertsController(Controller):
    path = "/alerts"
    guards = [requires("canteen.alert.handle", node=alert_node)]  # noqa: RUF012

    @get("/", name="canteen:alerts")
    async def alerts(
        self, request: Req, community: NamedDependency[Community], resolved: FromQuery[str] = ""
    ) -> Template:
        context = await alerts_context(request, community, bool(resolved))
        return Template("canteen/alerts.html", context=context)

    @post("/{alert_id:int}/resolve", name="canteen:resolve")
    async def resolve(
        self,
        request: Req,
        community: NamedDependency[Community],
        alert_id: FromPath[int],
        data: URLEncodedBody[ResolveForm],
    ) -> Template | Redirect:
        alert = await WelfareAlert.get_or_none(id=alert_id, community_id=community.id)
        if alert is None:
            raise NotFoundException()
        try:
            await services.resolve_alert(
                alert, note=data.note, actor=await current_actor(request), now=services.now_utc()
            )
        except services.CanteenError as exc:
            context = await alerts_context(request, community, failed=f"resolve-{alert.id}")
            return form_again(request, "canteen/alerts.html", context, exc, data)
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
        data = await services.figures(community, year, number, zone(request))
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
