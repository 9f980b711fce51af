"""The rules of 银龄关爱 / 青苗成长.

- **Groups** are derived from the register: a person is in a group when their age and
  tags meet its rule (高龄独居: aged 80 or over and tagged 独居). :func:`recompute` brings
  the memberships up to date; it runs when the register changes (``register.changed``),
  when a group's rule changes, and every night (a birthday crossing a threshold).
- **Plans**: a group's members are to be seen every ``every_days`` days, by phone or in
  person (``any``) or in person only. Each membership keeps the day its next visit is
  due (``due_on``), moved on by every visit that counts, so the overdue list and the
  coverage figures are indexed queries.
- **Visits** are logged by a carer of the person, or by a worker with ``care.visit`` or
  ``care.manage`` at their home (on behalf of a carer who has no phone). A form carries
  a token: the same form sent twice is one visit. "Concerns" raises a follow-up; "needs
  help" raises a follow-up that is a welfare alert: the duty worker (the nearest holder
  of ``care.alert.handle`` at the home) is told at once, and the core's shared
  ``welfare.concern`` puts it on the duty worker's one list of alerts (the canteen's)
  where that list exists.
- **Privacy**: a person's care page, their visits' notes, follow-ups and health notes
  are seen by their carers and by care staff (``care.manage`` or ``care.visit`` at their
  home or above) only; every read of health notes is written to the audit trail.
- **Programmes** have a capacity taken by a guarded ``UPDATE … WHERE taken <
  capacity``; a minor is enrolled only with a guardian who consents.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q, Subquery
from tortoise.functions import Count, Max
from tortoise.transactions import in_transaction

from linli.kit import (
    N_,
    Actor,
    Community,
    HomeItem,
    Membership,
    Node,
    Person,
    PersonTag,
    Refusal,
    RoleAt,
    WelfareConcern,
    WelfareResolved,
    audit,
    community_root,
    current_zone,
    emit,
    natural_key,
    notify,
    one_time_key,
)
from linli_care.models import (
    ANY_MODE,
    CALL,
    CARER_KINDS,
    CASE,
    CONCERNS,
    HELP,
    IN_PERSON,
    MODES,
    OUTCOMES,
    SEEN,
    SILVER,
    YOUTH,
    Attendance,
    CareGroup,
    Carer,
    Enrolment,
    FollowUp,
    HealthNote,
    Member,
    Programme,
    Session,
    TimelineEntry,
    Visit,
)

SOURCE = "care"
MAX_NOTE = 2000
ADULT = 18
#: The groups a community starts with (name, English name, tags, min age, max age,
#: every so many days, mode).
DEFAULT_GROUPS: list[tuple[str, str, str, int | None, int | None, int, str]] = [
    ("高龄独居", "Aged 80+ living alone", "独居", 80, None, 3, ANY_MODE),
    ("失能", "Cannot look after themselves", "失能", None, None, 7, IN_PERSON),
    ("留守儿童", "Left-behind children", "留守儿童", None, 17, 7, IN_PERSON),
    ("困境儿童", "Children in difficulty", "困境儿童", None, 17, 7, IN_PERSON),
]


class NotFound(Refusal):
    message = N_("There is no such person in your care.")
    status = 404


def now_utc() -> datetime:
    return datetime.now(UTC)


def local_day(moment: datetime, zone: ZoneInfo | None = None) -> date:
    return moment.astimezone(zone or current_zone()).date()


def age_on(birth: date | None, day: date) -> int | None:
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def visible_to(
    actor: Actor, permissions: tuple[str, ...], query: Any, node_field: str = "node"
) -> Any:
    """``query`` narrowed in SQL to rows whose node lies where the actor holds any of
    ``permissions`` (as :meth:`Actor.visible` does for one permission)."""
    conditions = []
    for permission in permissions:
        conditions += [
            Q(**{f"{node_field}__path__startswith": path})
            for path in actor.paths_allowing(permission)
        ]
        for cid in set(actor.communities_allowing(permission)):
            lookup: dict[str, Any] = {f"{node_field}__community_id": cid}
            conditions.append(Q(**lookup))
    if not conditions:
        return query.filter(id__in=[])
    return query.filter(Q(*conditions, join_type="OR"))


STAFF = ("care.manage", "care.visit")


# ----------------------------------------------------------------------------- groups


def _matches(group: CareGroup, age: int | None, tags: set[str]) -> bool:
    if not set(group.tag_list()) <= tags:
        return False
    if group.min_age is not None and (age is None or age < group.min_age):
        return False
    return not (group.max_age is not None and (age is None or age > group.max_age))


async def _homes(community_id: int, people: list[int] | None) -> dict[int, tuple[int, str]]:
    """Each person's home node (id, path) from their current household."""
    query = Membership.filter(ended_on__isnull=True, person__community_id=community_id)
    if people is not None:
        query = query.filter(person_id__in=people)
    return {
        pid: (nid, path)
        for pid, nid, path in await query.values_list(
            "person_id", "household__node_id", "household__node__path"
        )
    }


async def _buildings(community_id: int) -> set[int]:
    rows = await Node.filter(community_id=community_id, kind__key="building").values("id")
    return {row["id"] for row in rows}


async def _last_seen(person_ids: list[int]) -> dict[tuple[int, str], date]:
    """The last day each person was seen, by mode: ``(person, mode) → day``."""
    if not person_ids:
        return {}
    rows = (
        await Visit.filter(person_id__in=person_ids, outcome__in=SEEN)
        .annotate(last=Max("day"))
        .group_by("person_id", "mode")
        .values("person_id", "mode", "last")
    )
    return {(r["person_id"], r["mode"]): _as_date(r["last"]) for r in rows}


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _seen_for(group: CareGroup, person_id: int, seen: dict[tuple[int, str], date]) -> date | None:
    days = [seen.get((person_id, IN_PERSON))]
    if group.mode == ANY_MODE:
        days.append(seen.get((person_id, "phone")))
    known = [d for d in days if d is not None]
    return max(known) if known else None


@dataclass
class Recomputed:
    added: int = 0
    removed: int = 0
    moved: int = 0


async def recompute(
    community: Community | int, today: date, people: list[int] | None = None
) -> Recomputed:
    """Bring the groups' memberships up to date with the register (for ``people``, or
    everyone): join who now meets a rule, leave who no longer does, follow who moved."""
    community_id = community if isinstance(community, int) else community.id
    groups = await CareGroup.filter(community_id=community_id)
    done = Recomputed()
    if not groups:
        return done
    persons = Person.filter(community_id=community_id)
    tag_rows = PersonTag.filter(person__community_id=community_id)
    existing_query = Member.filter(community_id=community_id)
    if people is not None:
        persons = persons.filter(id__in=people)
        tag_rows = tag_rows.filter(person_id__in=people)
        existing_query = existing_query.filter(person_id__in=people)
    births = dict(await persons.values_list("id", "birth_date"))
    tags: dict[int, set[str]] = defaultdict(set)
    for pid, tag in await tag_rows.values_list("person_id", "tag"):
        tags[pid].add(tag)
    homes = await _homes(community_id, people)
    root = await community_root(community_id)
    buildings = await _buildings(community_id)
    existing = {(m.group_id, m.person_id): m for m in await existing_query}

    def place(pid: int) -> tuple[int, int | None]:
        node_id, path = homes.get(pid, (root.id, root.path))
        ids = [int(p) for p in path.strip("/").split("/") if p]
        return node_id, next((i for i in reversed(ids) if i in buildings), None)

    wanted: dict[tuple[int, int], CareGroup] = {}
    for pid, birth in births.items():
        age = age_on(birth, today)
        for group in groups:
            if _matches(group, age, tags.get(pid, set())):
                wanted[(group.id, pid)] = group
    new_keys = [key for key in wanted if key not in existing]
    seen = await _last_seen(sorted({pid for _, pid in new_keys}))
    async with in_transaction():
        creations = []
        for gid, pid in new_keys:
            group = wanted[(gid, pid)]
            node_id, building_id = place(pid)
            last = _seen_for(group, pid, seen)
            creations.append(
                Member(
                    community_id=community_id,
                    group_id=gid,
                    person_id=pid,
                    node_id=node_id,
                    building_id=building_id,
                    since=today,
                    last_seen=last,
                    due_on=(max(last, today) if last else today) + timedelta(days=group.every_days),
                )
            )
        if creations:
            await Member.bulk_create(creations, batch_size=500)
        gone = [m.id for key, m in existing.items() if key not in wanted]
        if gone:
            await Member.filter(id__in=gone).delete()
        for key, member in existing.items():
            if key not in wanted:
                continue
            node_id, building_id = place(member.person_id)
            if (member.node_id, member.building_id) != (node_id, building_id):
                await Member.filter(id=member.id).update(node_id=node_id, building_id=building_id)
                done.moved += 1
    done.added, done.removed = len(creations), len(gone)
    return done


async def refresh_due(group: CareGroup) -> None:
    """After the plan of ``group`` changed: each member's due day again, from their
    last visit that counts (or the day they joined)."""
    members = await Member.filter(group_id=group.id)
    seen = await _last_seen([m.person_id for m in members])
    for member in members:
        last = _seen_for(group, member.person_id, seen)
        due = (last or member.since) + timedelta(days=group.every_days)
        if (member.last_seen, member.due_on) != (last, due):
            await Member.filter(id=member.id).update(last_seen=last, due_on=due)


def _check_group(
    name: str, tags: str, min_age: int | None, max_age: int | None, every_days: int, mode: str
) -> list[str]:
    if not name.strip() or len(name.strip()) > 40:
        raise Refusal(N_("Give the group a name of at most 40 characters."), field="name")
    wanted = [t.strip() for t in tags.replace("，", ",").replace("、", ",").split(",") if t.strip()]
    if any(len(t) > 32 for t in wanted):
        raise Refusal(N_("A tag is at most 32 characters."), field="tags")
    if not wanted and min_age is None and max_age is None:
        raise Refusal(
            N_("A group needs a rule: a tag, an age, or both."), field="tags"
        )  # nobody would be left out otherwise
    for value, name_ in ((min_age, "min_age"), (max_age, "max_age")):
        if value is not None and not 0 <= value <= 130:
            raise Refusal(N_("Enter an age from 0 to 130."), field=name_)
    if min_age is not None and max_age is not None and min_age > max_age:
        raise Refusal(N_("The lowest age is above the highest."), field="max_age")
    if not 1 <= every_days <= 90:
        raise Refusal(N_("Visit every 1 to 90 days."), field="every_days")
    if mode not in (ANY_MODE, IN_PERSON):
        raise Refusal(N_("Choose how the visits are made."), field="mode")
    return wanted


async def save_group(
    community: Community,
    *,
    name: str,
    tags: str,
    min_age: int | None,
    max_age: int | None,
    every_days: int,
    mode: str,
    actor: Actor,
    today: date,
    name_en: str = "",
    group: CareGroup | None = None,
) -> CareGroup:
    """Create or change a group and recompute who is in it."""
    wanted = _check_group(name, tags, min_age, max_age, every_days, mode)
    values: dict[str, Any] = {
        "name": name.strip(),
        "name_en": name_en.strip()[:60],
        "tags": ",".join(wanted),
        "min_age": min_age,
        "max_age": max_age,
        "every_days": every_days,
        "mode": mode,
    }
    clash = CareGroup.filter(community=community, name=values["name"])
    if group is not None:
        clash = clash.exclude(id=group.id)
    if await clash.exists():
        raise Refusal(N_("There is already a group of that name."), field="name", status=409)
    async with in_transaction():
        if group is None:
            position = await CareGroup.filter(community=community).count()
            group = await CareGroup.create(community=community, position=position, **values)
        else:
            await CareGroup.filter(id=group.id).update(**values)
            await Member.filter(group_id=group.id).delete()  # the rule may have changed
            group = await CareGroup.get(id=group.id)
        await audit(
            "care.group.save", actor=actor, community_id=community.id, obj=group, after=values
        )
    await recompute(community, today)
    return group


async def add_default_groups(community: Community, *, actor: Actor, today: date) -> int:
    """The usual groups (高龄独居, 失能, 留守儿童, 困境儿童), those not there yet."""
    have = {row["name"] for row in await CareGroup.filter(community=community).values("name")}
    added = 0
    for name, name_en, tags, low, high, every, mode in DEFAULT_GROUPS:
        if name in have:
            continue
        await save_group(
            community, name=name, name_en=name_en, tags=tags, min_age=low, max_age=high,
            every_days=every, mode=mode, actor=actor, today=today,
        )  # fmt: skip
        added += 1
    return added


# ----------------------------------------------------------------------------- access


@dataclass
class Access:
    """What a visitor may see of a person's care: ``staff`` (care staff at their home),
    ``carer`` (assigned to them), or nothing; with the person's groups and carers,
    which every care page shows."""

    person: Person
    home: Node
    staff: bool
    carer: bool
    manage: bool
    members: list[Member] = field(default_factory=list)
    carers: list[Carer] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        return self.staff or self.carer


async def _registered_home(person: Person) -> Node:
    membership = (
        await Membership.filter(person_id=person.id, ended_on__isnull=True)
        .select_related("household__node")
        .first()
    )
    if membership is not None:
        return membership.household.node
    return await community_root(person.community_id)


async def home_of(person: Person) -> Node:
    member = await Member.filter(person_id=person.id).select_related("node").first()
    return member.node if member is not None else await _registered_home(person)


async def _access(
    actor: Actor, community_id: int, person_id: int, person: Person | None = None
) -> Access | None:
    """Two queries for a person in a group (their memberships with the person, group,
    home and building; their carers), three for one in no group (their carers, with
    the person; their registered home), four for someone nobody cares for."""
    members = await Member.filter(person_id=person_id, community_id=community_id).select_related(
        "person", "group", "node", "building"
    )
    carers_of = Carer.filter(person_id=person_id, community_id=community_id)
    if members:
        person, home = members[0].person, members[0].node
        carers = await carers_of.select_related("carer")
    else:
        carers = await carers_of.select_related("carer", "person")
        if person is None and carers:
            person = carers[0].person
        person = person or await Person.get_or_none(id=person_id, community_id=community_id)
        if person is None:
            return None
        home = await _registered_home(person)
    own = actor.account.person_id if actor.account is not None else None
    return Access(
        person,
        home,
        staff=any(actor.can(p, home) for p in STAFF),
        carer=own is not None and any(c.carer_id == own for c in carers),
        manage=actor.can("care.manage", home),
        members=list(members),
        carers=list(carers),
    )


async def access(actor: Actor, person: Person) -> Access:
    seen = await _access(actor, person.community_id, person.id, person)
    assert seen is not None
    return seen


async def person_for(actor: Actor, community: Community, person_id: int) -> Access | None:
    """The person ``person_id`` if the visitor may see their care; ``None`` otherwise
    (the pages answer 404, so that nobody learns who is cared for)."""
    seen = await _access(actor, community.id, person_id)
    return seen if seen is not None and seen.allowed else None


# ----------------------------------------------------------------------------- carers


async def assign_carer(
    person: Person, carer: Person, *, kind: str, actor: Actor, today: date
) -> Carer:
    if carer.community_id != person.community_id:
        raise Refusal(N_("The carer must live in this community."), field="carer")
    if carer.id == person.id:
        raise Refusal(N_("A person cannot be their own carer."), field="carer")
    if kind not in CARER_KINDS:
        raise Refusal(N_("Choose what kind of carer this is."), field="kind")
    if not actor.can("care.manage", await home_of(person)):
        raise NotFound()
    try:
        async with in_transaction():
            row = await Carer.create(
                community_id=person.community_id, person=person, carer=carer, kind=kind,
                since=today,
            )  # fmt: skip
            await audit(
                "care.carer.assign",
                actor=actor,
                community_id=person.community_id,
                obj=row,
                on_behalf_of=person,
                after={"carer": carer.id, "kind": kind},
            )
    except IntegrityError:
        raise Refusal(
            N_("%(name)s is already a carer of this person."), field="carer", status=409,
            name=carer.name,
        ) from None  # fmt: skip
    return row


async def remove_carer(person: Person, carer_row_id: int, *, actor: Actor) -> bool:
    if not actor.can("care.manage", await home_of(person)):
        raise NotFound()
    async with in_transaction():
        row = await Carer.get_or_none(id=carer_row_id, person_id=person.id)
        if row is None:
            return False
        await row.delete()
        await audit(
            "care.carer.remove",
            actor=actor,
            community_id=person.community_id,
            object_type="care.Carer",
            object_id=carer_row_id,
            on_behalf_of=person,
            before={"carer": row.carer_id, "kind": row.kind},
        )
    return True


# ----------------------------------------------------------------------------- visits


def new_token() -> str:
    """A form's token: the same form sent twice records one visit."""
    return one_time_key()


@dataclass
class Logged:
    visit: Visit
    created: bool
    followup: FollowUp | None = None


async def log_visit(
    community: Community,
    person: Person,
    *,
    outcome: str,
    mode: str,
    note: str,
    token: str,
    actor: Actor,
    now: datetime,
    carer: Person | None = None,
    zone: ZoneInfo | None = None,
) -> Logged:
    """Log a visit (or a call) to ``person``. ``carer`` is who made it (the visitor's
    own record unless a worker logs it on a carer's behalf). A token already used
    answers the visit it recorded."""
    if outcome not in OUTCOMES:
        raise Refusal(N_("Choose how you found them."), field="outcome")
    if mode not in MODES:
        raise Refusal(N_("Choose a visit or a call."), field="mode")
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise Refusal(N_("At most %(limit)s characters."), field="note", limit=MAX_NOTE)
    if not token or len(token) > 40:
        raise Refusal(N_("This form has expired; open the page again."), field="outcome")
    seen = await access(actor, person)
    if not seen.allowed:
        raise NotFound()
    own = actor.account.person_id if actor.account is not None else None
    if carer is not None and carer.id != own and not seen.staff:
        raise Refusal(
            N_("Only care staff log a visit on another carer's behalf."), field="carer",
            status=403,
        )  # fmt: skip
    carer_id = carer.id if carer is not None else own
    earlier = await Visit.get_or_none(token=token, person_id=person.id)
    if earlier is not None:
        return Logged(earlier, False)
    day = local_day(now, zone)
    try:
        async with in_transaction():
            visit = await Visit.create(
                community_id=community.id, person_id=person.id, carer_id=carer_id,
                recorded_by=actor.account, outcome=outcome, mode=mode, note=note, at=now,
                day=day, token=token,
            )  # fmt: skip
            if outcome in SEEN:
                await _moved_on(person.id, day, mode)
            followup = None
            if outcome in (CONCERNS, HELP):
                followup = await FollowUp.create(
                    community_id=community.id,
                    person_id=person.id,
                    visit=visit,
                    node_id=seen.home.id,
                    level="help" if outcome == HELP else "concern",
                    raised_at=now,
                )
            if outcome == HELP:
                await _raise_alert(community, person, seen.home, visit, carer_id or 0, now)
            await audit(
                "care.visit.log",
                actor=actor,
                community_id=community.id,
                obj=visit,
                on_behalf_of=person,
                after={"outcome": outcome, "mode": mode, "carer": carer_id},
            )
    except IntegrityError:
        earlier = await Visit.get_or_none(token=token, person_id=person.id)
        if earlier is None:
            raise
        return Logged(earlier, False)
    return Logged(visit, True, followup)


async def _moved_on(person_id: int, day: date, mode: str) -> None:
    """A visit that counts moves each of the person's groups' due day on."""
    for member in await Member.filter(person_id=person_id).select_related("group"):
        if member.group.mode == IN_PERSON and mode != IN_PERSON:
            continue
        last = max(member.last_seen or day, day)
        due = max(member.due_on, day + timedelta(days=member.group.every_days))
        await Member.filter(id=member.id).update(last_seen=last, due_on=due)


async def _raise_alert(
    community: Community, person: Person, home: Node, visit: Visit, raised_by: int, now: datetime
) -> None:
    """ "Needs help": the duty worker is told at once, and the core's shared
    ``welfare.concern`` puts it on the duty worker's list of alerts."""
    from linli_care.notifications import NEEDS_HELP

    link = f"/c/{community.slug}/care/followups/"
    await emit(
        "welfare.concern",
        WelfareConcern(
            person=person.id,
            source=SOURCE,
            reference=f"visit:{visit.id}",
            level="help",
            raised_by=raised_by,
            link=link,
        ),
        community=community,
    )
    await notify(
        RoleAt(home, permission="care.alert.handle", nearest=True),
        NEEDS_HELP,
        subject=person.name,
        link=link,
        community=community,
        now=now,
    )


# ----------------------------------------------------------------------------- follow-ups


def visible_followups(actor: Actor, community: Community, *, open_only: bool = True) -> Any:
    """Follow-ups the actor is on duty for: those of homes at or under a node where they
    hold ``care.alert.handle``. Nobody else sees them in this list."""
    query = FollowUp.filter(community_id=community.id)
    if open_only:
        query = query.filter(resolved_at__isnull=True)
    return actor.visible("care.alert.handle", query)


async def resolve_followup(followup: FollowUp, *, note: str, actor: Actor, now: datetime) -> None:
    note = note.strip()
    if not note:
        raise Refusal(
            N_("Write what you found (a call, a visit …) before resolving."), field="note"
        )
    if len(note) > MAX_NOTE:
        raise Refusal(N_("At most %(limit)s characters."), field="note", limit=MAX_NOTE)
    node = await Node.get(id=followup.node_id)
    if not actor.can("care.alert.handle", node):
        raise NotFound()
    async with in_transaction():
        changed = await FollowUp.filter(id=followup.id, resolved_at__isnull=True).update(
            resolved_at=now, resolved_by=actor.account, resolution=note
        )
        if not changed:
            raise Refusal(N_("This follow-up was already resolved."), status=409)
        if followup.level == "help" and followup.visit_id is not None:
            await emit(
                "welfare.resolved",
                WelfareResolved(
                    person=followup.person_id,
                    source=SOURCE,
                    reference=f"visit:{followup.visit_id}",
                    note=note,
                ),
                community=followup.community_id,
            )
        await audit(
            "care.followup.resolve",
            actor=actor,
            community_id=followup.community_id,
            obj=followup,
            on_behalf_of=await Person.get(id=followup.person_id),
            after={"note": note},
        )


async def resolved_elsewhere(
    community_id: int, *, source: str, reference: str, note: str, now: datetime
) -> None:
    """Another list resolved a concern: close care's own copy, or the timeline's."""
    if source == SOURCE and reference.startswith("visit:") and reference[6:].isdecimal():
        await FollowUp.filter(
            community_id=community_id, visit_id=int(reference[6:]), resolved_at__isnull=True
        ).update(resolved_at=now, resolution=note)
        return
    await TimelineEntry.filter(
        community_id=community_id, source=source, reference=reference, resolved_at__isnull=True
    ).update(resolved_at=now, resolution=note)


async def concern_elsewhere(community_id: int, concern: Any, *, at: datetime) -> None:
    """Another plugin reported a concern (a door nobody opened): on the care timeline."""
    if concern.source == SOURCE:
        return
    if not await Person.exists(id=concern.person, community_id=community_id):
        return
    await TimelineEntry.get_or_create(
        community_id=community_id,
        source=concern.source[:32],
        reference=concern.reference[:64],
        defaults={
            "person_id": concern.person,
            "level": concern.level[:10],
            "summary": concern.summary[:200],
            "link": concern.link[:200],
            "at": at,
        },
    )


#: Who tells care of calls for help and of mediation cases (their plugins' names, which
#: the timeline shows as the features' titles).
VOLUNTEERS, MEDIATION = "volunteers", "mediation"


async def _on_timeline(
    community_id: int, person_id: int, *, source: str, reference: str, **values: Any
) -> None:
    """One timeline entry for ``source`` and ``reference`` (a second report of the same
    pair, a redelivered event, changes nothing); nothing for someone of no register here."""
    if not await Person.exists(id=person_id, community_id=community_id):
        return
    await TimelineEntry.get_or_create(
        community_id=community_id,
        source=source,
        reference=reference[:64],
        defaults={"person_id": person_id, **values},
    )


async def call_raised(
    community_id: int, *, call: int, person_id: int, urgent: bool, summary: str, at: datetime
) -> None:
    """一呼百应 raised a call for help for a resident: on their care timeline (urgent
    calls marked as needing help). A call for nobody of the register is not shown."""
    if person_id <= 0:
        return
    await _on_timeline(
        community_id, person_id, source=VOLUNTEERS, reference=f"call:{call}", kind=CALL,
        level=HELP if urgent else "concern", summary=summary[:200], at=at,
    )  # fmt: skip


async def call_closed(community_id: int, *, call: int, outcome: str, at: datetime) -> None:
    """The call ended: its entry says how (``done``, ``cancelled``, ``expired``; an
    expired call later closed as done says done)."""
    await TimelineEntry.filter(
        community_id=community_id, source=VOLUNTEERS, reference=f"call:{call}"
    ).update(resolved_at=at, resolution=outcome[:20])


async def case_opened(
    community_id: int, *, case: int, number: str, parties: list[int], at: datetime
) -> None:
    """A mediation case involves these residents: one entry each, with the case's
    number and nothing of its content (the mediation sends none)."""
    for person_id in parties:
        await _on_timeline(
            community_id, person_id, source=MEDIATION, reference=f"case:{case}:{person_id}",
            kind=CASE, summary=number[:200], at=at,
        )  # fmt: skip


async def case_closed(
    community_id: int, *, case: int, number: str, parties: list[int], at: datetime
) -> None:
    """The case ended: its entries are marked closed (a party linked to the register
    after the case opened gets an entry too, already closed)."""
    await case_opened(community_id, case=case, number=number, parties=parties, at=at)
    await TimelineEntry.filter(
        community_id=community_id,
        source=MEDIATION,
        reference__startswith=f"case:{case}:",
        resolved_at__isnull=True,
    ).update(resolved_at=at)


# ----------------------------------------------------------------------------- notes


async def add_note(person: Person, text: str, *, actor: Actor, now: datetime) -> HealthNote:
    text = text.strip()
    if not text:
        raise Refusal(N_("Write the note."), field="text")
    if len(text) > MAX_NOTE:
        raise Refusal(N_("At most %(limit)s characters."), field="text", limit=MAX_NOTE)
    seen = await access(actor, person)
    if not seen.allowed:
        raise NotFound()
    async with in_transaction():
        note = await HealthNote.create(
            community_id=person.community_id, person=person, text=text,
            written_by=actor.account, at=now,
        )  # fmt: skip
        await audit(
            "care.note.add",
            actor=actor,
            community_id=person.community_id,
            obj=note,
            on_behalf_of=person,
        )
    return note


async def read_notes(seen: Access, actor: Actor) -> list[HealthNote]:
    """A person's health notes, for a visitor allowed to see them; each read is written
    to the audit trail (who read whose notes, when)."""
    if not seen.allowed:
        raise NotFound()
    notes = await HealthNote.filter(person_id=seen.person.id).limit(20)
    await audit(
        "care.notes.read",
        actor=actor,
        community_id=seen.person.community_id,
        object_type="core.Person",
        object_id=seen.person.id,
        on_behalf_of=seen.person,
        after={"notes": len(notes), "as": "staff" if seen.staff else "carer"},
    )
    return notes


# ----------------------------------------------------------------------------- figures


@dataclass
class Share:
    members: int = 0
    on_time: int = 0

    @property
    def percent(self) -> int:
        return 100 if not self.members else (100 * self.on_time) // self.members


@dataclass
class GroupCoverage:
    group: CareGroup
    total: Share
    buildings: list[tuple[str, Share]] = field(default_factory=list)


async def coverage(
    community: Community, today: date, language: str = "zh_CN"
) -> list[GroupCoverage]:
    """Per group and building: members, and those visited on time (their next visit is
    due today or later). Three queries whatever the size."""
    groups = await CareGroup.filter(community=community)
    rows = await Member.filter(community_id=community.id).values_list(
        "group_id", "building_id", "due_on"
    )
    by_group: dict[int, Share] = defaultdict(Share)
    by_building: dict[tuple[int, int | None], Share] = defaultdict(Share)
    for group_id, building_id, due in rows:
        on_time = _as_date(due) >= today
        for share in (by_group[group_id], by_building[(group_id, building_id)]):
            share.members += 1
            share.on_time += on_time
    building_ids = {b for _, b in by_building if b is not None}
    names = {
        row[0]: (row[2] if language == "en" and row[2] else row[1])
        for row in await Node.filter(id__in=building_ids).values_list("id", "name", "name_en")
    }
    result = []
    for group in groups:
        parts = [
            (names.get(b, "—") if b is not None else "—", share)
            for (g, b), share in by_building.items()
            if g == group.id
        ]
        parts.sort(key=lambda item: natural_key(item[0]))
        result.append(GroupCoverage(group, by_group[group.id], parts))
    return result


@dataclass
class Month:
    month: str
    visits: int
    people: int
    help: int


async def trend(community: Community, today: date, months: int = 6) -> list[Month]:
    """Visits, people seen and "needs help" by month, the last ``months`` months."""
    first = today.replace(day=1)
    for _ in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    rows = await Visit.filter(community_id=community.id, day__gte=first).values_list(
        "day", "person_id", "outcome"
    )
    visits: Counter[str] = Counter()
    people: dict[str, set[int]] = defaultdict(set)
    helps: Counter[str] = Counter()
    for day, pid, outcome in rows:
        key = _as_date(day).strftime("%Y-%m")
        visits[key] += 1
        if outcome in SEEN:
            people[key].add(pid)
        helps[key] += outcome == HELP
    result = []
    cursor = first
    while cursor <= today:
        key = cursor.strftime("%Y-%m")
        result.append(Month(key, visits[key], len(people[key]), helps[key]))
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    return result


def overdue_query(actor: Actor, community: Community, today: date) -> Any:
    """Memberships whose visit is overdue, where the visitor is care staff, oldest
    first."""
    query = Member.filter(community_id=community.id, due_on__lt=today).order_by("due_on", "id")
    return visible_to(actor, STAFF, query)


async def overdue(actor: Actor, community: Community, today: date, limit: int = 200) -> list[Any]:
    return await (
        overdue_query(actor, community, today)
        .limit(limit)
        .select_related("person", "group", "node")
    )


async def carers_of(person_ids: list[int]) -> dict[int, list[Carer]]:
    found: dict[int, list[Carer]] = defaultdict(list)
    for row in await Carer.filter(person_id__in=person_ids).select_related("carer"):
        found[row.person_id].append(row)
    return found


async def my_people(carer: Person | None, today: date) -> list[dict[str, Any]]:
    """The people ``carer`` looks after, the one whose visit is due first on top."""
    if carer is None:
        return []
    rows = await Carer.filter(carer_id=carer.id).select_related("person")
    ids = [r.person_id for r in rows]
    due: dict[int, date] = {}
    groups: dict[int, list[CareGroup]] = defaultdict(list)
    for member in await Member.filter(person_id__in=ids).select_related("group"):
        due[member.person_id] = min(due.get(member.person_id, member.due_on), member.due_on)
        groups[member.person_id].append(member.group)
    people = [
        {
            "person": r.person,
            "due": due.get(r.person_id),
            "overdue": r.person_id in due and due[r.person_id] < today,
            "groups": groups[r.person_id],
        }
        for r in rows
    ]
    people.sort(key=lambda p: (p["due"] or date.max, p["person"].name))
    return people


# ----------------------------------------------------------------------------- reminders


async def remind_overdue(community: Community, today: date, now: datetime) -> int:
    """Tell each carer of a person whose visit is overdue, once per overdue period (a
    member's ``reminded_due`` remembers the due day they were told about)."""
    from linli_care.notifications import VISIT_OVERDUE

    members = (
        await Member.filter(community_id=community.id, due_on__lt=today)
        .filter(Q(reminded_due__isnull=True) | ~Q(reminded_due=F("due_on")))
        .select_related("person", "group")
    )
    if not members:
        return 0
    carers = await carers_of(sorted({m.person_id for m in members}))
    told = 0
    for member in members:
        changed = await Member.filter(id=member.id, due_on=member.due_on).update(
            reminded_due=member.due_on
        )
        if not changed:
            continue
        to = [row.carer for row in carers.get(member.person_id, [])]
        if to:
            told += await notify(
                to,
                VISIT_OVERDUE,
                subject=member.person.name,
                values={"day": member.due_on.isoformat(), "group": member.group.name},
                link=f"/c/{community.slug}/care/visit/{member.person_id}",
                community=community,
                now=now,
            )
    return told


# ----------------------------------------------------------------------------- pages


async def timeline_of(seen: Access) -> list[TimelineEntry]:
    """The last ten entries of a person's care timeline. That a resident is party to a
    mediation case is what mediation keeps confidential: its entries are for care staff
    only, never for a carer (a neighbour, a volunteer)."""
    entries = TimelineEntry.filter(person_id=seen.person.id)
    if not seen.staff:
        entries = entries.exclude(kind=CASE)
    return list(await entries.limit(10))


async def person_page(seen: Access) -> dict[str, Any]:
    """A person's care record: groups, carers, last visits, what other parts of the
    community reported and open follow-ups (the health notes are a page of their own,
    each opening audited)."""
    person = seen.person
    # One query for the last ten visits and the open follow-ups (each follow-up is raised
    # by a visit): the newest ten rows are the last visits, older ones are there only
    # for a follow-up still open.
    last = Visit.filter(person_id=person.id).order_by("-at", "-id").limit(10).values("id")
    rows = (
        await Visit.filter(person_id=person.id)
        .filter(
            Q(id__in=Subquery(last))
            | Q(followup__id__isnull=False, followup__resolved_at__isnull=True)
        )
        .order_by("-at", "-id")
        .select_related("carer", "followup")
    )
    return {
        "person": person,
        "home": seen.home,
        "members": seen.members,
        "carers": seen.carers,
        "visits": rows[:10],
        "timeline": await timeline_of(seen),
        "followups": [
            v.followup for v in rows if v.followup is not None and v.followup.resolved_at is None
        ],
        "manage": seen.manage,
        "staff": seen.staff,
    }


async def person_summary(person: Person, actor: Actor) -> dict[str, Any] | None:
    """The section on a person's register page: their groups, carers and last visits,
    for their carers and care staff only."""
    seen = await access(actor, person)
    if not seen.allowed or not (seen.members or seen.carers):
        return None
    return {
        "members": seen.members,
        "carers": seen.carers,
        "visits": await Visit.filter(person_id=person.id).limit(3),
        "person": person,
    }


async def widget(community: Community, actor: Actor) -> dict[str, Any] | None:
    """The care managers' block: each group's share visited on time (two queries). A
    carer's people to visit and the overdue visits are in "For you" (:func:`home_items`).
    Whether the visitor manages care here is read from their grants; the community's
    root is asked for only for a grant above communities (a district's)."""
    held = [
        grant
        for grant in actor.grants
        if "care.manage" in grant.permissions and grant.community_id in (community.id, None)
    ]
    if not held:
        return None
    whole = any(g.whole_community and g.community_id == community.id for g in held)
    if not whole and not actor.can("care.manage", await community_root(community)):
        return None
    today = local_day(now_utc())
    groups = await CareGroup.filter(community=community)
    rows = (
        await Member.filter(community_id=community.id)
        .annotate(members=Count("id"), on_time=Count("id", _filter=Q(due_on__gte=today)))
        .group_by("group_id")
        .values("group_id", "members", "on_time")
    )
    shares = {row["group_id"]: Share(row["members"], row["on_time"] or 0) for row in rows}
    return {"coverage": [GroupCoverage(g, shares.get(g.id, Share())) for g in groups]}


async def open_followups_count(community: Community) -> int:
    return await FollowUp.filter(community_id=community.id, resolved_at__isnull=True).count()


async def overdue_count(community: Community) -> int:
    today = local_day(now_utc())
    return await Member.filter(community_id=community.id, due_on__lt=today).count()


async def members_by_building(group: CareGroup, actor: Actor) -> list[tuple[str, list[Member]]]:
    rows = await visible_to(
        actor, ("care.manage",), Member.filter(group_id=group.id)
    ).select_related("person", "building")
    by: dict[str, list[Member]] = defaultdict(list)
    for row in rows:
        by[row.building.name if row.building else "—"].append(row)
    return sorted(by.items(), key=lambda item: natural_key(item[0]))


# ----------------------------------------------------------------------------- programmes


class ProgrammeFull(Refusal):
    message = N_("This programme is full.")
    status = 409


class AlreadyEnrolled(Refusal):
    message = N_("%(name)s is already enrolled.")
    status = 409


class GuardianNeeded(Refusal):
    message = N_("A child is enrolled only with a guardian's consent: name the guardian.")
    field = "guardian"


async def save_programme(
    community: Community,
    *,
    kind: str,
    title: str,
    place: str,
    starts_on: date,
    ends_on: date,
    capacity: int,
    actor: Actor,
    title_en: str = "",
) -> Programme:
    title = title.strip()
    if not title or len(title) > 80:
        raise Refusal(N_("Give the programme a title of at most 80 characters."), field="title")
    if kind not in (YOUTH, SILVER):
        raise Refusal(N_("Choose the kind of programme."), field="kind")
    if ends_on < starts_on:
        raise Refusal(N_("The programme ends before it starts."), field="ends_on")
    if not 1 <= capacity <= 1000:
        raise Refusal(N_("Offer 1 to 1000 places."), field="capacity")
    async with in_transaction():
        programme = await Programme.create(
            community=community, kind=kind, title=title, title_en=title_en.strip()[:120],
            place=place.strip()[:80], starts_on=starts_on, ends_on=ends_on, capacity=capacity,
        )  # fmt: skip
        await audit(
            "care.programme.save",
            actor=actor,
            community_id=community.id,
            obj=programme,
            after={"title": title, "capacity": capacity},
        )
    return programme


async def add_session(programme: Programme, starts_at: datetime, topic: str) -> Session:
    if len(topic.strip()) > 80:
        raise Refusal(N_("At most %(limit)s characters."), field="topic", limit=80)
    return await Session.create(programme=programme, starts_at=starts_at, topic=topic.strip())


async def _same_household(a: int, b: int) -> bool:
    homes_a = set(
        await Membership.filter(person_id=a, ended_on__isnull=True).values_list(
            "household_id", flat=True
        )
    )
    if not homes_a:
        return False
    return await Membership.exists(person_id=b, ended_on__isnull=True, household_id__in=homes_a)


async def enrol(
    programme: Programme,
    person: Person,
    *,
    actor: Actor,
    today: date,
    now: datetime,
    guardian: Person | None = None,
    consent: bool = False,
) -> Enrolment:
    """Enrol ``person``: by a worker (``care.programmes`` at their home), by a guardian
    for a child of their household, or by an adult for themselves. A minor (or a child
    whose age the register does not know, in a children's programme) needs a guardian
    who is an adult and consents; the consent is recorded with the enrolment."""
    if person.community_id != programme.community_id:
        raise NotFound()
    age = age_on(person.birth_date, today)
    minor = (age is not None and age < ADULT) or (age is None and programme.kind == YOUTH)
    own = actor.account.person_id if actor.account is not None else None
    worker = actor.can("care.programmes", await home_of(person))
    if minor:
        if guardian is None:
            raise GuardianNeeded()
        guardian_age = age_on(guardian.birth_date, today)
        if guardian.id == person.id or guardian_age is None or guardian_age < ADULT:
            raise Refusal(N_("The guardian must be an adult."), field="guardian")
        if not consent:
            raise Refusal(
                N_("Record that the guardian consents before enrolling a child."),
                field="consent",
            )
        if not worker and not (own == guardian.id and await _same_household(own, person.id)):
            raise Refusal(
                N_("Only the child's guardian or a worker may enrol a child."), status=403
            )
    elif not worker and own != person.id:
        raise Refusal(N_("You may enrol yourself, or a child you look after."), status=403)
    if await Enrolment.exists(programme=programme, person=person):
        raise AlreadyEnrolled(name=person.name)
    try:
        async with in_transaction():
            took = await Programme.filter(id=programme.id, taken__lt=F("capacity")).update(
                taken=F("taken") + 1
            )
            if not took:
                raise ProgrammeFull()
            row = await Enrolment.create(
                programme=programme, person=person,
                guardian=guardian if minor else None,
                consent_at=now if minor else None,
                enrolled_by=actor.account,
            )  # fmt: skip
            await audit(
                "care.enrol",
                actor=actor,
                community_id=programme.community_id,
                obj=row,
                on_behalf_of=person,
                after={
                    "programme": programme.id,
                    "guardian": guardian.id if minor and guardian else None,
                },
            )
    except IntegrityError:
        raise AlreadyEnrolled(name=person.name) from None
    return row


async def mark_attendance(session: Session, present: list[int], *, actor: Actor) -> int:
    """Record who came to ``session`` (enrolled people only); answers how many came."""
    rows = await Enrolment.filter(programme_id=session.programme_id).values("person_id")
    enrolled: set[int] = {row["person_id"] for row in rows}
    came = set(present) & enrolled
    async with in_transaction():
        await Attendance.filter(session=session).delete()
        await Attendance.bulk_create(
            [Attendance(session=session, person_id=pid, present=pid in came) for pid in enrolled]
        )
    return len(came)


# ----------------------------------------------------------------------------- the home


def home_items(community: Community, actor: Actor, today: date) -> list[HomeItem]:
    """A carer's people whose visit is due (today or before); care staff's overdue
    visits where they work. One-value queries the core runs together."""
    own = actor.account.person_id if actor.account is not None else None
    items = [
        HomeItem(
            N_("Visits overdue"),
            "overdue/",
            overdue_query(actor, community, today).count(),
            note=N_("people in care groups not visited in time"),
            urgent=True,
            order=35,
            permission=STAFF,
        )
    ]
    if own is None:
        return items
    mine = Subquery(Carer.filter(community_id=community.id, carer_id=own).values("person_id"))
    return [
        *items,
        HomeItem(
            N_("People to visit"),
            "",
            Member.filter(community_id=community.id, person_id__in=mine, due_on__lte=today).count(),
            note=N_("you look after them: a visit is due"),
            urgent=True,
            order=30,
        ),
    ]
