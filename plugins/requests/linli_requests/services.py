"""The rules of residents' requests. No HTTP here: the pages, the Open311 API and the
demo data call these functions.

- A request starts in the community's initial status, routed to its category's body
  (the community itself when the category names none), with the category's targets as
  its deadlines to respond and to fix.
- Every change (status, body, person, priority, expected date, the round-table flag)
  goes through :func:`work`, which writes one :class:`Update` with a public note, an
  optional private note and the values before and after. It is a guarded UPDATE on the
  request's ``version``: a change made on a page that is no longer current is refused,
  never a silent overwrite.
- "Me too" adds a reporter once per person whatever the race (the unique constraint),
  and the cached ``reporter_count`` moves in the same transaction. Merging a duplicate
  moves its reporters to the kept request, counting someone who reported both once.
- A reporter may reopen a request within the community's days; "fixed" asks the
  reporter to confirm after the community's days (see :func:`confirmations_due`), by a
  notification too (:func:`ask_confirmation`, a one-off job).
- Who is told, in the transaction of the change (nothing for a rolled-back one): the
  reporters of a change of status (with its public note, never the private one) and of
  the round-table's decision, the person a request is assigned to; once a day each
  body's staff of the requests that became overdue (:func:`tell_overdue`). Whoever
  made the change is not told of it.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from statistics import median
from typing import Any, cast
from zoneinfo import ZoneInfo

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q, Subquery
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from linli.kit import (
    N_,
    Account,
    Actor,
    Community,
    Grant,
    HomeItem,
    Node,
    OnBehalfError,
    Person,
    Refusal,
    UploadRefused,
    audit,
    check_on_behalf,
    community_root,
    home_node,
    notify,
    save_image,
    schedule,
    unschedule,
)
from linli.kit import settings_of as plugin_settings
from linli_requests.models import (
    CHANNELS,
    CLOSED,
    FIXED,
    NORMAL,
    OPEN,
    PRIORITIES,
    SIDES,
    TYPES,
    AgendaItem,
    ApiClient,
    ApiHit,
    Attendee,
    Category,
    Meeting,
    Reporter,
    Request,
    Status,
    Update,
)
from linli_requests.notifications import ASSIGNED, CONFIRM_FIXED, DECIDED, OVERDUE, STATUS_CHANGED
from linli_requests.settings import RequestsSettings

DEFAULT_ZONE = ZoneInfo("Asia/Shanghai")
MAX_TEXT = 2000
MAX_NOTE = 2000
PER_PAGE = 30
#: Open311 datatypes of a category's attributes.
DATATYPES = {
    "string": N_("Short text"),
    "text": N_("Long text"),
    "number": N_("Number"),
    "datetime": N_("Date and time"),
    "singlevaluelist": N_("One of a list"),
    "multivaluelist": N_("Several of a list"),
}
TYPE_LABELS = {OPEN: N_("Open"), FIXED: N_("Fixed"), CLOSED: N_("Closed")}
CHANNEL_LABELS = {
    "online": N_("Reported online"),
    "phone": N_("Taken on the phone"),
    "desk": N_("Taken at the desk"),
    "walk": N_("Found on a grid walk"),
    "api": N_("Through the Open311 API"),
}
PRIORITY_LABELS = {1: N_("Urgent"), 2: N_("Normal"), 3: N_("Low")}
REASON_LABELS = {
    "new": N_("New this week"),
    "overdue": N_("Overdue"),
    "waiting": N_("Waiting for a decision"),
}
SIDE_LABELS = {
    "community": N_("Community"),
    "property": N_("Property company"),
    "other": N_("Other"),
}
UPDATE_LABELS = {
    "created": N_("Request received"),
    "status": N_("Status changed"),
    "change": N_("Changed"),
    "note": N_("Note"),
    "metoo": N_("Another resident reported it too"),
    "merged": N_("Merged"),
    "reopen": N_("Reopened by the reporter"),
    "confirm": N_("Confirmed fixed by the reporter"),
    "decision": N_("Decided at the round-table"),
}
FIELD_LABELS = {
    "status": N_("Status"),
    "body": N_("Responsible body"),
    "assignee": N_("Person in charge"),
    "priority": N_("Priority"),
    "expected_on": N_("Expected date"),
    "awaiting_decision": N_("On the round-table"),
}
#: The statuses a community starts with: (key, zh, en, type, initial, canned notes).
DEFAULT_STATUSES = [
    ("received", "已受理", "Received", OPEN, True, "已收到您的诉求，我们会尽快处理。"),
    ("in_progress", "处理中", "In progress", OPEN, False,
     "已安排人员上门查看。\n维修材料已订购，到货后安排施工。"),
    ("waiting", "待周周碰协调", "Waiting for the round-table", OPEN, False,
     "此事需社区与物业周周碰协调，会后告知结果。"),
    ("reopened", "已重新打开", "Reopened", OPEN, False, ""),
    ("fixed", "已解决", "Fixed", FIXED, False, "已处理完毕，请您确认是否解决。"),
    ("closed", "已办结", "Closed", CLOSED, False, "经确认已解决，本诉求办结。"),
    ("not_ours", "非职责范围", "Not for us", CLOSED, False,
     "此事不属物业和社区职责，已告知相关部门。"),
    ("duplicate", "重复诉求", "Duplicate", CLOSED, False, "与另一条诉求合并办理。"),
]  # fmt: skip
#: The catalogue a community starts with: (code, zh, en, body kind and code, respond
#: hours, fix days, private, attributes).
FLOOR = {"code": "floor", "datatype": "number", "required": True, "order": 1,
         "description": "楼层", "description_en": "Floor", "values": []}  # fmt: skip
DEFAULT_CATEGORIES: list[tuple[str, str, str, tuple[str, str], int, int, bool, list[Any]]] = [
    ("leak", "漏水", "Leak", ("property_company", ""), 24, 7, False, [
        FLOOR,
        {"code": "where", "datatype": "singlevaluelist", "required": True, "order": 2,
         "description": "漏水位置", "description_en": "Where it leaks",
         "values": [{"key": "roof", "name": "屋顶"}, {"key": "wall", "name": "外墙"},
                    {"key": "pipe", "name": "管道"}, {"key": "ceiling", "name": "天花板"}]},
    ]),
    ("garbage", "垃圾清运", "Rubbish collection", ("property_company", ""), 12, 2, False, [
        {"code": "location_type", "datatype": "singlevaluelist", "required": True, "order": 1,
         "description": "位置类型", "description_en": "Kind of place",
         "values": [{"key": "stairwell", "name": "楼道"}, {"key": "bins", "name": "垃圾桶站"},
                    {"key": "green", "name": "绿化带"}]},
    ]),
    ("lift", "电梯故障", "Lift out of order", ("property_company", ""), 4, 3, False, [FLOOR]),
    ("streetlight", "路灯不亮", "Street light out", ("property_company", ""), 24, 5, False, []),
    ("thrown", "高空抛物", "Things thrown from height", ("partner_unit", "police"), 12, 14,
     False, []),
    ("neighbour", "邻里矛盾", "Trouble between neighbours", ("", ""), 24, 14, True, []),
    ("other", "其他", "Other", ("", ""), 48, 14, False, []),
]  # fmt: skip


class RequestsError(Refusal):
    """A rule of the requests plugin refused; nothing was changed."""

    message = N_("This could not be done.")


class NotAllowed(RequestsError):
    message = N_("You may not do this.")
    status = 403


class Stale(RequestsError):
    message = N_(
        "Someone changed this request while you were looking at it: read its history and try again."
    )
    status = 409


class AlreadyReported(RequestsError):
    message = N_("You have already reported this problem.")
    status = 409


def now_utc() -> datetime:
    return datetime.now(UTC)


def day_start(day: date, zone: ZoneInfo = DEFAULT_ZONE) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def request_url(community: Community | str, request_id: int) -> str:
    slug = community if isinstance(community, str) else community.slug
    return f"/c/{slug}/requests/{request_id}"


async def settings_of(community: Community | int) -> RequestsSettings:
    """The community's requests settings (stored by the core)."""
    return cast(RequestsSettings, await plugin_settings(community, "requests"))


def _clean(text: str, limit: int, empty: str | None, field: str) -> str:
    text = (text or "").replace("\x00", "").strip()
    if not text and empty is not None:
        raise RequestsError(empty, field=field)
    if len(text) > limit:
        raise RequestsError(
            N_("The text is too long: at most %(limit)s characters."), field=field, limit=limit
        )
    return text


# ------------------------------------------------------------------ the defaults


async def ensure_defaults(community: Community) -> None:
    """The default statuses and catalogue, the first time a community needs them:
    idempotent (a second caller at the same moment finds them made)."""
    if not await Status.filter(community_id=community.id).exists():
        try:
            async with in_transaction():
                await Status.bulk_create(
                    [
                        Status(
                            community_id=community.id,
                            key=key,
                            name=name,
                            name_en=name_en,
                            type=kind,
                            initial=initial,
                            canned=canned,
                            position=i,
                        )
                        for i, (key, name, name_en, kind, initial, canned) in enumerate(
                            DEFAULT_STATUSES
                        )
                    ]
                )
        except IntegrityError:
            pass
    if not await Category.filter(community_id=community.id).exists():
        try:
            async with in_transaction():
                for i, (code, name, name_en, (kind, node_code), hours, days, private,
                        attributes) in enumerate(DEFAULT_CATEGORIES):  # fmt: skip
                    body = None
                    if kind:
                        query = Node.filter(community_id=community.id, kind__key=kind)
                        if node_code:
                            query = query.filter(code__endswith=node_code)
                        body = await query.order_by("path").first()
                    await Category.create(
                        community_id=community.id, code=code, name=name, name_en=name_en,
                        body=body, respond_hours=hours, fix_days=days, private=private,
                        attributes=attributes, position=i,
                    )  # fmt: skip
        except IntegrityError:
            pass


# ------------------------------------------------------------------ bodies and people


async def bodies(community: Community) -> list[Node]:
    """The units a request may be routed to: the community itself (its office, first)
    and the organisation nodes of its trees (the property company and its teams, the
    party organisation, partner units such as the police office), in tree order. One
    query."""
    nodes = list(
        await Node.filter(community_id=community.id)
        .filter(Q(tree="place", parent_id__isnull=True) | ~Q(tree="place"))
        .exclude(kind__key__in=("party_lead_household", "merchant"))
        .order_by("tree", "path")
        .limit(200)
    )
    roots = [n for n in nodes if n.tree == "place"]
    return [*roots, *(n for n in nodes if n.tree != "place")]


async def body_in(community: Community, node_id: int | None, field: str = "body") -> Node:
    """A body of the community, or a refusal."""
    if node_id is not None:
        for node in await bodies(community):
            if node.id == node_id:
                return node
    raise RequestsError(N_("Choose a responsible body of this community."), field=field)


async def handlers_of(body: Node) -> list[Account]:
    """The accounts that may work on the body's requests (a grant allowing
    ``requests.handle`` at the body or above it), with their people, by name: two
    queries."""
    grants = (
        await Grant.filter(node_id__in=[*body.ancestor_ids(), body.id])
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now_utc()))
        .select_related("role", "account__person")
    )
    seen: dict[int, Account] = {}
    for grant in grants:
        if "requests.handle" in (grant.role.permissions or []):
            seen.setdefault(grant.account_id, grant.account)
    return sorted(seen.values(), key=lambda a: a.display_name)


async def handlers_by_body(nodes: list[Node]) -> dict[int, list[Account]]:
    """:func:`handlers_of` for several bodies at once: one query."""
    wanted = {node.id: node for node in nodes}
    ancestors = {a for node in wanted.values() for a in node.ancestor_ids()}
    if not ancestors:
        return {}
    grants = (
        await Grant.filter(node_id__in=ancestors)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now_utc()))
        .select_related("role", "account__person")
    )
    result: dict[int, list[Account]] = {}
    for node in wanted.values():
        chain = set(node.ancestor_ids())
        seen: dict[int, Account] = {}
        for grant in grants:
            if grant.node_id in chain and "requests.handle" in (grant.role.permissions or []):
                seen.setdefault(grant.account_id, grant.account)
        result[node.id] = sorted(seen.values(), key=lambda a: a.display_name)
    return result


def may_handle(actor: Actor, request_body: Node) -> bool:
    return actor.can("requests.handle", request_body)


# ------------------------------------------------------------------ attributes


def attribute_definition(
    *,
    code: str,
    datatype: str,
    required: bool,
    description: str,
    description_en: str = "",
    values: str = "",
    order: int = 0,
) -> dict[str, Any]:
    """An Open311 attribute from the category page's form. ``values`` lists a list's
    choices one a line, ``key=name`` or just the name."""
    code = code.strip()
    if not code or not code.replace("_", "").isalnum() or not code.isascii() or len(code) > 32:
        raise RequestsError(N_("The code is a short word of letters, digits and _."), field="code")
    if datatype not in DATATYPES:
        raise RequestsError(N_("Choose a kind of answer."), field="datatype")
    description = _clean(description, 200, N_("Write the question."), "description")
    choices: list[dict[str, str]] = []
    if datatype in ("singlevaluelist", "multivaluelist"):
        for i, line in enumerate(values.splitlines()):
            line = line.strip()
            if not line:
                continue
            key, _, name = line.partition("=")
            key, name = (key.strip(), name.strip()) if name else (str(i + 1), key.strip())
            choices.append({"key": key[:32], "name": name[:100]})
        if len(choices) < 2:
            raise RequestsError(N_("A list needs at least two choices."), field="values")
    return {
        "code": code, "datatype": datatype, "required": required,
        "description": description, "description_en": description_en.strip()[:200],
        "order": order, "values": choices,
    }  # fmt: skip


def clean_attributes(
    category: Category, given: dict[str, Any]
) -> dict[str, str | float | list[str]]:
    """The answers to the category's questions, checked against each datatype; a
    refusal names the first bad one (its field is ``attribute[code]``)."""
    answers: dict[str, str | float | list[str]] = {}
    for attribute in category.attributes:
        code = attribute["code"]
        field = f"attribute[{code}]"
        raw = given.get(code)
        values = [str(v) for v in (raw if isinstance(raw, list) else [raw]) if str(v or "").strip()]
        if not values:
            if attribute.get("required"):
                raise RequestsError(
                    N_("Answer “%(question)s”."), field=field, question=attribute["description"]
                )
            continue
        datatype = attribute["datatype"]
        keys = {choice["key"] for choice in attribute.get("values", [])}
        if datatype == "number":
            try:
                number = float(values[0])
            except ValueError:
                number = float("nan")
            if number != number or abs(number) > 1e9:
                raise RequestsError(N_("Enter a number."), field=field)
            answers[code] = number
        elif datatype == "datetime":
            try:
                answers[code] = datetime.fromisoformat(values[0].strip()).isoformat()
            except ValueError:
                raise RequestsError(N_("Enter a date and time."), field=field) from None
        elif datatype == "singlevaluelist":
            if values[0] not in keys or len(values) > 1:
                raise RequestsError(N_("Choose one of the list."), field=field)
            answers[code] = values[0]
        elif datatype == "multivaluelist":
            if not set(values) <= keys:
                raise RequestsError(N_("Choose from the list."), field=field)
            answers[code] = sorted(set(values))
        else:
            limit = 200 if datatype == "string" else MAX_TEXT
            answers[code] = _clean(values[0], limit, None, field)
    return answers


# ------------------------------------------------------------------ categories, statuses


async def category_in(community: Community, category_id: int | None) -> Category:
    category = (
        await Category.get_or_none(id=category_id, community_id=community.id, active=True)
        if category_id is not None
        else None
    )
    if category is None:
        raise RequestsError(N_("Choose a category."), field="category")
    return category


async def save_category(
    community: Community,
    *,
    actor: Actor,
    category: Category | None = None,
    code: str,
    name: str,
    name_en: str = "",
    description: str = "",
    description_en: str = "",
    body_id: int | None = None,
    respond_hours: int = 24,
    fix_days: int = 7,
    private: bool = False,
    active: bool = True,
) -> Category:
    """Add a category, or change one."""
    code = code.strip()
    if not code or not code.isascii() or not code.replace("_", "").isalnum() or len(code) > 32:
        raise RequestsError(N_("The code is a short word of letters, digits and _."), field="code")
    name = _clean(name, 100, N_("Name the category."), "name")
    name_en = _clean(name_en, 100, None, "name_en")
    description = _clean(description, 1000, None, "description")
    description_en = _clean(description_en, 1000, None, "description_en")
    if not 1 <= respond_hours <= 24 * 30:
        raise RequestsError(N_("Between 1 hour and 30 days."), field="respond_hours")
    if not 1 <= fix_days <= 365:
        raise RequestsError(N_("Between 1 and 365 days."), field="fix_days")
    body = await body_in(community, body_id) if body_id is not None else None
    values = {
        "code": code, "name": name, "name_en": name_en, "description": description,
        "description_en": description_en, "body_id": body.id if body else None,
        "respond_hours": respond_hours, "fix_days": fix_days, "private": private, "active": active,
    }  # fmt: skip
    try:
        async with in_transaction():
            if category is None:
                category = await Category.create(community_id=community.id, **cast(Any, values))
                before = None
            else:
                before = {key: getattr(category, key) for key in values}
                category.update_from_dict(values)
                await category.save()
            await audit(
                "requests.category.save", actor=actor, community_id=community.id,
                obj=category, before=before, after=values,
            )  # fmt: skip
    except IntegrityError:
        raise RequestsError(N_("Another category has this code."), field="code") from None
    return category


async def set_attributes(
    category: Category, attributes: list[dict[str, Any]], *, actor: Actor
) -> None:
    if len({a["code"] for a in attributes}) != len(attributes):
        raise RequestsError(N_("Another question of this category has this code."), field="code")
    before = category.attributes
    category.attributes = sorted(attributes, key=lambda a: (a.get("order", 0), a["code"]))
    async with in_transaction():
        await category.save(update_fields=["attributes"])
        await audit(
            "requests.category.attributes", actor=actor, community_id=category.community_id,
            obj=category, before={"attributes": before}, after={"attributes": attributes},
        )  # fmt: skip


async def save_status(
    community: Community,
    *,
    actor: Actor,
    status: Status | None = None,
    key: str,
    name: str,
    name_en: str = "",
    type: str,
    canned: str = "",
) -> Status:
    key = key.strip()
    if not key or not key.isascii() or not key.replace("_", "").isalnum() or len(key) > 32:
        raise RequestsError(N_("The code is a short word of letters, digits and _."), field="key")
    if type not in TYPES:
        raise RequestsError(N_("Choose a type."), field="type")
    name = _clean(name, 60, N_("Name the status."), "name")
    values = {
        "key": key, "name": name, "name_en": _clean(name_en, 60, None, "name_en"),
        "type": type, "canned": _clean(canned, MAX_NOTE, None, "canned"),
    }  # fmt: skip
    try:
        async with in_transaction():
            if status is None:
                position = await Status.filter(community_id=community.id).count()
                status = await Status.create(
                    community_id=community.id, position=position, **cast(Any, values)
                )
                before = None
            else:
                if status.initial and type != OPEN:
                    raise RequestsError(
                        N_("New requests start in this status: it must be of type open."),
                        field="type",
                    )
                before = {k: getattr(status, k) for k in values}
                status.update_from_dict(values)
                await status.save()
                # the type is kept on the requests too: move theirs with it
                await Request.filter(status_id=status.id).update(status_type=type)
            await audit(
                "requests.status.save", actor=actor, community_id=community.id, obj=status,
                before=before, after=values,
            )  # fmt: skip
    except IntegrityError:
        raise RequestsError(N_("Another status has this code."), field="key") from None
    return status


async def status_by_key(community_id: int, key: str, type: str) -> Status:
    """The status called ``key``, else the first of ``type``."""
    found = await Status.get_or_none(community_id=community_id, key=key)
    if found is None or found.type != type:
        found = await Status.filter(community_id=community_id, type=type).first()
    if found is None:
        raise RequestsError(N_("The community has no status of this type."))
    return found


# ------------------------------------------------------------------ intake


async def allowed_places(community: Community, person: Person | None) -> list[Node]:
    """Where a resident may say the problem is: their building and everything in it
    down to their own flat (not the neighbours' flats), and the estate and community
    around it. Without a home, the community itself."""
    if person is None:
        return [await community_root(community)]
    home = await home_node(person)
    if home.parent_id is None:
        return [home]  # no home: the community itself
    chain = [int(i) for i in home.ancestor_ids()]
    nodes = list(
        await Node.filter(id__in=chain, community_id=community.id)
        .select_related("kind")
        .order_by("depth")
    )
    root = nodes[0] if nodes else await community_root(community)
    building = next((n for n in nodes if n.kind.key == "building"), None)
    inside = []
    if building is not None:
        inside = list(
            await Node.filter(path__startswith=building.path, depth__gt=building.depth)
            .exclude(kind__key="household")
            .order_by("path")
            .limit(100)
        )
    return [*(n for n in nodes if n.depth >= root.depth), *inside, home]


async def place_in(community: Community, node_id: int | None) -> Node | None:
    if node_id is None:
        return None
    node = await Node.get_or_none(id=node_id, community_id=community.id, tree="place")
    if node is None:
        raise RequestsError(N_("Choose a place of this community."), field="place")
    return node


async def place_labels(
    nodes: list[Node | None], language: str, exact: bool = False
) -> dict[int, str]:
    """Each place's address ("二期 10栋 2单元 601室"): the whole of it for those who may
    see it (``exact``: the request's workers and reporters), else cut at the building
    ("二期 10栋"), so that neighbours and the API never learn a flat. One query."""
    wanted = [node for node in nodes if node is not None]
    ids = {ancestor for node in wanted for ancestor in node.ancestor_ids()}
    if not ids:
        return {}
    rows = {
        row["id"]: row
        for row in await Node.filter(id__in=ids).values(
            "id", "name", "name_en", "depth", "kind__key"
        )
    }

    def name_of(row: dict[str, Any]) -> str:
        return str((row["name_en"] if language == "en" else "") or row["name"])

    result: dict[int, str] = {}
    for node in wanted:
        chain = [i for i in node.ancestor_ids() if i in rows and int(rows[i]["depth"]) >= 1]
        if not exact:
            cut = next((n for n, i in enumerate(chain) if rows[i]["kind__key"] == "building"), None)
            if cut is not None:
                chain = chain[: cut + 1]
            else:
                chain = [i for i in chain if rows[i]["kind__key"] != "household"]
        result[node.id] = " ".join(name_of(rows[i]) for i in chain) or node.name_in(language)
    return result


def where(request: Request, language: str, exact: bool = False) -> str:
    """Where the request is, from its labels: the whole address (``exact``) or up to
    the building."""
    pair = request.labels.get(language) or request.labels.get("zh_CN") or ["", ""]
    return str(pair[0] if exact else pair[1]) or request.address


@dataclass
class Report:
    """What a report says, from the form or the API."""

    category: Category
    description: str
    channel: str = "online"
    reporter: Person | None = None
    place_id: int | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    photo: tuple[bytes, str] | None = None
    latitude: float | None = None
    longitude: float | None = None
    address: str = ""
    contact: dict[str, str] = field(default_factory=dict)
    api_client: ApiClient | None = None
    private: bool = False


async def report(
    community: Community, given: Report, *, actor: Actor, at: datetime | None = None
) -> Request:
    """Record a problem. A resident reports for themself (``online``); a worker takes
    it for a resident on the phone or at the desk (``identity.act_on_behalf`` where the
    resident lives); a grid worker records what they found on a walk, with or without
    a resident; the API records it for its client."""
    category = given.category
    if category.community_id != community.id or not category.active:
        raise RequestsError(N_("Choose a category."), field="category")
    if given.channel not in CHANNELS:
        raise RequestsError(N_("Choose how the request came in."), field="channel")
    description = _clean(given.description, MAX_TEXT, N_("Describe the problem."), "description")
    attributes = clean_attributes(category, given.attributes)
    reporter = given.reporter
    account = actor.account
    if reporter is not None:
        if reporter.community_id != community.id:
            raise RequestsError(N_("No resident matches this name or phone."), field="for_person")
        try:
            await check_on_behalf(actor, reporter)
        except OnBehalfError:
            raise NotAllowed(
                N_("You may not report for this resident."), field="for_person"
            ) from None
    place = await place_in(community, given.place_id)
    own = reporter is not None and account is not None and account.person_id == reporter.id
    if place is not None and own and given.channel == "online":
        allowed = {node.id for node in await allowed_places(community, reporter)}
        if place.id not in allowed:
            raise RequestsError(N_("Choose a place of your building."), field="place")
    if place is None and reporter is not None:
        place = await home_node(reporter)
    root = await community_root(community)
    if given.channel in ("phone", "desk", "walk") and not actor.can(
        "requests.intake", place or root
    ):
        raise NotAllowed(N_("You may not take requests in for this place."), field="place")
    body_id = category.body_id or root.id
    status = await Status.filter(community_id=community.id, initial=True).first()
    if status is None:
        await ensure_defaults(community)
        status = await Status.get(community_id=community.id, initial=True)
    at = at or now_utc()
    latitude, longitude = given.latitude, given.longitude
    if latitude is None and place is not None:
        # the place's own point, else its nearest ancestor's (a flat has none, its
        # building has)
        located = (
            await Node.filter(id__in=place.ancestor_ids(), latitude__isnull=False)
            .order_by("-depth")
            .first()
        )
        if located is not None:
            latitude, longitude = located.latitude, located.longitude
    labels: dict[str, list[str]] = {}
    if place is not None:
        for language in ("zh_CN", "en"):
            whole = await place_labels([place], language, exact=True)
            public = await place_labels([place], language, exact=False)
            labels[language] = [whole.get(place.id, ""), public.get(place.id, "")]
    elif given.address:
        labels = {"zh_CN": [given.address[:200]] * 2}
    async with in_transaction():
        upload = None
        if given.photo is not None:
            try:
                upload = await save_image(
                    community, given.photo[0], filename=given.photo[1], by=account
                )
            except UploadRefused as exc:
                exc.field = "file"
                raise
        request = await Request.create(
            community_id=community.id, category_id=category.id, status_id=status.id,
            status_type=OPEN, description=description, attributes=attributes,
            place=place, address=given.address[:200], labels=labels, latitude=latitude,
            longitude=longitude, photo=upload, reporter=reporter, contact=given.contact,
            reporter_count=1 if reporter is not None else 0, recorded_by=account,
            channel=given.channel, api_client=given.api_client,
            token=str(uuid.uuid4()) if given.channel == "api" else None,
            body_id=body_id, priority=NORMAL, private=category.private or given.private,
            respond_by=at + timedelta(hours=category.respond_hours),
            due_at=at + timedelta(days=category.fix_days), created_at=at, updated_at=at,
        )  # fmt: skip
        if reporter is not None:
            await Reporter.create(request=request, person=reporter)
        await Update.create(
            request=request, kind="created", status_id=status.id, status_type=OPEN,
            data={"channel": given.channel}, by=account, at=at,
        )  # fmt: skip
        if account is not None and not own:
            await audit(
                "requests.request.intake", actor=actor, community_id=community.id,
                obj=request, on_behalf_of=reporter,
                after={"category": category.code, "channel": given.channel},
            )  # fmt: skip
    return request


async def me_too(request: Request, person: Person, *, account: Account | None = None) -> Request:
    """Add ``person`` to the request's reporters: once per person, whatever the race."""
    if person.community_id != request.community_id:
        raise NotAllowed()
    try:
        async with in_transaction():
            await Reporter.create(request_id=request.id, person_id=person.id)
            moved = await Request.filter(
                id=request.id, duplicate_of_id__isnull=True, status_type__in=(OPEN, FIXED)
            ).update(reporter_count=F("reporter_count") + 1)
            if moved != 1:
                raise RequestsError(
                    N_("This request is closed or merged: report the problem again if it is back."),
                    status=409,
                )
            await Update.create(
                request_id=request.id, kind="metoo", status_id=request.status_id,
                status_type=request.status_type, by=account, at=now_utc(),
            )  # fmt: skip
    except IntegrityError:
        raise AlreadyReported() from None
    await request.refresh_from_db(fields=["reporter_count"])
    return request


# ------------------------------------------------------------------ work


@dataclass
class Change:
    """What a worker changes at once; ``None`` keeps a value."""

    status_id: int | None = None
    body_id: int | None = None
    assignee_id: int | None = None
    clear_assignee: bool = False
    priority: int | None = None
    expected_on: date | None = None
    awaiting_decision: bool | None = None
    public_note: str = ""
    private_note: str = ""


def _due_at(expected_on: date, zone: ZoneInfo) -> datetime:
    """The end of the expected day, where the community is."""
    return day_start(expected_on + timedelta(days=1), zone)


async def work(
    request: Request,
    change: Change,
    *,
    actor: Actor,
    kind: str = "",
    at: datetime | None = None,
    zone: ZoneInfo = DEFAULT_ZONE,
    version: int | None = None,
) -> Update:
    """Apply ``change`` to ``request`` and write its :class:`Update`. ``version`` is the
    version the worker saw (the page's hidden field): a change on an older one is
    refused with :class:`Stale`."""
    community = await Community.get(id=request.community_id)
    at = at or now_utc()
    public_note = _clean(change.public_note, MAX_NOTE, None, "public_note")
    private_note = _clean(change.private_note, MAX_NOTE, None, "private_note")
    values: dict[str, Any] = {}
    diff: dict[str, list[Any]] = {}
    status = None
    if change.status_id is not None and change.status_id != request.status_id:
        status = await Status.get_or_none(id=change.status_id, community_id=community.id)
        if status is None:
            raise RequestsError(N_("Choose a status."), field="status")
        if request.duplicate_of_id is not None and status.type != CLOSED:
            raise RequestsError(
                N_("A merged request stays closed: work on the one it was merged into."),
                field="status",
            )
        old = await Status.get(id=request.status_id)
        values.update(status_id=status.id, status_type=status.type)
        diff["status"] = [old.name, status.name]
        if status.type == FIXED:
            days = (await settings_of(community)).confirm_after_days
            values.update(fixed_at=at, confirm_at=at + timedelta(days=days), confirmed_at=None)
        elif status.type == CLOSED:
            values["closed_at"] = at
            if request.fixed_at is None:
                values["fixed_at"] = None
        elif request.status_type != OPEN:
            # back to open: a reopening
            values.update(
                fixed_at=None, closed_at=None, confirm_at=None, overdue_told_at=None,
                reopen_count=request.reopen_count + 1,
            )  # fmt: skip
    if change.body_id is not None and change.body_id != request.body_id:
        body = await body_in(community, change.body_id)
        values["body_id"] = body.id
        diff["body"] = [request.body_id, body.id]
        if change.assignee_id is None:
            # a person of the old body does not follow the request to the new one
            values["assignee_id"] = None
    if change.clear_assignee and request.assignee_id is not None:
        values["assignee_id"] = None
        diff["assignee"] = [request.assignee_id, None]
    elif change.assignee_id is not None and change.assignee_id != request.assignee_id:
        body = await Node.get(id=values.get("body_id", request.body_id))
        if change.assignee_id not in {a.id for a in await handlers_of(body)}:
            raise RequestsError(
                N_("This person does not work for the responsible body."), field="assignee"
            )
        values["assignee_id"] = change.assignee_id
        diff["assignee"] = [request.assignee_id, change.assignee_id]
    if change.priority is not None and change.priority != request.priority:
        if change.priority not in PRIORITIES:
            raise RequestsError(N_("Choose a priority."), field="priority")
        values["priority"] = change.priority
        diff["priority"] = [request.priority, change.priority]
    if change.expected_on is not None and change.expected_on != request.expected_on:
        if change.expected_on < at.astimezone(zone).date():
            raise RequestsError(N_("The expected date cannot be in the past."), field="expected_on")
        values.update(
            expected_on=change.expected_on, due_at=_due_at(change.expected_on, zone),
            overdue_told_at=None,
        )  # fmt: skip
        diff["expected_on"] = [
            request.expected_on.isoformat() if request.expected_on else None,
            change.expected_on.isoformat(),
        ]
    if (
        change.awaiting_decision is not None
        and change.awaiting_decision != request.awaiting_decision
    ):
        values["awaiting_decision"] = change.awaiting_decision
        diff["awaiting_decision"] = [request.awaiting_decision, change.awaiting_decision]
    if not values and not public_note and not private_note:
        raise RequestsError(N_("Nothing was changed: change something or write a note."))
    staff = kind not in ("reopen", "confirm")
    if staff:
        if request.first_response_at is None and (values or public_note):
            values["first_response_at"] = at
        if request.triaged_at is None and (
            "body_id" in values or "assignee_id" in values or status
        ):
            values["triaged_at"] = at
    seen = request.version if version is None else version
    async with in_transaction():
        moved = await Request.filter(id=request.id, version=seen).update(
            **values, version=seen + 1, updated_at=at
        )
        if moved != 1:
            raise Stale()
        update = await Update.create(
            request_id=request.id,
            kind=kind or ("status" if status is not None else ("change" if diff else "note")),
            status_id=values.get("status_id", request.status_id),
            status_type=values.get("status_type", request.status_type),
            public_note=public_note, private_note=private_note, data=diff,
            by=actor.account, at=at,
        )  # fmt: skip
        if staff:
            await audit(
                "requests.request.work", actor=actor, community_id=community.id, obj=request,
                after={**diff, "public_note": public_note},
            )  # fmt: skip
        await _after_work(request, community, values, status, kind, public_note, actor, at)
    await request.refresh_from_db()
    return update


def subject_of(request: Request) -> str:
    """How a notification names a request: its number and the start of its text."""
    text = " ".join(request.description.split())
    return f"#{request.id} {text[:30]}{'…' if len(text) > 30 else ''}"


async def reporters_of(request_id: int) -> list[Person]:
    """Everyone who reported the request (one query)."""
    return list(await Person.filter(requests_reports__request_id=request_id))


async def _after_work(
    request: Request,
    community: Community,
    values: dict[str, Any],
    status: Status | None,
    kind: str,
    public_note: str,
    actor: Actor,
    at: datetime,
) -> None:
    """In the change's transaction: tell whom it concerns, and put the "is it really
    fixed?" question on the calendar (or take it off)."""
    link = request_url(community, request.id)
    subject = subject_of(request)
    if kind == "decision":
        await notify(
            await reporters_of(request.id), DECIDED, subject=subject,
            values={"decision": public_note[:200]}, link=link, community=community,
            skip=actor.account, now=at,
        )  # fmt: skip
    elif status is not None:
        await notify(
            await reporters_of(request.id), STATUS_CHANGED, subject=subject,
            values={"status": status.name, "note": public_note[:200]}, link=link,
            community=community, skip=actor.account, now=at,
        )  # fmt: skip
    if values.get("assignee_id") is not None:
        assignee = await Account.get_or_none(id=values["assignee_id"])
        if assignee is not None:
            await notify(
                assignee, ASSIGNED, subject=subject, link=link, community=community,
                skip=actor.account, now=at,
            )  # fmt: skip
    if status is not None and request.status_type == FIXED and status.type != FIXED:
        await unschedule(ask_confirmation_job(), community=community, key=f"confirm:{request.id}")
    if status is not None and status.type == FIXED:
        await schedule(
            ask_confirmation_job(), at=values["confirm_at"], community=community,
            payload={"request": request.id}, key=f"confirm:{request.id}",
        )  # fmt: skip


def ask_confirmation_job() -> Any:
    from linli_requests.jobs import ask_confirmation

    return ask_confirmation


async def ask_confirmation(
    community: Community, request_id: int, *, at: datetime | None = None
) -> int:
    """Ask the reporters of a fixed request "is it really fixed?", when it is still
    fixed, unconfirmed and its question is due; returns how many were asked."""
    at = at or now_utc()
    request = await Request.get_or_none(
        id=request_id, community_id=community.id, status_type=FIXED, confirmed_at__isnull=True,
        confirm_at__lte=at, duplicate_of_id__isnull=True,
    )  # fmt: skip
    if request is None or request.fixed_at is None:
        return 0
    days = max(1, round((at - request.fixed_at).total_seconds() / 86400))
    return await notify(
        await reporters_of(request.id), CONFIRM_FIXED, subject=subject_of(request),
        values={"days": str(days)}, link=request_url(community, request.id) + "#confirm",
        community=community, now=at,
    )  # fmt: skip


async def tell_overdue(community: Community, *, at: datetime | None = None) -> int:
    """Tell the staff of each request's body (those who work on its requests by a grant
    at the body or above it in its own tree: not the whole community's workers for the
    property company's requests) of the requests that became overdue and were not told
    yet; returns how many requests."""
    at = at or now_utc()
    told = 0
    late = (
        await Request.filter(
            overdue_q(at),
            community_id=community.id,
            duplicate_of_id__isnull=True,
            overdue_told_at__isnull=True,
            body_id__isnull=False,
        )
        .select_related("body")
        .order_by("id")
        .limit(500)
    )
    for request in late:
        body = request.body
        if body is None:
            continue
        async with in_transaction():
            marked = await Request.filter(id=request.id, overdue_told_at__isnull=True).update(
                overdue_told_at=at
            )
            if marked != 1:
                continue
            await notify(
                [a for a in await handlers_of(body) if a.is_active], OVERDUE,
                subject=subject_of(request), link=request_url(community, request.id),
                community=community, now=at,
            )  # fmt: skip
            told += 1
    return told


def is_reporter_sync(request: Request, reporter_ids: set[int], person: Person | None) -> bool:
    return person is not None and person.id in reporter_ids


async def is_reporter(request: Request, person: Person | None) -> bool:
    if person is None:
        return False
    return await Reporter.filter(request_id=request.id, person_id=person.id).exists()


async def reopen(
    request: Request, person: Person, reason: str, *, actor: Actor, at: datetime | None = None
) -> Update:
    """The reporter says the problem is back (or was never fixed): within the
    community's days after it was fixed or closed."""
    at = at or now_utc()
    if not await is_reporter(request, person):
        raise NotAllowed(N_("Only those who reported the problem may reopen it."))
    if request.status_type == OPEN or request.duplicate_of_id is not None:
        raise RequestsError(N_("This request is not closed."), status=409)
    reason = _clean(reason, MAX_NOTE, N_("Say why the problem is not solved."), "reason")
    days = (await settings_of(request.community_id)).reopen_days
    since = request.closed_at or request.fixed_at or request.updated_at
    if at - since > timedelta(days=days):
        raise RequestsError(
            N_(
                "This request was closed more than %(days)s days ago: please report the "
                "problem again."
            ),
            days=days, status=409,
        )  # fmt: skip
    status = await status_by_key(request.community_id, "reopened", OPEN)
    return await work(
        request, Change(status_id=status.id, public_note=reason), actor=actor, kind="reopen", at=at
    )


async def confirm(
    request: Request,
    *,
    fixed: bool,
    actor: Actor,
    person: Person | None = None,
    note: str = "",
    at: datetime | None = None,
) -> Update:
    """The reporter's answer to "is it really fixed?" (given by themself, or taken on
    the phone by a worker): yes closes the request, no reopens it."""
    if request.status_type != FIXED:
        raise RequestsError(N_("This request is not waiting for a confirmation."), status=409)
    if person is not None and not await is_reporter(request, person):
        raise NotAllowed(N_("Only those who reported the problem may answer."))
    at = at or now_utc()
    if fixed:
        status = await status_by_key(request.community_id, "closed", CLOSED)
        update = await work(
            request, Change(status_id=status.id, public_note=note), actor=actor,
            kind="confirm", at=at,
        )  # fmt: skip
        await Request.filter(id=request.id).update(confirmed_at=at)
        request.confirmed_at = at
        return update
    if not note.strip():
        raise RequestsError(N_("Say why the problem is not solved."), field="reason")
    status = await status_by_key(request.community_id, "reopened", OPEN)
    return await work(
        request, Change(status_id=status.id, public_note=note), actor=actor, kind="reopen", at=at
    )


async def merge(
    keep: Request, duplicate: Request, *, actor: Actor, at: datetime | None = None
) -> Request:
    """Merge ``duplicate`` into ``keep``: it is closed as a duplicate, and its
    reporters join the kept request's (someone who reported both counts once)."""
    if keep.id == duplicate.id or keep.community_id != duplicate.community_id:
        raise RequestsError(N_("Choose another request to merge with."), field="into")
    if keep.duplicate_of_id is not None:
        raise RequestsError(N_("A request cannot be merged into a merged request."), field="into")
    at = at or now_utc()
    status = await status_by_key(keep.community_id, "duplicate", CLOSED)
    try:
        async with in_transaction():
            # Both rows by guarded UPDATEs in id order, so that two workers merging the
            # same pair, in either direction, cannot both succeed nor deadlock.
            for request_id in sorted((keep.id, duplicate.id)):
                if request_id == duplicate.id:
                    closed = await Request.filter(
                        id=duplicate.id, duplicate_of_id__isnull=True, status_type__in=(OPEN, FIXED)
                    ).update(
                        status_id=status.id, status_type=CLOSED, duplicate_of_id=keep.id,
                        closed_at=at, reporter_count=0, version=F("version") + 1, updated_at=at,
                    )  # fmt: skip
                    if closed != 1:
                        raise RequestsError(
                            N_("Only an open request can be merged into another."), status=409
                        )
                else:
                    kept = await Request.filter(id=keep.id, duplicate_of_id__isnull=True).update(
                        version=F("version") + 1, updated_at=at
                    )
                    if kept != 1:
                        raise RequestsError(
                            N_("A request cannot be merged into a merged request."), status=409
                        )
            both = Subquery(Reporter.filter(request_id=keep.id).values("person_id"))
            moved = (
                await Reporter.filter(request_id=duplicate.id)
                .exclude(person_id__in=both)
                .update(request_id=keep.id)
            )
            await Reporter.filter(request_id=duplicate.id).delete()
            if moved:
                await Request.filter(id=keep.id).update(reporter_count=F("reporter_count") + moved)
            await Update.create(
                request_id=duplicate.id, kind="merged", status_id=status.id, status_type=CLOSED,
                data={"into": keep.id}, by=actor.account, at=at,
            )  # fmt: skip
            await Update.create(
                request_id=keep.id, kind="merged", status_id=keep.status_id,
                status_type=keep.status_type, data={"from": duplicate.id, "reporters": moved},
                by=actor.account, at=at,
            )  # fmt: skip
            await audit(
                "requests.request.merge", actor=actor, community_id=keep.community_id,
                obj=duplicate, after={"merged_into": keep.id, "reporters_moved": moved},
            )  # fmt: skip
    except IntegrityError:
        raise RequestsError(
            N_("Someone reported these requests at the same moment; please try again."),
            status=409,
        ) from None
    await keep.refresh_from_db()
    await duplicate.refresh_from_db()
    return keep


# ------------------------------------------------------------------ lists


def overdue_q(at: datetime) -> Q:
    """Open requests past their fix date, or still without a first answer past the
    time to respond."""
    return Q(status_type=OPEN) & (
        Q(due_at__lt=at) | Q(first_response_at__isnull=True, respond_by__lt=at)
    )


def is_overdue(request: Request, at: datetime) -> bool:
    if request.status_type != OPEN:
        return False
    late_fix = request.due_at is not None and request.due_at < at
    late_answer = (
        request.first_response_at is None
        and request.respond_by is not None
        and request.respond_by < at
    )
    return late_fix or late_answer


def staff_requests(actor: Actor, community: Community) -> Any:
    """The community's requests routed to a body where ``actor`` may work on them:
    filtered in SQL by the body's place in the trees."""
    return actor.visible(
        "requests.handle", Request.filter(community_id=community.id), node_field="body"
    )


@dataclass
class Page:
    requests: list[Request]
    page: int
    has_next: bool


async def paged(query: Any, page: int) -> Page:
    """A page of requests, one query: one row more than shown tells whether a next
    page exists."""
    page = min(max(1, page), 10000)
    rows = list(
        await query.select_related("category", "status", "body")
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE + 1)
    )
    return Page(rows[:PER_PAGE], page, len(rows) > PER_PAGE)


async def work_list(
    community: Community,
    actor: Actor,
    *,
    view: str = "open",
    category_id: int | None = None,
    body_id: int | None = None,
    page: int = 1,
    at: datetime | None = None,
) -> Page:
    """The requests a worker sees: ``view`` is triage (not yet routed by a worker),
    open, overdue, mine (assigned to the worker), confirm (waiting for the reporter's
    confirmation), closed or all."""
    at = at or now_utc()
    query = staff_requests(actor, community)
    if view == "triage":
        query = query.filter(triaged_at__isnull=True, status_type=OPEN)
    elif view == "open":
        query = query.filter(status_type=OPEN)
    elif view == "overdue":
        query = query.filter(overdue_q(at))
    elif view == "mine":
        query = query.filter(assignee_id=actor.account.id if actor.account else 0)
        query = query.exclude(status_type=CLOSED)
    elif view == "confirm":
        query = query.filter(status_type=FIXED, confirm_at__lte=at, confirmed_at__isnull=True)
    elif view == "closed":
        query = query.exclude(status_type=OPEN)
    if category_id is not None:
        query = query.filter(category_id=category_id)
    if body_id is not None:
        query = query.filter(body_id=body_id)
    if view == "triage":
        query = query.order_by("priority", "created_at", "id")
    return await paged(query, page)


async def public_list(
    community: Community, person: Person | None, *, mine: bool = False, page: int = 1
) -> Page:
    """What a resident sees: public requests (not merged), and their own whatever
    their category."""
    own = Subquery(Reporter.filter(person_id=person.id if person else 0).values("request_id"))
    query = Request.filter(community_id=community.id, duplicate_of_id__isnull=True)
    query = query.filter(id__in=own) if mine else query.filter(Q(private=False) | Q(id__in=own))
    return await paged(query, page)


async def confirmations_due(
    community: Community, person: Person, at: datetime | None = None
) -> list[Request]:
    """The reporter's fixed requests whose "is it really fixed?" is due."""
    at = at or now_utc()
    own = Subquery(Reporter.filter(person_id=person.id).values("request_id"))
    return list(
        await Request.filter(
            community_id=community.id, id__in=own, status_type=FIXED, confirm_at__lte=at,
            confirmed_at__isnull=True,
        ).limit(20)
    )  # fmt: skip


# ------------------------------------------------------------------ round-table


def meeting_day(today: date, weekday: int) -> date:
    """The round-table's day of the week of ``today`` (weekday 1 is Monday)."""
    return today - timedelta(days=today.isoweekday() - weekday)


async def meeting_for(community: Community, held_on: date) -> Meeting:
    """The round-table of that day, made (with its agenda) the first time it is asked
    for: once whoever asks at the same moment."""
    meeting = await Meeting.get_or_none(community_id=community.id, held_on=held_on)
    if meeting is not None:
        return meeting
    location = (await settings_of(community)).meeting_location
    try:
        meeting = await Meeting.create(
            community_id=community.id, held_on=held_on, location=location
        )
    except IntegrityError:
        return await Meeting.get(community_id=community.id, held_on=held_on)
    await draw_up_agenda(meeting)
    return meeting


async def draw_up_agenda(meeting: Meeting, zone: ZoneInfo = DEFAULT_ZONE) -> int:
    """Put on the meeting's agenda what it should look at, once each: requests new
    since the week before, overdue ones and those waiting for a decision (open and
    not merged), as they stand now. Returns how many were added."""
    start = day_start(meeting.held_on - timedelta(days=7), zone)
    end = day_start(meeting.held_on, zone)
    base = Request.filter(community_id=meeting.community_id, duplicate_of_id__isnull=True)
    fields = ("id", "body_id")
    waiting = await base.filter(awaiting_decision=True, status_type=OPEN).values(*fields)
    overdue = await base.filter(overdue_q(end)).filter(created_at__lt=end).values(*fields)
    new = await base.filter(created_at__gte=start, created_at__lt=end).values(*fields)
    present = set(
        await AgendaItem.filter(meeting_id=meeting.id).values_list("request_id", flat=True)
    )
    items = []
    for reason, rows in (("waiting", waiting), ("overdue", overdue), ("new", new)):
        for row in rows:
            if row["id"] in present:
                continue
            present.add(row["id"])
            items.append(
                AgendaItem(
                    meeting_id=meeting.id,
                    request_id=row["id"],
                    reason=reason,
                    body_id=row["body_id"],
                )
            )
    if items:
        try:
            await AgendaItem.bulk_create(items)
        except IntegrityError:
            return 0  # drawn up at the same moment by someone else
    return len(items)


async def decide(
    item: AgendaItem,
    *,
    decision: str,
    owner_id: int | None,
    due_on: date | None,
    actor: Actor,
    zone: ZoneInfo = DEFAULT_ZONE,
    at: datetime | None = None,
) -> AgendaItem:
    """Record the round-table's decision on an item and write it back onto its
    request: the person in charge, the expected date, the decision as a public note;
    the request no longer waits for a decision."""
    decision = _clean(decision, MAX_NOTE, N_("Write the decision."), "decision")
    request = await Request.get(id=item.request_id)
    if owner_id is not None:
        body = await Node.get(id=request.body_id)
        if owner_id not in {a.id for a in await handlers_of(body)}:
            raise RequestsError(
                N_("This person does not work for the responsible body."), field="owner"
            )
    if request.status_type == OPEN:
        await work(
            request,
            Change(
                assignee_id=owner_id, expected_on=due_on, awaiting_decision=False,
                public_note=decision,
            ),
            actor=actor, kind="decision", zone=zone, at=at,
        )  # fmt: skip
    else:
        await work(request, Change(public_note=decision), actor=actor, kind="decision", at=at)
    item.decision, item.owner_id, item.due_on = decision, owner_id, due_on
    item.decided_at = at or now_utc()
    await item.save(update_fields=["decision", "owner_id", "due_on", "decided_at"])
    return item


ROLE_SIDES = {"property": "property", "party": "community", "place": "community"}


async def add_attendee(
    meeting: Meeting,
    *,
    actor: Actor,
    account: Account | None = None,
    name: str = "",
    side: str = "",
) -> Attendee:
    """Record someone at the round-table. For an account, their roles in the
    community's trees are written down, and a cross-appointment (roles on both the
    community's and the property company's side, 交叉任职) is marked; the name written
    down is ``name``, else the account's person's name in the register (the username
    only for an account with neither, which a printed attendance should not show)."""
    roles: list[str] = []
    sides: set[str] = set()
    if account is not None:
        grants = (
            await Grant.filter(account_id=account.id, node__community_id=meeting.community_id)
            .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now_utc()))
            .select_related("role", "node")
        )
        for grant in grants:
            roles.append(f"{grant.role.name}·{grant.node.name}")
            sides.add(ROLE_SIDES.get(grant.node.tree, "other"))
        await account.fetch_related("person")
        name = name or account.display_name
        side = side or ("property" if sides == {"property"} else "community")
    name = _clean(name, 64, N_("Name the attendee."), "name")
    side = side or "other"
    if side not in SIDES:
        raise RequestsError(N_("Choose a side."), field="side")
    attendee = await Attendee.create(
        meeting=meeting, account=account, name=name, side=side,
        roles="、".join(roles)[:300], cross_appointed={"community", "property"} <= sides,
    )  # fmt: skip
    await audit(
        "requests.meeting.attendee", actor=actor, community_id=meeting.community_id,
        obj=attendee, after={"name": name, "side": side},
    )  # fmt: skip
    return attendee


async def write_minutes(meeting: Meeting, minutes: str, *, actor: Actor) -> None:
    meeting.minutes = _clean(minutes, 10000, None, "minutes")
    await meeting.save(update_fields=["minutes"])
    await audit(
        "requests.meeting.minutes", actor=actor, community_id=meeting.community_id,
        obj=meeting, after={"minutes": meeting.minutes},
    )  # fmt: skip


# ------------------------------------------------------------------ API clients


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


async def issue_key(community: Community, name: str, *, actor: Actor) -> tuple[ApiClient, str]:
    """A new client and its key; the key is shown once and only its hash is kept."""
    name = _clean(name, 100, N_("Name the client."), "name")
    key = secrets.token_urlsafe(24)
    async with in_transaction():
        client = await ApiClient.create(
            community_id=community.id, name=name, key_hash=hash_key(key), key_hint=key[:4],
            created_by=actor.account,
        )  # fmt: skip
        await audit(
            "requests.api.issue", actor=actor, community_id=community.id, obj=client,
            after={"name": name},
        )  # fmt: skip
    return client, key


async def revoke_key(client: ApiClient, *, actor: Actor) -> None:
    async with in_transaction():
        await ApiClient.filter(id=client.id).update(active=False)
        await audit(
            "requests.api.revoke", actor=actor, community_id=client.community_id,
            obj=client, after={"active": False},
        )  # fmt: skip


async def client_for(community: Community, key: str) -> ApiClient | None:
    if not key or len(key) > 200:
        return None
    return await ApiClient.get_or_none(
        community_id=community.id, key_hash=hash_key(key), active=True
    )


# ------------------------------------------------------------------ API rate limit


async def admit(bucket: str, limit: int, *, at: datetime | None = None) -> int:
    """Count one call of ``bucket`` in the current minute: 0 when it is within
    ``limit``, else the seconds until the next minute (the call is refused). One row
    per bucket and minute, moved by a guarded UPDATE (one statement, whatever the
    number of workers), made by the first call of the minute; two first calls at once
    meet on the unique constraint and the loser counts on the row the winner made."""
    at = at or now_utc()
    window = at.replace(second=0, microsecond=0)
    bucket = bucket[:120]
    for _ in range(2):
        counted = await ApiHit.filter(bucket=bucket, window=window, count__lt=limit).update(
            count=F("count") + 1
        )
        if counted:
            return 0
        if await ApiHit.filter(bucket=bucket, window=window).exists():
            break
        try:
            async with in_transaction():
                await ApiHit.create(bucket=bucket, window=window, count=1)
            return 0
        except IntegrityError:
            continue
    return max(1, 60 - at.second)


async def clear_api_hits(before: datetime) -> int:
    """Forget the counters of the minutes before ``before``."""
    return await ApiHit.filter(window__lt=before).delete()


# ------------------------------------------------------------------ figures


@dataclass
class Figures:
    year: int
    total: int = 0
    by_category: list[tuple[str, int]] = field(default_factory=list)
    by_body: list[tuple[str, int]] = field(default_factory=list)
    by_month: list[tuple[str, int]] = field(default_factory=list)
    median_response_hours: float | None = None
    median_fix_days: float | None = None
    within_target: int | None = None  # percent of fixed ones fixed by their due time
    reopen_rate: int | None = None  # percent of fixed or closed ones reopened


async def figures(
    community: Community, year: int, *, language: str = "zh_CN", zone: ZoneInfo = DEFAULT_ZONE
) -> Figures:
    """The year's figures, from the year's requests' few columns (one query), the
    categories and the bodies' names (two more)."""
    start, end = day_start(date(year, 1, 1), zone), day_start(date(year + 1, 1, 1), zone)
    rows = await Request.filter(
        community_id=community.id, created_at__gte=start, created_at__lt=end,
        duplicate_of_id__isnull=True,
    ).values(
        "category_id", "body_id", "created_at", "first_response_at", "fixed_at", "due_at",
        "reopen_count", "status_type",
    )  # fmt: skip
    result = Figures(year=year, total=len(rows))
    if not rows:
        return result
    names = {c.id: c.name_in(language) for c in await Category.filter(community_id=community.id)}
    body_ids = {row["body_id"] for row in rows if row["body_id"]}
    bodies_ = {n.id: n.name_in(language) for n in await Node.filter(id__in=body_ids)}
    count: dict[str, dict[Any, int]] = {"category": {}, "body": {}, "month": {}}
    responses, fixes = [], []
    on_time = fixed = reopened = 0
    for row in rows:
        count["category"][row["category_id"]] = count["category"].get(row["category_id"], 0) + 1
        count["body"][row["body_id"]] = count["body"].get(row["body_id"], 0) + 1
        month = row["created_at"].astimezone(zone).month
        count["month"][month] = count["month"].get(month, 0) + 1
        if row["first_response_at"] is not None:
            responses.append((row["first_response_at"] - row["created_at"]).total_seconds() / 3600)
        if row["fixed_at"] is not None:
            fixes.append((row["fixed_at"] - row["created_at"]).total_seconds() / 86400)
            fixed += 1
            on_time += row["due_at"] is None or row["fixed_at"] <= row["due_at"]
        if row["status_type"] != OPEN or row["reopen_count"]:
            reopened += row["reopen_count"] > 0
    result.by_category = sorted(
        ((names.get(k, "?"), n) for k, n in count["category"].items()), key=lambda r: -r[1]
    )
    result.by_body = sorted(
        ((bodies_.get(k, "?"), n) for k, n in count["body"].items()), key=lambda r: -r[1]
    )
    result.by_month = [(f"{m}", count["month"].get(m, 0)) for m in range(1, 13)]
    if responses:
        result.median_response_hours = round(median(responses), 1)
    if fixes:
        result.median_fix_days = round(median(fixes), 1)
        result.within_target = round(100 * on_time / fixed)
    settled = sum(1 for row in rows if row["status_type"] != OPEN or row["reopen_count"])
    if settled:
        result.reopen_rate = round(100 * reopened / settled)
    return result


async def summary(community: Community, at: datetime | None = None) -> dict[str, int]:
    """The widget's counts: open requests and overdue ones (one query)."""
    at = at or now_utc()
    rows = await (
        Request.filter(community_id=community.id, duplicate_of_id__isnull=True, status_type=OPEN)
        .annotate(open=Count("id"), overdue=Count("id", _filter=overdue_q(at)))
        .values("open", "overdue")
    )
    return {"open": rows[0]["open"] or 0, "overdue": rows[0]["overdue"] or 0}


async def open_count(community: Community) -> int:
    return await Request.filter(community_id=community.id, status_type=OPEN).count()


async def my_requests(person: Person, limit: int = 20) -> list[Request]:
    own = Subquery(Reporter.filter(person_id=person.id).values("request_id"))
    return list(await Request.filter(id__in=own).select_related("category", "status").limit(limit))


# ------------------------------------------------------------------ the home's "For you"


def home_items(community: Community, actor: Actor, at: datetime | None = None) -> list[HomeItem]:
    """A reporter's open requests and the fixed ones waiting for their "is it really
    fixed?"; a worker's requests to triage and open ones, of the bodies they work for.
    Each is one count (the core runs them together in one statement)."""
    at = at or now_utc()
    items = []
    person_id = actor.account.person_id if actor.account else None
    if person_id is not None:
        own = Subquery(Reporter.filter(person_id=person_id).values("request_id"))
        mine = Request.filter(community_id=community.id, id__in=own, duplicate_of_id__isnull=True)
        items += [
            HomeItem(
                N_("Is it fixed?"),
                "mine",
                mine.filter(
                    status_type=FIXED, confirm_at__lte=at, confirmed_at__isnull=True
                ).count(),
                note=N_("fixed: tell us if it really is"),
                urgent=True,
                order=10,
            ),
            HomeItem(
                N_("My requests"),
                "mine",
                mine.filter(status_type=OPEN).count(),
                note=N_("open, being worked on"),
                order=20,
            ),
        ]
    staff = staff_requests(actor, community)
    return [
        *items,
        HomeItem(
            N_("Requests to triage"),
            "work/triage",
            staff.filter(triaged_at__isnull=True, status_type=OPEN).count(),
            note=N_("new, not yet routed"),
            urgent=True,
            order=30,
            permission="requests.handle",
        ),
        HomeItem(
            N_("Work list"),
            "work/open",
            staff.filter(status_type=OPEN).count(),
            note=N_("open requests of your bodies"),
            order=40,
            permission="requests.handle",
        ),
    ]
