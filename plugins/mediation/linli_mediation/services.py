"""The rules of mediation. No HTTP here: routes, the demo data and tests call these.

Confidentiality in one place: :func:`access_to` decides what a visitor may see of one
case, :func:`visible_cases` narrows any list of cases in SQL by the same rule. A case is
seen by

- its **parties** (the parts meant for them: state, session dates, the agreement and
  the documents shared with them; never the mediators' notes),
- its **assigned mediators** whose assignment is in effect (a flagged conflict of
  interest keeps a mediator out until a supervisor clears it),
- the **host mediator** of the studio a resident asked, while the request waits to be
  assigned (so that she sees it in her worklist before the supervisor acts),
- holders of ``mediation.case.view_all`` at or above the case's node.

Anyone else gets :class:`CaseNotFound`, exactly as for a case that does not exist.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q, Subquery
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from linli.kit import (
    N_,
    Account,
    Actor,
    AlreadyAtTop,
    Community,
    EscalationError,
    EscalationNotAllowed,
    Grant,
    HomeItem,
    Membership,
    Node,
    Person,
    ReasonMissing,
    Refusal,
    Upload,
    UploadRefused,
    audit,
    community_root,
    current_zone,
    emit,
    escalate,
    notify,
    one_time_key,
    save_file,
)
from linli_mediation.models import (
    ACCEPTED,
    AGREEMENT,
    CLOSED,
    FINISHED,
    FOLLOW_UP,
    IN_MEDIATION,
    NOT_RESOLVED,
    REFERRED,
    REQUESTED,
    Agreement,
    Assignment,
    Attachment,
    Case,
    FollowUp,
    Party,
    Session,
    Signature,
    Studio,
    Transition,
)
from linli_mediation.notifications import CASE_ACCEPTED, SESSION_SCHEDULED

VIEW_ALL = "mediation.case.view_all"
INTAKE = "mediation.case.intake"
HANDLE = "mediation.case.handle"
ASSIGN = "mediation.case.assign"
CLEAR = "mediation.conflict.clear"
FIGURES = "mediation.figures"
#: Roles whose holders may be assigned to cases.
MEDIATOR_ROLES = ("mediator", "mediation_supervisor")

FOLLOW_UP_DAYS = 30
TIME_LIMIT_DAYS = 30
#: Figures show counts from 1 to SMALL_CELL - 1 as "fewer than SMALL_CELL", so that a
#: rare category in a small month cannot point at a household.
SMALL_CELL = 3
MAX_PARTIES = 4

CATEGORIES = {
    "noise": N_("Noise"),
    "leak": N_("Water leaking between floors"),
    "parking": N_("Parking and e-bikes"),
    "pets": N_("Pets"),
    "thrown": N_("Things thrown from height"),
    "family": N_("Family"),
    "property": N_("Property service"),
    "other": N_("Other"),
}
URGENCIES = {"low": N_("Not urgent"), "normal": N_("Normal"), "urgent": N_("Urgent")}
STATUS_LABELS = {
    REQUESTED: N_("Requested"),
    ACCEPTED: N_("Accepted"),
    IN_MEDIATION: N_("In mediation"),
    AGREEMENT: N_("Agreement reached"),
    NOT_RESOLVED: N_("Not resolved"),
    FOLLOW_UP: N_("Follow-up"),
    CLOSED: N_("Closed"),
    REFERRED: N_("Referred"),
}
OUTCOME_LABELS = {
    "": N_("Open"),
    AGREEMENT: N_("Agreement reached"),
    NOT_RESOLVED: N_("Not resolved"),
    REFERRED: N_("Referred"),
}
REFERRAL_TARGETS = {
    "police": N_("Police office"),
    "legal_aid": N_("Legal aid"),
    "court": N_("Court"),
    "property": N_("Property company"),
}
SIDES = {"applicant": N_("Applicant"), "respondent": N_("Respondent")}
CONFLICTS = {
    "party": N_("The mediator is a party to this case."),
    "household": N_("The mediator lives in the same household as a party."),
    "open_case": N_("The mediator has an open case with a party."),
}

#: The lifecycle: action → (states it starts from, state it leads to, label).
ACTIONS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "accept": ((REQUESTED,), ACCEPTED, N_("Accept the case")),
    "start": ((ACCEPTED,), IN_MEDIATION, N_("Start mediation")),
    "agree": ((IN_MEDIATION,), AGREEMENT, N_("Agreement reached")),
    "not_resolved": ((IN_MEDIATION,), NOT_RESOLVED, N_("Not resolved")),
    "follow_up": ((AGREEMENT, NOT_RESOLVED), FOLLOW_UP, N_("Start the follow-up")),
    "close": ((FOLLOW_UP,), CLOSED, N_("Close the case")),
    "refer": ((REQUESTED, ACCEPTED, IN_MEDIATION, NOT_RESOLVED), REFERRED, N_("Refer")),
}
#: What the history calls the steps that are not lifecycle actions.
HISTORY_LABELS = {
    "request": N_("Requested by a resident"),
    "intake": N_("Taken in"),
    "escalate": N_("Escalated"),
    "party_add": N_("Party added"),
    "party_edit": N_("Party corrected"),
    **{key: label for key, (_, _, label) in ACTIONS.items()},
}
#: States in which sessions and follow-up visits may be recorded.
SESSION_STATES = (ACCEPTED, IN_MEDIATION)
VISIT_STATES = (AGREEMENT, NOT_RESOLVED, FOLLOW_UP)
OPEN_STATES = tuple(s for s in STATUS_LABELS if s not in FINISHED)

#: The core's escalation refusals, worded for cases.
_ESCALATION_MESSAGES: dict[type[EscalationError], str] = {
    ReasonMissing: N_("Say why the case goes up a level."),
    EscalationNotAllowed: N_("You may not escalate cases here."),
    AlreadyAtTop: N_("The case is already at the top level."),
}


class MediationError(Refusal):
    """A rule of the mediation refused the request; nothing was changed."""

    message = N_("This could not be done.")


class CaseNotFound(MediationError):
    """No such case, or one the visitor may not see: the two are indistinguishable."""

    message = N_("Page not found.")
    status = 404


class NotAllowed(MediationError):
    message = N_("You may not do this.")
    status = 403


class WrongState(MediationError):
    message = N_("This step is not possible in the case's present state.")
    status = 409


class MissingRecords(MediationError):
    status = 409


class Duplicate(MediationError):
    """The same form (its one-time key) was sent again; ``case_id`` is the case the
    first sending opened, to show it rather than an error."""

    message = N_("This form was already sent: the case exists once.")
    status = 409

    def __init__(self, case_id: int | None = None) -> None:
        super().__init__()
        self.case_id = case_id


class AlreadyDone(WrongState):
    """The step asked for was already taken (a double click, or two mediators at once):
    the case is in the state the step leads to."""

    message = N_("This was already done: the case is now “%(state)s”.")


class PartyMissing(MissingRecords):
    """An agreement misses a party's answer (a signature or a refusal to sign)."""


def now_utc() -> datetime:
    return datetime.now(UTC)


# ----------------------------------------------------------------------------- who sees what


@dataclass
class Access:
    """What one visitor may do with one case (the case is loaded with its node)."""

    case: Case
    actor: Actor
    party: Party | None = None
    mediator: bool = False
    overseer: bool = False
    #: the host mediator of the studio a waiting request was made to
    host: bool = False

    @property
    def staff(self) -> bool:
        """Sees everything of the case, internal notes included."""
        return self.mediator or self.overseer or self.host

    @property
    def may_handle(self) -> bool:
        """May record sessions, visits and steps: an assigned mediator in effect, or a
        supervisor holding ``mediation.case.handle`` where the view reaches."""
        return self.mediator or (self.overseer and self.actor.can(HANDLE, self.case.node))

    @property
    def may_assign(self) -> bool:
        return self.overseer and self.actor.can(ASSIGN, self.case.node)

    @property
    def may_clear(self) -> bool:
        return self.overseer and self.actor.can(CLEAR, self.case.node)


def holds_in(actor: Actor, permission: str, community_id: int) -> bool:
    """Whether a grant anywhere in the community allows ``permission`` (a mediator is
    granted at their studio, yet takes in cases from the whole community)."""
    return any(
        permission in held.permissions and held.community_id == community_id
        for held in actor.grants
    )


def _person_id(actor: Actor) -> int | None:
    return getattr(actor.account, "person_id", None)


async def access_to(actor: Actor, community: Community, case_id: int) -> Access:
    """The one gate to a case. Raises :class:`CaseNotFound` both for a case that does
    not exist (or belongs to another community) and for one the visitor may not see.

    The same queries run whether the case exists or not (each looks the case up by its
    id), so the time of the answer does not tell a hidden case from a missing one."""
    if actor.is_anonymous:
        raise CaseNotFound()
    assert actor.account is not None
    case = await Case.filter(id=case_id, community_id=community.id).select_related("node").first()
    mediator = await Assignment.exists(case_id=case_id, account_id=actor.account.id, effective=True)
    party: Party | None = None
    host = False
    person_id = _person_id(actor)
    if person_id is not None:
        party = await Party.filter(case_id=case_id, person_id=person_id).first()
        if holds_in(actor, INTAKE, community.id):
            host = await Case.exists(
                id=case_id, community_id=community.id, status=REQUESTED, studio__host_id=person_id
            )
    if case is None:
        raise CaseNotFound()
    access = Access(case, actor, overseer=actor.can(VIEW_ALL, case.node))
    access.mediator, access.party, access.host = mediator, party, host
    if not (access.staff or access.party):
        raise CaseNotFound()
    return access


def _staff_conditions(actor: Actor, community: Community) -> list[Q]:
    """SQL conditions for the cases the visitor handles: assigned (in effect), or under
    a node where they hold ``view_all`` (as :meth:`Actor.visible` builds them)."""
    conditions: list[Q] = []
    if actor.account is not None:
        assigned = Assignment.filter(account_id=actor.account.id, effective=True)
        conditions.append(Q(id__in=Subquery(assigned.values("case_id"))))
    person_id = _person_id(actor)
    if person_id is not None and holds_in(actor, INTAKE, community.id):
        hosted = Studio.filter(community_id=community.id, host_id=person_id).values("id")
        conditions.append(Q(status=REQUESTED, studio_id__in=Subquery(hosted)))
    conditions += [Q(node__path__startswith=path) for path in actor.paths_allowing(VIEW_ALL)]
    if community.id in actor.communities_allowing(VIEW_ALL):
        conditions.append(Q(community_id=community.id))
    return conditions


def _cases_where(community: Community, conditions: list[Q]) -> QuerySet[Case]:
    query = Case.filter(community_id=community.id)
    if not conditions:
        return query.filter(id__in=[])
    return query.filter(Q(*conditions, join_type="OR"))


def visible_cases(actor: Actor, community: Community) -> QuerySet[Case]:
    """The community's cases the visitor may see, as a queryset (filtered in SQL; add
    ordering, paging and counting as needed). Same rule as :func:`access_to`."""
    conditions = _staff_conditions(actor, community)
    person_id = _person_id(actor)
    if person_id is not None:
        mine = Party.filter(person_id=person_id).values("case_id")
        conditions.append(Q(id__in=Subquery(mine)))
    return _cases_where(community, conditions)


def handled_cases(actor: Actor, community: Community) -> QuerySet[Case]:
    """The cases the visitor works on as a mediator or supervisor (not as a party)."""
    return _cases_where(community, _staff_conditions(actor, community))


# ----------------------------------------------------------------------------- intake


@dataclass(frozen=True)
class PartyInput:
    """A party as entered: a person of the register, or an outsider known by a name, a
    contact (door number or phone), or both. ``field`` is the form field it came from,
    named in a refusal about it."""

    name: str = ""
    contact: str = ""
    person: Person | None = None
    side: str = "applicant"
    field: str = ""

    @property
    def empty(self) -> bool:
        return (
            self.person is None
            and not (self.name or "").strip()
            and not (self.contact or "").strip()
        )


def _text(value: str, limit: int, message: str, field: str = "") -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise MediationError(message, field=field, limit=limit)
    return value


def _check_case_fields(summary: str, category: str, urgency: str) -> str:
    summary = _text(summary, 120, N_("Keep the summary under %(limit)s characters."), "summary")
    if not summary:
        raise MediationError(N_("Say in a few words what the dispute is about."), field="summary")
    if category not in CATEGORIES:
        raise MediationError(N_("Choose a category."), field="category")
    if urgency not in URGENCIES:
        raise MediationError(N_("Choose how urgent it is."), field="urgency")
    return summary


async def owner_node(community: Community, place: Node | None) -> Node:
    """The node that owns a new case: the party organisation unit closest to the place
    (its building group, else the estate branch, else the committee), so that core
    escalation takes it building group → estate branch → community committee. Without
    such a unit, the place itself; without a place, the community."""
    if place is None:
        return await community_root(community)
    unit = (
        await Node.filter(
            community_id=community.id,
            tree="party",
            covers_id__in=place.ancestor_ids(),
            kind__key__in=("party_group", "party_branch", "party_committee"),
        )
        .order_by("-depth", "id")
        .first()
    )
    return unit or place


async def _create_case(
    community: Community,
    actor: Actor,
    *,
    summary: str,
    description: str,
    category: str,
    urgency: str,
    place: Node | None,
    studio: Studio | None,
    parties: list[PartyInput],
    status: str,
    action: str,
    now: datetime,
    key: str = "",
) -> Case:
    if key:
        await _refuse_duplicate(community, key)
    node = await owner_node(community, place)
    case = await Case.create(
        request_key=key or None,
        community_id=community.id,
        summary=summary,
        description=description,
        category=category,
        urgency=urgency,
        status=status,
        studio=studio,
        place=place,
        node=node,
        opened_at=now,
        created_by=actor.account,
    )
    case.number = f"{now.year}-{case.id:04d}"
    await Case.filter(id=case.id).update(number=case.number)
    await Party.bulk_create(
        [
            Party(
                case_id=case.id,
                person=p.person,
                name=p.person.name if p.person else p.name,
                contact=p.contact,
                side=p.side,
            )
            for p in parties
        ]
    )
    await Transition.create(
        case=case, action=action, from_status="", to_status=status, actor=actor.account, at=now
    )
    await _announce(
        "mediation.case_opened", case, sorted({p.person.id for p in parties if p.person})
    )
    return case


async def _announce(name: str, case: Case, parties: list[int]) -> None:
    """Tell other features that ``case`` opened or ended and which residents are its
    parties: its id and number, nothing of its content (:mod:`linli_mediation.events`).
    In the caller's transaction."""
    await emit(
        name,
        {"case": case.id, "number": case.number, "parties": parties},
        community=case.community_id,
    )


async def _refuse_duplicate(community: Community, key: str) -> None:
    """Raise :class:`Duplicate` (naming the case) if a form with ``key`` opened one."""
    first = await Case.filter(community_id=community.id, request_key=key).first()
    if first is not None:
        raise Duplicate(first.id)


def _clean_party(p: PartyInput) -> PartyInput:
    """One party's input checked and trimmed. A party is kept if anything identifies it:
    a person of the register, a name, or only a door number or phone."""
    name = _text(p.name, 64, N_("Keep names under %(limit)s characters."), p.field)
    contact = _text(p.contact, 64, N_("Keep contacts under %(limit)s characters."), p.field)
    if p.side not in SIDES:
        raise MediationError(N_("Choose a side for each party."), field=p.field)
    return PartyInput(name=name, contact=contact, person=p.person, side=p.side, field=p.field)


def _clean_parties(parties: Iterable[PartyInput]) -> list[PartyInput]:
    kept = [_clean_party(p) for p in parties if not p.empty]
    seen: set[int] = set()
    for p in kept:
        if p.person is not None:
            if p.person.id in seen:
                raise MediationError(N_("The same person is entered twice."), field=p.field)
            seen.add(p.person.id)
    if len(kept) > MAX_PARTIES:
        raise MediationError(N_("At most %(n)s parties."), n=MAX_PARTIES)
    return kept


async def open_case(
    community: Community,
    actor: Actor,
    *,
    summary: str,
    description: str = "",
    category: str,
    urgency: str = "normal",
    place: Node | None = None,
    studio: Studio | None = None,
    parties: Iterable[PartyInput],
    mediator: Account | None = None,
    now: datetime | None = None,
    key: str = "",
) -> Case:
    """Intake by a mediator or a community worker: the case starts "accepted". The
    mediator named (the intake mediator by default) is assigned, with the conflict of
    interest check."""
    if not holds_in(actor, INTAKE, community.id):
        raise NotAllowed()
    summary = _check_case_fields(summary, category, urgency)
    description = _text(
        description, 4000, N_("Keep the description under %(limit)s characters."), "description"
    )
    cleaned = _clean_parties(parties)
    if len(cleaned) < 2:
        raise MediationError(N_("A dispute needs at least two parties."), field="party_2")
    _check_studio(community, studio)
    if (
        mediator is None
        and actor.account is not None
        and await is_mediator(community.id, actor.account)
    ):
        mediator = actor.account
    if mediator is None:
        raise MediationError(N_("Choose the mediator who takes the case."), field="mediator")
    if not await is_mediator(community.id, mediator):
        raise MediationError(N_("This account is not a mediator here."), field="mediator")
    now = now or now_utc()
    key = _key(key)
    try:
        async with in_transaction():
            case = await _create_case(
                community, actor, summary=summary, description=description, category=category,
                urgency=urgency, place=place, studio=studio, parties=cleaned, status=ACCEPTED,
                action="intake", now=now, key=key,
            )  # fmt: skip
            await _assign(case, mediator, actor)
            await audit(
                "mediation.case.intake", actor=actor, community_id=community.id, obj=case,
                after={"category": category, "status": ACCEPTED},
            )  # fmt: skip
    except IntegrityError:  # the same form, sent twice at the same moment
        await _refuse_duplicate(community, key)
        raise
    return case


async def request_mediation(
    community: Community,
    actor: Actor,
    *,
    summary: str,
    description: str = "",
    category: str,
    other_name: str = "",
    other_contact: str = "",
    studio: Studio | None = None,
    now: datetime | None = None,
    key: str = "",
) -> Case:
    """A resident asks for mediation: the case starts "requested", with the resident as
    applicant and the other side, if the resident gave its name, its door number or
    its phone (any of them), as an outside party until a mediator links it to the
    register."""
    person_id = _person_id(actor)
    if person_id is None:
        raise NotAllowed(
            N_("Your account is not linked to a resident record. Ask your community worker.")
        )
    person = await Person.get_or_none(id=person_id, community_id=community.id)
    if person is None:
        raise NotAllowed(
            N_("Your account is not linked to a resident record. Ask your community worker.")
        )
    summary = _check_case_fields(summary, category, "normal")
    description = _text(
        description, 4000, N_("Keep the description under %(limit)s characters."), "description"
    )
    other_name = _text(other_name, 64, N_("Keep names under %(limit)s characters."), "other_name")
    other_contact = _text(
        other_contact, 64, N_("Keep contacts under %(limit)s characters."), "other_contact"
    )
    parties = _clean_parties(
        [
            PartyInput(person=person, side="applicant"),
            PartyInput(name=other_name, contact=other_contact, side="respondent"),
        ]
    )
    _check_studio(community, studio)
    place = await _home_of(person)
    now = now or now_utc()
    key = _key(key)
    try:
        async with in_transaction():
            case = await _create_case(
                community, actor, summary=summary, description=description, category=category,
                urgency="normal", place=place, studio=studio, parties=parties, status=REQUESTED,
                action="request", now=now, key=key,
            )  # fmt: skip
    except IntegrityError:  # the same form, sent twice at the same moment
        await _refuse_duplicate(community, key)
        raise
    return case


def _key(key: str) -> str:
    key = (key or "").strip()
    if len(key) > 32:
        raise MediationError(N_("This form is damaged; reload the page and send it again."))
    return key


def new_key() -> str:
    """A one-time key for a form that opens a case."""
    return one_time_key()


def _check_studio(community: Community, studio: Studio | None) -> None:
    if studio is not None and studio.community_id != community.id:
        raise MediationError(N_("Choose a studio."), field="studio")


async def _home_of(person: Person) -> Node | None:
    membership = (
        await Membership.filter(person_id=person.id, ended_on__isnull=True)
        .select_related("household__node")
        .first()
    )
    return membership.household.node if membership else None


# ----------------------------------------------------------------------------- mediators


async def mediator_grants(community: Community) -> list[Grant]:
    """Active grants of the mediator roles in the community (accounts and persons
    loaded), one query."""
    now = now_utc()
    return (
        await Grant.filter(role__community_id=community.id, role__key__in=MEDIATOR_ROLES)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .select_related("account__person", "node", "role")
        .order_by("account__username", "id")
    )


async def is_mediator(community_id: int, account: Account) -> bool:
    now = now_utc()
    return (
        await Grant.filter(
            account_id=account.id, role__community_id=community_id, role__key__in=MEDIATOR_ROLES
        )
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .exists()
    )


async def mediators(community: Community) -> list[tuple[Account, int]]:
    """Each mediator with their caseload (open cases they are assigned to): two queries."""
    accounts: dict[int, Account] = {}
    for held in await mediator_grants(community):
        accounts.setdefault(held.account_id, held.account)
    rows = await Assignment.filter(
        account_id__in=list(accounts), effective=True, case__status__in=OPEN_STATES,
        case__community_id=community.id,
    ).values_list("account_id", flat=True)  # fmt: skip
    load = Counter(rows)
    return [(account, load[account_id]) for account_id, account in accounts.items()]


async def open_case_count(community: Community) -> int:
    """The community's cases not yet finished (closed or referred)."""
    return await Case.filter(community_id=community.id, status__in=OPEN_STATES).count()


async def studio_caseloads(community: Community) -> dict[int, int]:
    """Open cases per studio: counts only, one query."""
    rows = await Case.filter(
        community_id=community.id, status__in=OPEN_STATES, studio_id__isnull=False
    ).values_list("studio_id", flat=True)
    return dict(Counter(rows))


async def conflicts_of(case: Case, mediator: Account) -> list[str]:
    """The conflict-of-interest keys (see :data:`CONFLICTS`) of ``mediator`` on
    ``case``: a party, in a party's household, or in an open case with a party."""
    person_id = mediator.person_id
    if person_id is None:
        return []
    party_ids = [
        pid
        for pid in await Party.filter(case_id=case.id).values_list("person_id", flat=True)
        if pid is not None
    ]
    found = []
    if person_id in party_ids:
        found.append("party")
    homes = Membership.filter(person_id=person_id, ended_on__isnull=True).values("household_id")
    if (
        await Membership.filter(
            household_id__in=Subquery(homes), person_id__in=party_ids, ended_on__isnull=True
        )
        .exclude(person_id=person_id)
        .exists()
    ):
        found.append("household")
    mine = (
        Party.filter(person_id=person_id, case__status__in=OPEN_STATES)
        .exclude(case_id=case.id)
        .values("case_id")
    )
    if (
        await Party.filter(case_id__in=Subquery(mine), person_id__in=party_ids)
        .exclude(person_id=person_id)
        .exists()
    ):
        found.append("open_case")
    return found


async def _assign(case: Case, mediator: Account, actor: Actor) -> Assignment:
    conflicts = await conflicts_of(case, mediator)
    try:
        async with in_transaction():
            assignment = await Assignment.create(
                case=case,
                account=mediator,
                conflict=",".join(conflicts),
                effective=not conflicts,
            )
    except IntegrityError:
        raise MediationError(
            N_("This mediator is already assigned to the case."), field="mediator"
        ) from None
    await audit(
        "mediation.case.assign", actor=actor, community_id=case.community_id, obj=case,
        after={"mediator": mediator.id, "conflict": conflicts},
    )  # fmt: skip
    return assignment


async def assign(access: Access, mediator: Account) -> Assignment:
    """A supervisor assigns a mediator; a conflict of interest is flagged and keeps the
    mediator out of the case until it is cleared."""
    if not access.may_assign:
        raise NotAllowed()
    if access.case.status in FINISHED:
        raise WrongState()
    if not await is_mediator(access.case.community_id, mediator):
        raise MediationError(N_("This account is not a mediator here."), field="mediator")
    async with in_transaction():
        return await _assign(access.case, mediator, access.actor)


async def clear_conflict(access: Access, assignment_id: int, reason: str) -> Assignment:
    """A supervisor clears a flagged conflict with a reason; the mediator then sees and
    handles the case."""
    if not access.may_clear:
        raise NotAllowed()
    reason = _text(reason, 1000, N_("Keep the reason under %(limit)s characters."), "reason")
    if not reason:
        raise MediationError(N_("Give the reason for clearing the conflict."), field="reason")
    assignment = await Assignment.get_or_none(id=assignment_id, case_id=access.case.id)
    if assignment is None:
        raise MediationError(N_("No such assignment."))
    assert access.actor.account is not None
    async with in_transaction():
        changed = await Assignment.filter(id=assignment.id, effective=False).update(
            effective=True, cleared_by_id=access.actor.account.id, cleared_reason=reason
        )
        if not changed:
            raise MediationError(N_("There is no conflict to clear."))
        await audit(
            "mediation.conflict.clear", actor=access.actor, community_id=access.case.community_id,
            obj=assignment, after={"reason": reason},
        )  # fmt: skip
    await assignment.refresh_from_db()
    return assignment


# ----------------------------------------------------------------------------- parties


def _may_change_parties(access: Access) -> None:
    if not access.may_handle:
        raise NotAllowed()
    if access.case.status in FINISHED:
        raise WrongState()


async def _party_changed(access: Access, action: str, party: Party, now: datetime) -> None:
    case = access.case
    await Transition.create(
        case_id=case.id, action=action, from_status=case.status, to_status=case.status,
        actor=access.actor.account, reason=party.label, at=now,
    )  # fmt: skip
    await audit(
        f"mediation.{action.replace('_', '.')}", actor=access.actor,
        community_id=case.community_id, obj=party,
        after={"person": party.person_id, "side": party.side},
    )  # fmt: skip


async def _check_person_once(case_id: int, person: Person | None, *, but: int = 0) -> None:
    if person is not None and (
        await Party.filter(case_id=case_id, person_id=person.id).exclude(id=but).exists()
    ):
        raise MediationError(N_("This person is already a party of the case."), field="who")


async def add_party(access: Access, entered: PartyInput, *, now: datetime | None = None) -> Party:
    """A mediator (or a supervisor who handles the case) adds a party the request left
    out, or one the dispute turned out to involve. Not once the case is finished."""
    _may_change_parties(access)
    if entered.empty:
        raise MediationError(
            N_("Give the party's name, door number or phone, or a register number."),
            field="who",
        )
    cleaned = _clean_party(entered)
    case = access.case
    await _check_person_once(case.id, cleaned.person)
    now = now or now_utc()
    async with in_transaction():
        if await Party.filter(case_id=case.id).count() >= MAX_PARTIES:
            raise MediationError(N_("At most %(n)s parties."), field="who", n=MAX_PARTIES)
        party = await Party.create(
            case_id=case.id, person=cleaned.person,
            name=cleaned.person.name if cleaned.person else cleaned.name,
            contact=cleaned.contact, side=cleaned.side,
        )  # fmt: skip
        await _party_changed(access, "party_add", party, now)
    return party


async def edit_party(
    access: Access, party_id: int, entered: PartyInput, *, now: datetime | None = None
) -> Party:
    """Correct a party: its name, contact or side, or link it to a person of the
    register. A party who has answered the agreement (signed or refused) stays as it
    was, so the record of who signed cannot change under it."""
    _may_change_parties(access)
    party = await Party.get_or_none(id=party_id, case_id=access.case.id)
    if party is None:
        raise MediationError(N_("Choose a party of this case."), field="party")
    if entered.empty:
        raise MediationError(
            N_("Give the party's name, door number or phone, or a register number."),
            field="who",
        )
    cleaned = _clean_party(entered)
    await _check_person_once(access.case.id, cleaned.person, but=party.id)
    now = now or now_utc()
    async with in_transaction():
        if await Signature.exists(party_id=party.id):
            raise MediationError(
                N_("This party has answered the agreement; their details can no longer change."),
                field="who",
            )
        party.person = cleaned.person
        party.name = cleaned.person.name if cleaned.person else cleaned.name
        party.contact = cleaned.contact
        party.side = cleaned.side
        await party.save(update_fields=("person_id", "name", "contact", "side"))
        await _party_changed(access, "party_edit", party, now)
    return party


# ----------------------------------------------------------------------------- lifecycle


@dataclass
class StepInput:
    """What a step may need besides the reason."""

    reason: str = ""
    target: str = ""
    facts: str = ""
    terms: str = ""
    deadline: date | None = None


def _state_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


async def _refuse_wrong_state(case: Case, target: str) -> None:
    """Raise :class:`AlreadyDone` if the case (read again) is already where the step
    leads, else :class:`WrongState`."""
    statuses = await Case.filter(id=case.id).values_list("status", flat=True)
    if statuses and statuses[0] == target:
        raise AlreadyDone(state=_state_label(target))
    raise WrongState()


async def unanswered_parties(case_id: int) -> list[Party]:
    """The parties of a case's agreement who have neither signed nor refused to sign."""
    answered = Signature.filter(agreement__case_id=case_id).values("party_id")
    return await Party.filter(case_id=case_id).exclude(id__in=Subquery(answered))


async def _prepare(
    access: Access, action: str, step: StepInput, *, follow_up_days: int, now: datetime
) -> dict[str, Any]:
    """Check a step against the rules and return the changes it makes to the case; raise
    if it is refused. Nothing is written."""
    if action not in ACTIONS:
        raise MediationError(N_("Unknown step."))
    if not access.may_handle:
        raise NotAllowed()
    case = access.case
    sources, target, _ = ACTIONS[action]
    if case.status == target:
        raise AlreadyDone(state=_state_label(target))
    if case.status not in sources:
        raise WrongState()
    reason = _text(step.reason, 1000, N_("Keep the reason under %(limit)s characters."), "reason")
    changes: dict[str, Any] = {"status": target}
    if action == "agree":
        _text(step.facts, 4000, N_("Keep the facts under %(limit)s characters."), "facts")
        _text(step.terms, 4000, N_("Keep the terms under %(limit)s characters."), "terms")
        if not step.facts.strip():
            raise MediationError(N_("An agreement needs the facts and the terms."), field="facts")
        if not step.terms.strip():
            raise MediationError(N_("An agreement needs the facts and the terms."), field="terms")
        if await Party.filter(case_id=case.id).count() < 2:
            raise MissingRecords(
                N_("An agreement needs at least two parties: add the other party first.")
            )
        changes |= {
            "outcome": AGREEMENT,
            "agreed_at": now,
            "follow_up_due": now.date() + timedelta(days=follow_up_days),
        }
    elif action == "not_resolved":
        if not reason:
            raise MediationError(N_("Say why the dispute was not resolved."), field="reason")
        changes |= {
            "outcome": NOT_RESOLVED,
            "follow_up_due": now.date() + timedelta(days=follow_up_days),
        }
    elif action == "refer":
        if step.target not in REFERRAL_TARGETS:
            raise MediationError(N_("Choose where the case is referred to."), field="target")
        if not reason:
            raise MediationError(N_("Say why the case is referred."), field="reason")
        changes |= {"outcome": REFERRED, "referred_to": step.target, "closed_at": now}
    elif action == "close":
        if not await Session.exists(case_id=case.id):
            raise MissingRecords(N_("A case cannot close without at least one session record."))
        if case.outcome == AGREEMENT and not await FollowUp.exists(case_id=case.id):
            raise MissingRecords(
                N_("A case with an agreement cannot close without a follow-up visit.")
            )
        changes |= {"closed_at": now}
    if action in ("follow_up", "close") and case.outcome == AGREEMENT:
        missing = await unanswered_parties(case.id)
        if missing:
            raise PartyMissing(
                N_(
                    "No signature or refusal to sign is recorded for %(party)s: record each "
                    "party's answer to the agreement first."
                ),
                party="、".join(p.label for p in missing),
            )
    return changes


async def check_step(
    access: Access,
    action: str,
    step: StepInput | None = None,
    *,
    follow_up_days: int = FOLLOW_UP_DAYS,
) -> None:
    """Raise what :func:`apply` would refuse, writing nothing: a confirmation page is
    asked only for a step that can then be taken."""
    await _prepare(
        access, action, step or StepInput(), follow_up_days=follow_up_days, now=now_utc()
    )


async def apply(
    access: Access,
    action: str,
    step: StepInput | None = None,
    *,
    follow_up_days: int = FOLLOW_UP_DAYS,
    now: datetime | None = None,
) -> Case:
    """Apply one lifecycle step. Refused steps raise and change nothing; applied ones
    are recorded (who, when, why) in the same transaction as the change, which is a
    guarded UPDATE on the state, so two mediators clicking at once apply it once (the
    second hears :class:`AlreadyDone`)."""
    step = step or StepInput()
    now = now or now_utc()
    changes = await _prepare(access, action, step, follow_up_days=follow_up_days, now=now)
    case = access.case
    target = changes["status"]
    reason = step.reason.strip()
    async with in_transaction():
        done = await Case.filter(id=case.id, status=case.status).update(**changes)
        if not done:
            await _refuse_wrong_state(case, target)
        if action == "agree":
            await Agreement.create(
                case_id=case.id, facts=step.facts.strip(), terms=step.terms.strip(),
                deadline=step.deadline, created_by=access.actor.account, created_at=now,
            )  # fmt: skip
        await Transition.create(
            case_id=case.id, action=action, from_status=case.status, to_status=target,
            actor=access.actor.account, reason=reason or step.target, at=now,
        )  # fmt: skip
        await audit(
            f"mediation.case.{action}", actor=access.actor, community_id=case.community_id,
            obj=case, before={"status": case.status}, after={"status": target},
        )  # fmt: skip
        if target == ACCEPTED:
            await _tell_parties(case, CASE_ACCEPTED, {})
        if target in FINISHED:
            rows = await Party.filter(case_id=case.id, person_id__isnull=False).values("person_id")
            await _announce("mediation.case_closed", case, sorted({r["person_id"] for r in rows}))
    for name, value in changes.items():
        setattr(case, name, value)
    return case


async def _tell_parties(case: Case, kind: Any, values: dict[str, str]) -> None:
    """Tell every party of the case who is in the register (the respondent too)."""
    ids = await Party.filter(case_id=case.id, person_id__isnull=False).values_list(
        "person_id", flat=True
    )
    people = list(await Person.filter(id__in=set(ids)))
    community = await Community.get(id=case.community_id)
    await notify(
        people, kind, subject=str(case.id), values=values, community=community,
        link=f"/c/{community.slug}/mediation/cases/{case.id}",
    )  # fmt: skip


async def escalate_case(access: Access, reason: str, *, now: datetime | None = None) -> Node:
    """Move the case up the party organisation (building group → estate branch →
    community committee) with the core's escalation, recording it in the case history.
    Those who see it by ``view_all`` at the old level only lose sight of it; assigned
    mediators keep it."""
    if not access.staff:
        raise NotAllowed()
    case = access.case
    if case.status in FINISHED:
        raise WrongState()
    now = now or now_utc()
    try:
        async with in_transaction():
            community = await Community.get(id=case.community_id)
            above = await escalate(
                case, access.actor, reason, subject=f"#{case.id}",
                link=f"/c/{community.slug}/mediation/cases/{case.id}",
            )  # fmt: skip
            await Case.filter(id=case.id).update(escalations=F("escalations") + 1)
            await Transition.create(
                case_id=case.id, action="escalate", from_status=case.status,
                to_status=case.status, actor=access.actor.account, reason=reason.strip(),
                at=now,
            )  # fmt: skip
    except EscalationError as exc:
        message = _ESCALATION_MESSAGES.get(type(exc), N_("The case cannot be escalated."))
        field = "reason" if isinstance(exc, ReasonMissing) else ""
        raise MediationError(message, exc.status, field=field) from None
    case.node = above
    return above


# ----------------------------------------------------------------------------- records


async def add_session(
    access: Access,
    *,
    held_on: date,
    place: str = "",
    attendees: str = "",
    notes: str = "",
    next_steps: str = "",
) -> Session:
    if not access.may_handle:
        raise NotAllowed()
    if access.case.status not in SESSION_STATES:
        raise WrongState()
    session = Session(
        case_id=access.case.id,
        held_on=held_on,
        place=_text(place, 120, N_("Keep the place under %(limit)s characters."), "place"),
        attendees=_text(
            attendees, 300, N_("Keep the attendees under %(limit)s characters."), "attendees"
        ),
        notes=_text(notes, 8000, N_("Keep the notes under %(limit)s characters."), "notes"),
        next_steps=_text(
            next_steps, 4000, N_("Keep the next steps under %(limit)s characters."), "next_steps"
        ),
        recorded_by=access.actor.account,
    )
    async with in_transaction():
        # the state is checked again under the write, so a session never lands on a
        # case that moved on meanwhile
        if not await Case.filter(id=access.case.id, status__in=SESSION_STATES).exists():
            raise WrongState()
        await session.save()
        if held_on >= now_utc().astimezone(current_zone()).date():
            await _tell_parties(
                access.case, SESSION_SCHEDULED, {"day": held_on.isoformat(), "place": place or "-"}
            )
        await audit(
            "mediation.session.add", actor=access.actor, community_id=access.case.community_id,
            obj=session, after={"held_on": held_on.isoformat()},
        )  # fmt: skip
    return session


async def add_follow_up(
    access: Access, *, visited_on: date, kept: bool = True, notes: str = ""
) -> FollowUp:
    """Record a follow-up visit (回访); it settles the case's due follow-up."""
    if not access.may_handle:
        raise NotAllowed()
    if access.case.status not in VISIT_STATES:
        raise WrongState()
    async with in_transaction():
        done = await Case.filter(id=access.case.id, status__in=VISIT_STATES).update(
            follow_up_due=None
        )
        if not done:
            raise WrongState()
        visit = await FollowUp.create(
            case_id=access.case.id, visited_on=visited_on, kept=kept,
            notes=_text(notes, 4000, N_("Keep the notes under %(limit)s characters."), "notes"),
            recorded_by=access.actor.account,
        )  # fmt: skip
        await audit(
            "mediation.follow_up.add", actor=access.actor, community_id=access.case.community_id,
            obj=visit, after={"kept": kept},
        )  # fmt: skip
    access.case.follow_up_due = None
    return visit


async def record_signature(
    access: Access, party_id: int, signed_on: date, *, refused: bool = False, note: str = ""
) -> Signature:
    """A mediator records a party's answer to the printed agreement: signed on a day,
    or refused to sign (``refused``, with a ``note`` on why). Every party must answer
    before the case goes on to its follow-up."""
    if not access.may_handle:
        raise NotAllowed()
    agreement = await Agreement.get_or_none(case_id=access.case.id)
    if agreement is None:
        raise WrongState()
    party = await Party.get_or_none(id=party_id, case_id=access.case.id)
    if party is None:
        raise MediationError(N_("Choose a party of this case."), field="party")
    note = _text(note, 200, N_("Keep the note under %(limit)s characters."), "note")
    try:
        async with in_transaction():
            signature = await Signature.create(
                agreement=agreement, party=party, signed_on=signed_on, refused=refused,
                note=note, recorded_by=access.actor.account,
            )  # fmt: skip
            await audit(
                "mediation.agreement.refuse" if refused else "mediation.agreement.sign",
                actor=access.actor, community_id=access.case.community_id, obj=signature,
                after={"party": party.id, "signed_on": signed_on.isoformat()},
            )  # fmt: skip
    except IntegrityError:
        raise MediationError(
            N_("This party's answer to the agreement is already recorded."), field="party"
        ) from None
    return signature


async def add_attachment(
    access: Access, *, data: bytes, filename: str, title: str, shared: bool = False
) -> Attachment:
    """Store a document with the case (PDF, JPEG or PNG, checked by the core)."""
    if not access.may_handle:
        raise NotAllowed()
    title = (
        _text(title, 120, N_("Keep the title under %(limit)s characters."), "title")
        or filename[:120]
    )
    async with in_transaction():
        try:
            upload = await save_file(
                access.case.community_id, data, filename=filename, by=access.actor.account
            )
        except UploadRefused as exc:
            exc.field = "file"  # the core's refusal is about the attachment form's file
            raise
        attachment = await Attachment.create(
            case_id=access.case.id, upload=upload, title=title, shared=shared,
            added_by=access.actor.account,
        )  # fmt: skip
        await audit(
            "mediation.attachment.add", actor=access.actor,
            community_id=access.case.community_id, obj=attachment, after={"title": title},
        )  # fmt: skip
    return attachment


async def attachment_file(access: Access, attachment_id: int) -> Upload:
    """The stored file of one of the case's attachments; staff see all, parties the
    shared ones. Anything else is :class:`CaseNotFound`."""
    attachment = await Attachment.get_or_none(id=attachment_id, case_id=access.case.id)
    if attachment is None or attachment.upload_id is None:
        raise CaseNotFound()
    if not (access.staff or (access.party and attachment.shared)):
        raise CaseNotFound()
    upload = await Upload.get_or_none(id=attachment.upload_id)
    if upload is None:
        raise CaseNotFound()
    return upload


# ----------------------------------------------------------------------------- reading


@dataclass
class CaseView:
    """What a visitor sees of a case. For a party, the internal parts are left empty,
    not hidden by the template: they are never loaded."""

    access: Access
    parties: list[Party]
    history: list[Transition]
    sessions: list[Session]
    agreement: Agreement | None
    signatures: dict[int, Signature]
    follow_ups: list[FollowUp]
    attachments: list[Attachment]
    assignments: list[Assignment] = field(default_factory=list)
    #: when a resident asked (``None`` for a case taken in directly)
    requested_at: datetime | None = None
    #: when the case was accepted (taken in, or a request accepted); ``None`` until then
    accepted_at: datetime | None = None


async def _dates(case: Case) -> tuple[datetime | None, datetime | None]:
    """When the case was requested and when accepted, from its history (one query)."""
    steps = dict(
        reversed(
            await Transition.filter(case_id=case.id, action__in=("request", "intake", "accept"))
            .order_by("at", "id")
            .values_list("action", "at")
        )
    )
    return steps.get("request"), steps.get("intake") or steps.get("accept")


async def case_view(access: Access) -> CaseView:
    case = access.case
    requested_at, accepted_at = await _dates(case)
    parties = await Party.filter(case_id=case.id)
    agreement = await Agreement.get_or_none(case_id=case.id)
    signatures = (
        {s.party_id: s for s in await Signature.filter(agreement_id=agreement.id)}
        if agreement
        else {}
    )
    fields = ("id", "case_id", "title", "shared", "created_at")
    if not access.staff:
        return CaseView(
            access, parties, [],
            await Session.filter(case_id=case.id).only("id", "case_id", "held_on", "place"),
            agreement, signatures, [],
            await Attachment.filter(case_id=case.id, shared=True).only(*fields),
            requested_at=requested_at, accepted_at=accepted_at,
        )  # fmt: skip
    return CaseView(
        access,
        parties,
        await Transition.filter(case_id=case.id).select_related("actor"),
        await Session.filter(case_id=case.id).select_related("recorded_by"),
        agreement,
        signatures,
        await FollowUp.filter(case_id=case.id),
        await Attachment.filter(case_id=case.id).only(*fields),
        await Assignment.filter(case_id=case.id).select_related("account__person"),
        requested_at,
        accepted_at,
    )


@dataclass
class Dashboard:
    overdue_follow_ups: list[Case]
    past_limit: list[Case]
    overdue_count: int
    past_limit_count: int
    open_count: int


async def dashboard(
    actor: Actor,
    community: Community,
    *,
    today: date,
    zone: tzinfo,
    time_limit_days: int = TIME_LIMIT_DAYS,
    limit: int = 5,
) -> Dashboard | None:
    """The mediator's dashboard: overdue follow-ups and cases open past the time limit,
    among the cases they handle. ``None`` for visitors who handle none.

    ``today`` is the site's day in ``zone`` (the site's time zone): a case is late from
    the start of that local day ``time_limit_days`` ago, not from UTC midnight."""
    if actor.is_anonymous:
        return None
    mine = handled_cases(actor, community)
    overdue = mine.filter(status__in=VISIT_STATES, follow_up_due__lt=today)
    since = datetime.combine(today - timedelta(days=time_limit_days), datetime.min.time(), zone)
    late = mine.filter(status__in=(REQUESTED, ACCEPTED, IN_MEDIATION), opened_at__lt=since)
    open_count = await mine.filter(status__in=OPEN_STATES).count()
    if not open_count and not await mine.exists():
        return None
    return Dashboard(
        await overdue.order_by("follow_up_due", "id").limit(limit),
        await late.order_by("opened_at", "id").limit(limit),
        await overdue.count(),
        await late.count(),
        open_count,
    )


# ----------------------------------------------------------------------------- figures


@dataclass
class Figures:
    """Anonymised counts: no names, no summaries, small cells suppressed."""

    year: int
    total: int
    by_category: list[tuple[str, str]]
    by_outcome: list[tuple[str, str]]
    by_studio: list[tuple[str, str]]
    by_month: list[str]
    resolved_share: int | None
    average_days_to_agreement: float | None
    referred: str
    escalated: str


def shown(count: int) -> str:
    """A count as shown in figures: small non-zero counts are suppressed."""
    if 0 < count < SMALL_CELL:
        return f"<{SMALL_CELL}"
    return str(count)


async def figures(community: Community, year: int, *, zone: tzinfo) -> Figures:
    """The year's figures, from one query whatever the number of cases. ``zone`` is the
    site's time zone (``settings.zone``): a year and its months are local ones."""
    start = datetime(year, 1, 1, tzinfo=zone)
    end = datetime(year + 1, 1, 1, tzinfo=zone)
    rows = await Case.filter(
        community_id=community.id, opened_at__gte=start, opened_at__lt=end
    ).values_list("category", "outcome", "studio__name", "opened_at", "agreed_at", "escalations")
    categories: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    studios: Counter[str] = Counter()
    months = [0] * 12
    days: list[float] = []
    decided = resolved = escalated = 0
    for category, outcome, studio, opened, agreed, escalations in rows:
        categories[category] += 1
        outcomes[outcome] += 1
        studios[studio or ""] += 1
        months[opened.astimezone(zone).month - 1] += 1
        if escalations:
            escalated += 1
        if outcome:
            decided += 1
            if outcome == AGREEMENT and not escalations:
                resolved += 1
        if agreed is not None:
            days.append((agreed - opened).total_seconds() / 86400)
    return Figures(
        year=year,
        total=len(rows),
        by_category=[(key, shown(categories[key])) for key in CATEGORIES],
        by_outcome=[(key, shown(outcomes[key])) for key in OUTCOME_LABELS],
        by_studio=[(name, shown(n)) for name, n in sorted(studios.items())],
        by_month=[shown(n) for n in months],
        resolved_share=round(100 * resolved / decided) if decided >= SMALL_CELL else None,
        average_days_to_agreement=round(sum(days) / len(days), 1)
        if len(days) >= SMALL_CELL
        else None,
        referred=shown(outcomes[REFERRED]),
        escalated=shown(escalated),
    )


# ----------------------------------------------------------------------------- studios


async def studios(community: Community) -> list[Studio]:
    return await Studio.filter(community_id=community.id, active=True).select_related(
        "host", "node"
    )


async def create_studio(
    community: Community,
    *,
    name: str,
    name_en: str = "",
    node: Node,
    host: Person | None = None,
    opening_hours: str = "",
    specialties: str = "",
) -> Studio:
    if node.community_id != community.id:
        raise MediationError(N_("Choose a place of this community."))
    return await Studio.create(
        community_id=community.id, name=name, name_en=name_en, node=node, host=host,
        opening_hours=opening_hours, specialties=specialties,
    )  # fmt: skip


# ----------------------------------------------------------------------------- the home


def home_items(community: Community, actor: Actor) -> list[HomeItem]:
    """A mediator's (or supervisor's) open cases; a party's own open case. A count only:
    what a case is about stays on its page, behind the page's own check."""
    person_id = _person_id(actor)
    items = [
        HomeItem(
            N_("My cases"),
            "",
            handled_cases(actor, community).exclude(status__in=FINISHED).count(),
            note=N_("open mediation cases you work on"),
            order=45,
        )
    ]
    if person_id is None:
        return items
    mine = Subquery(Party.filter(person_id=person_id).values("case_id"))
    return [
        *items,
        HomeItem(
            N_("My mediation"),
            "",
            Case.filter(community_id=community.id, id__in=mine)
            .exclude(status__in=FINISHED)
            .count(),
            note=N_("a case you are a party to is open"),
            order=46,
        ),
    ]
