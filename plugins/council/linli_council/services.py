"""The council's rules. No HTTP here: routes, the event handler and the demo data call
these functions.

- A need is backed once per resident: the unique (need, person) constraint refuses a
  second "me too", and the cached ``support_count`` moves by an atomic UPDATE in the same
  transaction as the support row, guarded by the need's state.
- Merging a duplicate moves its supporters to the kept need, skipping those who back
  both, and adds exactly the number moved.
- A topic moves between states only along :data:`TRANSITIONS`, each move a guarded
  UPDATE on the state it starts from, so two people pressing the same button move it
  once. Closing as not feasible needs a public reason.
- Deciding to start a co-built project emits ``council.project_requested`` once, in the
  transaction that records the decision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, cast
from zoneinfo import ZoneInfo

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q, Subquery
from tortoise.functions import Count, Sum
from tortoise.transactions import in_transaction

from linli.kit import (
    N_,
    Actor,
    AlreadyAtTop,
    Community,
    Escalation,
    EscalationNotAllowed,
    HomeItem,
    Node,
    OnBehalfError,
    Person,
    ReasonMissing,
    Refusal,
    UploadRefused,
    addresses,
    audit,
    check_on_behalf,
    emit,
    escalate,
    home_node,
    natural_key,
    notify,
    save_image,
)
from linli.kit import settings_of as plugin_settings
from linli_council.events import ProjectRequested
from linli_council.models import (
    APPROVED,
    CLOSED_STATES,
    DECIDED,
    DISCUSSED,
    DRAFT,
    IN_ACTION,
    IN_TOPIC,
    MERGED,
    NOT_FEASIBLE,
    OPEN,
    PROPOSED,
    RESOLVED,
    SCHEDULED,
    ActionItem,
    AgendaItem,
    Attendee,
    Meeting,
    Need,
    NeedSupport,
    TimelineEntry,
    Topic,
)
from linli_council.notifications import MINUTES_PUBLISHED, NEED_IN_TOPIC, TOPIC_DECIDED
from linli_council.settings import CouncilSettings

DEFAULT_ZONE = ZoneInfo("Asia/Shanghai")
MAX_TEXT = 1000
MAX_TITLE = 200
PER_PAGE = 30
#: Kinds of place a topic or a meeting may be about (public pages show them), and that
#: the place choosers offer: never a flat.
PLACE_KINDS = ("community", "estate", "building", "facility")
#: Categories of needs and topics: key → message id.
CATEGORIES = {
    "parking": N_("E-bike parking and charging"),
    "lift": N_("Lifts"),
    "safety": N_("Safety (things thrown from height, fire)"),
    "environment": N_("Cleanliness and greenery"),
    "property": N_("Property services and repairs"),
    "care": N_("Care for elders and children"),
    "pets": N_("Pets and civilised dog keeping"),
    "other": N_("Other"),
}
NEED_STATUS_LABELS = {
    OPEN: N_("Open"),
    IN_TOPIC: N_("Taken up as a topic"),
    MERGED: N_("Merged"),
}
STATE_LABELS = {
    PROPOSED: N_("Proposed"),
    SCHEDULED: N_("Scheduled"),
    DISCUSSED: N_("Discussed"),
    DECIDED: N_("Decided"),
    IN_ACTION: N_("In action"),
    RESOLVED: N_("Closed as resolved"),
    NOT_FEASIBLE: N_("Closed as not feasible"),
}
#: The levels a topic is owned at: the kind of its party-tree node → message id.
LEVELS = {
    "party_group": N_("Building group"),
    "party_branch": N_("Estate branch"),
    "party_committee": N_("Community committee"),
}
ATTENDEE_LABELS = {
    "resident": N_("Resident"),
    "party_member": N_("Party member"),
    "property": N_("Property staff"),
    "guest": N_("Invited guest"),
}
TIMELINE_LABELS = {
    "created": N_("Topic raised from residents' needs"),
    "scheduled": N_("Put on a meeting's agenda"),
    "discussed": N_("Discussed at a meeting"),
    "decided": N_("Decided"),
    "project_requested": N_("A co-built project was requested"),
    "project_started": N_("Co-built project started"),
    "in_action": N_("Work started"),
    "action": N_("Action item"),
    "action_done": N_("Action item done"),
    "action_waived": N_("Action item waived"),
    "escalated": N_("Raised to the level above"),
    "minutes": N_("Minutes published"),
    RESOLVED: N_("Closed as resolved"),
    NOT_FEASIBLE: N_("Closed as not feasible"),
}

#: Which state a topic may move to from which (closing as not feasible is allowed from
#: every open state and written out here so that the table is the whole rule).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    PROPOSED: (SCHEDULED, NOT_FEASIBLE),
    SCHEDULED: (DISCUSSED, NOT_FEASIBLE),
    DISCUSSED: (SCHEDULED, DECIDED, NOT_FEASIBLE),
    DECIDED: (IN_ACTION, RESOLVED, NOT_FEASIBLE),
    IN_ACTION: (RESOLVED, NOT_FEASIBLE),
    RESOLVED: (),
    NOT_FEASIBLE: (),
}


class CouncilError(Refusal):
    """A rule of the council refused the request; nothing was changed."""

    message = N_("The council could not do this.")


class AlreadySupported(CouncilError):
    message = N_("You already support this need.")
    status = 409


class WrongState(CouncilError):
    message = N_("This topic cannot move from “%(current)s” to “%(wanted)s”.")
    status = 409


class NotAllowed(CouncilError):
    message = N_("You may not do this.")
    status = 403


class OpenActions(CouncilError):
    message = N_(
        "%(count)s action items of this topic are still open: mark them done or waive "
        "them with a public reason before closing it as resolved."
    )
    status = 409


class MeetingNotYetHeld(CouncilError):
    message = N_(
        "The meeting is on %(date)s: its minutes can be written and approved from that day on."
    )
    status = 409


class AtTheTop(CouncilError):
    message = N_("The topic is already at the top level.")
    status = 409


def now_utc() -> datetime:
    return datetime.now(UTC)


def year_start(year: int, zone: ZoneInfo = DEFAULT_ZONE) -> datetime:
    return datetime(year, 1, 1, tzinfo=zone)


def topic_url(community: Community | str, topic_id: int) -> str:
    slug = community if isinstance(community, str) else community.slug
    return f"/c/{slug}/council/topics/{topic_id}"


# ------------------------------------------------------------------------- settings


async def settings_of(community: Community | int) -> CouncilSettings:
    """The community's council settings (stored by the core)."""
    return cast(CouncilSettings, await plugin_settings(community, "council"))


# ---------------------------------------------------------------------------- needs


def _clean_text(text: str, limit: int, empty: str, field: str = "") -> str:
    text = text.strip()
    if not text:
        raise CouncilError(empty, field=field)
    if len(text) > limit:
        raise CouncilError(
            N_("The text is too long: at most %(limit)s characters."), field=field, limit=limit
        )
    return text


def _check_category(category: str) -> str:
    if category not in CATEGORIES:
        raise CouncilError(N_("Choose a category."), field="category")
    return category


async def place_in(
    community: Community | int,
    node_id: int | None,
    *,
    field: str = "place",
    kinds: tuple[str, ...] | None = None,
) -> Node | None:
    """A place node of the community (of one of ``kinds`` if given), or ``None``; any
    other id is refused."""
    if node_id is None:
        return None
    community_id = community if isinstance(community, int) else community.id
    query = Node.filter(id=node_id, community_id=community_id, tree="place")
    if kinds is not None:
        query = query.filter(kind__key__in=list(kinds))
    node = await query.first()
    if node is None:
        raise CouncilError(N_("Choose a place of this community."), field=field)
    return node


async def choosable_places(community: Community, language: str) -> list[tuple[int, str]]:
    """The places a topic or a meeting may be about, as (id, address), in natural order
    ("2栋" before "10栋"): two queries."""
    nodes = list(
        await Node.filter(community_id=community.id, tree="place", kind__key__in=PLACE_KINDS)
        .order_by("path")
        .limit(300)
    )
    labels = await addresses(nodes, language)
    return sorted(
        ((node.id, labels.get(node.id, node.name_in(language))) for node in nodes),
        key=lambda row: natural_key(row[1]),
    )


async def place_labels(
    nodes: list[Node | None], language: str, level: str
) -> tuple[dict[int, str], dict[int, str]]:
    """Two labels of each place: its full address ("二期 10栋 2单元 601室", for its
    author and the council's staff) and what neighbours see, the address of its
    ancestor at ``level`` when it lies below that level ("二期 10栋"): never a flat.
    One query whatever the number of places."""
    wanted = [node for node in nodes if node is not None]
    ids = {ancestor for node in wanted for ancestor in node.ancestor_ids()}
    if not ids:
        return {}, {}
    rows = {
        row["id"]: row
        for row in await Node.filter(id__in=ids).values(
            "id", "name", "name_en", "depth", "kind__key"
        )
    }

    def name_of(row: dict[str, Any]) -> str:
        return str((row["name_en"] if language == "en" else "") or row["name"])

    def address(chain: list[int]) -> str:
        return " ".join(name_of(rows[i]) for i in chain if i in rows and int(rows[i]["depth"]) >= 1)

    exact: dict[int, str] = {}
    shown: dict[int, str] = {}
    for node in wanted:
        chain = node.ancestor_ids()
        exact[node.id] = address(chain) or node.name_in(language)
        cut = next(
            (
                i
                for i, ancestor in enumerate(chain)
                if rows.get(ancestor, {}).get("kind__key") == level
            ),
            None,
        )
        shown[node.id] = address(chain[: cut + 1]) if cut is not None else exact[node.id]
    return exact, shown


async def raise_need(
    community: Community,
    *,
    author: Person,
    text: str,
    category: str,
    place_id: int | None = None,
    actor: Actor,
    photo: tuple[bytes, str] | None = None,
    at: datetime | None = None,
) -> Need:
    """Record a need of ``author``, who becomes its first supporter. A worker raising it
    for a resident needs ``identity.act_on_behalf`` where the resident lives. ``photo``
    is (bytes, file name), checked and shrunk by the core's uploads."""
    text = _clean_text(text, MAX_TEXT, N_("Describe the need."), "text")
    _check_category(category)
    if author.community_id != community.id:
        raise CouncilError(N_("No resident matches this name or phone."), field="for_person")
    try:
        await check_on_behalf(actor, author)
    except OnBehalfError:
        raise NotAllowed(
            N_("You may not raise a need for this resident."), field="for_person"
        ) from None
    place = await place_in(community, place_id)
    if place is None:
        place = await home_node(author)
    account = actor.account
    async with in_transaction():
        upload = None
        if photo is not None:
            try:
                upload = await save_image(community, photo[0], filename=photo[1], by=account)
            except UploadRefused as exc:
                exc.field = "file"  # the form's photo field, where the page shows why
                raise
        need = await Need.create(
            community=community, author=author, raised_by=account, text=text,
            category=category, place=place, photo=upload, support_count=1,
            created_at=at or now_utc(),
        )  # fmt: skip
        await NeedSupport.create(need=need, person=author)
        if account is not None and account.person_id != author.id:
            await audit(
                "council.need.raise_for", actor=actor, community_id=community.id, obj=need,
                on_behalf_of=author, after={"text": text, "category": category},
            )  # fmt: skip
    return need


async def support_need(need: Need, person: Person) -> Need:
    """Add ``person``'s "me too" to ``need``: once per person, whatever the race."""
    if person.community_id != need.community_id:
        raise NotAllowed()
    try:
        async with in_transaction():
            await NeedSupport.create(need_id=need.id, person_id=person.id)
            moved = await Need.filter(id=need.id, status__in=(OPEN, IN_TOPIC)).update(
                support_count=F("support_count") + 1
            )
            if moved != 1:
                raise CouncilError(N_("This need was merged into another; support that one."))
    except IntegrityError:
        raise AlreadySupported() from None
    await need.refresh_from_db(fields=["support_count"])
    return need


async def merge_needs(keep: Need, duplicate: Need, *, actor: Actor) -> Need:
    """Merge ``duplicate`` into ``keep``: its supporters move over, and a resident who
    backs both counts once."""
    if keep.id == duplicate.id or keep.community_id != duplicate.community_id:
        raise CouncilError(N_("Choose another need to merge with."))
    try:
        async with in_transaction():
            # Lock both rows in id order (guarded updates), so that two merges of the same
            # pair in opposite directions cannot deadlock: the second one finds a merged
            # need and stops.
            for need_id in sorted((keep.id, duplicate.id)):
                if need_id == duplicate.id:
                    closed = await Need.filter(id=duplicate.id, status=OPEN).update(
                        status=MERGED, merged_into_id=keep.id, support_count=0
                    )
                    if closed != 1:
                        raise CouncilError(N_("Only an open need can be merged into another."))
                else:
                    kept = await Need.filter(id=keep.id, status__in=(OPEN, IN_TOPIC)).update(
                        support_count=F("support_count")
                    )
                    if kept != 1:
                        raise CouncilError(N_("A need cannot be merged into a merged need."))
            both = Subquery(NeedSupport.filter(need_id=keep.id).values("person_id"))
            moved = (
                await NeedSupport.filter(need_id=duplicate.id)
                .exclude(person_id__in=both)
                .update(need_id=keep.id)
            )
            await NeedSupport.filter(need_id=duplicate.id).delete()
            if moved:
                await Need.filter(id=keep.id).update(support_count=F("support_count") + moved)
            await audit(
                "council.need.merge", actor=actor, community_id=keep.community_id,
                obj=duplicate, after={"merged_into": keep.id, "supporters_moved": moved},
            )  # fmt: skip
    except IntegrityError:
        # a resident backed the kept need at the same moment as the merge moved them
        raise CouncilError(
            N_("Someone backed these needs at the same moment; please try again."), status=409
        ) from None
    await keep.refresh_from_db(fields=["support_count"])
    return keep


@dataclass
class NeedsPage:
    needs: list[Need]
    page: int
    has_next: bool
    supported: set[int] = field(default_factory=set)


async def needs_page(
    community: Community,
    *,
    category: str = "",
    status: str = "",
    sort: str = "support",
    page: int = 1,
    viewer_id: int | None = None,
    per_page: int = PER_PAGE,
) -> NeedsPage:
    """One page of needs with their places and support counts, and which of them the
    viewer (a person id) backs: two queries whatever the number of needs and supporters."""
    page = max(page, 1)
    query = Need.filter(community_id=community.id)
    query = (
        query.filter(status=status)
        if status in NEED_STATUS_LABELS
        else query.exclude(status=MERGED)
    )
    if category in CATEGORIES:
        query = query.filter(category=category)
    order = (
        ("-support_count", "-created_at", "-id") if sort == "support" else ("-created_at", "-id")
    )
    rows = list(
        await query.order_by(*order)
        .select_related("place")
        .offset((page - 1) * per_page)
        .limit(per_page + 1)
    )
    supported: set[int] = set()
    if viewer_id is not None and rows:
        supported = set(
            await NeedSupport.filter(
                person_id=viewer_id, need_id__in=[n.id for n in rows[:per_page]]
            ).values_list("need_id", flat=True)
        )
    return NeedsPage(rows[:per_page], page, len(rows) > per_page, supported)


@dataclass
class RankRow:
    category: str
    place: str
    needs: int
    support: int


async def ranking(community: Community, *, language: str = "zh_CN") -> list[RankRow]:
    """Needs not yet merged, by category and place at the community's ranking level
    (a building by default: a need placed at a flat counts for its building, and no
    flat number is shown), most backed first. Four queries."""
    level = (await settings_of(community)).ranking_level
    rows = (
        await Need.filter(community_id=community.id, status__in=(OPEN, IN_TOPIC))
        .annotate(needs=Count("id"), support=Sum("support_count"))
        .group_by("category", "place_id")
        .values("category", "place_id", "needs", "support")
    )
    ids = {row["place_id"] for row in rows if row["place_id"]}
    nodes = list(await Node.filter(id__in=list(ids))) if ids else []
    _, shown = await place_labels(list(nodes), language, level)
    totals: dict[tuple[str, str], list[int]] = {}
    for row in rows:
        key = (row["category"], shown.get(row["place_id"], "") if row["place_id"] else "")
        counts = totals.setdefault(key, [0, 0])
        counts[0] += int(row["needs"])
        counts[1] += int(row["support"] or 0)
    ranked = [RankRow(category, place, n, support)
              for (category, place), (n, support) in totals.items()]  # fmt: skip
    return sorted(ranked, key=lambda r: (-r.support, -r.needs, r.category, natural_key(r.place)))


# --------------------------------------------------------------------------- topics


async def _timeline(
    topic: Topic | int,
    kind: str,
    text: str = "",
    *,
    by: Actor | None = None,
    link: str = "",
    key: str | None = None,
    at: datetime | None = None,
) -> TimelineEntry:
    topic_id = topic if isinstance(topic, int) else topic.id
    return await TimelineEntry.create(
        topic_id=topic_id, kind=kind, text=text, link=link, key=key,
        by=by.account if by is not None else None, at=at or now_utc(),
    )  # fmt: skip


async def level_node(community: Community, node_id: int | None) -> Node:
    """A node of the community's party tree at one of the council's levels."""
    node = None
    if node_id is not None:
        node = (
            await Node.filter(id=node_id, community_id=community.id, kind__key__in=list(LEVELS))
            .select_related("kind")
            .first()
        )
    if node is None:
        raise CouncilError(N_("Choose the level that owns the topic."), field="node")
    return node


async def create_topic(
    community: Community,
    *,
    need_ids: list[int],
    title: str,
    summary: str = "",
    category: str,
    node_id: int | None,
    place_id: int | None = None,
    actor: Actor,
    at: datetime | None = None,
) -> Topic:
    """Turn open needs into a topic owned at ``node_id``; their authors see it on their
    pages ("My needs")."""
    ids = sorted(set(need_ids))
    if not ids:
        raise CouncilError(N_("Choose at least one need."), field="needs")
    title = _clean_text(title, MAX_TITLE, N_("A topic needs a title."), "title")
    summary = summary.strip()[:MAX_TEXT]
    _check_category(category)
    node = await level_node(community, node_id)
    place = await place_in(community, place_id, kinds=PLACE_KINDS)
    async with in_transaction():
        topic = await Topic.create(
            community=community, title=title, summary=summary, category=category, node=node,
            place=place, owner=actor.account, created_at=at or now_utc(),
        )  # fmt: skip
        taken = await Need.filter(id__in=ids, community_id=community.id, status=OPEN).update(
            status=IN_TOPIC, topic_id=topic.id
        )
        if taken != len(ids):
            raise CouncilError(
                N_("Some of these needs are no longer open."), status=409, field="needs"
            )
        await _timeline(topic, "created", by=actor, at=topic.created_at)
        await audit(
            "council.topic.create", actor=actor, community_id=community.id, obj=topic,
            after={"title": title, "needs": ids, "node": node.id},
        )  # fmt: skip
        await notify(
            await _need_authors([topic.id]), NEED_IN_TOPIC, subject=topic.title,
            link=topic_url(community, topic.id), community=community,
        )  # fmt: skip
    return topic


async def _need_authors(topic_ids: list[int]) -> list[Person]:
    """The residents whose needs became these topics."""
    authors = await Need.filter(topic_id__in=topic_ids, author_id__isnull=False).values_list(
        "author_id", flat=True
    )
    return list(await Person.filter(id__in=set(authors)))


async def open_actions(topic: Topic | int) -> int:
    """How many action items of the topic are neither done nor waived."""
    topic_id = topic if isinstance(topic, int) else topic.id
    return await ActionItem.filter(
        topic_id=topic_id, done_at__isnull=True, waived_at__isnull=True
    ).count()


async def check_move(topic: Topic, wanted: str, text: str = "") -> str:
    """Refuse a move the rules do not allow, without changing anything (a page asks to
    confirm only a move that can happen); returns the cleaned public text. A topic is
    closed as resolved only when every action item of its decision is done or waived."""
    current = topic.state
    if wanted not in TRANSITIONS.get(current, ()):
        raise WrongState(
            current=STATE_LABELS.get(current, current), wanted=STATE_LABELS.get(wanted, wanted)
        )
    text = text.strip()
    if len(text) > MAX_TEXT:
        raise CouncilError(
            N_("The text is too long: at most %(limit)s characters."), field="text",
            limit=MAX_TEXT,
        )  # fmt: skip
    if wanted == NOT_FEASIBLE and not text:
        raise CouncilError(
            N_("Give the public reason why the topic is not feasible."), field="text"
        )
    if wanted == RESOLVED:
        remaining = await open_actions(topic)
        if remaining:
            raise OpenActions(count=remaining)
    return text


async def move_topic(
    topic: Topic,
    wanted: str,
    *,
    actor: Actor,
    text: str = "",
    at: datetime | None = None,
    **changes: Any,
) -> Topic:
    """Move ``topic`` to the state ``wanted`` if the rules allow it from its state; the
    move is a guarded UPDATE, so of two simultaneous moves only one happens."""
    current = topic.state
    text = await check_move(topic, wanted, text)
    if wanted == NOT_FEASIBLE:
        changes["closed_reason"] = text
    moment = at or now_utc()
    if wanted in CLOSED_STATES:
        changes["closed_at"] = moment
    async with in_transaction():
        moved = await Topic.filter(id=topic.id, state=current).update(state=wanted, **changes)
        if moved != 1:
            raise WrongState(
                current=STATE_LABELS.get(current, current),
                wanted=STATE_LABELS.get(wanted, wanted),
            )
        await _timeline(topic, wanted, text, by=actor, at=moment)
        await audit(
            "council.topic.state", actor=actor, community_id=topic.community_id, obj=topic,
            before={"state": current}, after={"state": wanted, "text": text},
        )  # fmt: skip
    await topic.refresh_from_db()
    return topic


async def decide(
    topic: Topic,
    decision: str,
    *,
    actor: Actor,
    start_project: bool = False,
    at: datetime | None = None,
) -> Topic:
    """Record the decision on a discussed topic. A decision to start a co-built project
    emits ``council.project_requested`` once, with the decision."""
    decision = _clean_text(decision, MAX_TEXT, N_("Write down the decision."), "decision")
    async with in_transaction():
        await move_topic(
            topic, DECIDED, actor=actor, text=decision, at=at,
            decision=decision, start_project=start_project,
        )  # fmt: skip
        if start_project:
            community = await Community.get(id=topic.community_id)
            await emit(
                "council.project_requested",
                ProjectRequested(
                    topic=topic.id,
                    title=topic.title,
                    place=topic.place_id,
                    summary=decision,
                    topic_url=topic_url(community, topic.id),
                ),
                community=community,
            )
            await _timeline(topic, "project_requested", by=actor, at=at)
        community = await Community.get(id=topic.community_id)
        await notify(
            await _need_authors([topic.id]), TOPIC_DECIDED, subject=topic.title,
            values={"decision": decision[:200]}, link=topic_url(community, topic.id),
            community=community,
        )  # fmt: skip
    return topic


async def escalation_target(topic: Topic) -> Node | None:
    """The level above the topic's (estate branch above a building group, community
    committee above a branch), or ``None`` at the top."""
    node = await Node.get(id=topic.node_id)
    if node.parent_id is None:
        return None
    return await Node.get_or_none(id=node.parent_id, kind__key__in=list(LEVELS))


async def escalate_topic(topic: Topic, *, actor: Actor, reason: str) -> Node:
    """Raise the topic to the level above (building group → estate branch → community
    committee) with the core's escalation: who, when and why are recorded. Refused with
    409 when closed or already at the top, 403 without ``matters.escalate`` at the
    topic's level."""
    if topic.is_closed:
        raise CouncilError(N_("A closed topic stays where it is."), status=409)
    if await escalation_target(topic) is None:
        raise AtTheTop()
    if not reason.strip():
        raise CouncilError(N_("Say why the topic goes up a level."), field="reason")
    if len(reason.strip()) > 500:
        raise CouncilError(
            N_("The text is too long: at most %(limit)s characters."), field="reason", limit=500
        )
    async with in_transaction():
        try:
            community = await Community.get(id=topic.community_id)
            above = await escalate(
                topic, actor, reason, subject=topic.title, link=topic_url(community, topic.id)
            )
        except EscalationNotAllowed:
            raise NotAllowed(N_("You may not raise topics at this level.")) from None
        except AlreadyAtTop:
            raise AtTheTop() from None
        except ReasonMissing:
            raise CouncilError(N_("Say why the topic goes up a level."), field="reason") from None
        await _timeline(topic, "escalated", f"{above.name}: {reason.strip()}", by=actor)
    return above


async def add_action(
    topic: Topic,
    *,
    text: str,
    owner: str,
    due_on: date | None,
    actor: Actor,
    meeting: Meeting | None = None,
) -> ActionItem:
    """Follow-up work of a decided topic; the first one puts the topic in action."""
    if topic.state not in (DECIDED, IN_ACTION):
        raise CouncilError(N_("Action items follow a decision."), status=409)
    text = _clean_text(text, 300, N_("Describe the action."), "text")
    owner = _clean_text(owner, 64, N_("Name who does it."), "owner")
    if due_on is None:
        raise CouncilError(N_("Enter the date as YYYY-MM-DD."), field="due_on")
    async with in_transaction():
        action = await ActionItem.create(
            topic=topic, meeting=meeting, text=text, owner=owner, due_on=due_on
        )
        if topic.state == DECIDED:
            await move_topic(topic, IN_ACTION, actor=actor)
        await _timeline(topic, "action", f"{text} · {owner} · {due_on.isoformat()}", by=actor)
        await audit(
            "council.action.add", actor=actor, community_id=topic.community_id, obj=action,
            after={"topic": topic.id, "text": text, "owner": owner, "due_on": due_on.isoformat()},
        )  # fmt: skip
    return action


async def finish_action(action: ActionItem, *, actor: Actor) -> bool:
    """Mark an open action item done; ``False`` when it already was done or waived
    (a second press changes nothing)."""
    async with in_transaction():
        done = await ActionItem.filter(
            id=action.id, done_at__isnull=True, waived_at__isnull=True
        ).update(done_at=now_utc())
        if done == 1:
            await _timeline(action.topic_id, "action_done", action.text, by=actor)
            topic = await Topic.get(id=action.topic_id)
            await audit("council.action.done", actor=actor, community_id=topic.community_id,
                        obj=action)  # fmt: skip
    await action.refresh_from_db()
    return done == 1


async def waive_action(action: ActionItem, reason: str, *, actor: Actor) -> bool:
    """Give up an open action item with a public reason (shown on the topic's page and
    timeline), so that it no longer holds the topic open; ``False`` when it already was
    done or waived."""
    reason = _clean_text(
        reason, MAX_TEXT, N_("Give the public reason why the action item is waived."), "reason"
    )
    async with in_transaction():
        waived = await ActionItem.filter(
            id=action.id, done_at__isnull=True, waived_at__isnull=True
        ).update(waived_at=now_utc(), waived_reason=reason)
        if waived == 1:
            await _timeline(action.topic_id, "action_waived", f"{action.text}: {reason}", by=actor)
            topic = await Topic.get(id=action.topic_id)
            await audit(
                "council.action.waive", actor=actor, community_id=topic.community_id,
                obj=action, after={"reason": reason},
            )  # fmt: skip
    await action.refresh_from_db()
    return waived == 1


@dataclass
class TopicsPage:
    topics: list[Topic]
    page: int
    has_next: bool
    needs: dict[int, int]
    support: dict[int, int]


async def topics_page(
    community: Community,
    *,
    state: str = "",
    category: str = "",
    page: int = 1,
    per_page: int = PER_PAGE,
) -> TopicsPage:
    """One page of topics with level, place and how many needs and supporters each
    gathers: two queries whatever the number of topics, needs and supporters."""
    page = max(page, 1)
    query = Topic.filter(community_id=community.id)
    if state in STATE_LABELS:
        query = query.filter(state=state)
    if category in CATEGORIES:
        query = query.filter(category=category)
    rows = list(
        await query.select_related("node__kind", "place")
        .offset((page - 1) * per_page)
        .limit(per_page + 1)
    )
    shown = rows[:per_page]
    needs: dict[int, int] = {}
    support: dict[int, int] = {}
    if shown:
        for row in (
            await Need.filter(topic_id__in=[t.id for t in shown])
            .annotate(n=Count("id"), s=Sum("support_count"))
            .group_by("topic_id")
            .values("topic_id", "n", "s")
        ):
            needs[row["topic_id"]] = int(row["n"])
            support[row["topic_id"]] = int(row["s"] or 0)
    return TopicsPage(shown, page, len(rows) > per_page, needs, support)


# ------------------------------------------------------------------------- worklist

#: What an open topic waits for, by state: the next step at its level.
WAITING_FOR = {
    PROPOSED: N_("To be put on a meeting's agenda"),
    SCHEDULED: N_("To be discussed at its meeting"),
    DISCUSSED: N_("A decision"),
    DECIDED: N_("Action items, or closing"),
    IN_ACTION: N_("Its action items to be done"),
}
#: Permissions that make a party level's topics someone's work.
WORK_PERMISSIONS = ("council.manage", "matters.escalate")


@dataclass
class WorkItem:
    topic: Topic
    since: datetime  # at this level since (raised there, or escalated to it)
    open_actions: int

    @property
    def waiting_for(self) -> str:
        return WAITING_FOR.get(self.topic.state, "")


@dataclass
class WorkLevel:
    node: Node
    items: list[WorkItem]


def work_node_ids(actor: Actor, community: Community) -> tuple[set[int], bool]:
    """The nodes where the actor holds a grant that makes topics there their work, and
    whether one of them covers the whole community (community staff, whose level is the
    community committee)."""
    ids: set[int] = set()
    whole = False
    for held in actor.grants:
        if held.community_id != community.id:
            continue
        if not any(permission in held.permissions for permission in WORK_PERMISSIONS):
            continue
        ids.add(held.node_id)
        whole = whole or (held.whole_community and "council.manage" in held.permissions)
    return ids, whole


async def worklist(community: Community, actor: Actor) -> list[WorkLevel]:
    """The open topics waiting at each party level where the actor works (a building
    group's leader: their group; a branch secretary: their branch; community staff and
    the committee: the community committee), oldest first, with when each reached that
    level and what it waits for. Five queries whatever the number of topics."""
    ids, whole = work_node_ids(actor, community)
    if not ids and not whole:
        return []
    where = Q(id__in=list(ids))
    if whole:
        where = where | Q(kind__key="party_committee")
    nodes = list(
        await Node.filter(where, community_id=community.id, kind__key__in=list(LEVELS))
        .select_related("kind")
        .order_by("depth", "path")
    )
    if not nodes:
        return []
    topics = list(
        await Topic.filter(community_id=community.id, node_id__in=[n.id for n in nodes])
        .exclude(state__in=CLOSED_STATES)
        .select_related("place")
        .order_by("created_at", "id")
        .limit(500)
    )
    arrived: dict[int, datetime] = {}
    if topics:
        for row in (
            await Escalation.filter(
                matter_type="council.Topic", matter_id__in=[str(t.id) for t in topics]
            )
            .order_by("at", "id")
            .values("matter_id", "at")
        ):
            arrived[int(row["matter_id"])] = row["at"]  # in time order: the last one wins
        actions = dict(
            await ActionItem.filter(
                topic_id__in=[t.id for t in topics], done_at__isnull=True, waived_at__isnull=True
            )
            .annotate(n=Count("id"))
            .group_by("topic_id")
            .values_list("topic_id", "n")
        )
    else:
        actions = {}
    levels = [WorkLevel(node, []) for node in nodes]
    by_node = {level.node.id: level for level in levels}
    for topic in topics:
        since = arrived.get(topic.id, topic.created_at)
        by_node[topic.node_id].items.append(WorkItem(topic, since, int(actions.get(topic.id, 0))))
    for level in levels:
        level.items.sort(key=lambda item: (item.since, item.topic.id))
    return levels


# ------------------------------------------------------------------------- meetings


async def create_meeting(
    community: Community,
    *,
    title: str,
    held_on: date | None,
    location: str = "",
    place_id: int | None = None,
    actor: Actor,
) -> Meeting:
    title = _clean_text(title, MAX_TITLE, N_("A meeting needs a title."), "title")
    if held_on is None:
        raise CouncilError(N_("Enter the date as YYYY-MM-DD."), field="held_on")
    place = await place_in(community, place_id, kinds=PLACE_KINDS)
    async with in_transaction():
        meeting = await Meeting.create(
            community=community, title=title, held_on=held_on,
            location=location.strip()[:200], place=place,
        )  # fmt: skip
        await audit("council.meeting.create", actor=actor, community_id=community.id, obj=meeting)
    return meeting


async def schedule(meeting: Meeting, topic: Topic, *, actor: Actor) -> AgendaItem:
    """Put a topic on a meeting's agenda: a proposed or discussed topic becomes
    scheduled; a scheduled one may be on several agendas."""
    if topic.community_id != meeting.community_id:
        raise CouncilError(N_("Choose a topic of this community."), field="topic")
    if meeting.minutes_status == APPROVED:
        raise CouncilError(N_("The minutes of this meeting are approved; it is closed."))
    try:
        async with in_transaction():
            position = await AgendaItem.filter(meeting_id=meeting.id).count()
            item = await AgendaItem.create(meeting=meeting, topic=topic, position=position + 1)
            if topic.state != SCHEDULED:
                await move_topic(
                    topic, SCHEDULED, actor=actor, text=f"{meeting.title} {meeting.held_on}"
                )
    except IntegrityError:
        raise CouncilError(
            N_("This topic is already on the agenda."), status=409, field="topic"
        ) from None
    return item


async def add_attendee(
    meeting: Meeting, *, name: str, kind: str, note: str = "", actor: Actor | None = None
) -> Attendee:
    name = _clean_text(name, 64, N_("Enter a name."), "name")
    if kind not in ATTENDEE_LABELS:
        raise CouncilError(N_("Choose who the attendee is."), field="kind")
    async with in_transaction():
        attendee = await Attendee.create(
            meeting=meeting, name=name, kind=kind, note=note.strip()[:100]
        )
        await audit(
            "council.attendee.add", actor=actor, community_id=meeting.community_id,
            obj=attendee, after={"meeting": meeting.id, "name": name, "kind": kind},
        )  # fmt: skip
    return attendee


def meeting_day(at: datetime | None = None, zone: ZoneInfo = DEFAULT_ZONE) -> date:
    """The community's day at ``at`` (now by default): what a meeting's date compares to."""
    return (at or now_utc()).astimezone(zone).date()


def check_held(
    meeting: Meeting, *, at: datetime | None = None, zone: ZoneInfo = DEFAULT_ZONE
) -> None:
    """Minutes record what a meeting said: refused before the meeting's day (in the
    community's time zone)."""
    if meeting.held_on > meeting_day(at, zone):
        raise MeetingNotYetHeld(date=meeting.held_on.isoformat())


async def record_minutes(
    item: AgendaItem,
    minutes: str,
    *,
    actor: Actor,
    at: datetime | None = None,
    zone: ZoneInfo = DEFAULT_ZONE,
) -> AgendaItem:
    """Write the minutes of one agenda item, from the meeting's day on; a scheduled
    topic is then discussed."""
    minutes = _clean_text(minutes, 5000, N_("Write the minutes."), "minutes")
    meeting = await Meeting.get(id=item.meeting_id)
    if meeting.minutes_status == APPROVED:
        raise CouncilError(N_("The minutes of this meeting are approved; it is closed."))
    check_held(meeting, at=at, zone=zone)
    topic = await Topic.get(id=item.topic_id)
    async with in_transaction():
        before = item.minutes
        item.minutes = minutes
        await item.save(update_fields=["minutes"])
        await audit(
            "council.minutes.write", actor=actor, community_id=meeting.community_id, obj=item,
            before={"minutes": before}, after={"minutes": minutes},
        )  # fmt: skip
        if topic.state == SCHEDULED:
            await move_topic(topic, DISCUSSED, actor=actor, text=meeting.title)
    return item


async def check_approvable(
    meeting: Meeting, *, at: datetime | None = None, zone: ZoneInfo = DEFAULT_ZONE
) -> list[tuple[int, str]]:
    """Refuse approving minutes that are approved already, of a meeting not yet held
    (in the community's time zone) or with an agenda item without minutes; returns the
    agenda as (topic id, minutes)."""
    if meeting.minutes_status == APPROVED:
        raise CouncilError(N_("These minutes are already approved."), status=409)
    check_held(meeting, at=at, zone=zone)
    items = await AgendaItem.filter(meeting_id=meeting.id).values_list("topic_id", "minutes")
    if not items or any(not minutes for _, minutes in items):
        raise CouncilError(N_("Write the minutes of every agenda item first."))
    return list(items)


async def approve_minutes(
    meeting: Meeting,
    *,
    actor: Actor,
    at: datetime | None = None,
    zone: ZoneInfo = DEFAULT_ZONE,
) -> Meeting:
    """Publish the minutes to the residents of the covered place, from the meeting's
    day on."""
    items = await check_approvable(meeting, at=at, zone=zone)
    moment = at or now_utc()
    async with in_transaction():
        done = await Meeting.filter(id=meeting.id, minutes_status=DRAFT).update(
            minutes_status=APPROVED, approved_by_id=actor.account.id if actor.account else None,
            approved_at=moment,
        )  # fmt: skip
        if done != 1:
            raise CouncilError(N_("These minutes are already approved."), status=409)
        for topic_id, _ in items:
            await _timeline(topic_id, "minutes", meeting.title, by=actor, at=moment,
                            link=f"../meetings/{meeting.id}")  # fmt: skip
        await audit("council.minutes.approve", actor=actor, community_id=meeting.community_id,
                    obj=meeting)  # fmt: skip
        community = await Community.get(id=meeting.community_id)
        await notify(
            await _need_authors([topic_id for topic_id, _ in items]), MINUTES_PUBLISHED,
            subject=meeting.title, community=community,
            link=f"/c/{community.slug}/council/meetings/{meeting.id}",
        )  # fmt: skip
    await meeting.refresh_from_db()
    return meeting


async def may_read_minutes(actor: Actor, meeting: Meeting, community_node: Node) -> bool:
    """Staff always; a resident once the minutes are approved and only if they live in
    the meeting's place (anywhere in the community when it covers the community)."""
    if actor.can("council.manage", community_node):
        return True
    if meeting.minutes_status != APPROVED or actor.account is None:
        return False
    if actor.account.person_id is None:
        return False
    person = await Person.get_or_none(id=actor.account.person_id)
    if person is None or person.community_id != meeting.community_id:
        return False
    if meeting.place_id is None:
        return True
    place = await Node.get(id=meeting.place_id)
    return place.contains(await home_node(person))


# -------------------------------------------------------------------------- figures


@dataclass
class Figures:
    year: int
    total: int
    resolved: int
    not_feasible: int
    rate: Decimal
    target: Decimal
    by_state: dict[str, int]
    by_category: list[tuple[str, int, int]]  # category, topics, resolved
    overdue: list[ActionItem]

    @property
    def on_target(self) -> bool:
        return self.total > 0 and self.rate >= self.target

    @property
    def percent(self) -> str:
        return f"{self.rate * 100:.0f}"

    @property
    def target_percent(self) -> str:
        return f"{self.target * 100:.0f}"


def closure_rate(resolved: int, total: int) -> Decimal:
    """Share of topics closed as resolved, to three places (0 when there is none)."""
    if total == 0:
        return Decimal(0)
    return (Decimal(resolved) / Decimal(total)).quantize(Decimal("0.001"))


async def figures(
    community: Community, year: int, *, today: date, zone: ZoneInfo = DEFAULT_ZONE
) -> Figures:
    """This year's topics (raised in ``year``): the share closed as resolved against the
    target, by state and category, and the action items past their date."""
    start, end = year_start(year, zone), year_start(year + 1, zone)
    rows = (
        await Topic.filter(community_id=community.id, created_at__gte=start, created_at__lt=end)
        .annotate(n=Count("id"))
        .group_by("state", "category")
        .values_list("state", "category", "n")
    )
    by_state = dict.fromkeys(STATE_LABELS, 0)
    per_category: dict[str, list[int]] = {}
    for state, category, n in rows:
        by_state[state] = by_state.get(state, 0) + int(n)
        counts = per_category.setdefault(category, [0, 0])
        counts[0] += int(n)
        if state == RESOLVED:
            counts[1] += int(n)
    total = sum(by_state.values())
    overdue = (
        await ActionItem.filter(
            topic__community_id=community.id, done_at__isnull=True, due_on__lt=today
        )
        .select_related("topic")
        .limit(50)
    )
    settings = await settings_of(community)
    return Figures(
        year=year,
        total=total,
        resolved=by_state[RESOLVED],
        not_feasible=by_state[NOT_FEASIBLE],
        rate=closure_rate(by_state[RESOLVED], total),
        target=(Decimal(settings.closure_target) / 100).quantize(Decimal("0.001")),
        by_state=by_state,
        by_category=sorted(
            ((c, counts[0], counts[1]) for c, counts in per_category.items()),
            key=lambda row: (-row[1], row[0]),
        ),
        overdue=list(overdue),
    )


async def summary(community: Community, *, zone: ZoneInfo = DEFAULT_ZONE) -> dict[str, Any]:
    """What the dashboard widget shows."""
    today = now_utc().astimezone(zone).date()
    data = await figures(community, today.year, today=today, zone=zone)
    open_needs = await Need.filter(community_id=community.id, status=OPEN).count()
    return {"figures": data, "open_needs": open_needs}


# ------------------------------------------------------------------- event handling


async def record_project_started(
    community_id: int, *, project: int, topic_id: int | None, title: str, url: str
) -> TimelineEntry | None:
    """Note on a topic's public timeline that its co-built project started, once per
    project whatever the number of deliveries; a decided topic is then in action."""
    if topic_id is None:
        return None
    topic = await Topic.get_or_none(id=topic_id, community_id=community_id)
    if topic is None:
        return None
    key = f"codesign.project:{project}"
    entry = await TimelineEntry.get_or_none(key=key)
    if entry is not None:
        return entry
    link = url if url.startswith("/") and not url.startswith("//") else ""
    async with in_transaction():
        entry = await _timeline(topic, "project_started", title[:200], link=link, key=key)
        await Topic.filter(id=topic.id, state=DECIDED).update(state=IN_ACTION)
    return entry


# ---------------------------------------------------------------------------- pages


async def my_needs(person: Person, limit: int = 100) -> list[Need]:
    """The needs a resident raised, newest first, with the topics they became."""
    return list(
        await Need.filter(author_id=person.id).select_related("topic", "merged_into").limit(limit)
    )


# ------------------------------------------------------------------ the home's "For you"


def home_items(community: Community, actor: Actor) -> list[HomeItem]:
    """A resident's needs still open (waiting to become a topic); for those who run
    the council at a party level, the open topics waiting at their levels (what
    "Waiting for me" lists). One-value queries the core runs together."""
    items = []
    person_id = actor.account.person_id if actor.account else None
    if person_id is not None:
        items.append(
            HomeItem(
                N_("My needs"),
                "needs/mine",
                Need.filter(community_id=community.id, author_id=person_id, status=OPEN).count(),
                note=N_("raised, waiting for the council"),
                order=30,
            )
        )
    ids, whole = work_node_ids(actor, community)
    if ids or whole:
        where = Q(node_id__in=list(ids))
        if whole:
            where = where | Q(node__kind__key="party_committee")
        waiting = (
            Topic.filter(where, community_id=community.id, node__kind__key__in=list(LEVELS))
            .exclude(state__in=CLOSED_STATES)
            .count()
        )
        items.append(
            HomeItem(
                N_("Waiting for me"),
                "worklist",
                waiting,
                note=N_("open topics at your level"),
                order=50,
            )
        )
    return items
