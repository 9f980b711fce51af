"""The rules of 一呼百应: who is on the register, who may answer a call or take a slot,
and how hours become verified service.

- **One record per person.** A resident joins, or a worker enrols one who has no phone;
  service another plugin verifies (the canteen's deliveries, a co-built project's days)
  puts its volunteer on the register too (:mod:`linli_volunteers.events`).
- **Calls for help** are filled by the first ``needed`` acceptances: a guarded
  ``UPDATE … SET taken = taken + 1 WHERE taken < needed AND status = 'open'`` takes a
  place, and a unique (call, volunteer) pair refuses a second acceptance, so a crowd of
  volunteers tapping at once fills a call exactly. The beneficiary's name, address and
  phone are shown to the assigned volunteers while the call is not closed, to whoever
  raised it, and to the register's keepers; to nobody else.
- **Shifts** take slots the same way; a sign-up that overlaps another of the same
  volunteer is refused, one that starts within an hour of another is warned about, and
  one that needs a qualification (a health certificate for the canteen's helpers) is
  refused when the volunteer's has expired by the shift's day.
- **Hours** start pending; a leader or worker who is not the volunteer approves or
  declines them. Approval is a guarded ``UPDATE … WHERE status = 'pending'`` and emits
  the core's ``service.verified`` in the same transaction, so a double click or two
  workers at once verify it once. Approved hours are never changed or deleted: a
  correction is asked for, and approving it withdraws the first report and verifies the
  corrected hours.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q, Subquery
from tortoise.functions import Count, Min, Sum
from tortoise.transactions import in_transaction

from linli.kit import (
    N_,
    Actor,
    Community,
    HomeItem,
    Node,
    Person,
    Refusal,
    ServiceVerified,
    ServiceWithdrawn,
    audit,
    community_root,
    current_zone,
    emit,
    home_node,
    notify,
)
from linli_volunteers.models import (
    APPROVED,
    CANCELLED,
    CLOSED,
    DECLINED,
    EXPIRED,
    FILLED,
    OPEN,
    PENDING,
    Answer,
    Call,
    Correction,
    Hours,
    Membership,
    Qualification,
    Shift,
    Signup,
    Skill,
    Team,
    Thanks,
    Volunteer,
)
from linli_volunteers.notifications import (
    CALL_ACCEPTED,
    CALL_EXPIRED,
    CALL_FILLED,
    CALL_OFFERED,
    CALL_URGENT,
    HOURS_APPROVED,
    HOURS_DECLINED,
    QUALIFICATION_EXPIRING,
    QUALIFICATION_SUBJECTS,
    SHIFT_TOMORROW,
)

#: Who reports the volunteers' service in ``service.verified``.
SOURCE = "volunteers"
#: How a call ended, in ``volunteers.call_closed``.
ENDED_DONE, ENDED_CANCELLED, ENDED_EXPIRED = "done", "cancelled", "expired"
#: The service category of hours that name none.
DEFAULT_CATEGORY = "skills"
#: Qualifications a shift may require: key → message id.
QUALIFICATIONS: dict[str, str] = {
    "health-certificate": N_("Health certificate (food handling)"),
    "first-aid": N_("First-aid certificate"),
    "electrician": N_("Electrician's licence"),
}
#: Names of the service categories most communities use (the street bank's demo keys);
#: another key is shown as it is.
CATEGORIES: dict[str, str] = {
    "meal-delivery": N_("Meal delivery"),
    "patrol": N_("Safety patrol"),
    "skills": N_("Skilled help"),
    "elder-care": N_("Elder care"),
    "child-care": N_("Children's care"),
    "clean-up": N_("Clean-up"),
}
#: How many volunteers a new call for help is sent to, nearest first.
OFFER_TO = 20
#: How long before a qualification expires its volunteer and leaders are warned.
WARN_BEFORE = timedelta(days=30)
#: Sign-ups this close to another one are allowed, with a warning.
SOFT_GAP = timedelta(hours=1)
MOST_HOURS = 24.0
WEEKDAYS = "1234567"


# ----------------------------------------------------------------------------- refusals


class NotOnRegister(Refusal):
    message = N_("You are not on the volunteer register yet: join first.")
    status = 403


class AlreadyOnRegister(Refusal):
    message = N_("%(name)s is already on the volunteer register.")
    status = 409


class CallFull(Refusal):
    message = N_("This call already has all the helpers it needs. Thank you!")
    status = 409


class CallNotOpen(Refusal):
    message = N_("This call is no longer open.")
    status = 409


class AlreadyAccepted(Refusal):
    message = N_("You have already accepted this call.")
    status = 409


class ShiftFull(Refusal):
    message = N_("This shift is full.")
    status = 409


class AlreadySignedUp(Refusal):
    message = N_("You are already signed up for this shift.")
    status = 409


class Overlaps(Refusal):
    message = N_("You are already signed up for “%(title)s” at that time.")
    status = 409


class ShiftOver(Refusal):
    message = N_("This shift has already started.")
    status = 409


class QualificationExpired(Refusal):
    status = 403


class QualificationMissing(Refusal):
    status = 403


#: What a sign-up is told when its qualification has expired, or was never recorded, by
#: kind (whole sentences, so that each translates well).
LAPSED_TEXT: dict[str, str] = {
    "health-certificate": N_(
        "This shift needs a valid health certificate. Yours expired on %(day)s: "
        "ask the community to record the renewed one."
    ),
    "first-aid": N_(
        "This shift needs a valid first-aid certificate. Yours expired on %(day)s: "
        "ask the community to record the renewed one."
    ),
    "electrician": N_(
        "This shift needs a valid electrician's licence. Yours expired on %(day)s: "
        "ask the community to record the renewed one."
    ),
}
MISSING_TEXT: dict[str, str] = {
    "health-certificate": N_(
        "This shift needs a valid health certificate, and the register has none for you."
    ),
    "first-aid": N_(
        "This shift needs a valid first-aid certificate, and the register has none for you."
    ),
    "electrician": N_(
        "This shift needs a valid electrician's licence, and the register has none for you."
    ),
}


class OwnHours(Refusal):
    message = N_("You cannot approve or decline your own hours.")
    status = 403


class NotYourTeam(Refusal):
    message = N_("Only a leader of the team or a community worker may decide on these hours.")
    status = 403


class AlreadyDecided(Refusal):
    message = N_("These hours were already decided.")
    status = 409


class NotAllowed(Refusal):
    message = N_("You may not do this.")
    status = 403


# ----------------------------------------------------------------------------- helpers


async def one_value(query: Any) -> Any:
    """One column of one row (``.first().values_list(name, flat=True)``), or None:
    Tortoise's stubs type that as a tuple."""
    return await query


async def related(value: Any) -> Any:
    """A foreign key's object, whether ``select_related`` loaded it or not (the stubs
    type a loaded one as not awaitable)."""
    return await value


def now_utc() -> datetime:
    return datetime.now(UTC)


def local_day(moment: datetime, zone: ZoneInfo | None = None) -> date:
    return moment.astimezone(zone or current_zone()).date()


def day_bounds(day: date, zone: ZoneInfo | None = None) -> tuple[datetime, datetime]:
    """The instants a local day starts and ends."""
    zone = zone or current_zone()
    start = datetime.combine(day, time(0), tzinfo=zone)
    return start, start + timedelta(days=1)


def clean_days(raw: str | list[str]) -> str:
    """Weekdays as a string of digits 1–7, each once, in order."""
    chosen = set("".join(raw)) & set(WEEKDAYS)
    return "".join(d for d in WEEKDAYS if d in chosen)


def quarter_hours(span: timedelta) -> float:
    """A span as hours, to the nearest quarter hour, at least a quarter."""
    return max(0.25, round(span.total_seconds() / 900) / 4)


def can_lead(actor: Actor, root: Node) -> bool:
    return actor.can("volunteers.lead", root)


def can_manage(actor: Actor, root: Node) -> bool:
    return actor.can("volunteers.manage", root)


async def volunteer_of(person: Person | None) -> Volunteer | None:
    if person is None:
        return None
    return await Volunteer.get_or_none(person_id=person.id, community_id=person.community_id)


async def need_volunteer(person: Person | None) -> Volunteer:
    volunteer = await volunteer_of(person)
    if volunteer is None or not volunteer.active:
        raise NotOnRegister()
    return volunteer


# ----------------------------------------------------------------------------- register


async def join(
    community: Community,
    person: Person,
    *,
    actor: Actor,
    today: date,
    days: str | list[str] = "",
    availability: str = "",
    skills: list[int] | None = None,
    enrolled_by: Person | None = None,
) -> Volunteer:
    """Put ``person`` on the register (themselves, or enrolled by a worker)."""
    if person.community_id != community.id:
        raise NotAllowed()
    existing = await Volunteer.get_or_none(person_id=person.id)
    if existing is not None:
        if existing.active:
            raise AlreadyOnRegister(name=person.name)
        existing.active = True
        await existing.save(update_fields=["active"])
        return existing
    chosen = await Skill.filter(community=community, id__in=skills or []) if skills else []
    home = await home_node(person)
    try:
        async with in_transaction():
            volunteer = await Volunteer.create(
                community=community,
                person=person,
                home=home,
                days=clean_days(days),
                availability=availability.strip()[:100],
                joined_on=today,
                enrolled_by=enrolled_by,
            )
            if chosen:
                await volunteer.skills.add(*chosen)
            if enrolled_by is not None and enrolled_by.id != person.id:
                await audit(
                    "volunteers.enrol", actor=actor, community_id=community.id, obj=volunteer
                )
    except IntegrityError:
        raise AlreadyOnRegister(name=person.name) from None
    return volunteer


async def set_skills(volunteer: Volunteer, skill_ids: list[int]) -> None:
    chosen = await Skill.filter(community_id=volunteer.community_id, id__in=skill_ids)
    async with in_transaction():
        await volunteer.skills.clear()
        if chosen:
            await volunteer.skills.add(*chosen)


async def record_qualification(
    volunteer: Volunteer, kind: str, expires_on: date | None, *, actor: Actor, by: Person | None
) -> Qualification:
    if kind not in QUALIFICATIONS:
        raise Refusal(N_("Choose a qualification."), field="kind")
    async with in_transaction():
        found = await Qualification.get_or_none(volunteer=volunteer, kind=kind)
        before = None
        if found is None:
            found = await Qualification.create(
                volunteer=volunteer, kind=kind, expires_on=expires_on, noted_by=by
            )
        else:
            before = {"expires_on": str(found.expires_on)}
            found.expires_on = expires_on
            found.noted_by = by
            await found.save(update_fields=["expires_on", "noted_by_id"])
        await audit(
            "volunteers.qualification",
            actor=actor,
            community_id=volunteer.community_id,
            obj=volunteer,
            before=before,
            after={"kind": kind, "expires_on": str(expires_on)},
        )
    return found


async def save_team(
    community: Community,
    *,
    name: str,
    name_en: str = "",
    description: str = "",
    category: str = "",
    actor: Actor,
) -> Team:
    name = name.strip()
    if not name:
        raise Refusal(N_("Give the team a name."), field="name")
    if await Team.exists(community=community, name=name):
        raise Refusal(N_("There is already a team of that name."), field="name", status=409)
    async with in_transaction():
        team = await Team.create(
            community=community,
            name=name[:40],
            name_en=name_en.strip()[:60],
            description=description.strip()[:200],
            category=category.strip()[:32],
        )
        await audit("volunteers.team.save", actor=actor, community_id=community.id, obj=team)
    return team


async def add_member(
    team: Team, volunteer: Volunteer, *, leader: bool, today: date, actor: Actor | None
) -> Membership:
    """Put ``volunteer`` in ``team`` (or change whether they lead it)."""
    if team.community_id != volunteer.community_id:
        raise NotAllowed()
    async with in_transaction():
        found = await Membership.get_or_none(team=team, volunteer=volunteer)
        if found is None:
            try:
                found = await Membership.create(
                    team=team, volunteer=volunteer, leader=leader, since=today
                )
            except IntegrityError:  # a concurrent add: the same membership
                found = await Membership.get(team=team, volunteer=volunteer)
        elif found.leader != leader:
            found.leader = leader
            await found.save(update_fields=["leader"])
        if actor is not None:
            await audit(
                "volunteers.team.member",
                actor=actor,
                community_id=team.community_id,
                obj=team,
                after={"volunteer": volunteer.id, "leader": leader},
            )
    return found


async def leads(person: Person | None, team_id: int | None) -> bool:
    if person is None or team_id is None:
        return False
    return await Membership.exists(team_id=team_id, volunteer__person_id=person.id, leader=True)


# ----------------------------------------------------------------------------- calls


async def raise_call(
    community: Community,
    *,
    title: str,
    details: str,
    skill: Skill | None,
    place: Node | None,
    urgent: bool,
    needed: int,
    starts_at: datetime,
    hours: float,
    beneficiary: str,
    address: str,
    phone: str,
    raised_by: Person | None,
    for_person: Person | None = None,
) -> Call:
    """Raise a call and offer it to the nearest matching volunteers. ``for_person`` is
    the resident of the register it is for, if named (whoever names one is checked by
    the page: themselves, or someone they may act for); ``volunteers.call_raised`` is
    emitted in the same transaction."""
    title = title.strip()
    if not title:
        raise Refusal(N_("Say what help is needed."), field="title")
    if not 1 <= needed <= 50:
        raise Refusal(N_("Ask for 1 to 50 helpers."), field="needed")
    if not 0 < hours <= MOST_HOURS:
        raise Refusal(N_("Enter the hours it should take, up to 24."), field="hours")
    if for_person is not None and for_person.community_id != community.id:
        raise Refusal(N_("No resident matches this name or phone."), field="resident")
    async with in_transaction():
        call = await Call.create(
            community=community,
            title=title[:100],
            details=details.strip()[:2000],
            skill=skill,
            place=place,
            urgent=urgent,
            needed=needed,
            starts_at=starts_at,
            hours=hours,
            beneficiary=beneficiary.strip()[:64],
            address=address.strip()[:100],
            phone=phone.strip()[:32],
            raised_by=raised_by,
            beneficiary_person=for_person,
        )
        await offer(call, community)
        await emit(
            "volunteers.call_raised",
            {
                "call": call.id,
                "beneficiary": for_person.id if for_person is not None else 0,
                "skill": skill.name if skill is not None else "",
                "category": skill.category if skill is not None else "",
                "urgent": urgent,
                "summary": call.title,
                "link": f"/c/{community.slug}/volunteers/calls/{call.id}",
            },
            community=community,
        )
    return call


async def _closed(call: Call, outcome: str) -> None:
    """Announce that ``call`` ended (``volunteers.call_closed``), in the caller's
    transaction."""
    await emit(
        "volunteers.call_closed",
        {"call": call.id, "beneficiary": call.beneficiary_person_id or 0, "outcome": outcome},
        community=call.community_id,
    )


def moment_text(moment: datetime) -> str:
    """A time as the messages show it, in the community's zone."""
    return moment.astimezone(current_zone()).strftime("%Y-%m-%d %H:%M")


def place_prefixes(place: Node | None, root_id: int) -> dict[str, str]:
    """The path prefixes of the estate and the building ``place`` is in (below the
    community's node ``root_id``), for finding who lives there."""
    if place is None:
        return {}
    ids = place.ancestor_ids()
    if root_id not in ids:
        return {}
    top = ids.index(root_id) + 1
    return {
        label: "/" + "/".join(str(i) for i in ids[:depth]) + "/"
        for label, depth in (("estate", top + 1), ("building", top + 2))
        if len(ids) >= depth
    }


async def matching(call: Call, *, limit: int = OFFER_TO) -> list[int]:
    """The people a call is offered to, in the plugin's matching order: active
    volunteers with its skill (any volunteer when it names none), but not whoever raised
    it; those living in the call's building first, then in its estate, then the rest;
    among equals those usually free on the call's day, then the longest on the
    register. The first ``limit`` of them."""
    query = Volunteer.filter(community_id=call.community_id, active=True)
    if call.skill_id is not None:
        query = query.filter(skills__id=call.skill_id)
    if call.raised_by_id is not None:
        query = query.exclude(person_id=call.raised_by_id)
    rows = await query.values("id", "person_id", "days", "home__path")
    place = call.place if isinstance(call.place, Node) else None
    if place is None and call.place_id is not None:
        place = await Node.get_or_none(id=call.place_id)
    prefixes = place_prefixes(place, (await community_root(call.community_id)).id)
    weekday = str(local_day(call.starts_at).isoweekday())

    def rank(row: dict[str, Any]) -> tuple[int, bool, int]:
        path = row["home__path"] or ""
        near = 2
        if "building" in prefixes and path.startswith(prefixes["building"]):
            near = 0
        elif "estate" in prefixes and path.startswith(prefixes["estate"]):
            near = 1
        free = not row["days"] or weekday in row["days"]
        return near, not free, row["id"]

    return [row["person_id"] for row in sorted(rows, key=rank)[:limit]]


async def offer(call: Call, community: Community) -> int:
    """Tell the volunteers a new call is offered to (in its transaction). Returns how
    many were told."""
    people = await Person.filter(id__in=await matching(call))
    return await notify(
        people,
        CALL_URGENT if call.urgent else CALL_OFFERED,
        subject=call.title,
        values={"when": moment_text(call.starts_at), "needed": call.needed},
        link=f"/c/{community.slug}/volunteers/calls/{call.id}",
        community=community,
    )


async def accept(call_id: int, volunteer: Volunteer, *, now: datetime) -> Answer:
    """Take one of a call's places for ``volunteer``, or refuse: the call is full or
    closed, or they already accepted it. Exactly ``needed`` acceptances succeed however
    many arrive at once."""
    if await Answer.exists(call_id=call_id, volunteer=volunteer):
        raise AlreadyAccepted()
    try:
        async with in_transaction():
            took = await Call.filter(
                id=call_id, community_id=volunteer.community_id, status=OPEN, taken__lt=F("needed")
            ).update(taken=F("taken") + 1)
            if not took:
                status = await one_value(
                    Call.filter(id=call_id).first().values_list("status", flat=True)
                )
                raise CallFull() if status in (OPEN, FILLED) else CallNotOpen()
            answer = await Answer.create(call_id=call_id, volunteer=volunteer, accepted_at=now)
            filled = await Call.filter(id=call_id, status=OPEN, taken__gte=F("needed")).update(
                status=FILLED, filled_at=now
            )
            await tell_requester(call_id, volunteer, filled=bool(filled))
    except IntegrityError:
        raise AlreadyAccepted() from None
    return answer


async def tell_requester(call_id: int, volunteer: Volunteer, *, filled: bool) -> None:
    """Tell whoever raised the call that ``volunteer`` accepted it, or, when theirs was
    the last place, that the call is filled."""
    call = await Call.get(id=call_id).select_related("raised_by", "community")
    if call.raised_by is None:
        return
    name = await one_value(
        Person.filter(id=volunteer.person_id).first().values_list("name", flat=True)
    )
    await notify(
        call.raised_by,
        CALL_FILLED if filled else CALL_ACCEPTED,
        subject=call.title,
        values={"name": name or "", "taken": call.taken, "needed": call.needed},
        link=f"/c/{call.community.slug}/volunteers/calls/{call.id}",
        community=call.community,
    )


async def close_call(
    call: Call, *, actor: Actor, person: Person | None, root: Node, now: datetime, done: bool
) -> int:
    """Close a call (``done``: the help was given, its helpers' hours wait for approval)
    or cancel it. Only whoever raised it or a keeper of the register may. Returns how
    many hours entries it made."""
    if not (can_manage(actor, root) or (person is not None and call.raised_by_id == person.id)):
        raise NotAllowed()
    made = 0
    async with in_transaction():
        # an expired call its helpers went to anyway can still be closed as done
        closable = (OPEN, FILLED, EXPIRED) if done else (OPEN, FILLED)
        changed = await Call.filter(id=call.id, status__in=closable).update(
            status=CLOSED if done else CANCELLED, closed_at=now
        )
        if not changed:
            raise CallNotOpen()
        await _closed(call, ENDED_DONE if done else ENDED_CANCELLED)
        if done:
            day = local_day(call.starts_at)
            category = DEFAULT_CATEGORY
            if call.skill_id is not None:
                category = (
                    await one_value(
                        Skill.filter(id=call.skill_id).first().values_list("category", flat=True)
                    )
                ) or DEFAULT_CATEGORY
            for answer in await Answer.filter(call_id=call.id):
                await Hours.create(
                    community_id=call.community_id,
                    volunteer_id=answer.volunteer_id,
                    reference=f"call:{call.id}",
                    title=call.title,
                    category=category,
                    day=day,
                    scheduled=call.hours,
                    hours=call.hours,
                )
                made += 1
        await audit(
            "volunteers.call.close",
            actor=actor,
            community_id=call.community_id,
            obj=call,
            after={"done": done},
        )
    return made


def sees_private(call: Call, *, manager: bool, person_id: int | None, assigned: bool) -> bool:
    """Whether the visitor may see the beneficiary's name, address and phone: a keeper
    of the register (``manager``), whoever raised the call, or a volunteer ``assigned``
    to it while it is open or filled."""
    if manager or (person_id is not None and call.raised_by_id == person_id):
        return True
    return assigned and call.status in (OPEN, FILLED)


@dataclass
class Offer:
    call: Call
    nearness: str  # "building", "estate" or ""
    free: bool  # the call's day is one of the volunteer's days


def nearness(home: Node | None, place: Node | None, root_id: int) -> str:
    if home is None or place is None:
        return ""
    mine, theirs = home.ancestor_ids(), place.ancestor_ids()
    if root_id not in mine:
        return ""
    common = 0
    for a, b in zip(mine, theirs, strict=False):
        if a != b:
            break
        common += 1
    top = mine.index(root_id) + 1
    if common >= top + 2:
        return "building"
    if common >= top + 1:
        return "estate"
    return ""


async def calls_for(volunteer: Volunteer, root: Node, *, limit: int = 8) -> list[Offer]:
    """The open calls ``volunteer`` could answer, by their skills (a call that names no
    skill is for anyone), nearest first (same building, then same estate), urgent
    first among equals, then on a day they are usually free, then the soonest. One
    query (two without the volunteer's home loaded), whatever the number of calls."""
    skills = Subquery(Skill.filter(volunteers__id=volunteer.id).values("id"))
    answered = Subquery(Answer.filter(volunteer_id=volunteer.id).values("call_id"))
    calls = (
        await Call.filter(community_id=volunteer.community_id, status=OPEN)
        .filter(Q(skill_id__in=skills) | Q(skill_id=None))
        .exclude(id__in=answered)
        .select_related("place", "skill")
        .order_by("starts_at")
        .limit(50)
    )
    home = await related(volunteer.home) if volunteer.home_id else None
    rank = {"building": 0, "estate": 1, "": 2}
    offers = [
        Offer(
            call,
            nearness(home, call.place, root.id),
            not volunteer.days or str(local_day(call.starts_at).isoweekday()) in volunteer.days,
        )
        for call in calls
    ]
    offers.sort(key=lambda o: (rank[o.nearness], not o.call.urgent, not o.free, o.call.starts_at))
    return offers[:limit]


async def offered_to(call: Call, root: Node) -> dict[str, int]:
    """How many active volunteers a call could be offered to: all with its skill, and
    of them those living in the same building and estate as the place (one query). The
    first :data:`OFFER_TO` of them were told."""
    query = Volunteer.filter(community_id=call.community_id, active=True)
    if call.skill_id is not None:  # a subquery: a join would group the count by volunteer
        skilled = Subquery(Volunteer.filter(skills__id=call.skill_id).values("id"))
        query = query.filter(id__in=skilled)
    place = await related(call.place) if call.place_id is not None else None
    prefixes = place_prefixes(place, root.id)
    counts: dict[str, Any] = {"all": Count("id")}
    for label in ("building", "estate"):
        # a prefix no path has ("" would match them all) counts none
        prefix = prefixes.get(label, "/-/")
        homes = Subquery(Node.filter(path__startswith=prefix).values("id"))
        counts[label] = Count("id", _filter=Q(home_id__in=homes))
    [row] = await query.annotate(**counts).values(*counts)
    return {label: int(row[label] or 0) for label in counts}


# ----------------------------------------------------------------------------- shifts


async def create_shifts(
    community: Community,
    *,
    title: str,
    team: Team | None,
    place: str,
    starts_at: datetime,
    ends_at: datetime,
    slots: int,
    requires: str,
    category: str,
    weeks: int,
    actor: Actor,
) -> list[Shift]:
    """A shift, or the same shift every week for ``weeks`` weeks (a recurring need)."""
    title = title.strip()
    if not title:
        raise Refusal(N_("Give the shift a title."), field="title")
    if ends_at <= starts_at:
        raise Refusal(N_("The shift must end after it starts."), field="ends")
    if ends_at - starts_at > timedelta(hours=MOST_HOURS):
        raise Refusal(N_("A shift lasts at most 24 hours."), field="ends")
    if not 1 <= slots <= 500:
        raise Refusal(N_("Offer 1 to 500 places."), field="slots")
    if requires and requires not in QUALIFICATIONS:
        raise Refusal(N_("Choose a qualification."), field="requires")
    if not 1 <= weeks <= 52:
        raise Refusal(N_("Repeat for 1 to 52 weeks."), field="weeks")
    category = category.strip()[:32] or (team.category if team else "") or DEFAULT_CATEGORY
    made: list[Shift] = []
    async with in_transaction():
        for week in range(weeks):
            step = timedelta(weeks=week)
            made.append(
                await Shift.create(
                    community=community,
                    title=title[:100],
                    team=team,
                    place=place.strip()[:100],
                    starts_at=starts_at + step,
                    ends_at=ends_at + step,
                    slots=slots,
                    requires=requires,
                    category=category,
                    series=made[0].id if made else None,
                    code=secrets.token_urlsafe(9)[:12],
                )
            )
        if weeks > 1:
            await Shift.filter(id=made[0].id).update(series=made[0].id)
        await audit(
            "volunteers.shift.create",
            actor=actor,
            community_id=community.id,
            obj=made[0],
            after={"title": title, "weeks": weeks, "slots": slots},
        )
    return made


async def check_qualification(volunteer: Volunteer, kind: str, day: date) -> None:
    if not kind:
        return
    held = await Qualification.get_or_none(volunteer=volunteer, kind=kind)
    if held is None:
        raise QualificationMissing(MISSING_TEXT[kind])
    if held.expires_on is not None and held.expires_on < day:
        raise QualificationExpired(LAPSED_TEXT[kind], day=held.expires_on.isoformat())


async def sign_up(shift_id: int, volunteer: Volunteer, *, now: datetime) -> list[str]:
    """Take a slot of a shift for ``volunteer``; answers the titles of their sign-ups
    that end or start within an hour of it (allowed, but worth a warning). Refused when
    the shift is full, already taken by them, overlapping another of theirs, started,
    or needs a qualification they lack on the day."""
    shift = await Shift.get_or_none(id=shift_id, community_id=volunteer.community_id)
    if shift is None:
        raise Refusal(N_("There is no such shift."), status=404)
    if shift.starts_at <= now:
        raise ShiftOver()
    if await Signup.exists(shift=shift, volunteer=volunteer):
        raise AlreadySignedUp()
    await check_qualification(volunteer, shift.requires, local_day(shift.starts_at))
    try:
        async with in_transaction():
            # One sign-up of a volunteer at a time, so that two overlapping shifts taken
            # at once cannot both pass the overlap check: PostgreSQL locks the
            # volunteer's row until commit; SQLite runs one transaction at a time.
            await Volunteer.filter(id=volunteer.id).select_for_update()
            near = (
                await Signup.filter(
                    volunteer=volunteer,
                    shift__starts_at__lt=shift.ends_at + SOFT_GAP,
                    shift__ends_at__gt=shift.starts_at - SOFT_GAP,
                )
                .exclude(shift_id=shift.id)
                .values_list("shift__title", "shift__starts_at", "shift__ends_at")
            )
            for title, starts, ends in near:
                if starts < shift.ends_at and ends > shift.starts_at:
                    raise Overlaps(title=title)
            took = await Shift.filter(id=shift.id, taken__lt=F("slots")).update(
                taken=F("taken") + 1
            )
            if not took:
                raise ShiftFull()
            await Signup.create(shift=shift, volunteer=volunteer, signed_at=now)
    except IntegrityError:
        raise AlreadySignedUp() from None
    return [title for title, _, _ in near]


async def withdraw_signup(shift_id: int, volunteer: Volunteer, *, now: datetime) -> bool:
    """Give a slot back before the shift starts; False when there was no sign-up."""
    async with in_transaction():
        signup = await Signup.get_or_none(shift_id=shift_id, volunteer=volunteer).select_related(
            "shift"
        )
        if signup is None:
            return False
        if signup.shift.starts_at <= now:
            raise ShiftOver()
        await signup.delete()
        await Shift.filter(id=shift_id, taken__gt=0).update(taken=F("taken") - 1)
    return True


async def check(signup: Signup, *, now: datetime, actor: Actor | None = None) -> str:
    """Check a signed-up volunteer in, or out when they are in: checking out makes their
    hours (the time between, by the quarter hour), pending approval. Answers "in",
    "out" or "done" (already out: nothing changes)."""
    shift = signup.shift if isinstance(signup.shift, Shift) else await signup.shift
    async with in_transaction():
        if signup.checked_in_at is None:
            if not await Signup.filter(id=signup.id, checked_in_at=None).update(checked_in_at=now):
                return "done"
            result = "in"
        elif signup.checked_out_at is None:
            if not await Signup.filter(id=signup.id, checked_out_at=None).update(
                checked_out_at=now
            ):
                return "done"
            scheduled = quarter_hours(shift.ends_at - shift.starts_at)
            await Hours.create(
                community_id=shift.community_id,
                volunteer_id=signup.volunteer_id,
                reference=f"shift:{shift.id}",
                title=shift.title,
                team_id=shift.team_id,
                category=shift.category or DEFAULT_CATEGORY,
                day=local_day(shift.starts_at),
                scheduled=scheduled,
                hours=min(quarter_hours(now - signup.checked_in_at), MOST_HOURS),
            )
            result = "out"
        else:
            return "done"
        if actor is not None:
            await audit(
                "volunteers.checkin",
                actor=actor,
                community_id=shift.community_id,
                obj=signup,
                after={"checked": result},
            )
    return result


# ----------------------------------------------------------------------------- hours


async def may_decide(entry: Hours, actor: Actor, person: Person | None, root: Node) -> None:
    """Refuse unless the visitor may approve or decline ``entry``: not their own, and
    they hold ``volunteers.lead`` in the community or lead the entry's team."""
    if person is None and not can_lead(actor, root):
        raise NotYourTeam()
    volunteer_person = await one_value(
        Volunteer.filter(id=entry.volunteer_id).first().values_list("person_id", flat=True)
    )
    if person is not None and volunteer_person == person.id:
        raise OwnHours()
    if can_lead(actor, root) or await leads(person, entry.team_id):
        return
    raise NotYourTeam()


async def decide(
    entry: Hours,
    *,
    approve: bool,
    actor: Actor,
    person: Person | None,
    root: Node,
    now: datetime,
    note: str = "",
) -> bool:
    """Approve or decline pending hours. Approval emits ``service.verified`` once, in the
    same transaction: of several approvals at once only the first changes anything.
    Answers False when the entry was already decided the same way (a repeated click);
    deciding it the other way is refused."""
    await may_decide(entry, actor, person, root)
    status = APPROVED if approve else DECLINED
    async with in_transaction():
        changed = await Hours.filter(id=entry.id, status=PENDING).update(
            status=status, decided_by_id=person.id if person else None, decided_at=now,
            note=note.strip()[:200],
        )  # fmt: skip
        if not changed:
            current = await one_value(
                Hours.filter(id=entry.id).first().values_list("status", flat=True)
            )
            if current == status:
                return False
            raise AlreadyDecided()
        volunteer = await Volunteer.get(id=entry.volunteer_id).select_related("person", "community")
        person_id = volunteer.person_id
        await notify(
            volunteer.person,
            HOURS_APPROVED if approve else HOURS_DECLINED,
            subject=entry.title,
            values={"day": entry.day.isoformat(), "hours": entry.hours, "note": note.strip()},
            link=f"/c/{volunteer.community.slug}/volunteers/register/{volunteer.id}",
            community=volunteer.community,
        )
        if approve:
            await emit(
                "service.verified",
                ServiceVerified(
                    person=person_id,
                    source=SOURCE,
                    reference=f"hours:{entry.id}",
                    category=entry.category or DEFAULT_CATEGORY,
                    hours=entry.hours,
                    tasks=1,
                    note=entry.title,
                ),
                community=entry.community_id,
            )
        await audit(
            "volunteers.hours.approve" if approve else "volunteers.hours.decline",
            actor=actor,
            community_id=entry.community_id,
            obj=entry,
            before={"status": PENDING},
            after={"status": status},
        )
    return True


async def ask_correction(
    entry: Hours, hours: float, reason: str, *, person: Person | None
) -> Correction:
    """Ask to correct approved hours (the entry itself never changes)."""
    if entry.status != APPROVED or entry.external:
        raise Refusal(N_("Only approved hours of this register can be corrected."), status=409)
    if not 0 < hours <= MOST_HOURS:
        raise Refusal(N_("Enter the hours, up to 24."), field="hours")
    if not reason.strip():
        raise Refusal(N_("Say why the hours should be corrected."), field="reason")
    if await Correction.exists(entry=entry, status=PENDING):
        raise Refusal(N_("A correction of these hours is already waiting."), status=409)
    return await Correction.create(
        entry=entry, hours=hours, reason=reason.strip()[:200], asked_by=person
    )


async def decide_correction(
    correction: Correction,
    *,
    approve: bool,
    actor: Actor,
    person: Person | None,
    root: Node,
) -> bool:
    """Approve or decline a correction. Approval withdraws the service first reported
    for the entry and verifies the corrected hours under a new reference, so the street
    bank reverses the old credit and credits the new one."""
    entry = await Hours.get(id=correction.entry_id)
    await may_decide(entry, actor, person, root)
    if entry.status != APPROVED:
        raise AlreadyDecided()
    async with in_transaction():
        changed = await Correction.filter(id=correction.id, status=PENDING).update(
            status=APPROVED if approve else DECLINED, decided_by_id=person.id if person else None
        )
        if not changed:
            return False
        if approve:
            person_id = await one_value(
                Volunteer.filter(id=entry.volunteer_id).first().values_list("person_id", flat=True)
            )
            assert person_id is not None
            previous = (
                await Correction.filter(entry=entry, status=APPROVED)
                .exclude(id=correction.id)
                .order_by("-id")
                .first()
                .values_list("id", flat=True)
            )
            old_reference = f"hours:{entry.id}" + (f":c{previous}" if previous else "")
            await emit(
                "service.withdrawn",
                ServiceWithdrawn(
                    person=person_id,
                    source=SOURCE,
                    reference=old_reference,
                    reason=N_("Hours corrected"),
                ),
                community=entry.community_id,
            )
            await emit(
                "service.verified",
                ServiceVerified(
                    person=person_id,
                    source=SOURCE,
                    reference=f"hours:{entry.id}:c{correction.id}",
                    category=entry.category or DEFAULT_CATEGORY,
                    hours=correction.hours,
                    note=entry.title,
                ),
                community=entry.community_id,
            )
            await Hours.filter(id=entry.id).update(corrected=correction.hours)
        await audit(
            "volunteers.correction.decide",
            actor=actor,
            community_id=entry.community_id,
            obj=correction,
            after={"approved": approve, "hours": correction.hours},
        )
    return True


def counted(entry: Hours) -> float:
    return entry.corrected if entry.corrected is not None else entry.hours


async def pending_for(
    community: Community, actor: Actor, person: Person | None, root: Node, *, limit: int = 100
) -> list[Hours]:
    """The pending hours the visitor may decide on, oldest first, without their own."""
    query = Hours.filter(community=community, status=PENDING)
    if not can_lead(actor, root):
        led = Membership.filter(volunteer__person_id=person.id if person else 0, leader=True)
        query = query.filter(team_id__in=await led.values_list("team_id", flat=True))
    if person is not None:
        query = query.exclude(volunteer__person_id=person.id)
    return (
        await query.select_related("volunteer__person", "team").order_by("day", "id").limit(limit)
    )


async def corrections_for(
    community: Community, actor: Actor, person: Person | None, root: Node
) -> list[Correction]:
    """The pending corrections the visitor may decide on, without their own hours."""
    query = Correction.filter(entry__community=community, status=PENDING)
    if not can_lead(actor, root):
        led = Membership.filter(volunteer__person_id=person.id if person else 0, leader=True)
        query = query.filter(entry__team_id__in=await led.values_list("team_id", flat=True))
    if person is not None:
        query = query.exclude(entry__volunteer__person_id=person.id)
    return await query.select_related("entry__volunteer__person").order_by("id").limit(100)


# ----------------------------------------------------------------------------- events in


async def record_outside_service(
    community_id: int,
    *,
    person_id: int,
    source: str,
    reference: str,
    category: str,
    hours: float,
    tasks: int,
    day: date,
    title: str,
) -> Hours | None:
    """Service another plugin verified (a canteen delivery): its volunteer is put on
    the register if they are not yet, joins the team that serves that category, and the
    service counts in their hours as approved, once per source and reference. It is
    rewarded by whoever rewards verified service, not again here."""
    person = await Person.get_or_none(id=person_id, community_id=community_id)
    if person is None:
        return None
    volunteer = await Volunteer.get_or_none(person_id=person_id)
    if volunteer is None:
        try:
            volunteer = await Volunteer.create(
                community_id=community_id,
                person=person,
                home=await home_node(person),
                joined_on=day,
            )
        except IntegrityError:
            volunteer = await Volunteer.get(person_id=person_id)
    team = await Team.filter(community_id=community_id, category=category).order_by("id").first()
    if team is not None:
        await add_member(team, volunteer, leader=False, today=day, actor=None)
    key = f"{source}:{reference}"[:80]
    found = await Hours.get_or_none(volunteer=volunteer, reference=key)
    if found is not None:
        if found.status == DECLINED:  # verified again after a withdrawal
            await Hours.filter(id=found.id).update(status=APPROVED, note="")
        return found
    try:
        return await Hours.create(
            community_id=community_id,
            volunteer=volunteer,
            reference=key,
            title=title[:100],
            team=team,
            category=category,
            day=day,
            hours=hours if hours > 0 else 0.0,
            scheduled=hours if hours > 0 else 0.0,
            status=APPROVED,
            external=True,
        )
    except IntegrityError:
        return await Hours.get(volunteer=volunteer, reference=key)


async def withdraw_outside_service(
    community_id: int, *, person_id: int, source: str, reference: str, reason: str
) -> None:
    await Hours.filter(
        community_id=community_id,
        volunteer__person_id=person_id,
        reference=f"{source}:{reference}"[:80],
        external=True,
    ).update(status=DECLINED, note=reason[:200])


def hours_of_reference(reference: str) -> int | None:
    """The hours entry a reference of ``service.verified`` names: ``hours:12`` or, for
    corrected hours, ``hours:12:c3``."""
    parts = reference.split(":")
    if len(parts) in (2, 3) and parts[0] == "hours" and parts[1].isdecimal():
        return int(parts[1])
    return None


async def record_points(community_id: int, reference: str, points: int) -> bool:
    """Add ``points`` (less, when negative) to the points standing on the hours entry
    ``reference`` names. Each event arrives once (the core's delivery record), so a
    counter is enough."""
    entry_id = hours_of_reference(reference)
    if entry_id is None:
        return False
    return bool(
        await Hours.filter(id=entry_id, community_id=community_id).update(
            points=F("points") + points
        )
    )


# ----------------------------------------------------------------------------- pages' data


@dataclass
class Today:
    signups: list[Signup] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    upcoming: list[Signup] = field(default_factory=list)


async def today_of(volunteer: Volunteer, day: date, now: datetime) -> Today:
    """A volunteer's tasks: today's shifts, the calls they answered that are not closed,
    and their shifts of the coming week."""
    start, end = day_bounds(day)
    signups = (
        await Signup.filter(
            volunteer=volunteer,
            shift__starts_at__gte=start,
            shift__starts_at__lt=end + timedelta(days=7),
        )
        .select_related("shift")
        .order_by("shift__starts_at")
    )
    answers = (
        await Answer.filter(volunteer=volunteer, call__status__in=(OPEN, FILLED))
        .select_related("call", "call__place")
        .order_by("call__starts_at")
        .limit(20)
    )
    return Today(
        signups=[s for s in signups if s.shift.starts_at < end],
        answers=list(answers),
        upcoming=[s for s in signups if s.shift.starts_at >= end],
    )


@dataclass
class Held:
    kind: str
    expires_on: date | None


@dataclass
class Profile:
    """What a volunteer's page shows of their record, read in one query with their
    qualifications."""

    id: int
    person_id: int
    name: str
    joined_on: date
    availability: str
    active: bool
    held: list[Held] = field(default_factory=list)


async def profile_of(community_id: int, volunteer_id: int) -> Profile | None:
    rows = await Volunteer.filter(id=volunteer_id, community_id=community_id).values(
        "id", "person_id", "person__name", "joined_on", "availability", "active",
        "qualifications__kind", "qualifications__expires_on",
    )  # fmt: skip
    if not rows:
        return None
    first = rows[0]
    return Profile(
        id=first["id"],
        person_id=first["person_id"],
        name=first["person__name"],
        joined_on=first["joined_on"],
        availability=first["availability"],
        active=first["active"],
        held=sorted(
            (
                Held(row["qualifications__kind"], row["qualifications__expires_on"])
                for row in rows
                if row["qualifications__kind"]
            ),
            key=lambda h: h.kind,
        ),
    )


async def volunteer_page(profile: Profile, community_id: int, year: int) -> dict[str, Any]:
    """Recognition: hours and street bank points by month of ``year`` (points by the
    month the service was given), calls answered, teams, skills and thanks — in four
    queries, whatever the volunteer's history."""
    entries = (
        await Hours.filter(
            volunteer_id=profile.id, day__gte=date(year, 1, 1), day__lt=date(year + 1, 1, 1)
        )
        .order_by("-day", "-id")
        .values(
            "id", "day", "title", "hours", "corrected", "status", "external", "points",
            "reference",
        )
    )  # fmt: skip
    hours: dict[int, float] = defaultdict(float)
    points: dict[int, int] = defaultdict(int)
    answered = 0
    for row in entries:
        month = row["day"].month
        points[month] += row["points"]
        if row["status"] == APPROVED:
            hours[month] += row["corrected"] if row["corrected"] is not None else row["hours"]
        if row["reference"].startswith("call:") and row["status"] != DECLINED:
            answered += 1
    teams = await (
        Team.filter(community_id=community_id)
        .annotate(
            member=Count("members", _filter=Q(members__volunteer_id=profile.id)),
            leads=Count(
                "members", _filter=Q(members__volunteer_id=profile.id, members__leader=True)
            ),
        )
        .group_by("id", "name", "name_en")
        .order_by("id")
        .values("id", "name", "name_en", "member", "leads")
    )  # fmt: skip
    skills = await (
        Skill.filter(community_id=community_id)
        .annotate(mine=Count("volunteers", _filter=Q(volunteers__id=profile.id)))
        .group_by("id", "name", "name_en")
        .order_by("id")
        .values("id", "name", "name_en", "mine")
    )
    return {
        "volunteer": profile,
        "months": [(m, round(hours.get(m, 0.0), 2), points.get(m, 0)) for m in range(1, 13)],
        "year_total": round(sum(hours.values()), 2),
        "points_total": sum(points.values()),
        "teams": [t for t in teams if t["member"]],
        "teams_all": teams,
        "skills": skills,
        "own_skills": {s["id"] for s in skills if s["mine"]},
        "held": profile.held,
        "answered": answered,
        "thanks": await Thanks.filter(volunteer_id=profile.id).limit(10),
        "recent": entries[:10],
    }


async def thank(call: Call, *, text: str, person: Person | None, actor: Actor, root: Node) -> int:
    """Thanks from whoever raised a closed call, to each of its helpers."""
    if not (can_manage(actor, root) or (person is not None and call.raised_by_id == person.id)):
        raise NotAllowed()
    if call.status != CLOSED:
        raise Refusal(N_("Thank the helpers once the help was given."), status=409)
    text = text.strip()
    if not text:
        raise Refusal(N_("Write a word of thanks."), field="text")
    by = call.beneficiary or (person.name if person else "")
    helpers = await Answer.filter(call=call).values_list("volunteer_id", flat=True)
    async with in_transaction():
        for volunteer_id in helpers:
            await Thanks.create(volunteer_id=volunteer_id, call=call, text=text[:200], by_name=by)
    return len(helpers)


def as_moment(value: Any) -> datetime:
    """An aggregated time: SQLite answers ``MIN()`` of a datetime column as text."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


async def figures(community: Community, year: int) -> dict[str, Any]:
    """The year's figures: the register and how many are active (approved hours in the
    year), hours by team, by category and by month, calls answered and how fast. Five
    queries, each aggregated in the database, whatever the year's numbers."""
    first, last = date(year, 1, 1), date(year + 1, 1, 1)
    zone = current_zone()
    approved = Hours.filter(community=community, status=APPROVED, day__gte=first, day__lt=last)
    groups = await (
        approved.annotate(total=Sum("hours"), entries=Count("id"))
        .group_by("team_id", "team__name", "category")
        .values("team_id", "team__name", "category", "total", "entries")
    )
    teams: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
    categories: dict[str, float] = defaultdict(float)
    for row in groups:
        team = teams[row["team__name"] or ""]
        team[0] += row["total"] or 0
        team[1] += row["entries"]
        categories[row["category"]] += row["total"] or 0
    months: dict[int, float] = defaultdict(float)
    for row in await approved.annotate(total=Sum("hours")).group_by("day").values("day", "total"):
        months[row["day"].month] += row["total"] or 0
    [active] = await approved.annotate(n=Count("volunteer_id", distinct=True)).values_list(
        "n", flat=True
    )
    start = datetime(year, 1, 1, tzinfo=zone)
    end = datetime(year + 1, 1, 1, tzinfo=zone)
    calls = await (
        Call.filter(community=community, created_at__gte=start, created_at__lt=end)
        .annotate(first=Min("answers__accepted_at"))
        .group_by("id", "created_at", "status")
        .values("id", "created_at", "status", "first")
    )
    waits = sorted(
        (as_moment(c["first"]) - c["created_at"]).total_seconds() / 60
        for c in calls
        if c["first"] is not None
    )
    return {
        "year": year,
        "registered": await Volunteer.filter(community=community, active=True).count(),
        "active": active or 0,
        "hours_total": round(sum(months.values()), 1),
        "by_team": sorted(
            ((name, round(total, 1), entries) for name, (total, entries) in teams.items()),
            key=lambda r: -r[1],
        ),
        "by_category": sorted(
            ((key, round(total, 1)) for key, total in categories.items()), key=lambda r: -r[1]
        ),
        "by_month": [(m, round(months.get(m, 0.0), 1)) for m in range(1, 13)],
        "calls": len(calls),
        "answered": len(waits),
        "closed": sum(1 for c in calls if c["status"] == CLOSED),
        "median_wait": round(waits[len(waits) // 2]) if waits else None,
    }


async def widget(community: Community) -> dict[str, Any]:
    """The dashboard's figures: the same for every visitor (the template shows the
    pending hours to those logged in), so the core keeps them until a volunteer, a
    call or an hours entry changes."""
    return {
        "registered": await Volunteer.filter(community=community, active=True).count(),
        "open_calls": await Call.filter(community=community, status=OPEN).count(),
        "pending": await Hours.filter(community=community, status=PENDING).count(),
    }


async def person_summary(person: Person) -> dict[str, Any] | None:
    volunteer = await volunteer_of(person)
    if volunteer is None:
        return None
    year = local_day(now_utc()).year
    hours = await Hours.filter(
        volunteer=volunteer, status=APPROVED, day__gte=date(year, 1, 1)
    ).values_list("hours", "corrected")
    return {
        "volunteer": volunteer,
        "teams": await Membership.filter(volunteer=volunteer).select_related("team"),
        "year": year,
        "hours": round(sum(c if c is not None else h for h, c in hours), 1),
        "answered": await Answer.filter(volunteer=volunteer).count(),
    }


async def open_calls_count(community: Community) -> int:
    return await Call.filter(community=community, status__in=(OPEN, FILLED)).count()


async def pending_hours_count(community: Community) -> int:
    return await Hours.filter(community=community, status=PENDING).count()


# ----------------------------------------------------------------------------- scheduled


async def expire_calls(
    community: Community, day: date, *, now: datetime, zone: ZoneInfo | None = None
) -> int:
    """Close the calls of days before ``day`` that are still open (not all their helpers
    came forward), and tell whoever raised each. Returns how many were closed."""
    start, _ = day_bounds(day, zone)
    expired = 0
    for call in await Call.filter(
        community_id=community.id, status=OPEN, starts_at__lt=start
    ).select_related("raised_by"):
        async with in_transaction():
            if not await Call.filter(id=call.id, status=OPEN).update(status=EXPIRED, closed_at=now):
                continue  # filled or closed meanwhile
            expired += 1
            await _closed(call, ENDED_EXPIRED)
            if call.raised_by is not None:
                await notify(
                    call.raised_by,
                    CALL_EXPIRED,
                    subject=call.title,
                    values={"taken": call.taken, "needed": call.needed},
                    link=f"/c/{community.slug}/volunteers/calls/{call.id}",
                    community=community,
                )
    return expired


async def remind_shifts(community: Community, day: date, zone: ZoneInfo | None = None) -> int:
    """Tell everyone signed up for a shift that starts on ``day`` (the day after the
    reminder). Returns how many were told."""
    zone = zone or current_zone()
    start, end = day_bounds(day, zone)
    signups = await Signup.filter(
        shift__community_id=community.id, shift__starts_at__gte=start, shift__starts_at__lt=end
    ).select_related("shift", "volunteer__person")
    told = 0
    for signup in signups:
        shift = signup.shift
        told += await notify(
            signup.volunteer.person,
            SHIFT_TOMORROW,
            subject=shift.title,
            values={
                "when": shift.starts_at.astimezone(zone).strftime("%H:%M"),
                "place": shift.place,
            },
            link=f"/c/{community.slug}/volunteers/",
            community=community,
        )
    return told


async def warn_qualifications(community: Community, today: date) -> int:
    """Warn each active volunteer whose qualification expires within
    :data:`WARN_BEFORE` of ``today``, and the leaders of their teams, once per expiry
    date (recording a renewed one warns again when that one comes near). Returns how
    many qualifications were warned of."""
    due = await Qualification.filter(
        volunteer__community_id=community.id,
        volunteer__active=True,
        expires_on__gte=today,
        expires_on__lte=today + WARN_BEFORE,
    ).select_related("volunteer__person")
    due = [q for q in due if q.warned_for != q.expires_on]
    if not due:
        return 0
    volunteer_ids = {q.volunteer_id for q in due}
    teams: dict[int, set[int]] = defaultdict(set)
    for volunteer_id, team_id in await Membership.filter(
        volunteer_id__in=volunteer_ids
    ).values_list("volunteer_id", "team_id"):
        teams[volunteer_id].add(team_id)
    leaders: dict[int, list[Person]] = defaultdict(list)
    for row in await Membership.filter(
        team_id__in={t for ts in teams.values() for t in ts}, leader=True
    ).select_related("volunteer__person"):
        leaders[row.team_id].append(row.volunteer.person)
    warned = 0
    for held in due:
        assert held.expires_on is not None
        person = held.volunteer.person
        async with in_transaction():
            if not await Qualification.filter(id=held.id, expires_on=held.expires_on).update(
                warned_for=held.expires_on
            ):
                continue
            await notify(
                [person, *(p for t in teams[held.volunteer_id] for p in leaders[t])],
                QUALIFICATION_EXPIRING,
                subject=QUALIFICATION_SUBJECTS.get(held.kind, held.kind),
                values={"name": person.name, "day": held.expires_on.isoformat()},
                link=f"/c/{community.slug}/volunteers/register/{held.volunteer_id}",
                community=community,
            )
            warned += 1
    return warned


# ----------------------------------------------------------------------------- the home


def home_items(community: Community, actor: Actor, today: date) -> list[HomeItem]:
    """A volunteer's shifts of today and the calls they answered that are still on; the
    hours a leader may approve (a community-wide leader: all but their own; a team
    leader: their teams'). One-value queries the core runs together."""
    person_id = actor.account.person_id if actor.account else 0
    start, end = day_bounds(today)
    pending = Hours.filter(community_id=community.id, status=PENDING).exclude(
        volunteer__person_id=person_id or 0
    )
    leads_everything = any(
        held.community_id == community.id
        and held.whole_community
        and "volunteers.lead" in held.permissions
        for held in actor.grants
    )
    if not leads_everything:
        led = Membership.filter(volunteer__person_id=person_id or 0, leader=True)
        pending = pending.filter(team_id__in=Subquery(led.values("team_id")))
    items = [
        HomeItem(
            N_("Hours to approve"),
            "hours/",
            pending.count(),
            note=N_("volunteers' hours waiting for a leader"),
            urgent=True,
            order=40,
        )
    ]
    if not person_id:
        return items
    return [
        *items,
        HomeItem(
            N_("My shifts today"),
            "",
            Signup.filter(
                volunteer__person_id=person_id,
                shift__community_id=community.id,
                shift__starts_at__gte=start,
                shift__starts_at__lt=end,
            ).count(),
            note=N_("signed up for today"),
            order=25,
        ),
        HomeItem(
            N_("Calls I answered"),
            "",
            Answer.filter(
                volunteer__person_id=person_id,
                call__community_id=community.id,
                call__status__in=(OPEN, FILLED),
            ).count(),
            note=N_("people waiting for your help"),
            order=26,
        ),
    ]
