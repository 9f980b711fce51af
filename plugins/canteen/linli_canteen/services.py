"""The canteen's rules. No HTTP here: routes, the command line and the demo data call
these functions, and every function that depends on the clock takes ``now``.

- **Cut-off.** An order for a day and meal period is accepted strictly before the
  period's cut-off on that day, in the community's time zone; cancelling likewise.
- **Capacity.** :class:`~linli_canteen.models.DayCapacity` counts the places taken. An
  order takes a place with a guarded ``UPDATE … SET taken = taken + 1 WHERE taken <
  capacity`` in the same transaction as the order row, so concurrent orders never
  exceed the capacity (on SQLite and PostgreSQL alike); cancelling gives it back.
- **One meal per slot.** A live order's ``slot`` (canteen, diner, day, period) is
  unique: a double submit or a standing order placed twice makes one order.
- **Subsidy.** The tier is derived from the register when the order is placed (age on
  the day of the meal, tags) and the breakdown is stored with the order.
- **Delivery.** Only within the canteen's radius, measured as the great-circle distance
  between the canteen's and the household's coordinates.
- **Deliveries.** Marking a stop delivered is a guarded ``UPDATE … WHERE status =
  'placed'`` and tells the others (``canteen.delivery_done`` and the volunteer's
  ``service.verified``, see :mod:`linli_canteen.events`) in the same transaction: a
  double tap tells once. "No answer" raises a welfare alert for the worker on duty.
- **Undo.** The volunteer who marked a stop may take the mark back within
  :data:`UNDO_WINDOW` (5 minutes) and nobody else may, later: a mistaken tap is mended
  on the doorstep, an older mark is the worker's business. Undoing "delivered" emits
  ``canteen.delivery_undone`` and ``service.withdrawn`` (what was emitted before stays:
  it may have been handled). Undoing "no answer" withdraws its welfare alert (deleted,
  audited) only while nobody has resolved it; once a worker has acted on it the mark
  stays.
- **Time zone.** Days and months are the site's (its settings' ``time_zone``): pages
  pass it in; where no request is at hand (widgets, hooks) :func:`instance_zone` asks
  the core (``linli.kit.current_zone``).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Case, F, Q, Value, When
from tortoise.functions import Count, Sum
from tortoise.transactions import in_transaction

from linli.kit import (
    N_,
    Actor,
    Community,
    CommunityRole,
    Grant,
    HomeItem,
    Membership,
    Node,
    OnBehalfError,
    Person,
    PersonTag,
    Refusal,
    audit,
    check_on_behalf,
    community_root,
    current_zone,
    natural_key,
)
from linli_canteen import events
from linli_canteen.models import (
    CANCELLED,
    DELIVERED,
    DELIVERY,
    DINE_IN,
    FIXED,
    LUNCH,
    MODES,
    NO_ANSWER,
    PERCENT,
    PERIODS,
    PLACED,
    Canteen,
    DayCapacity,
    DeliveryRun,
    Diner,
    Dish,
    MealPeriod,
    MenuItem,
    Order,
    StandingOrder,
    StandingPause,
    SubsidyTier,
    WelfareAlert,
)

DEFAULT_ZONE = ZoneInfo("Asia/Shanghai")
EARTH_RADIUS_KM = 6371.0088

PERIOD_LABELS = {"breakfast": N_("Breakfast"), "lunch": N_("Lunch"), "dinner": N_("Dinner")}
#: Meals in the order of the day: breakfast, lunch, dinner (not alphabetical).
PERIOD_RANK = {kind: rank for rank, kind in enumerate(PERIODS)}
MODE_LABELS = {DINE_IN: N_("Dine in"), DELIVERY: N_("Delivery")}
STATUS_LABELS = {
    PLACED: N_("Ordered"),
    CANCELLED: N_("Cancelled"),
    DELIVERED: N_("Delivered"),
    NO_ANSWER: N_("No answer"),
}
#: Allergens a dish may contain and a diner may avoid: key → message id.
ALLERGENS = {
    "peanut": N_("Peanuts"),
    "nuts": N_("Tree nuts"),
    "egg": N_("Eggs"),
    "milk": N_("Milk"),
    "fish": N_("Fish"),
    "shellfish": N_("Shellfish"),
    "soy": N_("Soy"),
    "wheat": N_("Wheat (gluten)"),
    "sesame": N_("Sesame"),
}
WEEKDAY_LABELS = [
    N_("Mon"),
    N_("Tue"),
    N_("Wed"),
    N_("Thu"),
    N_("Fri"),
    N_("Sat"),
    N_("Sun"),
]
MAX_NOTE = 2000
MAX_AGE = 150
#: How long the volunteer who marked a stop may take the mark back.
UNDO_WINDOW = timedelta(minutes=5)
RADIUS_RANGE = N_("The delivery radius must be between 1 and 20,000 metres.")
CAPACITY_RANGE = N_("The capacity must be between 0 and 10,000 meals.")
AGE_RANGE = N_("Enter an age between 0 and 150.")
WEEKS_RANGE = N_("Copy to between 1 and 8 weeks.")
TIME_PATTERN = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class CanteenError(Refusal):
    """A rule of the canteen refused the request; nothing was changed."""

    message = N_("The canteen could not do this.")


class OrdersClosed(CanteenError):
    message = N_("Orders for this meal closed at %(cutoff)s.")
    status = 409


class Full(CanteenError):
    message = N_("This meal is fully booked.")
    status = 409


class AlreadyOrdered(CanteenError):
    message = N_("This resident already has an order for this meal.")
    status = 409


class OutOfRange(CanteenError):
    message = N_(
        "This home is %(distance)s km from the canteen, beyond its delivery radius of "
        "%(radius)s km. Please choose dine-in."
    )
    status = 409
    field = "mode"


class NoCoordinates(CanteenError):
    message = N_(
        "We do not know where this home lies, so we cannot check the delivery distance. "
        "Please ask the community worker to add the building's location, or choose dine-in."
    )
    status = 409
    field = "mode"


class NoHome(CanteenError):
    message = N_("This resident has no household in the register, so meals cannot be delivered.")
    status = 409
    field = "mode"


class NotAllowed(CanteenError):
    message = N_("You may not do this.")
    status = 403


class NotFound(CanteenError):
    message = N_("Not found.")
    status = 404


class StopClosed(CanteenError):
    message = N_("This stop has already been marked.")
    status = 409


@dataclass
class Price:
    """The price breakdown of a meal for one diner (all in fen)."""

    price: int
    subsidy: int
    to_pay: int
    tier: SubsidyTier | None
    age: int | None


def now_utc() -> datetime:
    return datetime.now(UTC)


def period_rank(kind: str) -> int:
    """Where a meal falls in the day (unknown kinds last)."""
    return PERIOD_RANK.get(kind, len(PERIODS))


def in_day_order() -> Case:
    """A column to ``order_by`` that ranks meals by time of day, for queries that page
    through rows (``annotate(meal_rank=in_day_order()).order_by("meal_rank")``)."""
    # Ranks as one-digit text: PostgreSQL binds the values with the column's type.
    return Case(
        *(When(period=kind, then=Value(str(rank))) for kind, rank in PERIOD_RANK.items()),
        default=Value(str(len(PERIODS))),
    )


def instance_zone() -> ZoneInfo:
    """The time zone of the running site where no request is at hand (the dashboard
    widget, the hooks). Pages pass the site's settings zone."""
    return current_zone()


def local_day(moment: datetime, zone: ZoneInfo = DEFAULT_ZONE) -> date:
    return moment.astimezone(zone).date()


def yuan(fen: int) -> str:
    """Fen shown as yuan: ``1250`` → ``"12.50"``."""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def parse_yuan(raw: str, field: str = "price") -> int:
    """``"12.5"`` → 1250 fen; raises :class:`CanteenError` about ``field`` for anything
    else (and for amounts of a million yuan or more, saying so)."""
    text = raw.strip()
    match = re.fullmatch(r"(\d+)(?:\.(\d{1,2}))?", text)
    if not match:
        raise CanteenError(N_("Enter an amount in yuan, such as 12.50."), field=field)
    if len(match.group(1)) > 6:
        raise CanteenError(N_("Enter at most %(limit)s yuan."), field=field, limit="1,000")
    return int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))


def parse_time(raw: str, field: str = "cutoff") -> int:
    """``"09:30"`` → 570 minutes after midnight."""
    match = TIME_PATTERN.fullmatch(raw.strip())
    if not match:
        raise CanteenError(N_("Enter the time as HH:MM, such as 09:30."), field=field)
    return int(match.group(1)) * 60 + int(match.group(2))


def age_on(birth: date, day: date) -> int:
    """Completed years on ``day`` (a birthday counts from its first moment)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def cutoff_of(day: date, period: MealPeriod, zone: ZoneInfo = DEFAULT_ZONE) -> datetime:
    """The moment orders for ``period`` on ``day`` close, in the community's zone."""
    minutes = period.cutoff_minutes
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=zone)


def is_open(canteen: Canteen, day: date) -> bool:
    return str(day.weekday()) in canteen.open_days


def week_of(day: date) -> list[date]:
    monday = day - timedelta(days=day.weekday())
    return [monday + timedelta(days=i) for i in range(7)]


def parse_weekdays(values: list[str] | str) -> str:
    chosen = sorted({v for v in values if v in "0123456" and len(v) == 1})
    return "".join(chosen)


# ------------------------------------------------------------------------- set-up


async def save_canteen(
    community: Community,
    *,
    canteen: Canteen | None = None,
    name: str,
    name_en: str = "",
    address: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    radius_m: int = 1500,
    open_days: str = "0123456",
    actor: Actor | None = None,
) -> Canteen:
    name = name.strip()
    if not name or len(name) > 120:
        raise CanteenError(N_("A canteen needs a name of at most 120 characters."), field="name")
    if not 0 < radius_m <= 20_000:
        raise CanteenError(RADIUS_RANGE, field="radius_m")
    if (latitude is None) != (longitude is None) or (
        latitude is not None and not (-90 <= latitude <= 90 and -180 <= (longitude or 0) <= 180)
    ):
        raise CanteenError(N_("Enter both coordinates, as decimal degrees."), field="latitude")
    values = {
        "name": name,
        "name_en": name_en.strip()[:120],
        "address": address.strip()[:200],
        "latitude": latitude,
        "longitude": longitude,
        "radius_m": radius_m,
        "open_days": parse_weekdays(open_days),
    }
    async with in_transaction():
        if canteen is None:
            canteen = await Canteen.create(community=community, **values)
            before = None
        else:
            before = {k: getattr(canteen, k) for k in values}
            await Canteen.filter(id=canteen.id).update(**values)
            await canteen.refresh_from_db()
        await audit(
            "canteen.canteen.save",
            actor=actor,
            community_id=community.id,
            obj=canteen,
            before=before,
            after=values,
        )
    return canteen


async def save_period(
    canteen: Canteen,
    *,
    kind: str,
    cutoff_minutes: int,
    capacity: int,
    active: bool = True,
    actor: Actor | None = None,
) -> MealPeriod:
    """Add or change a meal period. A new capacity applies to days not yet booked."""
    if kind not in PERIODS:
        raise CanteenError(N_("Choose breakfast, lunch or dinner."), field="kind")
    if not 0 <= capacity <= 10_000:
        raise CanteenError(CAPACITY_RANGE, field="capacity")
    if not 0 <= cutoff_minutes < 24 * 60:
        raise CanteenError(N_("Enter the time as HH:MM, such as 09:30."), field="cutoff")
    async with in_transaction():
        period = await MealPeriod.get_or_none(canteen_id=canteen.id, kind=kind)
        values = {"cutoff_minutes": cutoff_minutes, "capacity": capacity, "active": active}
        if period is None:
            period = await MealPeriod.create(canteen=canteen, kind=kind, **values)
        else:
            await MealPeriod.filter(id=period.id).update(**values)
            await period.refresh_from_db()
        await audit(
            "canteen.period.save",
            actor=actor,
            community_id=canteen.community_id,
            obj=period,
            after={"kind": kind, **values},
        )
    return period


def _allergen_list(values: list[str] | str) -> str:
    items = values.split(",") if isinstance(values, str) else values
    return ",".join(sorted({v.strip() for v in items if v.strip() in ALLERGENS}))


async def save_dish(
    community: Community,
    *,
    dish: Dish | None = None,
    name: str,
    name_en: str = "",
    description: str = "",
    allergens: list[str] | str = "",
    soft: bool = False,
    low_salt: bool = False,
    low_sugar: bool = False,
    photo_id: int | None = None,
    actor: Actor | None = None,
) -> Dish:
    """Add or change a dish. Call it inside the transaction that saved its photo."""
    name = name.strip()
    if not name or len(name) > 120:
        raise CanteenError(N_("A dish needs a name of at most 120 characters."), field="name")
    values: dict[str, Any] = {
        "name": name,
        "name_en": name_en.strip()[:120],
        "description": description.strip()[:300],
        "allergens": _allergen_list(allergens),
        "soft": soft,
        "low_salt": low_salt,
        "low_sugar": low_sugar,
    }
    if photo_id is not None:
        values["photo_id"] = photo_id
    if dish is None:
        dish = await Dish.create(community=community, **values)
    else:
        await Dish.filter(id=dish.id).update(**values)
        await dish.refresh_from_db()
    await audit(
        "canteen.dish.save",
        actor=actor,
        community_id=community.id,
        obj=dish,
        after={k: v for k, v in values.items() if k != "photo_id"},
    )
    return dish


async def set_menu_item(
    canteen: Canteen,
    *,
    day: date,
    period: str,
    dish: Dish,
    price: int,
    actor: Actor | None = None,
) -> MenuItem:
    """Put a dish on the menu of a day and period at ``price`` fen (or change its price)."""
    if period not in PERIODS:
        raise CanteenError(N_("Choose breakfast, lunch or dinner."), field="period")
    if dish.community_id != canteen.community_id:
        raise NotFound()
    if not 0 < price <= 100_000:
        raise CanteenError(N_("The price must be between 0.01 and 1,000 yuan."), field="price")
    async with in_transaction():
        item, created = await MenuItem.get_or_create(
            canteen_id=canteen.id,
            day=day,
            period=period,
            dish_id=dish.id,
            defaults={"price": price},
        )
        if not created and item.price != price:
            await MenuItem.filter(id=item.id).update(price=price)
            item.price = price
        await audit(
            "canteen.menu.set",
            actor=actor,
            community_id=canteen.community_id,
            obj=item,
            after={"day": day.isoformat(), "period": period, "dish": dish.id, "price": price},
        )
    return item


async def remove_menu_item(item: MenuItem, *, actor: Actor | None = None) -> None:
    """Take a dish off a menu, unless someone already ordered it."""
    if await Order.filter(menu_item_id=item.id).exists():
        raise CanteenError(N_("This dish was already ordered; it stays on the menu."))
    canteen = await Canteen.get(id=item.canteen_id)
    async with in_transaction():
        await audit(
            "canteen.menu.remove",
            actor=actor,
            community_id=canteen.community_id,
            obj=item,
            before={"day": item.day.isoformat(), "dish": item.dish_id},
        )
        await item.delete()


async def copy_week(
    canteen: Canteen, from_monday: date, *, weeks: int = 1, actor: Actor | None = None
) -> int:
    """Copy the menu of the week starting ``from_monday`` to the following week(s);
    days that already have a menu keep theirs. Returns the number of items copied."""
    from_monday = from_monday - timedelta(days=from_monday.weekday())
    source = await MenuItem.filter(
        canteen_id=canteen.id, day__gte=from_monday, day__lt=from_monday + timedelta(days=7)
    )
    if not source:
        raise CanteenError(N_("That week has no menu to copy."), field="weeks")
    made = 0
    async with in_transaction():
        for week in range(1, weeks + 1):
            shift = timedelta(days=7 * week)
            taken = set(
                await MenuItem.filter(
                    canteen_id=canteen.id,
                    day__gte=from_monday + shift,
                    day__lt=from_monday + shift + timedelta(days=7),
                ).values_list("day", "period")
            )
            rows = [
                MenuItem(
                    canteen_id=canteen.id,
                    day=item.day + shift,
                    period=item.period,
                    dish_id=item.dish_id,
                    price=item.price,
                )
                for item in source
                if (item.day + shift, item.period) not in taken
            ]
            await MenuItem.bulk_create(rows)
            made += len(rows)
        await audit(
            "canteen.menu.copy_week",
            actor=actor,
            community_id=canteen.community_id,
            object_type="canteen.Canteen",
            object_id=canteen.id,
            after={"from": from_monday.isoformat(), "weeks": weeks, "items": made},
        )
    return made


async def save_tier(
    community: Community,
    *,
    tier: SubsidyTier | None = None,
    name: str,
    name_en: str = "",
    min_age: int | None = None,
    max_age: int | None = None,
    tag: str = "",
    kind: str = FIXED,
    amount: int,
    cap: int | None = None,
    active: bool = True,
    actor: Actor | None = None,
) -> SubsidyTier:
    name = name.strip()
    if not name or len(name) > 64:
        raise CanteenError(
            N_("A subsidy tier needs a name of at most 64 characters."), field="name"
        )
    if kind not in (FIXED, PERCENT):
        raise CanteenError(N_("Choose a fixed amount or a percentage."), field="kind")
    if kind == PERCENT and not 0 <= amount <= 100:
        raise CanteenError(N_("A percentage is between 0 and 100."), field="amount")
    if kind == FIXED and not 0 <= amount <= 100_000:
        raise CanteenError(N_("The amount must be between 0 and 1,000 yuan."), field="amount")
    if cap is not None and not 0 <= cap <= 100_000:
        raise CanteenError(N_("The cap must be between 0 and 1,000 yuan."), field="cap")
    for age, name_of_field in ((min_age, "min_age"), (max_age, "max_age")):
        if age is not None and not 0 <= age <= MAX_AGE:
            raise CanteenError(AGE_RANGE, field=name_of_field)
    if min_age is not None and max_age is not None and min_age > max_age:
        raise CanteenError(N_("The lowest age must not be above the highest age."), field="max_age")
    if min_age is None and max_age is None and not tag.strip():
        raise CanteenError(N_("A subsidy tier needs an age band, a tag or both."), field="min_age")
    values = {
        "name": name,
        "name_en": name_en.strip()[:64],
        "min_age": min_age,
        "max_age": max_age,
        "tag": tag.strip()[:32],
        "kind": kind,
        "amount": amount,
        "cap": cap,
        "active": active,
    }
    async with in_transaction():
        if tier is None:
            tier = await SubsidyTier.create(community=community, **values)
        else:
            await SubsidyTier.filter(id=tier.id).update(**values)
            await tier.refresh_from_db()
        await audit(
            "canteen.tier.save", actor=actor, community_id=community.id, obj=tier, after=values
        )
    return tier


async def save_diner(
    person: Person, *, allergies: list[str] | str, notes: str, actor: Actor | None = None
) -> Diner:
    if len(notes.strip()) > 300:
        raise CanteenError(N_("Dietary notes are at most 300 characters."), field="notes")
    values = {"allergies": _allergen_list(allergies), "notes": notes.strip()}
    async with in_transaction():
        diner = await Diner.get_or_none(person_id=person.id)
        if diner is None:
            diner = await Diner.create(person=person, **values)
        else:
            await Diner.filter(id=diner.id).update(**values)
            await diner.refresh_from_db()
        await audit(
            "canteen.diner.save",
            actor=actor,
            community_id=person.community_id,
            obj=diner,
            on_behalf_of=person,
            after=values,
        )
    return diner


# ------------------------------------------------------------------------- subsidy


def subsidy_of(tier: SubsidyTier, price: int) -> int:
    """What ``tier`` pays of ``price`` fen: never more than the cap or the price."""
    value = tier.amount if tier.kind == FIXED else price * tier.amount // 100
    if tier.cap is not None:
        value = min(value, tier.cap)
    return max(0, min(value, price))


def tier_matches(tier: SubsidyTier, age: int | None, tags: set[str]) -> bool:
    if tier.min_age is not None and (age is None or age < tier.min_age):
        return False
    if tier.max_age is not None and (age is None or age > tier.max_age):
        return False
    return not tier.tag or tier.tag in tags


def best_tier(
    tiers: list[SubsidyTier], age: int | None, tags: set[str], price: int
) -> SubsidyTier | None:
    """The matching tier worth most for this price (ties: the earliest tier)."""
    best, best_value = None, -1
    for tier in tiers:
        if tier.active and tier_matches(tier, age, tags):
            value = subsidy_of(tier, price)
            if value > best_value:
                best, best_value = tier, value
    return best


async def price_for(person: Person, price: int, day: date) -> Price:
    """The breakdown of ``price`` for ``person`` on ``day``, from the register now."""
    tiers = await SubsidyTier.filter(community_id=person.community_id, active=True)
    tags = set(await PersonTag.filter(person_id=person.id).values_list("tag", flat=True))
    age = age_on(person.birth_date, day) if person.birth_date else None
    tier = best_tier(tiers, age, tags, price)
    subsidy = subsidy_of(tier, price) if tier else 0
    return Price(price=price, subsidy=subsidy, to_pay=price - subsidy, tier=tier, age=age)


# ------------------------------------------------------------------------- homes


@dataclass
class Home:
    """Where a diner lives, as the delivery run needs it."""

    node: Node
    latitude: float | None
    longitude: float | None
    building: Node
    entrance: str
    floor: int


def floor_of(flat_name: str) -> int:
    """The floor in a flat's name: ``1203室`` → 12, ``502`` → 5 (0 when unknown)."""
    digits = re.sub(r"\D", "", flat_name)
    if len(digits) >= 3:
        return int(digits[:-2])
    return int(digits) if digits else 0


async def home_of(person: Person) -> Home | None:
    """The diner's current household and its coordinates: the household node's own, else
    the nearest ancestor's below the community (entrance, building). Two queries."""
    membership = (
        await Membership.filter(person_id=person.id, ended_on__isnull=True)
        .select_related("household__node")
        .order_by("-started_on", "-id")
        .first()
    )
    if membership is None:
        return None
    node: Node = membership.household.node
    ancestors = {
        n.id: n for n in await Node.filter(id__in=node.ancestor_ids()).select_related("kind")
    }
    chain = [ancestors[i] for i in reversed(node.ancestor_ids()) if i in ancestors]
    lat = lon = None
    for item in chain:
        if item.kind.key in ("community", "estate", "subdistrict", "district"):
            break
        if item.latitude is not None and item.longitude is not None:
            lat, lon = item.latitude, item.longitude
            break
    building = next(
        (n for n in chain if n.kind.key == "building"), chain[1] if len(chain) > 1 else node
    )
    entrance = next((n.name for n in chain if n.kind.key == "entrance"), "")
    return Home(node, lat, lon, building, entrance, floor_of(node.name))


def check_radius(canteen: Canteen, home: Home) -> int:
    """The distance in whole metres from the canteen's door to ``home``; raises
    :class:`OutOfRange` beyond the radius (measured to the metre, so 1.499 km and 1.500 km
    are inside a 1.5 km radius and 1.501 km is not)."""
    if None in (home.latitude, home.longitude, canteen.latitude, canteen.longitude):
        raise NoCoordinates()
    km = distance_km(canteen.latitude, canteen.longitude, home.latitude, home.longitude)  # type: ignore[arg-type]
    metres = round(km * 1000)
    if metres > canteen.radius_m:
        raise OutOfRange(distance=f"{metres / 1000:.3f}", radius=f"{canteen.radius_m / 1000:g}")
    return metres


# ------------------------------------------------------------------------- orders


def _slot(canteen_id: int, person_id: int, day: date, period: str) -> str:
    return f"{canteen_id}:{person_id}:{day.isoformat()}:{period}"


async def _capacity_row(canteen: Canteen, period: MealPeriod, day: date) -> DayCapacity:
    row = await DayCapacity.get_or_none(canteen_id=canteen.id, day=day, period=period.kind)
    if row is not None:
        return row
    try:
        return await DayCapacity.create(
            canteen_id=canteen.id, day=day, period=period.kind, capacity=period.capacity
        )
    except IntegrityError:  # made by a concurrent order
        return await DayCapacity.get(canteen_id=canteen.id, day=day, period=period.kind)


def conflicts(dish: Dish, diner: Diner | None) -> list[str]:
    """Allergen keys of ``dish`` that the diner must avoid."""
    if diner is None:
        return []
    return sorted(set(dish.allergen_keys) & set(diner.allergy_keys))


async def place_order(
    community: Community,
    *,
    person: Person,
    menu_item: MenuItem,
    mode: str,
    actor: Actor | None,
    now: datetime,
    zone: ZoneInfo = DEFAULT_ZONE,
    standing: StandingOrder | None = None,
) -> Order:
    """Order ``menu_item`` for ``person``: for oneself, or on their behalf by someone
    who may act for them (recorded as such). ``actor=None`` is the system placing a
    standing order."""
    if person.community_id != community.id:
        raise NotFound()
    if mode not in MODES:
        raise CanteenError(N_("Choose dine-in or delivery."), field="mode")
    canteen = await Canteen.get_or_none(id=menu_item.canteen_id, community_id=community.id)
    if canteen is None or not canteen.active:
        raise NotFound()
    on_behalf = False
    if actor is not None:
        try:
            await check_on_behalf(actor, person)
        except OnBehalfError:
            raise NotAllowed() from None
        on_behalf = actor.account is None or actor.account.person_id != person.id
    period = await MealPeriod.get_or_none(canteen_id=canteen.id, kind=menu_item.period, active=True)
    if period is None or not is_open(canteen, menu_item.day):
        raise CanteenError(N_("The canteen does not serve this meal on that day."))
    cutoff = cutoff_of(menu_item.day, period, zone)
    if now >= cutoff:
        raise OrdersClosed(cutoff=cutoff.strftime("%Y-%m-%d %H:%M"))
    home = None
    distance = None
    if mode == DELIVERY:
        home = await home_of(person)
        if home is None:
            raise NoHome()
        distance = check_radius(canteen, home)
    dish = await Dish.get(id=menu_item.dish_id)
    diner = await Diner.get_or_none(person_id=person.id)
    clash = conflicts(dish, diner)
    breakdown = await price_for(person, menu_item.price, menu_item.day)
    slot = _slot(canteen.id, person.id, menu_item.day, menu_item.period)
    counter = await _capacity_row(canteen, period, menu_item.day)
    try:
        async with in_transaction():
            taken = await DayCapacity.filter(id=counter.id, taken__lt=F("capacity")).update(
                taken=F("taken") + 1
            )
            if not taken:
                raise Full()
            order = await Order.create(
                community_id=community.id,
                canteen_id=canteen.id,
                person_id=person.id,
                day=menu_item.day,
                period=menu_item.period,
                menu_item_id=menu_item.id,
                dish_id=dish.id,
                mode=mode,
                status=PLACED,
                slot=slot,
                price=breakdown.price,
                subsidy=breakdown.subsidy,
                to_pay=breakdown.to_pay,
                age=breakdown.age,
                tier=breakdown.tier,
                tier_name=breakdown.tier.name if breakdown.tier else "",
                home=home.node if home else None,
                building=home.building if home else None,
                entrance=home.entrance if home else "",
                floor=home.floor if home else 0,
                distance_m=distance,
                placed_by=actor.account if actor is not None else None,
                on_behalf=on_behalf,
                standing=standing,
                warning=",".join(clash),
                created_at=now,
            )
            if on_behalf:
                await audit(
                    "canteen.order.on_behalf",
                    actor=actor,
                    community_id=community.id,
                    obj=order,
                    on_behalf_of=person,
                    after={
                        "day": menu_item.day.isoformat(),
                        "period": menu_item.period,
                        "dish": dish.id,
                        "mode": mode,
                    },
                )
    except IntegrityError:
        raise AlreadyOrdered() from None
    return order


async def cancel_order(
    order: Order, *, actor: Actor | None, now: datetime, zone: ZoneInfo = DEFAULT_ZONE
) -> None:
    """Cancel before the cut-off: the place is freed for someone else."""
    period = await MealPeriod.get(canteen_id=order.canteen_id, kind=order.period)
    cutoff = cutoff_of(order.day, period, zone)
    if now >= cutoff:
        raise OrdersClosed(cutoff=cutoff.strftime("%Y-%m-%d %H:%M"))
    async with in_transaction():
        changed = await Order.filter(id=order.id, status=PLACED).update(
            status=CANCELLED, slot=None, cancelled_at=now
        )
        if not changed:
            raise CanteenError(N_("This order can no longer be cancelled."))
        await DayCapacity.filter(
            canteen_id=order.canteen_id, day=order.day, period=order.period, taken__gt=0
        ).update(taken=F("taken") - 1)
        person = await Person.get(id=order.person_id)
        mine = (
            actor is not None
            and actor.account is not None
            and (actor.account.person_id == order.person_id)
        )
        if not mine:
            await audit(
                "canteen.order.cancel",
                actor=actor,
                community_id=order.community_id,
                obj=order,
                on_behalf_of=person,
            )
    order.status = CANCELLED


async def orders_of(person: Person, *, since: date, limit: int = 60) -> list[Order]:
    """The diner's meals from ``since`` on, by day and time of day."""
    rows = (
        await Order.filter(person_id=person.id, day__gte=since)
        .select_related("dish", "canteen")
        .order_by("day", "id")
        .limit(limit)
    )
    return sorted(rows, key=lambda o: (o.day, period_rank(o.period), o.id))


async def live_order(canteen_id: int, person_id: int, day: date, period: str) -> Order | None:
    """The diner's order for a meal that is not cancelled (what a repeated order meets)."""
    return await Order.get_or_none(slot=_slot(canteen_id, person_id, day, period))


@dataclass
class MenuDay:
    day: date
    periods: dict[str, list[MenuItem]] = field(default_factory=dict)


async def week_menu(canteen: Canteen, monday: date) -> list[MenuDay]:
    """The canteen's menus of one week, day by day (one query)."""
    days = {day: MenuDay(day) for day in week_of(monday)}
    items = await MenuItem.filter(
        canteen_id=canteen.id, day__gte=monday, day__lt=monday + timedelta(days=7)
    ).select_related("dish")
    for item in sorted(items, key=lambda i: (i.day, period_rank(i.period), i.price, i.id)):
        days[item.day].periods.setdefault(item.period, []).append(item)
    return list(days.values())


# ------------------------------------------------------------------------- standing orders


async def save_standing(
    community: Community,
    *,
    person: Person,
    canteen: Canteen,
    period: str = LUNCH,
    weekdays: str = "01234",
    mode: str = DINE_IN,
    starts_on: date,
    actor: Actor | None,
) -> StandingOrder:
    if person.community_id != community.id or canteen.community_id != community.id:
        raise NotFound()
    if period not in PERIODS:
        raise CanteenError(N_("Choose breakfast, lunch or dinner."), field="period")
    if mode not in MODES:
        raise CanteenError(N_("Choose dine-in or delivery."), field="mode")
    weekdays = parse_weekdays(weekdays)
    if not weekdays:
        raise CanteenError(N_("Choose at least one weekday."), field="weekdays")
    on_behalf = False
    if actor is not None:
        try:
            await check_on_behalf(actor, person)
        except OnBehalfError:
            raise NotAllowed() from None
        on_behalf = actor.account is None or actor.account.person_id != person.id
    if mode == DELIVERY:
        home = await home_of(person)
        if home is None:
            raise NoHome()
        check_radius(canteen, home)
    async with in_transaction():
        standing = await StandingOrder.create(
            community=community,
            canteen=canteen,
            person=person,
            period=period,
            weekdays=weekdays,
            mode=mode,
            starts_on=starts_on,
            created_by=actor.account if actor else None,
            on_behalf=on_behalf,
        )
        await audit(
            "canteen.standing.create",
            actor=actor,
            community_id=community.id,
            obj=standing,
            on_behalf_of=person,
            after={"period": period, "weekdays": weekdays, "mode": mode},
        )
    return standing


async def stop_standing(standing: StandingOrder, *, actor: Actor | None, today: date) -> None:
    async with in_transaction():
        await StandingOrder.filter(id=standing.id).update(active=False, ends_on=today)
        await audit(
            "canteen.standing.stop", actor=actor, community_id=standing.community_id, obj=standing
        )


async def pause_standing(
    standing: StandingOrder,
    *,
    starts_on: date,
    ends_on: date,
    reason: str,
    actor: Actor | None,
    now: datetime,
    zone: ZoneInfo = DEFAULT_ZONE,
) -> StandingPause:
    """Pause a standing order (both days included). Meals it already ordered within
    the pause are cancelled where their cut-off has not passed."""
    if ends_on < starts_on:
        raise CanteenError(N_("The pause must end on or after its first day."), field="ends_on")
    if (ends_on - starts_on).days > 366:
        raise CanteenError(N_("A pause lasts at most a year."), field="ends_on")
    async with in_transaction():
        pause = await StandingPause.create(
            standing=standing, starts_on=starts_on, ends_on=ends_on, reason=reason.strip()[:200]
        )
        await audit(
            "canteen.standing.pause",
            actor=actor,
            community_id=standing.community_id,
            obj=standing,
            after={"from": starts_on.isoformat(), "until": ends_on.isoformat()},
        )
    placed = await Order.filter(
        standing_id=standing.id, status=PLACED, day__gte=starts_on, day__lte=ends_on
    )
    for order in placed:
        try:
            await cancel_order(order, actor=actor, now=now, zone=zone)
        except CanteenError:
            continue  # past its cut-off: the meal is cooked and goes out
    return pause


def standing_applies(standing: StandingOrder, pauses: list[StandingPause], day: date) -> bool:
    if not standing.active or day < standing.starts_on:
        return False
    if standing.ends_on is not None and day > standing.ends_on:
        return False
    if str(day.weekday()) not in standing.weekdays:
        return False
    return not any(p.starts_on <= day <= p.ends_on for p in pauses)


@dataclass
class StandingReport:
    placed: int = 0
    already: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)


async def place_standing_orders(
    community: Community, day: date, *, now: datetime, zone: ZoneInfo = DEFAULT_ZONE
) -> StandingReport:
    """Order the meals that standing orders ask for on ``day`` (run it before the
    cut-off, e.g. each morning or the evening before). The dish is the day's first on
    the menu (the cheapest) that holds none of the diner's allergens; placing twice
    orders once."""
    report = StandingReport()
    standing_orders = (
        await StandingOrder.filter(community_id=community.id, active=True, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .select_related("person")
    )
    pauses: dict[int, list[StandingPause]] = defaultdict(list)
    for pause in await StandingPause.filter(
        standing_id__in=[s.id for s in standing_orders], starts_on__lte=day, ends_on__gte=day
    ):
        pauses[pause.standing_id].append(pause)
    menus: dict[tuple[int, str], list[MenuItem]] = {}
    diners = {
        d.person_id: d
        for d in await Diner.filter(person_id__in=[s.person_id for s in standing_orders])
    }
    for standing in standing_orders:
        if not standing_applies(standing, pauses[standing.id], day):
            continue
        key = (standing.canteen_id, standing.period)
        if key not in menus:
            menus[key] = list(
                await MenuItem.filter(
                    canteen_id=standing.canteen_id, day=day, period=standing.period
                )
                .select_related("dish")
                .order_by("price", "id")
            )
        diner = diners.get(standing.person_id)
        item = next((i for i in menus[key] if not conflicts(i.dish, diner)), None)
        if item is None:
            report.refused.append((standing.id, N_("No dish on this menu suits the diner.")))
            continue
        try:
            await place_order(
                community,
                person=standing.person,
                menu_item=item,
                mode=standing.mode,
                actor=None,
                now=now,
                zone=zone,
                standing=standing,
            )
            report.placed += 1
        except AlreadyOrdered:
            report.already += 1
        except CanteenError as exc:
            report.refused.append((standing.id, exc.message))
    return report


# ------------------------------------------------------------------------- delivery runs


async def build_runs(
    canteen: Canteen,
    day: date,
    period: str,
    *,
    now: datetime,
    zone: ZoneInfo = DEFAULT_ZONE,
    actor: Actor | None = None,
) -> list[DeliveryRun]:
    """After the cut-off, put the day's delivery orders into one run per building.
    Running it again adds orders not yet in a run and keeps assignments."""
    meal = await MealPeriod.get_or_none(canteen_id=canteen.id, kind=period)
    if meal is None:
        raise NotFound()
    if now < cutoff_of(day, meal, zone):
        raise CanteenError(N_("Runs are made after the cut-off, when the orders are final."))
    async with in_transaction():
        loose = await Order.filter(
            canteen_id=canteen.id,
            day=day,
            period=period,
            mode=DELIVERY,
            status=PLACED,
            run_id__isnull=True,
        )
        runs = {
            run.building_id: run
            for run in await DeliveryRun.filter(canteen_id=canteen.id, day=day, period=period)
        }
        for order in loose:
            building_id = order.building_id or order.home_id
            if building_id is None:
                continue
            if building_id not in runs:
                runs[building_id] = await DeliveryRun.create(
                    canteen_id=canteen.id, day=day, period=period, building_id=building_id
                )
        by_run: dict[int, list[int]] = defaultdict(list)
        for order in loose:
            building_id = order.building_id or order.home_id
            if building_id is not None:
                by_run[runs[building_id].id].append(order.id)
        for run_id, ids in by_run.items():
            await Order.filter(id__in=ids).update(run_id=run_id)
        await audit(
            "canteen.runs.build",
            actor=actor,
            community_id=canteen.community_id,
            object_type="canteen.Canteen",
            object_id=canteen.id,
            after={"day": day.isoformat(), "period": period, "orders": len(loose)},
        )
    return await runs_of(canteen, day, period)


async def runs_of(canteen: Canteen, day: date, period: str) -> list[DeliveryRun]:
    """The runs of a meal, each with ``stops`` counted (two queries)."""
    runs = natural_sorted_runs(
        await DeliveryRun.filter(canteen_id=canteen.id, day=day, period=period).select_related(
            "building", "volunteer"
        )
    )
    counts = dict(
        await Order.filter(run_id__in=[run.id for run in runs])
        .annotate(n=Count("id"))
        .group_by("run_id")
        .values_list("run_id", "n")
    )
    for run in runs:
        run.stops = counts.get(run.id, 0)
    return runs


async def assign_run(run: DeliveryRun, volunteer: Person | None, *, actor: Actor | None) -> None:
    canteen = await Canteen.get(id=run.canteen_id)
    if volunteer is not None and volunteer.community_id != canteen.community_id:
        raise NotFound()
    async with in_transaction():
        await DeliveryRun.filter(id=run.id).update(volunteer_id=volunteer.id if volunteer else None)
        await audit(
            "canteen.run.assign",
            actor=actor,
            community_id=canteen.community_id,
            obj=run,
            before={"volunteer": run.volunteer_id},
            after={"volunteer": volunteer.id if volunteer else None},
        )
    run.volunteer_id = volunteer.id if volunteer else None


async def volunteers(community: Community) -> list[Person]:
    """People whose account may deliver meals in this community (two queries)."""
    roles = [
        role.id
        for role in await CommunityRole.filter(community_id=community.id)
        if "canteen.deliver" in (role.permissions or [])
    ]
    grants = await Grant.filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=now_utc()), role_id__in=roles
    ).select_related("account__person")
    found = {
        held.account.person.id: held.account.person
        for held in grants
        if held.account.person is not None
    }
    return sorted(found.values(), key=lambda p: (p.name, p.id))


def natural_sorted_runs(runs: list[DeliveryRun]) -> list[DeliveryRun]:
    """Runs by time of day, then by building as people count them (2栋 before 10栋)."""
    return sorted(
        runs,
        key=lambda r: (r.day, period_rank(r.period), natural_key(r.building.name), r.id),
    )


def stop_key(order: Order) -> tuple[Any, ...]:
    """Stops by entrance (2单元 before 10单元), floor and flat."""
    home = order.home.name if order.home_id and order.home else ""
    return (natural_key(order.entrance), order.floor, natural_key(home), order.id)


async def run_stops(run: DeliveryRun) -> list[Order]:
    """A run's stops, by entrance, floor and flat (one query)."""
    stops = await Order.filter(run_id=run.id).select_related("person", "dish", "home")
    return sorted(stops, key=stop_key)


async def my_runs(person: Person, day: date) -> list[tuple[DeliveryRun, list[Order]]]:
    runs = natural_sorted_runs(
        await DeliveryRun.filter(volunteer_id=person.id, day=day).select_related(
            "building", "canteen"
        )
    )
    stops: dict[int, list[Order]] = defaultdict(list)
    for order in await Order.filter(run_id__in=[r.id for r in runs]).select_related(
        "person", "dish", "home"
    ):
        stops[order.run_id].append(order)
    return [(run, sorted(stops[run.id], key=stop_key)) for run in runs]


async def undo_deadlines(
    stops: list[Order], volunteer: Person, now: datetime
) -> dict[int, datetime]:
    """For each stop ``volunteer`` marked less than :data:`UNDO_WINDOW` ago, the moment
    its undo button goes (one query for the no-answer stops' alerts)."""
    raised = dict(
        await WelfareAlert.filter(
            order_id__in=[o.id for o in stops if o.status == NO_ANSWER],
            resolved_at__isnull=True,
        ).values_list("order_id", "raised_at")
    )
    deadlines: dict[int, datetime] = {}
    for order in stops:
        if order.delivered_by_id != volunteer.id:
            continue
        marked = order.delivered_at if order.status == DELIVERED else raised.get(order.id)
        if marked is not None and now < marked + UNDO_WINDOW:
            deadlines[order.id] = marked + UNDO_WINDOW
    return deadlines


async def stop_of(order_id: int, volunteer: Person) -> Order:
    """A stop of one of ``volunteer``'s runs, with its diner, dish and home; anyone
    else's stop is :class:`NotFound`."""
    order = (
        await Order.filter(id=order_id, community_id=volunteer.community_id)
        .select_related("person", "dish", "home")
        .first()
    )
    run = await DeliveryRun.get_or_none(id=order.run_id) if order and order.run_id else None
    if order is None or run is None or run.volunteer_id != volunteer.id:
        raise NotFound()
    return order


async def _stop_for(order_id: int, person: Person, actor: Actor) -> tuple[Order, DeliveryRun]:
    order = await Order.get_or_none(id=order_id, community_id=person.community_id)
    run = await DeliveryRun.get_or_none(id=order.run_id) if order and order.run_id else None
    if order is None or run is None:
        raise NotFound()
    if run.volunteer_id != person.id:
        raise NotFound()
    return order, run


async def mark_delivered(order_id: int, *, volunteer: Person, actor: Actor, now: datetime) -> bool:
    """Mark a stop delivered and tell the others (:func:`linli_canteen.events.delivered`)
    in the same transaction. Returns False (and emits nothing) if it was already
    delivered; a stop marked "no answer" raises :class:`StopClosed` (undo that mark
    first)."""
    order, _ = await _stop_for(order_id, volunteer, actor)
    async with in_transaction():
        changed = await Order.filter(id=order.id, status=PLACED).update(
            status=DELIVERED, delivered_at=now, delivered_by_id=volunteer.id
        )
        if not changed:
            current = await Order.get(id=order.id)
            if current.status == DELIVERED:
                return False
            raise StopClosed()
        await events.delivered(
            order=order.id, volunteer=volunteer.id, community=order.community_id, at=now
        )
    return True


async def mark_no_answer(
    order_id: int, *, volunteer: Person, actor: Actor, now: datetime
) -> WelfareAlert:
    """Nobody opened the door: the stop is closed and a welfare alert raised for the
    community worker on duty. A second tap returns the same alert; a stop already
    marked delivered raises :class:`StopClosed`."""
    order, _ = await _stop_for(order_id, volunteer, actor)
    async with in_transaction():
        changed = await Order.filter(id=order.id, status=PLACED).update(
            status=NO_ANSWER, delivered_by_id=volunteer.id
        )
        if not changed:
            existing = await WelfareAlert.get_or_none(order_id=order.id)
            if existing is not None:
                return existing
            raise StopClosed()
        node_id = order.home_id or order.building_id
        if node_id is None:  # delivery orders always have a home; keep the alert anyway
            node_id = (await community_root(order.community_id)).id
        alert = await WelfareAlert.create(
            community_id=order.community_id,
            order_id=order.id,
            person_id=order.person_id,
            node_id=node_id,
            raised_by_id=volunteer.id,
            raised_at=now,
        )
        from linli_canteen.jobs import schedule_alert_reminders

        await schedule_alert_reminders(alert.id, alert.community_id, now)
        await events.no_answer(alert)
        return alert


class UndoClosed(CanteenError):
    message = N_(
        "This mark can no longer be undone: only the volunteer who made it can, within "
        "%(minutes)s minutes. Please call the community worker on duty."
    )
    status = 409


class AlertTaken(CanteenError):
    message = N_(
        "The community worker has already resolved this welfare alert, so the mark stays. "
        "Please call them."
    )
    status = 409


async def undo_mark(order_id: int, *, volunteer: Person, actor: Actor, now: datetime) -> str:
    """Take back a stop's mark ("delivered" or "no answer") and make it a stop to do
    again. Only the volunteer who marked it may, within :data:`UNDO_WINDOW` of the mark.

    Undoing "delivered" tells the others (:func:`linli_canteen.events.undelivered`;
    what was emitted at the delivery is not erased: it may have been handled already).
    Undoing "no answer" withdraws its welfare alert — deletes it, with an audit entry —
    provided nobody has resolved it yet; once a worker has, the mark stays
    (:class:`AlertTaken`). Returns the status the stop had. Both are guarded
    ``UPDATE``/``DELETE`` statements, so an undo racing a resolution or a second undo
    changes nothing twice."""
    order, _ = await _stop_for(order_id, volunteer, actor)
    since = now - UNDO_WINDOW
    minutes = int(UNDO_WINDOW.total_seconds() // 60)
    if order.status == PLACED:
        raise CanteenError(N_("This stop is not marked; there is nothing to undo."))
    if order.delivered_by_id != volunteer.id:
        raise UndoClosed(minutes=minutes)
    async with in_transaction():
        if order.status == DELIVERED:
            changed = await Order.filter(
                id=order.id,
                status=DELIVERED,
                delivered_by_id=volunteer.id,
                delivered_at__gt=since,
            ).update(status=PLACED, delivered_at=None, delivered_by_id=None)
            if not changed:
                raise UndoClosed(minutes=minutes)
            await events.undelivered(
                order=order.id, volunteer=volunteer.id, community=order.community_id, at=now
            )
            before: dict[str, Any] = {"status": DELIVERED}
        elif order.status == NO_ANSWER:
            alert = await WelfareAlert.get_or_none(order_id=order.id)
            if alert is None or alert.raised_at <= since:
                raise UndoClosed(minutes=minutes)
            if alert.resolved_at is not None:
                raise AlertTaken()
            withdrawn = await WelfareAlert.filter(id=alert.id, resolved_at__isnull=True).delete()
            if not withdrawn:
                raise AlertTaken()
            changed = await Order.filter(
                id=order.id, status=NO_ANSWER, delivered_by_id=volunteer.id
            ).update(status=PLACED, delivered_by_id=None)
            if not changed:
                raise UndoClosed(minutes=minutes)
            before = {"status": NO_ANSWER, "alert": alert.id}
            await events.alert_closed(alert, note="")
        else:
            raise StopClosed()
        await audit(
            "canteen.stop.undo",
            actor=actor,
            community_id=order.community_id,
            obj=order,
            before=before,
            after={"status": PLACED},
        )
    return str(before["status"])


# ------------------------------------------------------------------------- alerts


def visible_alerts(actor: Actor, community: Community, *, open_only: bool = True) -> Any:
    """Alerts the actor may handle: those of homes at or under a node where they hold
    ``canteen.alert.handle`` (the community worker on duty). Nobody else sees them."""
    query = WelfareAlert.filter(community_id=community.id)
    if open_only:
        query = query.filter(resolved_at__isnull=True)
    return actor.visible("canteen.alert.handle", query)


async def concern_reported(community_id: int, concern: Any, *, at: datetime) -> None:
    """Another plugin reported a welfare concern (``welfare.concern``): an alert on the
    duty worker's list, at the person's home, reminded and escalated like the canteen's
    own. The same concern reported twice is one alert."""
    if concern.source == events.SOURCE:
        return
    person = await Person.get_or_none(id=concern.person, community_id=community_id)
    if person is None:
        return
    source, reference = concern.source[:32], concern.reference[:64]
    if await WelfareAlert.exists(community_id=community_id, source=source, reference=reference):
        return
    membership = (
        await Membership.filter(person_id=person.id, ended_on__isnull=True)
        .select_related("household")
        .first()
    )
    node_id = (
        membership.household.node_id
        if membership is not None
        else (await community_root(community_id)).id
    )
    raised_by = concern.raised_by
    if raised_by and not await Person.exists(id=raised_by, community_id=community_id):
        raised_by = 0
    alert = await WelfareAlert.create(
        community_id=community_id,
        person_id=person.id,
        node_id=node_id,
        raised_by_id=raised_by or None,
        raised_at=at,
        source=source,
        reference=reference,
        level=concern.level[:10],
        summary=concern.summary[:200],
        link=concern.link[:200],
    )
    from linli_canteen.jobs import schedule_alert_reminders

    await schedule_alert_reminders(alert.id, community_id, at)


async def concern_resolved(
    community_id: int, *, source: str, reference: str, note: str, at: datetime
) -> None:
    """Another list resolved a concern this list holds: the alert is resolved too."""
    if source == events.SOURCE:
        return
    await WelfareAlert.filter(
        community_id=community_id, source=source, reference=reference, resolved_at__isnull=True
    ).update(resolved_at=at, note=note[:MAX_NOTE])


async def resolve_alert(alert: WelfareAlert, *, note: str, actor: Actor, now: datetime) -> None:
    """Close an alert with what the worker found; audited."""
    note = note.strip()
    if not note:
        raise CanteenError(
            N_("Write what you found (a call, a visit …) before resolving the alert."),
            field="note",
        )
    if len(note) > MAX_NOTE:
        raise CanteenError(
            N_("The note is at most %(limit)s characters."), field="note", limit=MAX_NOTE
        )
    node = await Node.get(id=alert.node_id)
    if not actor.can("canteen.alert.handle", node):
        raise NotFound()
    async with in_transaction():
        changed = await WelfareAlert.filter(id=alert.id, resolved_at__isnull=True).update(
            resolved_at=now, resolved_by=actor.account, note=note
        )
        if not changed:
            raise CanteenError(N_("This alert was already resolved."))
        await events.alert_closed(alert, note=note)
        person = await Person.get(id=alert.person_id)
        await audit(
            "canteen.alert.resolve",
            actor=actor,
            community_id=alert.community_id,
            obj=alert,
            on_behalf_of=person,
            after={"note": note},
        )


# ------------------------------------------------------------------------- sheets


@dataclass
class KitchenLine:
    period: str
    dish: Dish
    dine_in: int
    delivery: int

    @property
    def total(self) -> int:
        return self.dine_in + self.delivery


async def kitchen_sheet(canteen: Canteen, day: date) -> tuple[list[KitchenLine], list[Order]]:
    """Portions per dish and period, and the orders whose diners have allergies or
    dietary notes (two queries plus one for the notes)."""
    rows = (
        await Order.filter(canteen_id=canteen.id, day=day, status__not=CANCELLED)
        .annotate(n=Count("id"))
        .group_by("period", "dish_id", "mode")
        .values("period", "dish_id", "mode", "n")
    )
    dishes = {d.id: d for d in await Dish.filter(id__in={r["dish_id"] for r in rows})}
    lines: dict[tuple[str, int], KitchenLine] = {}
    for row in rows:
        line = lines.setdefault(
            (row["period"], row["dish_id"]),
            KitchenLine(row["period"], dishes[row["dish_id"]], 0, 0),
        )
        if row["mode"] == DELIVERY:
            line.delivery += row["n"]
        else:
            line.dine_in += row["n"]
    order_key = {p: i for i, p in enumerate(PERIODS)}
    ordered = sorted(lines.values(), key=lambda ln: (order_key[ln.period], ln.dish.name))
    noted = (
        await Order.filter(canteen_id=canteen.id, day=day, status__not=CANCELLED)
        .filter(
            Q(person__canteen_diner__allergies__not="") | Q(person__canteen_diner__notes__not="")
        )
        .select_related("person__canteen_diner", "dish")
        .order_by("id")
    )
    return ordered, sorted(noted, key=lambda o: (period_rank(o.period), o.id))


async def delivery_sheets(
    canteen: Canteen, day: date, period: str
) -> list[tuple[DeliveryRun, list[Order]]]:
    runs = await runs_of(canteen, day, period)
    stops: dict[int, list[Order]] = defaultdict(list)
    for order in await Order.filter(run_id__in=[r.id for r in runs]).select_related(
        "person", "dish", "home", "person__canteen_diner"
    ):
        stops[order.run_id].append(order)
    return [(run, sorted(stops[run.id], key=stop_key)) for run in runs]


# ------------------------------------------------------------------------- figures


@dataclass
class Figures:
    year: int
    month: int
    days: list[date]
    meals_by_day: list[int]
    delivered_by_day: list[int]
    meals_by_month: list[int]
    meals: int
    delivery: int
    subsidy: int
    alerts: int
    open_alerts: int

    @property
    def delivery_share(self) -> int:
        return round(100 * self.delivery / self.meals) if self.meals else 0


async def figures(
    community: Community, year: int, month: int, zone: ZoneInfo = DEFAULT_ZONE
) -> Figures:
    """Meals per day of a month and per month of its year, the delivery share,
    subsidies granted and no-answer alerts: a handful of aggregate queries. Alerts are
    counted by the month they were raised in, in ``zone`` (the site's time zone)."""
    first = date(year, month, 1)
    after = date(year + (month == 12), month % 12 + 1, 1)
    served = Order.filter(community_id=community.id, status__not=CANCELLED)
    by_day: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in (
        await served.filter(day__gte=first, day__lt=after)
        .annotate(n=Count("id"))
        .group_by("day", "mode")
        .values("day", "mode", "n")
    ):
        day = row["day"] if isinstance(row["day"], date) else date.fromisoformat(str(row["day"]))
        by_day[day][row["mode"]] += row["n"]
    days = [first + timedelta(days=i) for i in range((after - first).days)]
    by_month = [0] * 12
    for row in await served.filter(
        day__gte=date(year, 1, 1), day__lt=date(year + 1, 1, 1)
    ).values_list("day", flat=True):
        by_month[(row if isinstance(row, date) else date.fromisoformat(str(row))).month - 1] += 1
    totals = (
        await served.filter(day__gte=first, day__lt=after)
        .annotate(subsidy_sum=Sum("subsidy"))
        .first()
        .values("subsidy_sum")
    )
    alerts = WelfareAlert.filter(community_id=community.id)
    meals_by_day = [sum(by_day[d].values()) for d in days]
    delivered_by_day = [by_day[d][DELIVERY] for d in days]
    return Figures(
        year=year,
        month=month,
        days=days,
        meals_by_day=meals_by_day,
        delivered_by_day=delivered_by_day,
        meals_by_month=by_month,
        meals=sum(meals_by_day),
        delivery=sum(delivered_by_day),
        subsidy=int((totals or {}).get("subsidy_sum") or 0),
        alerts=await alerts.filter(
            raised_at__gte=datetime.combine(first, time(), tzinfo=zone),
            raised_at__lt=datetime.combine(after, time(), tzinfo=zone),
        ).count(),
        open_alerts=await alerts.filter(resolved_at__isnull=True).count(),
    )


async def summary(community: Community, today: date) -> dict[str, Any]:
    """The dashboard widget: today's meals and deliveries (one query). The open welfare
    alerts are in the duty worker's "For you" (:func:`home_items`)."""
    counts = await (
        Order.filter(community_id=community.id, day=today, status__not=CANCELLED)
        .annotate(meals=Count("id"), deliveries=Count("id", _filter=Q(mode=DELIVERY)))
        .values("meals", "deliveries")
    )
    return {"meals": counts[0]["meals"] or 0, "deliveries": counts[0]["deliveries"] or 0}


async def person_summary(person: Person, today: date) -> dict[str, Any]:
    """For a person's page: the tier they would get today for a 15-yuan meal (the
    tier's name), their dietary notes and their last meals."""
    breakdown = await price_for(person, 1500, today)
    recent = (
        await Order.filter(person_id=person.id, status__not=CANCELLED)
        .select_related("dish")
        .order_by("-day", "-id")
        .limit(5)
    )
    return {
        "tier": breakdown.tier,
        "age": breakdown.age,
        "recent": recent,
        "diner": await Diner.get_or_none(person_id=person.id),
        "status_labels": STATUS_LABELS,
        "period_labels": PERIOD_LABELS,
        "yuan": yuan,
    }


# ------------------------------------------------------------------------- switching off


async def undelivered_today(community: Community, zone: ZoneInfo | None = None) -> int:
    """Meals ordered for delivery today (in the community's time zone) and not yet
    delivered: what switching the canteen off would leave at the kitchen."""
    today = local_day(now_utc(), zone or instance_zone())
    return await Order.filter(
        community_id=community.id, day=today, mode=DELIVERY, status=PLACED
    ).count()


async def unserved_today(community: Community, zone: ZoneInfo | None = None) -> int:
    """Dine-in meals ordered for today (in the community's time zone)."""
    today = local_day(now_utc(), zone or instance_zone())
    return await Order.filter(
        community_id=community.id, day=today, mode=DINE_IN, status=PLACED
    ).count()


async def open_alerts(community: Community) -> int:
    """Welfare alerts nobody has resolved yet."""
    return await WelfareAlert.filter(community_id=community.id, resolved_at__isnull=True).count()


# ------------------------------------------------------------------ the home's "For you"


def home_items(community: Community, actor: Actor, today: date) -> list[HomeItem]:
    """A diner's meal of today (or the way to the menu), a volunteer's delivery runs of
    today, a duty worker's open welfare alerts: one-value queries the core runs together."""
    person_id = actor.account.person_id if actor.account else None
    items = [
        HomeItem(
            N_("Welfare alerts"),
            "alerts/",
            visible_alerts(actor, community).count(),
            note=N_("nobody opened the door: call or visit"),
            urgent=True,
            order=5,
            permission="canteen.alert.handle",
        )
    ]
    if person_id is None:
        return items
    return [
        *items,
        HomeItem(
            N_("Today's meal"),
            "orders",
            Order.filter(community_id=community.id, person_id=person_id, day=today)
            .exclude(status=CANCELLED)
            .order_by("period", "id")
            .values_list("dish__name", flat=True),
            note=N_("ordered for today"),
            empty=N_("Nothing ordered for today: see the menu"),
            order=20,
            permission="canteen.order",
        ),
        HomeItem(
            N_("My delivery runs today"),
            "runs/",
            DeliveryRun.filter(
                canteen__community_id=community.id, day=today, volunteer_id=person_id
            ).count(),
            note=N_("meals to carry today"),
            order=25,
            permission="canteen.deliver",
        ),
    ]
