"""The street bank's rules. No HTTP here: routes, the event handler, the command line
and the demo data all call these functions.

The ledger in four rules:

1. Every movement is an :class:`~linli_streetbank.models.Entry` whose postings sum to
   zero; entries are only inserted. A mistake is corrected by a new entry that
   ``reverses`` the old one (the column is unique: an entry is reversed at most once).
2. A person's cached balance moves only through a guarded atomic UPDATE
   (``balance >= n``) in the same transaction as the entry: if it matches no row, the
   whole transaction rolls back. Never read-then-write.
3. Every entry carries a unique idempotency key: the same request or event posted twice
   moves points once, and the second call learns that it was a duplicate.
4. Updates touch rows in one global order (catalogue item, monthly usage, then ledger
   accounts by id), so concurrent transactions on PostgreSQL cannot deadlock.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

from tortoise.exceptions import DoesNotExist, IntegrityError
from tortoise.expressions import F, Q
from tortoise.functions import Count, Sum
from tortoise.transactions import in_transaction

from linli.kit import (
    N_,
    Actor,
    Community,
    Grant,
    HomeItem,
    Membership,
    Node,
    OnBehalfError,
    Person,
    Refusal,
    add_node,
    audit,
    check_on_behalf,
    emit,
    ensure_node_kinds,
    grant_role,
    notify,
    one_time_key,
)
from linli.kit import Account as CoreAccount
from linli.kit import settings_of as plugin_settings
from linli_streetbank.models import (
    ADJUSTMENT,
    CANCELLED,
    EARN,
    EXPIRED,
    EXPIRY,
    ISSUED,
    ISSUING,
    LAPSED,
    PARTNER,
    PENDING,
    PERSON,
    POSTED,
    REDEEM,
    REFUND,
    REJECTED,
    REVERSAL,
    USED,
    Adjustment,
    AdjustmentAllowance,
    CatalogueItem,
    Entry,
    LedgerAccount,
    MonthlyUsage,
    Partner,
    Posting,
    ServiceCategory,
    ServiceRecord,
    Voucher,
)
from linli_streetbank.settings import MAX_ADJUSTMENT, BankSettings

T = TypeVar("T")
log = logging.getLogger(__name__)

DEFAULT_ZONE = ZoneInfo("Asia/Shanghai")
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: easy to read aloud
CODE_LENGTH = 8
MAX_HOURS = Decimal(24)
MAX_TASKS = Decimal(100)
#: Entries a worker may correct with a reversing entry (vouchers are cancelled instead).
REVERSIBLE = (EARN, ADJUSTMENT, EXPIRY)

#: Catalogue categories: key → message id.
ITEM_CATEGORIES = {
    "food": N_("Food and groceries"),
    "household": N_("Household services"),
    "health": N_("Health and care"),
    "learning": N_("Learning and culture"),
    "repair": N_("Repairs"),
    "goods": N_("Goods"),
}
UNITS = {"hour": N_("per hour"), "task": N_("per task")}
PARTNER_KINDS = {"merchant": N_("Merchant"), "partner_unit": N_("Partner unit")}
OPERATOR_ROLE = "merchant_operator"
CATEGORY_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{1,47}$")


class StreetbankError(Refusal):
    """A rule of the streetbank refused the request; nothing was changed."""

    message = N_("The street bank could not do this.")


class InsufficientPoints(StreetbankError):
    message = N_("Not enough points.")
    status = 409


class OutOfStock(StreetbankError):
    message = N_("This item is out of stock.")
    status = 409


class LimitReached(StreetbankError):
    message = N_("You have reached this item's limit for this month.")
    status = 409


class NotAvailable(StreetbankError):
    message = N_("This item is not available now.")
    status = 409


class NotAllowed(StreetbankError):
    message = N_("You may not do this.")
    status = 403


class VoucherNotFound(StreetbankError):
    message = N_("No voucher of this partner has that code.")
    status = 404
    field = "code"


class VoucherClosed(StreetbankError):
    message = N_("This voucher can no longer be used.")
    status = 409


class VoucherExpired(VoucherClosed):
    message = N_("This voucher has expired; the points went back to the resident.")


class ExpiryOff(StreetbankError):
    message = N_("Yearly expiry of points is switched off in this community.")
    status = 409


class NoSuchPerson(StreetbankError):
    message = N_("No resident matches this name or phone.")
    status = 404
    field = "person"


class SeveralPeople(StreetbankError):
    """More than one resident matches: ``people`` are the matches to choose from."""

    message = N_("%(count)s residents match \u201c%(who)s\u201d: choose one below.")
    status = 409
    field = "person"

    def __init__(self, people: list[Person], who: str):
        super().__init__(count=len(people), who=who)
        self.people = people


class VoucherUsed(VoucherClosed):
    message = N_("Already done: this voucher was used on %(when)s.")


class OwnAccount(NotAllowed):
    """A worker may not move points on their own account: a bank's staff never post
    to themselves, whatever the permission."""

    message = N_("You may not post to your own account; ask a colleague.")
    field = "person"


class AlreadyDecided(StreetbankError):
    message = N_("This correction was already approved or rejected.")
    status = 409


class KeyReused(StreetbankError):
    message = N_("This form was already used for another correction; reload the page.")
    status = 409


@dataclass
class Done:
    """What a posting service did: ``value`` and whether the request was a duplicate
    (already done once, so nothing moved this time)."""

    value: Any
    duplicate: bool = False


def now_utc() -> datetime:
    return datetime.now(UTC)


def month_of(moment: datetime, zone: ZoneInfo = DEFAULT_ZONE) -> str:
    return moment.astimezone(zone).strftime("%Y-%m")


def new_request_key() -> str:
    """A fresh key for a form: rendered in a hidden field, so a form sent twice (a
    double tap, a resent POST) carries the same key and moves points once."""
    return one_time_key()


def _code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


# ---------------------------------------------------------------------------- accounts


async def _account(key: str, **defaults: Any) -> LedgerAccount:
    found = await LedgerAccount.get_or_none(key=key)
    if found is not None:
        return found
    try:
        return await LedgerAccount.create(key=key, **defaults)
    except IntegrityError:  # created by a concurrent request
        return await LedgerAccount.get(key=key)


async def bank_account(community_id: int, kind: str = ISSUING) -> LedgerAccount:
    """The bank's own account: ``issuing`` (credits earned points, goes negative) or
    ``expired`` (receives expired points)."""
    assert kind in (ISSUING, EXPIRED)
    return await _account(
        f"c{community_id}:{kind}", community_id=community_id, kind=kind, allow_negative=True
    )


async def person_account(person: Person) -> LedgerAccount:
    return await _account(
        f"c{person.community_id}:person:{person.id}",
        community_id=person.community_id,
        kind=PERSON,
        person_id=person.id,
    )


async def partner_account(partner: Partner) -> LedgerAccount:
    return await _account(
        f"c{partner.community_id}:partner:{partner.id}",
        community_id=partner.community_id,
        kind=PARTNER,
        partner_id=partner.id,
    )


async def balance_of(person: Person) -> int:
    account = await LedgerAccount.get_or_none(key=f"c{person.community_id}:person:{person.id}")
    return int(account.balance) if account is not None else 0


async def settings_of(community: Community | int) -> BankSettings:
    """The community's street bank settings (stored by the core)."""
    return cast(BankSettings, await plugin_settings(community, "streetbank"))


#: How many matching residents a form offers to choose from.
MAX_CHOICES = 20


async def matching_people(community: Community, who: str) -> list[Person]:
    """The residents of ``community`` that ``who`` names: a register number (``#12``),
    a phone or an exact name; at most :data:`MAX_CHOICES`."""
    who = who.strip()
    if who.startswith("#") and who[1:].isdecimal() and len(who) <= 11:
        return list(await Person.filter(community_id=community.id, id=int(who[1:])))
    if not who:
        return []
    return list(
        await Person.filter(Q(name=who) | Q(phone=who), community_id=community.id)
        .order_by("id")
        .limit(MAX_CHOICES)
    )


async def find_person(community: Community, who: str) -> Person:
    """The one resident ``who`` names (see :func:`matching_people`). Several matches
    raise :class:`SeveralPeople` with them, for the worker to choose."""
    found = await matching_people(community, who)
    if not found:
        raise NoSuchPerson()
    if len(found) > 1:
        raise SeveralPeople(found, who.strip())
    return found[0]


async def homes(people: list[Person]) -> dict[int, Node]:
    """Each person's current home (the place node of their household), in one query."""
    rows = await Membership.filter(
        person_id__in=[person.id for person in people], ended_on__isnull=True
    ).select_related("household__node")
    return {row.person_id: row.household.node for row in rows}


# ---------------------------------------------------------- partners and the catalogue


async def partner_network(community: Community) -> Node:
    """The root of the community's partner tree (共建资源池), created when missing."""
    node = (
        await Node.filter(community_id=community.id, tree="partner", parent_id__isnull=True)
        .order_by("id")
        .first()
    )
    if node is None:
        await ensure_node_kinds()
        node = await add_node(
            kind="partner_network",
            name="共建资源池",
            name_en="Partner network",
            community_id=community.id,
        )
    return node


async def create_partner(
    community: Community,
    *,
    name: str,
    kind: str = "merchant",
    name_en: str = "",
    address: str = "",
    phone: str = "",
    description: str = "",
    actor: Actor | None = None,
) -> Partner:
    """A partner unit or merchant: a node in the partner tree and its partner record."""
    name = name.strip()
    if not name:
        raise StreetbankError(N_("A partner needs a name."), field="name")
    if kind not in PARTNER_KINDS:
        raise StreetbankError(N_("Choose a kind of partner."), field="kind")
    network = await partner_network(community)
    async with in_transaction():
        node = await add_node(kind=kind, name=name[:200], name_en=name_en[:200], parent=network)
        partner = await Partner.create(
            community=community,
            node=node,
            name=name[:200],
            name_en=name_en[:200],
            kind=kind,
            address=address[:200],
            phone=phone[:32],
            description=description,
        )
        if actor is not None:
            await audit(
                "streetbank.partner_add",
                actor=actor,
                community_id=community.id,
                obj=partner,
                after={"name": partner.name, "kind": kind},
            )
    return partner


async def add_operator(
    partner: Partner, account: CoreAccount, *, actor: Actor | None = None
) -> None:
    """Make ``account`` an operator of ``partner``: the street bank's operator role,
    granted at the partner's node (so it covers that partner only)."""
    node = await Node.get(id=partner.node_id)
    if await Grant.exists(account_id=account.id, role__key=OPERATOR_ROLE, node_id=node.id):
        return
    try:
        async with in_transaction():
            await grant_role(
                account, OPERATOR_ROLE, node, granted_by=actor.account if actor else None
            )
            if actor is not None:
                await audit(
                    "streetbank.operator_add",
                    actor=actor,
                    community_id=partner.community_id,
                    obj=partner,
                    after={"account": account.id},
                )
    except DoesNotExist:  # the role: the plugin was never enabled here
        raise StreetbankError(
            N_("The operator role is missing; enable the plugin again.")
        ) from None


async def operators_by_partner(partners: list[Partner]) -> dict[int, list[CoreAccount]]:
    """Each partner's operators, in one query."""
    by_node: dict[int, list[CoreAccount]] = defaultdict(list)
    for held in await Grant.filter(
        node_id__in=[partner.node_id for partner in partners], role__key=OPERATOR_ROLE
    ).select_related("account"):
        by_node[held.node_id].append(held.account)
    return {partner.id: by_node.get(partner.node_id, []) for partner in partners}


async def operators_of(partner: Partner) -> list[CoreAccount]:
    grants = await Grant.filter(node_id=partner.node_id, role__key=OPERATOR_ROLE).select_related(
        "account"
    )
    return [each.account for each in grants]


#: The largest count a form may enter (a price, a stock, a limit, a rate): bounded so
#: that every value fits the database's integer columns.
MAX_COUNT = 1_000_000


def _optional_int(raw: Any, field: str = "") -> int | None:
    if raw in (None, ""):
        return None
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise StreetbankError(N_("Enter a whole number."), field=field) from None
    if value < 0 or value > MAX_COUNT:
        raise StreetbankError(
            N_("Enter a whole number from 0 to %(most)s."), field=field, most=MAX_COUNT
        )
    return value


async def save_item(
    community: Community,
    *,
    partner_id: int,
    title: str,
    price: Any,
    item: CatalogueItem | None = None,
    title_en: str = "",
    description: str = "",
    image: str = "",
    category: str = "goods",
    stock: Any = None,
    monthly_limit: Any = None,
    available_from: date | None = None,
    available_until: date | None = None,
    active: bool = True,
    photo_id: int | None = None,
    actor: Actor | None = None,
) -> CatalogueItem:
    """Create or edit a catalogue item (a price change applies to later redemptions).

    ``photo_id`` is an upload stored in the same transaction; ``None`` keeps the photo."""
    partner = await Partner.get_or_none(id=partner_id, community_id=community.id)
    if partner is None:
        raise StreetbankError(N_("Choose a partner."), field="partner")
    if not title.strip():
        raise StreetbankError(N_("An item needs a title."), field="title")
    points = _optional_int(price, "price")
    if not points:
        raise StreetbankError(
            N_("The price is a whole number of points above zero."), field="price"
        )
    if category not in ITEM_CATEGORIES:
        raise StreetbankError(N_("Choose a category."), field="category")
    if available_from and available_until and available_until < available_from:
        raise StreetbankError(
            N_("The end of the window is before its start."), field="available_until"
        )
    if image and not (image.startswith("/") or image.startswith("https://")):
        raise StreetbankError(
            N_("The image must be a link starting with / or https://."), field="image"
        )
    values = {
        "partner_id": partner.id,
        "title": title.strip()[:120],
        "title_en": title_en.strip()[:120],
        "description": description.strip(),
        "image": image.strip()[:300],
        "category": category,
        "price": points,
        "stock": _optional_int(stock, "stock"),
        "monthly_limit": _optional_int(monthly_limit, "monthly_limit"),
        "available_from": available_from,
        "available_until": available_until,
        "active": active,
    }
    if photo_id is not None:
        values["photo_id"] = photo_id
    async with in_transaction():
        if item is None:
            item = await CatalogueItem.create(community_id=community.id, **values)
            action = "streetbank.item_add"
        else:
            await CatalogueItem.filter(id=item.id).update(**values)
            await item.refresh_from_db()
            action = "streetbank.item_edit"
        if actor is not None:
            await audit(
                action,
                actor=actor,
                community_id=community.id,
                obj=item,
                after={"title": item.title, "price": item.price, "stock": item.stock},
            )
    return item


async def save_category(
    community: Community,
    *,
    key: str,
    name: str,
    rate: Any,
    unit: str = "hour",
    name_en: str = "",
    active: bool = True,
    actor: Actor | None = None,
) -> ServiceCategory:
    """Create a service category or change its rate (by key)."""
    key = key.strip().lower()
    if not CATEGORY_KEY.match(key):
        raise StreetbankError(
            N_("The key is 2-48 lowercase letters, digits, '-' or '_'."), field="key"
        )
    if not name.strip():
        raise StreetbankError(N_("A category needs a name."), field="name")
    if unit not in UNITS:
        raise StreetbankError(N_("Choose per hour or per task."), field="unit")
    points = _optional_int(rate, "rate")
    if not points:
        raise StreetbankError(N_("The rate is a whole number of points above zero."), field="rate")
    values = {
        "name": name.strip()[:64],
        "name_en": name_en.strip()[:64],
        "unit": unit,
        "rate": points,
        "active": active,
    }
    async with in_transaction():
        category = await ServiceCategory.get_or_none(community_id=community.id, key=key)
        if category is None:
            category = await ServiceCategory.create(community_id=community.id, key=key, **values)
        else:
            await ServiceCategory.filter(id=category.id).update(**values)
            await category.refresh_from_db()
        if actor is not None:
            await audit(
                "streetbank.category_save",
                actor=actor,
                community_id=community.id,
                obj=category,
                after={"key": key, **values},
            )
    return category


# ------------------------------------------------------------------------------ ledger


async def _post(
    *,
    community_id: int,
    kind: str,
    key: str,
    legs: list[tuple[LedgerAccount, int]],
    actor: Actor | None,
    memo: str = "",
    on_behalf_of: Person | None = None,
    reverses: Entry | None = None,
    now: datetime | None = None,
) -> Entry:
    """Write one entry with its postings and move the cached balances. Call it inside
    a transaction: if a guarded debit finds too few points it raises and everything the
    transaction did rolls back."""
    if len(legs) < 2 or sum(amount for _, amount in legs) != 0:
        raise ValueError("an entry needs two or more postings that sum to zero")
    if any(not isinstance(amount, int) or amount == 0 for _, amount in legs):
        raise ValueError("postings are non-zero whole numbers of points")
    entry = await Entry.create(
        community_id=community_id,
        kind=kind,
        idempotency_key=key,
        memo=memo[:300],
        actor=actor.account if actor is not None else None,
        on_behalf_of=on_behalf_of,
        reverses=reverses,
        created_at=now or now_utc(),
    )
    for account, amount in sorted(legs, key=lambda leg: leg[0].id):
        query = LedgerAccount.filter(id=account.id)
        if amount < 0 and not account.allow_negative:
            query = query.filter(balance__gte=-amount)
        if await query.update(balance=F("balance") + amount) != 1:
            raise InsufficientPoints()
    await Posting.bulk_create(
        [
            Posting(entry_id=entry.id, account_id=account.id, amount=amount)
            for account, amount in legs
        ]
    )
    return entry


async def _once(
    key: str,
    work: Callable[[], Awaitable[T]],
    found: Callable[[Entry], Awaitable[T]],
    *,
    retries: int = 3,
) -> Done:
    """Run ``work`` in a transaction unless an entry with ``key`` exists; a duplicate
    returns ``found(existing entry)``. A unique clash that is not the key (a voucher
    code collision) is retried."""
    for attempt in range(retries):
        existing = await Entry.get_or_none(idempotency_key=key)
        if existing is not None:
            return Done(await found(existing), duplicate=True)
        try:
            async with in_transaction():
                return Done(await work())
        except IntegrityError:
            existing = await Entry.get_or_none(idempotency_key=key)
            if existing is not None:
                return Done(await found(existing), duplicate=True)
            if attempt == retries - 1:
                raise
    raise AssertionError("unreachable")


async def _entry_found(entry: Entry) -> Entry:
    return entry


# ----------------------------------------------------------------------------- earning


def points_for(category: ServiceCategory, quantity: Decimal) -> int:
    return int((quantity * category.rate).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def parse_quantity(raw: str | float | Decimal, unit: str) -> Decimal:
    """The hours (or tasks) of a service: a number above zero and at most one day's
    hours (or :data:`MAX_TASKS` tasks); each refusal says which rule it broke."""
    try:
        quantity = Decimal(str(raw).strip())
    except InvalidOperation:
        quantity = Decimal("NaN")
    if not quantity.is_finite():
        message = (
            N_("Enter the hours as a number, such as 2 or 1.5.")
            if unit == "hour"
            else N_("Enter the number of tasks, such as 1 or 3.")
        )
        raise StreetbankError(message, field="quantity")
    if quantity <= 0:
        raise StreetbankError(N_("Enter a number above zero."), field="quantity")
    if unit == "hour" and quantity > MAX_HOURS:
        raise StreetbankError(
            N_("At most %(most)s hours can be recorded at a time; you entered %(given)s."),
            field="quantity", most=int(MAX_HOURS), given=f"{quantity.normalize():f}",
        )  # fmt: skip
    if unit != "hour" and quantity > MAX_TASKS:
        raise StreetbankError(
            N_("At most %(most)s tasks can be recorded at a time; you entered %(given)s."),
            field="quantity", most=int(MAX_TASKS), given=f"{quantity.normalize():f}",
        )  # fmt: skip
    return quantity.quantize(Decimal("0.01"))


async def record_service(
    community: Community,
    *,
    person: Person,
    category: ServiceCategory,
    quantity: Decimal | str | float,
    served_on: date,
    key: str,
    actor: Actor | None,
    note: str = "",
    source: str = "form",
    reference: str = "",
    now: datetime | None = None,
    reported: tuple[str, str] | None = None,
) -> Done:
    """Credit verified service to ``person`` at once. The worker who records it may not
    be the person credited. Returns ``Done(ServiceRecord)``. A service another plugin
    reported (``reported``: its source and reference) is announced with
    ``streetbank.points_credited`` in the same transaction."""
    if person.community_id != community.id or category.community_id != community.id:
        raise NotAllowed()
    if not category.active:
        raise StreetbankError(N_("This service category is not in use."), field="category")
    if actor is not None and actor.account is not None and actor.account.person_id == person.id:
        raise NotAllowed(N_("You may not record service for yourself."), field="person")
    amount = parse_quantity(quantity, category.unit)
    points = points_for(category, amount)
    if points < 1:
        raise StreetbankError(N_("This service earns no points."))
    moment = now or now_utc()
    if served_on > moment.astimezone(DEFAULT_ZONE).date() + timedelta(days=1):
        raise StreetbankError(
            N_("The date of the service cannot be in the future."), field="served_on"
        )
    issuing = await bank_account(community.id)
    mine = await person_account(person)

    async def work() -> ServiceRecord:
        entry = await _post(
            community_id=community.id,
            kind=EARN,
            key=key,
            legs=[(issuing, -points), (mine, points)],
            actor=actor,
            memo=f"{category.name} × {amount.normalize():f}",
            now=moment,
        )
        record = await ServiceRecord.create(
            community_id=community.id,
            person=person,
            category=category,
            quantity=amount,
            points=points,
            served_on=served_on,
            note=note.strip()[:300],
            source=source,
            reference=reference[:128],
            recorded_by=actor.account if actor is not None else None,
            entry=entry,
        )
        from linli_streetbank.notifications import POINTS_CREDITED

        await notify(
            person,
            POINTS_CREDITED,
            subject=category.name,
            values={"points": points},
            link=f"/c/{community.slug}/streetbank/me",
            community=community,
        )
        if reported is not None:
            await emit(
                "streetbank.points_credited",
                {"person": person.id, "source": reported[0], "reference": reported[1],
                 "points": points},
                community=community.id,
            )  # fmt: skip
        return record

    async def found(entry: Entry) -> ServiceRecord | None:
        return await ServiceRecord.get_or_none(entry_id=entry.id)

    return await _once(key, work, found)


# ------------------------------------------------------------------- reported service

#: Memos the street bank writes itself (stored as a stable key, shown translated).
WITHDRAWN_MEMO = "service.withdrawn"
SYSTEM_MEMOS = {
    WITHDRAWN_MEMO: N_("Service withdrawn by whoever reported it"),
    # the memo of a meal delivery undone before deliveries were reported as services
    "canteen.delivery_undone": N_("Meal delivery undone by the volunteer"),
}


def service_reference(source: str, reference: str) -> str:
    """What the record of a reported service keeps as its reference: the source and the
    source's own reference, ``canteen.delivery:812``. One service, one reference,
    whoever reported it."""
    return f"{source}.{reference}"[:128]


async def standing_credit(
    community_id: int, reference: str, person_id: int | None = None
) -> ServiceRecord | None:
    """The latest credit of the reported service ``reference`` (see
    :func:`service_reference`), of ``person_id`` if given, that no entry has reversed."""
    records = ServiceRecord.filter(community_id=community_id, reference=reference, source="event")
    if person_id is not None:
        records = records.filter(person_id=person_id)
    found = await records.order_by("-id")
    if not found:
        return None
    reversed_ids = set(
        await Entry.filter(reverses_id__in=[record.entry_id for record in found]).values_list(
            "reverses_id", flat=True
        )
    )
    return next((record for record in found if record.entry_id not in reversed_ids), None)


async def credit_service(
    community_id: int,
    *,
    person_id: int,
    source: str,
    reference: str,
    category_key: str,
    hours: float,
    tasks: int,
    event_id: str,
    now: datetime | None = None,
) -> Done | None:
    """Credit a service that ``source`` reported verified (the event ``event_id``):
    its ``hours`` in a category paid per hour, its ``tasks`` in one paid per task.

    A community rewards the services it chose: a category it has not set up, or no
    longer uses, earns nothing (logged; the report is not retried). At most one credit
    of a service (``source`` and ``reference``) stands at a time: while one does, a
    report again credits nothing (None); once the service is withdrawn
    (:func:`withdraw_service`), a report again credits it again. The entry is keyed by
    the event, so the same event handled twice credits once."""
    category = await ServiceCategory.get_or_none(community_id=community_id, key=category_key)
    if category is None or not category.active:
        log.info(
            "community %s: %s %s is not rewarded: no service category %r in use",
            community_id, source, reference, category_key,
        )  # fmt: skip
        return None
    stored = service_reference(source, reference)
    if await standing_credit(community_id, stored) is not None:
        return None
    person = await Person.get_or_none(id=person_id, community_id=community_id)
    if person is None:
        raise LookupError(f"person {person_id} is not in community {community_id}")
    moment = now or now_utc()
    return await record_service(
        await Community.get(id=community_id),
        person=person,
        category=category,
        quantity=Decimal(str(hours if category.unit == "hour" else tasks)),
        served_on=moment.astimezone(DEFAULT_ZONE).date(),
        key=f"c{community_id}:verified:{event_id}",
        actor=None,
        note=stored,
        source="event",
        reference=stored,
        now=moment,
        reported=(source, reference),
    )


async def withdraw_service(
    community_id: int,
    *,
    person_id: int,
    source: str,
    reference: str,
    event_id: str,
    now: datetime | None = None,
) -> Done | None:
    """Reverse the standing credit of ``person_id`` for a service ``source`` withdrew
    (the event ``event_id``): an ordinary ``reversal`` entry, shown in the resident's
    history. Handling the same event twice reverses once (``Done(..., duplicate=True)``);
    without a standing credit nothing changes (None). Refused with
    :class:`InsufficientPoints` if the resident has already spent the points."""
    key = f"c{community_id}:withdrawn:{event_id}"
    existing = await Entry.get_or_none(idempotency_key=key)
    if existing is not None:
        return Done(existing, duplicate=True)
    record = await standing_credit(community_id, service_reference(source, reference), person_id)
    if record is None:
        return None
    credited = await Entry.get(id=record.entry_id)
    postings = await Posting.filter(entry_id=credited.id).select_related("account")
    legs = [(posting.account, -int(posting.amount)) for posting in postings]

    async def work() -> Entry:
        entry = await _post(
            community_id=community_id,
            kind=REVERSAL,
            key=key,
            legs=legs,
            actor=None,
            memo=WITHDRAWN_MEMO,
            reverses=credited,
            now=now or now_utc(),
        )
        await emit(
            "streetbank.points_withdrawn",
            {"person": person_id, "source": source, "reference": reference,
             "points": record.points},
            community=community_id,
        )  # fmt: skip
        return entry

    return await _once(key, work, _entry_found)


# --------------------------------------------------------------------------- redeeming


def item_available(item: CatalogueItem, today: date) -> bool:
    if not item.active:
        return False
    if item.available_from is not None and today < item.available_from:
        return False
    return not (item.available_until is not None and today > item.available_until)


def _is_own(actor: Actor | None, person_id: int | None) -> bool:
    """Whether ``person_id`` is the actor's own register entry."""
    account = actor.account if actor is not None else None
    return account is not None and person_id is not None and account.person_id == person_id


async def _may_act_for(actor: Actor, person: Person) -> bool:
    """The resident themself, or someone allowed to act on their behalf."""
    try:
        await check_on_behalf(actor, person)
    except OnBehalfError:
        return False
    return True


async def redeem(
    community: Community,
    *,
    person: Person,
    item: CatalogueItem,
    actor: Actor,
    key: str,
    now: datetime | None = None,
    zone: ZoneInfo = DEFAULT_ZONE,
    on_behalf: bool = False,
) -> Done:
    """Debit ``person``, reserve a unit of stock, count the monthly limit and issue a
    voucher, all in one transaction. ``actor`` is the resident or, on behalf of a
    resident without a phone, a worker allowed to act for them (recorded as such).
    A worker's redemption on behalf (``on_behalf``) is never for their own account."""
    if person.community_id != community.id or item.community_id != community.id:
        raise NotAllowed()
    own = _is_own(actor, person.id)
    if on_behalf and own:
        raise OwnAccount()
    if not own and not await _may_act_for(actor, person):
        raise NotAllowed(N_("You may not act on behalf of this resident."))
    moment = now or now_utc()
    partner = await Partner.get(id=item.partner_id)
    if not partner.active or not item_available(item, moment.astimezone(zone).date()):
        raise NotAvailable()
    settings = await settings_of(community)
    mine = await person_account(person)
    theirs = await partner_account(partner)
    month = month_of(moment, zone)
    usage = None
    if item.monthly_limit is not None:
        usage, _ = await _usage_row(person.id, item.id, month)

    async def work() -> Voucher:
        # One global order of row updates: item, usage, accounts (by id).
        if item.stock is not None:
            taken = await CatalogueItem.filter(id=item.id, stock__gte=1).update(
                stock=F("stock") - 1
            )
            if taken != 1:
                raise OutOfStock()
        if usage is not None:
            counted = await MonthlyUsage.filter(id=usage.id, count__lt=item.monthly_limit).update(
                count=F("count") + 1
            )
            if counted != 1:
                raise LimitReached()
        entry = await _post(
            community_id=community.id,
            kind=REDEEM,
            key=key,
            legs=[(mine, -item.price), (theirs, item.price)],
            actor=actor,
            memo=item.title,
            on_behalf_of=None if own else person,
            now=moment,
        )
        voucher = await Voucher.create(
            community_id=community.id,
            code=_code(),
            person=person,
            item=item,
            partner=partner,
            points=item.price,
            month=month,
            status=ISSUED,
            redeem_entry=entry,
            issued_by=actor.account,
            on_behalf=not own,
            issued_at=moment,
            expires_at=moment + timedelta(days=settings.voucher_days),
        )
        if not own:
            await audit(
                "streetbank.redeem_on_behalf",
                actor=actor,
                community_id=community.id,
                obj=voucher,
                after={"item": item.id, "points": item.price, "code": voucher.code},
                on_behalf_of=person,
            )
        return voucher

    async def found(entry: Entry) -> Voucher | None:
        return await Voucher.get_or_none(redeem_entry_id=entry.id)

    return await _once(key, work, found)


async def _usage_row(person_id: int, item_id: int, month: str) -> tuple[MonthlyUsage, bool]:
    found = await MonthlyUsage.get_or_none(person_id=person_id, item_id=item_id, month=month)
    if found is not None:
        return found, False
    try:
        return await MonthlyUsage.create(person_id=person_id, item_id=item_id, month=month), True
    except IntegrityError:
        return await MonthlyUsage.get(person_id=person_id, item_id=item_id, month=month), False


async def _close(
    voucher: Voucher, status: str, *, actor: Actor | None, memo: str, now: datetime
) -> Voucher:
    """Cancel or lapse an issued voucher: give back its stock and monthly count, and
    return the points through a refund entry that reverses the redemption."""
    mine = await person_account(await Person.get(id=voucher.person_id))
    theirs = await partner_account(await Partner.get(id=voucher.partner_id))
    redeemed = await Entry.get(id=voucher.redeem_entry_id)
    async with in_transaction():
        closed = await Voucher.filter(id=voucher.id, status=ISSUED).update(
            status=status, closed_at=now
        )
        if closed != 1:
            await voucher.refresh_from_db()
            raise _closed(voucher)
        await CatalogueItem.filter(id=voucher.item_id, stock__isnull=False).update(
            stock=F("stock") + 1
        )
        await MonthlyUsage.filter(
            person_id=voucher.person_id, item_id=voucher.item_id, month=voucher.month, count__gt=0
        ).update(count=F("count") - 1)
        entry = await _post(
            community_id=voucher.community_id,
            kind=REFUND,
            key=f"refund:{voucher.id}",
            legs=[(theirs, -voucher.points), (mine, voucher.points)],
            actor=actor,
            memo=memo,
            reverses=redeemed,
            now=now,
        )
        await Voucher.filter(id=voucher.id).update(refund_entry_id=entry.id)
        if status == LAPSED:
            from linli_streetbank.notifications import VOUCHER_EXPIRED

            item = await CatalogueItem.get(id=voucher.item_id)
            await notify(
                await Person.get(id=voucher.person_id),
                VOUCHER_EXPIRED,
                subject=item.title,
                values={"points": voucher.points},
                link=f"/c/{(await Community.get(id=voucher.community_id)).slug}/streetbank/me",
                community=voucher.community_id,
            )
    await voucher.refresh_from_db()
    return voucher


async def cancel_voucher(voucher: Voucher, *, actor: Actor, now: datetime | None = None) -> Voucher:
    """Cancel an unused voucher: the resident (or someone acting for them) gets the
    points back through a reversing entry."""
    person = await Person.get(id=voucher.person_id)
    own = actor.account is not None and actor.account.person_id == person.id
    if not own and not await _may_act_for(actor, person):
        raise NotAllowed()
    return await _close(voucher, CANCELLED, actor=actor, memo="cancelled", now=now or now_utc())


async def expire_vouchers(community_id: int | None = None, *, now: datetime | None = None) -> int:
    """Lapse every issued voucher past its time, returning the points; how many lapsed."""
    moment = now or now_utc()
    query = Voucher.filter(status=ISSUED, expires_at__lte=moment)
    if community_id is not None:
        query = query.filter(community_id=community_id)
    lapsed = 0
    for voucher in await query:
        try:
            await _close(voucher, LAPSED, actor=None, memo="expired", now=moment)
            lapsed += 1
        except VoucherClosed:
            continue  # used or cancelled meanwhile
    return lapsed


def is_operator(actor: Actor, partner_node: Any) -> bool:
    return actor.can("streetbank.verify", partner_node)


async def find_voucher_for_partner(partner: Partner, code: str) -> Voucher | None:
    """A voucher of this partner with ``code``; vouchers of other partners stay unseen."""
    cleaned = normalise_code(code)
    if not cleaned:
        return None
    return (
        await Voucher.filter(code=cleaned, partner_id=partner.id)
        .select_related("item", "person")
        .first()
    )


async def verify_voucher(
    partner: Partner,
    code: str,
    *,
    actor: Actor,
    now: datetime | None = None,
    zone: ZoneInfo = DEFAULT_ZONE,
) -> Voucher:
    """The partner's operator accepts a voucher: the redemption completes. Only
    vouchers of the operator's own partner are found."""
    node = await partner.node
    if not is_operator(actor, node):
        raise NotAllowed()
    voucher = await find_voucher_for_partner(partner, code)
    if voucher is None:
        raise VoucherNotFound()
    moment = now or now_utc()
    if voucher.status == ISSUED and voucher.expires_at <= moment:
        await _close(voucher, LAPSED, actor=None, memo="expired", now=moment)
        raise VoucherExpired()
    used = await Voucher.filter(id=voucher.id, status=ISSUED, expires_at__gt=moment).update(
        status=USED, used_at=moment, used_by_id=actor.account.id, closed_at=moment
    )
    if used != 1:
        await voucher.refresh_from_db()
        raise _closed(voucher, zone)
    await voucher.refresh_from_db()
    return voucher


def _closed(voucher: Voucher, zone: ZoneInfo = DEFAULT_ZONE) -> VoucherClosed:
    """Why ``voucher`` can no longer be used, told with its state."""
    if voucher.status == USED and voucher.used_at is not None:
        return VoucherUsed(when=voucher.used_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"))
    if voucher.status == LAPSED:  # lapsed earlier: not :class:`VoucherExpired`, which lapses it now
        return VoucherClosed(N_("This voucher has expired; the points went back to the resident."))
    if voucher.status == CANCELLED:
        return VoucherClosed(
            N_("This voucher was cancelled; the points went back to the resident.")
        )
    return VoucherClosed()


async def check_voucher(
    partner: Partner, code: str, *, now: datetime | None = None, zone: ZoneInfo = DEFAULT_ZONE
) -> Voucher:
    """The voucher an operator is about to accept, if it can still be used: shown on
    the confirmation page before :func:`verify_voucher`. A voucher past its time lapses
    here (its points go back) just as it would on acceptance."""
    voucher = await find_voucher_for_partner(partner, code)
    if voucher is None:
        raise VoucherNotFound()
    moment = now or now_utc()
    if voucher.status == ISSUED and voucher.expires_at <= moment:
        await _close(voucher, LAPSED, actor=None, memo="expired", now=moment)
        raise VoucherExpired()
    if voucher.status != ISSUED:
        raise _closed(voucher, zone)
    return voucher


# ------------------------------------------------------------------------- corrections


async def check_reversible(entry: Entry, reason: str, actor: Actor | None = None) -> None:
    """Refuse a reversal that cannot be done (checked before the worker is asked to
    confirm): the wrong kind of entry, no reason given, or an entry on the ``actor``'s
    own account."""
    if entry.kind not in REVERSIBLE:
        raise StreetbankError(N_("This kind of entry cannot be reversed here."))
    if actor is not None and actor.account is not None and actor.account.person_id is not None:
        mine = f"c{entry.community_id}:person:{actor.account.person_id}"
        if await Posting.filter(entry_id=entry.id, account__key=mine).exists():
            raise OwnAccount()
    if not reason.strip():
        raise StreetbankError(N_("Give a reason for the correction."), field="reason")


async def reverse_entry(
    entry: Entry, *, actor: Actor, reason: str, now: datetime | None = None
) -> Done:
    """Correct a mistaken earning, adjustment or expiry with an entry that reverses it
    (at most once). Refused if the resident has already spent the points."""
    await check_reversible(entry, reason, actor)
    postings = await Posting.filter(entry_id=entry.id).select_related("account")
    legs = [(posting.account, -int(posting.amount)) for posting in postings]
    moment = now or now_utc()

    async def work() -> Entry:
        return await _post(
            community_id=entry.community_id,
            kind=REVERSAL,
            key=f"reverse:{entry.id}",
            legs=legs,
            actor=actor,
            memo=reason.strip(),
            reverses=entry,
            now=moment,
        )

    return await _once(f"reverse:{entry.id}", work, _entry_found)


async def _allowance(community_id: int, account_id: int, day: date) -> AdjustmentAllowance:
    found = await AdjustmentAllowance.get_or_none(
        community_id=community_id, account_id=account_id, day=day
    )
    if found is not None:
        return found
    try:
        return await AdjustmentAllowance.create(
            community_id=community_id, account_id=account_id, day=day
        )
    except IntegrityError:  # created by a concurrent correction
        return await AdjustmentAllowance.get(
            community_id=community_id, account_id=account_id, day=day
        )


async def _post_adjustment(adjustment: Adjustment, actor: Actor, now: datetime) -> Entry:
    """Write the ledger entry of ``adjustment`` (inside the caller's transaction). The
    entry's key names the correction, so it is posted at most once."""
    issuing = await bank_account(adjustment.community_id)
    mine = await person_account(await Person.get(id=adjustment.person_id))
    entry = await _post(
        community_id=adjustment.community_id,
        kind=ADJUSTMENT,
        key=f"c{adjustment.community_id}:adjustment:{adjustment.id}",
        legs=[(issuing, -adjustment.amount), (mine, adjustment.amount)],
        actor=actor,
        memo=adjustment.reason,
        now=now,
    )
    await Adjustment.filter(id=adjustment.id).update(entry_id=entry.id)
    adjustment.entry_id = entry.id
    return entry


def _audit_values(adjustment: Adjustment) -> dict[str, Any]:
    return {
        "person": adjustment.person_id,
        "amount": adjustment.amount,
        "reason": adjustment.reason,
        "status": adjustment.status,
    }


async def adjust(
    community: Community,
    *,
    person: Person,
    amount: int,
    reason: str,
    key: str,
    actor: Actor,
    now: datetime | None = None,
    zone: ZoneInfo = DEFAULT_ZONE,
) -> Done:
    """A worker's manual correction: credit (or, negative, debit) ``person``.

    Never on the worker's own account. Within the community's limits (points per
    correction, and in total per worker and local day) it is posted at once; above
    them it is stored as pending and posts nothing until another person approves it
    (:func:`approve_adjustment`). Returns ``Done(Adjustment)``: its ``status`` says
    which."""
    if person.community_id != community.id or actor.account is None:
        raise NotAllowed()
    if _is_own(actor, person.id):
        raise OwnAccount()
    if amount == 0 or abs(amount) > MAX_ADJUSTMENT:
        raise StreetbankError(
            N_("Enter a whole number of points other than 0, from -%(most)s to %(most)s."),
            field="amount", most=MAX_ADJUSTMENT,
        )  # fmt: skip
    if not reason.strip():
        raise StreetbankError(N_("Give a reason for the correction."), field="reason")
    if not key:
        raise StreetbankError(N_("The form has expired; please try again."))
    moment = now or now_utc()
    settings = await settings_of(community)
    allowance = None
    if abs(amount) <= settings.adjust_limit:
        allowance = await _allowance(community.id, actor.account.id, moment.astimezone(zone).date())

    async def found() -> Done:
        existing = await Adjustment.get(key=key)
        if existing.person_id != person.id or existing.amount != amount:
            raise KeyReused()
        return Done(existing, duplicate=True)

    if await Adjustment.exists(key=key):
        return await found()
    try:
        async with in_transaction():
            adjustment = await Adjustment.create(
                community_id=community.id, key=key, person_id=person.id, amount=amount,
                reason=reason.strip()[:300], status=PENDING, made_by_id=actor.account.id,
                made_at=moment,
            )  # fmt: skip
            # Within the maker's own authority only while the day's total allows it:
            # a guarded UPDATE, so concurrent corrections cannot both take the last points.
            if allowance is not None and await AdjustmentAllowance.filter(
                id=allowance.id, points__lte=settings.adjust_daily_limit - abs(amount)
            ).update(points=F("points") + abs(amount)):
                await _post_adjustment(adjustment, actor, moment)
                adjustment.status = POSTED
                await Adjustment.filter(id=adjustment.id).update(status=POSTED)
            await audit(
                "streetbank.adjust" if adjustment.status == POSTED else "streetbank.adjust_request",
                actor=actor, community_id=community.id, obj=adjustment,
                after=_audit_values(adjustment), on_behalf_of=person,
            )  # fmt: skip
    except IntegrityError:
        if await Adjustment.exists(key=key):  # the same form, sent twice at once
            return await found()
        raise
    return Done(adjustment)


async def pending_adjustments(community: Community) -> list[Adjustment]:
    """Corrections waiting for approval, oldest first."""
    return (
        await Adjustment.filter(community_id=community.id, status=PENDING)
        .select_related("person", "made_by")
        .order_by("made_at", "id")
    )


async def _decide(adjustment: Adjustment, actor: Actor) -> None:
    """Refuse a decision the actor may not take: on their own correction, or on a
    correction of their own account."""
    if actor.account is None:
        raise NotAllowed()
    if adjustment.made_by_id == actor.account.id:
        raise NotAllowed(N_("You may not approve or reject your own correction."))
    if _is_own(actor, adjustment.person_id):
        raise OwnAccount()


async def approve_adjustment(
    adjustment: Adjustment, *, actor: Actor, now: datetime | None = None
) -> Adjustment:
    """A second person approves a pending correction: it is posted, once, in the same
    transaction that marks it approved (a guarded UPDATE from ``pending``, so of two
    approvals at once one posts and the other is told it was already decided)."""
    await _decide(adjustment, actor)
    moment = now or now_utc()
    async with in_transaction():
        taken = await Adjustment.filter(id=adjustment.id, status=PENDING).update(
            status=POSTED, decided_by_id=actor.account.id, decided_at=moment
        )
        if taken != 1:
            raise AlreadyDecided()
        adjustment.status = POSTED
        await _post_adjustment(adjustment, actor, moment)
        await audit(
            "streetbank.adjust_approve", actor=actor, community_id=adjustment.community_id,
            obj=adjustment, before={"status": PENDING}, after=_audit_values(adjustment),
        )  # fmt: skip
    await adjustment.refresh_from_db()
    return adjustment


async def reject_adjustment(
    adjustment: Adjustment, *, actor: Actor, reason: str, now: datetime | None = None
) -> Adjustment:
    """A second person rejects a pending correction, saying why; nothing is posted."""
    await _decide(adjustment, actor)
    if not reason.strip():
        raise StreetbankError(N_("Say why the correction is rejected."), field="reason")
    moment = now or now_utc()
    async with in_transaction():
        taken = await Adjustment.filter(id=adjustment.id, status=PENDING).update(
            status=REJECTED, decided_by_id=actor.account.id, decided_at=moment,
            decision_note=reason.strip()[:300],
        )  # fmt: skip
        if taken != 1:
            raise AlreadyDecided()
        await adjustment.refresh_from_db()
        await audit(
            "streetbank.adjust_reject", actor=actor, community_id=adjustment.community_id,
            obj=adjustment, before={"status": PENDING},
            after={**_audit_values(adjustment), "note": adjustment.decision_note},
        )  # fmt: skip
    return adjustment


def month_bounds(month: str, zone: ZoneInfo = DEFAULT_ZONE) -> tuple[datetime, datetime]:
    """The start of ``month`` ("2026-03") and of the next one, local to ``zone``."""
    try:
        start = datetime.strptime(month, "%Y-%m").replace(tzinfo=zone)
    except ValueError:
        start = None
    if start is None or not 1970 <= start.year < 9999:  # the next month must exist too
        raise StreetbankError(N_("Enter the month as YYYY-MM."), field="month")
    following = (start + timedelta(days=32)).replace(day=1)
    return start, following


async def adjustment_report(
    community: Community, month: str = "", *, zone: ZoneInfo = DEFAULT_ZONE
) -> list[Adjustment]:
    """Every manual correction (of ``month``, if given), newest first: who made it, for
    whom, how much, why, who approved or rejected it and when."""
    query = Adjustment.filter(community_id=community.id)
    if month:
        start, end = month_bounds(month, zone)
        query = query.filter(made_at__gte=start, made_at__lt=end)
    return await query.select_related("person", "made_by", "decided_by").order_by("-made_at", "-id")


#: The characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """``value`` as text for a CSV cell, with a ``'`` before a leading character that
    a spreadsheet would take for a formula (OWASP's rule against CSV injection)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


# ------------------------------------------------------------------------------ expiry


def year_start(year: int, zone: ZoneInfo = DEFAULT_ZONE) -> datetime:
    return datetime(year, 1, 1, tzinfo=zone)


async def expiring_points(
    community_id: int, year: int, *, now: datetime | None = None, zone: ZoneInfo = DEFAULT_ZONE
) -> dict[int, int]:
    """Points that expire at the end of ``year``, by person account: points held on
    1 January of ``year`` that were not spent since (oldest points are spent first).
    So every point stays valid for the rest of the year it was earned and all of the next."""
    moment = now or now_utc()
    cutoff = year_start(year, zone)
    held = await (
        Posting.filter(
            account__community_id=community_id, account__kind=PERSON, entry__created_at__lt=cutoff
        )
        .annotate(total=Sum("amount"))
        .group_by("account_id")
        .values("account_id", "total")
    )
    spent = await (
        Posting.filter(
            account__community_id=community_id,
            account__kind=PERSON,
            entry__created_at__gte=cutoff,
            entry__created_at__lte=moment,
            amount__lt=0,
        )
        .annotate(total=Sum("amount"))
        .group_by("account_id")
        .values("account_id", "total")
    )
    outflow = {row["account_id"]: -int(row["total"] or 0) for row in spent}
    balances = dict(
        await LedgerAccount.filter(community_id=community_id, kind=PERSON).values_list(
            "id", "balance"
        )
    )
    result = {}
    for row in held:
        account_id = row["account_id"]
        unspent = int(row["total"] or 0) - outflow.get(account_id, 0)
        amount = min(unspent, int(balances.get(account_id, 0)))
        if amount > 0:
            result[account_id] = amount
    return result


async def check_expiry(
    community: Community, year: int, *, now: datetime | None = None, zone: ZoneInfo = DEFAULT_ZONE
) -> None:
    """Refuse expiring the points of ``year`` where expiry is off or the year has not
    ended (checked before the worker is asked to confirm)."""
    settings = await settings_of(community)
    if not settings.expiry_enabled:
        raise ExpiryOff()
    if (now or now_utc()) < year_start(year + 1, zone):
        raise StreetbankError(
            N_("Points of a year can expire only after the year has ended."), field="year"
        )


async def expire_points(
    community: Community,
    year: int,
    *,
    actor: Actor | None = None,
    now: datetime | None = None,
    zone: ZoneInfo = DEFAULT_ZONE,
) -> Done:
    """Expire, as ledger entries, the points that lapse at the end of ``year`` (after it
    has ended, and only where the community switched yearly expiry on). Running it again
    expires nothing more. Returns ``Done({account id: points})``."""
    await check_expiry(community, year, now=now, zone=zone)
    moment = now or now_utc()
    sink = await bank_account(community.id, EXPIRED)
    done: dict[int, int] = {}
    for account_id, amount in (await expiring_points(community.id, year, now=moment)).items():
        account = await LedgerAccount.get(id=account_id)
        key = f"expiry:{account_id}:{year}"

        async def work(
            account: LedgerAccount = account, amount: int = amount, key: str = key
        ) -> Entry:
            return await _post(
                community_id=community.id,
                kind=EXPIRY,
                key=key,
                legs=[(account, -amount), (sink, amount)],
                actor=actor,
                memo=str(year),
                now=moment,
            )

        try:
            result = await _once(key, work, _entry_found)
        except InsufficientPoints:
            continue  # spent meanwhile: nothing left to expire
        if not result.duplicate:
            done[account_id] = amount
    return Done(done)


# --------------------------------------------------------------------------- checking


@dataclass
class LedgerReport:
    """What ``linli streetbank verify`` found."""

    entries: int = 0
    accounts: int = 0
    unbalanced: list[tuple[int, int]] = field(default_factory=list)
    too_few_postings: list[int] = field(default_factory=list)
    wrong_balances: list[tuple[str, int, int]] = field(default_factory=list)
    negative: list[tuple[str, int]] = field(default_factory=list)
    negative_stock: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (
            self.unbalanced
            or self.too_few_postings
            or self.wrong_balances
            or self.negative
            or self.negative_stock
        )

    def lines(self) -> list[str]:
        out = [f"{self.entries} entries, {self.accounts} accounts checked"]
        out += [f"entry {eid}: postings sum to {total}, not 0" for eid, total in self.unbalanced]
        out += [f"entry {eid}: fewer than two postings" for eid in self.too_few_postings]
        out += [
            f"account {key}: cached balance {cached} but postings sum to {actual}"
            for key, cached, actual in self.wrong_balances
        ]
        out += [f"account {key}: negative balance {value}" for key, value in self.negative]
        out += [f"catalogue item {iid}: negative stock" for iid in self.negative_stock]
        out.append("ledger OK" if self.ok else "ledger has ERRORS")
        return out


async def verify_ledger(community_id: int | None = None) -> LedgerReport:
    """Check that every entry sums to zero (with two postings or more), every cached
    balance equals the sum of its postings, no person is below zero and no stock is."""
    report = LedgerReport()
    entries = Entry.all() if community_id is None else Entry.filter(community_id=community_id)
    report.entries = await entries.count()
    sums = (
        await entries.annotate(total=Sum("postings__amount"), n=Count("postings__id"))
        .group_by("id")
        .values("id", "total", "n")
    )
    for row in sums:
        if int(row["n"] or 0) < 2:
            report.too_few_postings.append(row["id"])
        elif int(row["total"] or 0) != 0:
            report.unbalanced.append((row["id"], int(row["total"])))
    accounts = (
        LedgerAccount.all()
        if community_id is None
        else LedgerAccount.filter(community_id=community_id)
    )
    rows = (
        await accounts.annotate(total=Sum("postings__amount"))
        .group_by("id")
        .values("id", "key", "balance", "total", "allow_negative")
    )
    report.accounts = len(rows)
    for row in rows:
        actual = int(row["total"] or 0)
        if int(row["balance"]) != actual:
            report.wrong_balances.append((row["key"], int(row["balance"]), actual))
        if not row["allow_negative"] and int(row["balance"]) < 0:
            report.negative.append((row["key"], int(row["balance"])))
    items = CatalogueItem.filter(stock__lt=0)
    if community_id is not None:
        items = items.filter(community_id=community_id)
    report.negative_stock = list(await items.values_list("id", flat=True))
    return report


# ------------------------------------------------------------------------ reading data


async def history(account: LedgerAccount, *, page: int = 1, per_page: int = 30) -> list[Posting]:
    """A page of an account's postings, newest first, with their entries: one query."""
    page = max(page, 1)
    return (
        await Posting.filter(account_id=account.id)
        .select_related("entry")
        .order_by("-entry_id", "-id")
        .offset((page - 1) * per_page)
        .limit(per_page)
    )


async def services_named(entries: list[Entry], language: str) -> dict[int, str]:
    """What the credited services among ``entries`` were, by entry id, in ``language``
    ("Safety patrol × 3"): an entry's memo keeps the category's name as it was written,
    in the community's language. One query, none without a credit."""
    earned = [entry.id for entry in entries if entry.kind == EARN]
    if not earned:
        return {}
    rows = await ServiceRecord.filter(entry_id__in=earned).values_list(
        "entry_id", "category__name", "category__name_en", "quantity"
    )
    return {
        entry_id: f"{(name_en if language == 'en' and name_en else name)} × "
        f"{Decimal(quantity).normalize():f}"
        for entry_id, name, name_en, quantity in rows
    }


async def catalogue(
    community: Community,
    *,
    category: str = "",
    partner_id: int | None = None,
    query: str = "",
    today: date,
    limit: int = 200,
    offset: int = 0,
) -> list[CatalogueItem]:
    """Items a resident may redeem today, filtered, cheapest first: one query."""
    items = CatalogueItem.filter(
        Q(available_from__isnull=True) | Q(available_from__lte=today),
        Q(available_until__isnull=True) | Q(available_until__gte=today),
        community_id=community.id,
        active=True,
        partner__active=True,
    )
    if category:
        items = items.filter(category=category)
    if partner_id:
        items = items.filter(partner_id=partner_id)
    if query.strip():
        items = items.filter(title__icontains=query.strip())
    return await items.select_related("partner").order_by("price", "id").offset(offset).limit(limit)


async def usage_this_month(person: Person, item_ids: list[int], month: str) -> dict[int, int]:
    rows = await MonthlyUsage.filter(
        person_id=person.id, item_id__in=item_ids, month=month
    ).values_list("item_id", "count")
    return dict(rows)


# ----------------------------------------------------------------------------- figures


@dataclass
class Figures:
    year: int
    issued_by_month: list[int]
    redeemed_by_month: list[int]
    issued: int
    redeemed: int
    by_partner: list[tuple[str, int]]
    top_items: list[tuple[str, int]]
    active_earners: int
    earners_by_month: list[int]
    years: list[tuple[int, int, int]]


async def figures(community: Community, year: int, *, zone: ZoneInfo = DEFAULT_ZONE) -> Figures:
    """Points issued and redeemed by month and year, by partner, top items and active
    earners. Redeemed means net of refunds; issued means net of reversals."""
    start, end = year_start(year, zone), year_start(year + 1, zone)
    issuing_key = f"c{community.id}:{ISSUING}"
    rows = await Posting.filter(
        account__community_id=community.id,
        entry__created_at__gte=start,
        entry__created_at__lt=end,
    ).values(
        "amount",
        "entry__created_at",
        "entry__kind",
        "account__kind",
        "account__key",
        "account__person_id",
        "account__partner_id",
    )
    issued = [0] * 12
    redeemed = [0] * 12
    earners: list[set[int]] = [set() for _ in range(12)]
    by_partner: dict[int, int] = defaultdict(int)
    for row in rows:
        month = row["entry__created_at"].astimezone(zone).month - 1
        amount = int(row["amount"])
        if row["account__key"] == issuing_key:
            issued[month] -= amount
        elif row["account__kind"] == PARTNER and row["entry__kind"] in (REDEEM, REFUND):
            redeemed[month] += amount
            by_partner[row["account__partner_id"]] += amount
        elif row["account__kind"] == PERSON and row["entry__kind"] == EARN:
            earners[month].add(row["account__person_id"])
    names = dict(await Partner.filter(id__in=list(by_partner)).values_list("id", "name"))
    partners = sorted(
        ((names.get(pid, "?"), total) for pid, total in by_partner.items() if total),
        key=lambda pair: -pair[1],
    )
    top = (
        await Voucher.filter(
            community_id=community.id,
            issued_at__gte=start,
            issued_at__lt=end,
            status__in=(ISSUED, USED),
        )
        .annotate(n=Count("id"))
        .group_by("item__title")
        .order_by("-n")
        .limit(10)
        .values_list("item__title", "n")
    )
    all_earners = set().union(*earners)
    years = await _yearly(community, zone)
    issued_total, redeemed_total = await year_totals(community, year, zone=zone)
    return Figures(
        year=year,
        issued_by_month=issued,
        redeemed_by_month=redeemed,
        issued=issued_total,
        redeemed=redeemed_total,
        by_partner=partners,
        top_items=[(title, int(n)) for title, n in top],
        active_earners=len(all_earners),
        earners_by_month=[len(s) for s in earners],
        years=years,
    )


async def _yearly(community: Community, zone: ZoneInfo) -> list[tuple[int, int, int]]:
    """(year, issued, redeemed) for every year with entries."""
    rows = await Posting.filter(
        account__community_id=community.id, account__kind__in=(ISSUING, PARTNER)
    ).values_list("amount", "account__kind", "entry__created_at")
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for amount, kind, created in rows:
        year = created.astimezone(zone).year
        if kind == ISSUING:
            totals[year][0] -= int(amount)
        else:
            totals[year][1] += int(amount)
    return [(year, *totals[year]) for year in sorted(totals)]


async def _sum(postings: Any) -> int:
    """The sum of ``amount`` over ``postings`` of one community, in one query.

    Tortoise groups an aggregate over a join by every column of the posting (one row
    per posting: reading the first row gave one posting's amount). Grouping by the
    account's community, which the filter fixes, leaves exactly one row: the total."""
    rows = (
        await postings.annotate(total=Sum("amount"))
        .group_by("account__community_id")
        .values_list("total", flat=True)
    )
    return sum(int(total or 0) for total in rows)


async def year_totals(
    community: Community | int, year: int, *, zone: ZoneInfo = DEFAULT_ZONE
) -> tuple[int, int]:
    """(points issued, points redeemed) in ``year`` (local to ``zone``): two aggregate
    queries. Issued is what left the issuing account, net of reversals; redeemed is
    what partners received, net of refunds. The figures page and the home page's
    widget both show these."""
    community_id = community if isinstance(community, int) else community.id
    start, end = year_start(year, zone), year_start(year + 1, zone)
    issued = await _sum(
        Posting.filter(
            account__key=f"c{community_id}:{ISSUING}",
            account__community_id=community_id,
            entry__created_at__gte=start,
            entry__created_at__lt=end,
        )
    )
    redeemed = await _sum(
        Posting.filter(
            account__community_id=community_id,
            account__kind=PARTNER,
            entry__kind__in=(REDEEM, REFUND),
            entry__created_at__gte=start,
            entry__created_at__lt=end,
        )
    )
    return -issued, redeemed


async def summary(
    community: Community, *, zone: ZoneInfo = DEFAULT_ZONE, now: datetime | None = None
) -> dict[str, int]:
    """This year's totals for the dashboard widget (the figures page's, from
    :func:`year_totals`) and the number of active partners: three queries."""
    year = (now or now_utc()).astimezone(zone).year
    issued, redeemed = await year_totals(community, year, zone=zone)
    partners = await Partner.filter(community_id=community.id, active=True).count()
    return {"year": year, "issued": issued, "redeemed": redeemed, "partners": partners}


async def open_vouchers(community: Community) -> int:
    """Vouchers issued and not yet used, cancelled or lapsed."""
    return await Voucher.filter(community_id=community.id, status=ISSUED).count()


async def holders(community: Community) -> int:
    """Residents who hold points."""
    return await LedgerAccount.filter(community_id=community.id, kind=PERSON, balance__gt=0).count()


VOUCHER_STATUS_LABELS = {
    ISSUED: N_("Ready to use"),
    USED: N_("Used"),
    CANCELLED: N_("Cancelled"),
    LAPSED: N_("Expired"),
}
ENTRY_KIND_LABELS = {
    EARN: N_("Service credited"),
    REDEEM: N_("Redeemed"),
    REFUND: N_("Points returned"),
    EXPIRY: N_("Points expired"),
    ADJUSTMENT: N_("Correction"),
    REVERSAL: N_("Reversal"),
}
ACCOUNT_KIND_LABELS = {
    PERSON: N_("Resident"),
    ISSUING: N_("Issuing account"),
    PARTNER: N_("Partner"),
    EXPIRED: N_("Expired points"),
}
ADJUSTMENT_STATE_LABELS = {
    PENDING: N_("Waiting for approval"),
    POSTED: N_("Posted"),
    REJECTED: N_("Rejected"),
}
#: The columns of the manual corrections report (and its CSV export).
ADJUSTMENT_REPORT_COLUMNS = (
    N_("Made at"),
    N_("Made by"),
    N_("Resident"),
    N_("Points"),
    N_("Reason"),
    N_("State"),
    N_("Approved or rejected by"),
    N_("Decided at"),
    N_("Why rejected"),
    N_("Entry"),
)


def adjustment_rows(rows: list[Adjustment], zone: ZoneInfo = DEFAULT_ZONE) -> list[list[Any]]:
    """The report's cells for each correction (loaded by :func:`adjustment_report`),
    in the order of :data:`ADJUSTMENT_REPORT_COLUMNS`; the state is its key."""

    def when(moment: datetime | None) -> str:
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""

    return [
        [
            when(row.made_at),
            row.made_by.username if row.made_by else "",
            row.person.name,
            row.amount,
            row.reason,
            row.status,
            row.decided_by.username if row.decided_by else "",
            when(row.decided_at),
            row.decision_note,
            row.entry_id or "",
        ]
        for row in rows
    ]


# ------------------------------------------------------------------ the home's "For you"


def home_items(community: Community, actor: Actor) -> list[HomeItem]:
    """A member's balance and unused vouchers; an approver's corrections waiting for
    approval. One-value queries, run together by the core."""
    person_id = actor.account.person_id if actor.account else None
    items = []
    if person_id is not None:
        key = f"c{community.id}:{PERSON}:{person_id}"
        items += [
            HomeItem(
                N_("My points"),
                "me",
                LedgerAccount.filter(key=key).values_list("balance", flat=True),
                note=N_("points to spend in the catalogue"),
                empty=N_("No points yet: volunteer to earn some"),
                order=10,
                permission="streetbank.use",
            ),
            HomeItem(
                N_("My vouchers"),
                "vouchers",
                Voucher.filter(
                    community_id=community.id, person_id=person_id, status=ISSUED
                ).count(),
                note=N_("ready to show at the partner"),
                order=15,
                permission="streetbank.use",
            ),
        ]
    items.append(
        HomeItem(
            N_("Corrections to approve"),
            "worker/approvals",
            Adjustment.filter(community_id=community.id, status=PENDING)
            .exclude(made_by_id=actor.account.id if actor.account else 0)
            .count(),
            note=N_("above a worker's limit"),
            urgent=True,
            order=60,
            permission="streetbank.approve",
        )
    )
    return items
