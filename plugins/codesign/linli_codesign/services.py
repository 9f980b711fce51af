"""The rules of participatory design. No HTTP here: routes, the event handler and the
demo data call these functions.

- A project moves through its stages in order, one step at a time, never back; the
  current stage decides what residents may do, and anything else is refused with a
  clear message before anything is written.
- Taking part needs a resident record whose current household lies inside the
  project's place node (and the minimum age, when the project sets one).
- One ballot per eligible resident: a unique (project, person) row in ``Voter``. The
  choices go to ``Ballot`` without the voter and are shuffled among the ballots already
  cast (see :func:`cast_ballot`); the results exist only after the vote has closed.
"""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, cast
from zoneinfo import ZoneInfo

from tortoise.exceptions import IntegrityError
from tortoise.expressions import RawSQL
from tortoise.transactions import in_transaction

from linli.kit import (
    N_,
    Actor,
    Community,
    Membership,
    Node,
    Person,
    Refusal,
    ServiceVerified,
    audit,
    community_root,
    current_zone,
    emit,
    natural_key,
    notify,
    save_image,
)
from linli_codesign.events import ProjectCreated, ProjectRequested
from linli_codesign.models import (
    BUILD,
    CLOSED,
    CONFIRMED,
    DECLINED,
    DESIGN,
    DESIGN_KIND,
    EVALUATE,
    IDEA,
    IDEAS,
    ITEM,
    OFFERED,
    STAGES,
    TIME,
    VOTE,
    Ballot,
    Comment,
    Contribution,
    Project,
    Proposal,
    Support,
    SurveyAnswer,
    Task,
    Update,
    Voter,
)
from linli_codesign.notifications import VOTE_CLOSED, VOTE_OPEN

MAX_TITLE = 120
MAX_TEXT = 4000
MAX_REASON = 300
MAX_COMMENT = 1000
MAX_DESCRIPTION = 300
MAX_TASK = 200
MAX_SURVEY_COMMENT = 500
MAX_HOURS = Decimal(24)
#: The largest id a row can have (PostgreSQL's integer column).
MAX_ID = 2**31 - 1
PER_PAGE = 30
#: Pages beyond this one are empty anyway; the bound keeps the offset a small number.
MAX_PAGE = 10_000
COMMENTS_PER_PAGE = 50
#: Street bank categories that a project may credit (the keys of its demo categories).
TIME_CATEGORIES = {
    "clean-up": N_("Clean-up"),
    "skills": N_("Skilled help"),
    "elder-care": N_("Elder care"),
    "child-care": N_("Children's care"),
    "patrol": N_("Safety patrol"),
    "meal-delivery": N_("Meal delivery"),
}
CATEGORY_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{1,47}$")
PLACE_KINDS = ("community", "estate", "building", "facility")

STAGE_LABELS = {
    IDEAS: N_("Collect ideas"),
    DESIGN: N_("Co-design"),
    VOTE: N_("Vote"),
    BUILD: N_("Build"),
    EVALUATE: N_("Evaluate"),
    CLOSED: N_("Finished"),
}
#: What residents may do in each stage (shown on the project page).
STAGE_HINTS = {
    IDEAS: N_("Residents share ideas, comment and support the ideas they like."),
    DESIGN: N_("Residents propose designs with drawings or photos, and discuss them."),
    VOTE: N_(
        "Each eligible resident casts one secret ballot. Results appear when the vote closes."
    ),
    BUILD: N_("Residents give their time or donate items; progress is posted here."),
    EVALUATE: N_("Residents say how satisfied they are with the result."),
    CLOSED: N_("The project is finished."),
}
KIND_LABELS = {IDEA: N_("Ideas"), DESIGN_KIND: N_("Designs")}
CONTRIBUTION_STATES = {
    OFFERED: N_("Waiting for confirmation"),
    CONFIRMED: N_("Confirmed"),
    DECLINED: N_("Declined"),
}


class CodesignError(Refusal):
    """A rule of the codesign refused the request; nothing was changed."""

    message = N_("This cannot be done in this project.")


class WrongStage(CodesignError):
    message = N_("This is not possible in the project's current stage (%(stage)s).")
    status = 409


class NotEligible(CodesignError):
    message = N_("Only residents living in %(place)s take part in this project.")
    status = 403


class AlreadyDone(CodesignError):
    """What was asked is already done (a second vote, a double-posted idea, a double
    click): nothing was changed, and the page shows the state as it is rather than an
    error. ``done`` is the row that already holds it (a ballot's voter, the idea, the
    task): the visitor is shown where it is."""

    status = 409

    def __init__(self, message: str | None = None, *, done: Any, **values: Any):
        super().__init__(message, **values)
        self.done = done


class AlreadyVoted(AlreadyDone):
    message = N_("You have already voted in this project.")


class AlreadyAnswered(AlreadyDone):
    message = N_("You have already answered the survey of this project.")


class AlreadyMoved(AlreadyDone):
    message = N_("The project has already moved on; here it is as it stands.")


class AlreadyDecided(AlreadyDone):
    message = N_("This contribution was already decided.")


class AlreadyHidden(AlreadyDone):
    message = N_("This was already hidden.")


class AlreadySubmitted(AlreadyDone):
    message = N_("You already shared this; it is shown here.")


class ResultsHidden(CodesignError):
    message = N_("The results are shown when the vote has closed.")
    status = 403


class NotAllowed(CodesignError):
    message = N_("You may not do this.")
    status = 403


def now_utc() -> datetime:
    return datetime.now(UTC)


def today(zone: ZoneInfo | None = None) -> date:
    """Today in ``zone``, by default the zone of the site this process serves."""
    return now_utc().astimezone(zone or current_zone()).date()


def project_url(community: Community, project_id: int) -> str:
    return f"/c/{community.slug}/codesign/projects/{project_id}"


def safe_link(url: str) -> str:
    """A link from another plugin's event, kept only if it is a path or a web address
    (never ``javascript:`` and the like)."""
    url = (url or "").strip()[:300]
    return url if url.startswith(("/", "https://", "http://")) else ""


def stage_index(stage: str) -> int:
    return STAGES.index(stage)


def _clean(text: str, limit: int, required: str | None = None, *, field: str = "") -> str:
    """``text`` without surrounding blanks; refused (about ``field``) when empty and
    ``required`` (the message) is given, or when longer than ``limit``."""
    text = (text or "").strip()
    if required is not None and not text:
        raise CodesignError(required, field=field)
    if len(text) > limit:
        raise CodesignError(
            N_("The text is too long: at most %(limit)s characters."), field=field, limit=limit
        )
    return text


def ballot_choice(raw: str) -> int:
    """A design's id as the ballot posts it; anything else is not on the ballot."""
    raw = raw.strip()
    if not re.fullmatch(r"\d{1,9}", raw):
        raise CodesignError(N_("Choose among the designs on the ballot."), field="choice")
    return int(raw)


def score_of(raw: str) -> int:
    """The survey's score as posted; 0 (refused by :func:`answer_survey`) if not a number."""
    raw = (raw or "").strip()
    return int(raw) if re.fullmatch(r"\d{1,2}", raw) else 0


def _require_stage(project: Project, *stages: str) -> None:
    if project.stage not in stages:
        raise WrongStage(stage=STAGE_LABELS[project.stage])


# ----------------------------------------------------------------------------- projects


async def place_choices(community: Community, language: str = "zh_CN") -> list[Node]:
    """The place nodes a project may be for: the community, its estates, buildings and
    facilities (not single flats), as a tree (each node after its parent) whose
    siblings follow in natural order of their names: 2栋 before 10栋."""
    nodes = await Node.filter(community_id=community.id, tree="place", kind__key__in=PLACE_KINDS)
    names = {node.id: natural_key(node.name_in(language)) for node in nodes}

    def tree_key(node: Node) -> tuple[Any, ...]:
        return tuple(names[i] for i in node.ancestor_ids() if i in names)

    return sorted(nodes, key=tree_key)


def check_dates(dates: dict[str, date | None]) -> dict[str, date | None]:
    """Stage dates must not go backwards: each given date is on or after the ones
    before it. Returns the dates keyed by stage."""
    last: date | None = None
    for stage in STAGES:
        day = dates.get(stage)
        if day is None:
            continue
        if last is not None and day < last:
            raise CodesignError(
                N_("The stages' dates must follow each other in order."), field=f"{stage}_on"
            )
        last = day
    return {stage: dates.get(stage) for stage in STAGES}


async def project_place(community: Community, place_id: int | None, actor: Actor) -> Node:
    """The place a worker chose for a new project: a place of this community, where
    they may run projects."""
    place = None
    if place_id is not None and 0 < place_id <= MAX_ID:
        place = await Node.get_or_none(id=place_id, community_id=community.id, tree="place")
    if place is None:
        raise CodesignError(N_("Choose a place of this community."), field="place")
    if not actor.can("codesign.manage", place):
        raise NotAllowed(N_("You may not run projects at this place."), field="place")
    return place


async def create_project(
    community: Community,
    *,
    title: str,
    place: Node | None,
    summary: str = "",
    actor: Actor | None = None,
    min_age: int | None = None,
    max_choices: int = 1,
    time_category: str = "clean-up",
    dates: dict[str, date | None] | None = None,
    topic_id: int | None = None,
    topic_url: str = "",
    once: bool = False,
) -> Project:
    """Create a project in its first stage and emit ``codesign.project_created``.

    With ``once`` (a worker's form), the same title at the same place while a project
    there is still under way is the same project posted twice: :class:`AlreadySubmitted`
    with that project."""
    title = _clean(title, MAX_TITLE, N_("A project needs a title."), field="title")
    summary = _clean(summary, MAX_TEXT, field="summary")
    if place is None:
        place = await community_root(community)
    if place.community_id != community.id or place.tree != "place":
        raise CodesignError(N_("Choose a place of this community."), field="place")
    if min_age is not None and not 0 <= min_age <= 120:
        raise CodesignError(N_("Enter an age between 0 and 120."), field="min_age")
    if not 1 <= max_choices <= 10:
        raise CodesignError(N_("A ballot may have between 1 and 10 choices."), field="max_choices")
    if not CATEGORY_KEY.match(time_category):
        raise CodesignError(
            N_("Choose a service category for the hours given."), field="time_category"
        )
    planned = check_dates(dates or {})
    if once:
        twin = (
            await Project.filter(community_id=community.id, place_id=place.id, title=title)
            .exclude(stage=CLOSED)
            .first()
        )
        if twin is not None:
            raise AlreadySubmitted(
                N_("This project already exists and is under way; here it is."), done=twin
            )
    async with in_transaction():
        project = await Project.create(
            community_id=community.id,
            place=place,
            title=title,
            summary=summary,
            min_age=min_age,
            max_choices=max_choices,
            time_category=time_category,
            topic_id=topic_id,
            topic_url=safe_link(topic_url),
            created_by=actor.account if actor is not None else None,
            **{f"{stage}_on": day for stage, day in planned.items()},
        )
        await emit(
            "codesign.project_created",
            ProjectCreated(
                project=project.id,
                topic=topic_id,
                title=title,
                url=project_url(community, project.id),
            ),
            community=community,
        )
        if actor is not None:
            await audit(
                "codesign.project.create",
                actor=actor,
                community_id=community.id,
                obj=project,
                after={"title": title, "place": place.id, "topic": topic_id},
            )
    return project


async def project_from_topic(community_id: int, payload: ProjectRequested) -> Project:
    """The project of a council topic, created the first time the topic asks for it.

    Idempotent: (community, topic) is unique, so the same request delivered twice (or
    raced) makes one project."""
    found = await Project.get_or_none(community_id=community_id, topic_id=payload.topic)
    if found is not None:
        return found
    community = await Community.get(id=community_id)
    place = None
    if payload.place is not None:
        place = await Node.get_or_none(id=payload.place, community_id=community_id, tree="place")
    try:
        return await create_project(
            community,
            title=payload.title[:MAX_TITLE] or f"#{payload.topic}",
            summary=payload.summary[:MAX_TEXT],
            place=place,
            topic_id=payload.topic,
            topic_url=payload.topic_url,
        )
    except IntegrityError:
        return await Project.get(community_id=community_id, topic_id=payload.topic)


#: What moving on from each stage stops or starts, for the worker to confirm first.
ADVANCE_CONSEQUENCES = {
    IDEAS: N_("Residents can no longer share ideas; they propose designs instead."),
    DESIGN: N_(
        "Residents can no longer propose designs; the designs go on the ballot and the vote opens."
    ),
    VOTE: N_("The vote closes: no more ballots, and the results are shown to everyone."),
    BUILD: N_("Residents can no longer offer time or items; the satisfaction survey opens."),
    EVALUATE: N_("The survey closes and the project is finished."),
}


async def check_advance(project: Project, *, seen: str | None = None) -> str:
    """The stage ``project`` would move on to, or why it may not: finished already,
    moved on since the worker saw it in stage ``seen`` (:class:`AlreadyMoved`), or a
    vote without any design."""
    if seen and seen != project.stage:
        raise AlreadyMoved(done=project)
    if project.stage == CLOSED:
        raise CodesignError(N_("The project is already finished."))
    following = STAGES[stage_index(project.stage) + 1]
    if following == VOTE:
        designs = await Proposal.filter(
            project_id=project.id, kind=DESIGN_KIND, hidden_reason=""
        ).count()
        if designs == 0:
            raise CodesignError(N_("The vote needs at least one design."))
    return following


async def _tell_participants(project: Project, kind: Any) -> None:
    """Tell everyone who took part in the project: proposed, backed or commented on a
    proposal, or voted."""
    found = [
        *await Proposal.filter(project_id=project.id).values_list("author_id", flat=True),
        *await Support.filter(proposal__project_id=project.id).values_list("person_id", flat=True),
        *await Comment.filter(proposal__project_id=project.id).values_list("author_id", flat=True),
        *await Voter.filter(project_id=project.id).values_list("person_id", flat=True),
    ]
    ids = set(cast("list[int]", found))  # flat value lists: mypy reads them as tuples
    if not ids:
        return
    community = await Community.get(id=project.community_id)
    await notify(
        list(await Person.filter(id__in=ids)), kind, subject=project.title,
        link=project_url(community, project.id), community=community,
    )  # fmt: skip


async def advance(project: Project, *, actor: Actor, on: date, seen: str | None = None) -> Project:
    """Move the project to its next stage, recording the day it started.

    A guarded UPDATE (``stage`` still the one we saw) makes a double click move it
    once; ``seen`` is the stage the worker's page showed, so a form posted twice finds
    the project already moved on. The vote opens only with at least one design."""
    following = await check_advance(project, seen=seen)
    async with in_transaction():
        moved = await Project.filter(id=project.id, stage=project.stage).update(
            stage=following, **{f"{following}_on": on}
        )
        if not moved:
            raise AlreadyMoved(
                N_("The project has already moved on; reload the page."), done=project
            )
        await audit(
            "codesign.project.advance",
            actor=actor,
            community_id=project.community_id,
            obj=project,
            before={"stage": project.stage},
            after={"stage": following},
        )
        if following == VOTE or project.stage == VOTE:
            await _tell_participants(project, VOTE_OPEN if following == VOTE else VOTE_CLOSED)
    project.stage = following
    setattr(project, f"{following}_on", on)
    return project


def stage_rows(project: Project) -> list[dict[str, Any]]:
    """The stages with their dates and whether each is past, current or to come."""
    current = stage_index(project.stage)
    return [
        {
            "key": stage,
            "label": STAGE_LABELS[stage],
            "day": getattr(project, f"{stage}_on"),
            "state": "past" if i < current else "current" if i == current else "future",
        }
        for i, stage in enumerate(STAGES)
    ]


# -------------------------------------------------------------------------- eligibility


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


async def ineligibility(project: Project, place: Node, person_id: int | None, on: date) -> str:
    """Why this person may not take part (a message id), or ``""`` if they may.

    One query: the person's current memberships of households inside the place."""
    if person_id is None:
        return N_("Your account is not linked to a resident record. Ask your community worker.")
    rows = await Membership.filter(
        person_id=person_id,
        person__community_id=project.community_id,
        ended_on__isnull=True,
        household__node__path__startswith=place.path,
    ).values_list("person__birth_date", flat=True)
    if not rows:
        return NotEligible.message
    if project.min_age is not None:
        birth = rows[0]
        if birth is None or age_on(birth, on) < project.min_age:
            return N_("This project is for residents aged %(age)s or over.")
    return ""


async def check_eligible(project: Project, person_id: int | None, on: date) -> Person:
    """The person, if they may take part in ``project``; else :class:`NotEligible`."""
    place = await Node.get(id=project.place_id)
    reason = await ineligibility(project, place, person_id, on)
    if reason:
        raise NotEligible(reason, place=place.name, place_en=place.name_en, age=project.min_age)
    return await Person.get(id=person_id)


# ------------------------------------------------------------ ideas, designs, comments


async def submit_proposal(
    project: Project,
    *,
    person_id: int | None,
    title: str,
    body: str,
    image: bytes | None = None,
    filename: str = "",
    by: Any = None,
    on: date,
) -> Proposal:
    """An idea while ideas are collected, a design during co-design, with an optional
    picture (checked, shrunk and stored by the core's ``save_image``). The same title
    and text from the same resident again is a double post: :class:`AlreadySubmitted`
    with the proposal already there."""
    _require_stage(project, IDEAS, DESIGN)
    title = _clean(title, MAX_TITLE, N_("Give your proposal a short title."), field="title")
    body = _clean(body, MAX_TEXT, field="body")
    person = await check_eligible(project, person_id, on)
    kind = IDEA if project.stage == IDEAS else DESIGN_KIND
    twin = await Proposal.filter(
        project_id=project.id, kind=kind, author_id=person.id, title=title, body=body
    ).first()
    if twin is not None:
        raise AlreadySubmitted(done=twin)
    async with in_transaction():
        upload = None
        if image:
            upload = await save_image(project.community_id, image, filename=filename, by=by)
        return await Proposal.create(
            project_id=project.id,
            kind=kind,
            author=person,
            title=title,
            body=body,
            image=upload,
        )


async def add_comment(
    proposal: Proposal, project: Project, *, person_id: int | None, body: str, on: date
) -> Comment:
    """A comment on a proposal while ideas or designs are discussed. The same text as
    the resident's last comment there is a double post (:class:`AlreadySubmitted`)."""
    _require_stage(project, IDEAS, DESIGN)
    if proposal.hidden:
        raise CodesignError(N_("This proposal was hidden by a moderator."))
    body = _clean(body, MAX_COMMENT, N_("Write a comment first."), field="body")
    person = await check_eligible(project, person_id, on)
    last = (
        await Comment.filter(proposal_id=proposal.id, author_id=person.id).order_by("-id").first()
    )
    if last is not None and last.body == body:
        raise AlreadySubmitted(done=last)
    return await Comment.create(proposal_id=proposal.id, author=person, body=body)


async def support(proposal: Proposal, project: Project, *, person_id: int | None, on: date) -> bool:
    """Support a proposal, once per resident; ``False`` when they already did."""
    _require_stage(project, IDEAS, DESIGN)
    if proposal.hidden:
        raise CodesignError(N_("This proposal was hidden by a moderator."))
    person = await check_eligible(project, person_id, on)
    try:
        async with in_transaction():
            await Support.create(proposal_id=proposal.id, person=person)
    except IntegrityError:
        return False
    return True


async def _hide(
    model: type[Comment] | type[Proposal], row: Any, reason: str, actor: Actor, community_id: int
) -> Any:
    if row.hidden_reason:
        raise AlreadyHidden(done=row)
    reason = _clean(reason, MAX_REASON, N_("Give the reason for hiding it."), field="reason")
    async with in_transaction():
        hidden = await model.filter(id=row.id, hidden_reason="").update(
            hidden_reason=reason, hidden_by_id=actor.account.id if actor.account else None
        )
        if not hidden:
            raise AlreadyHidden(done=row)
        await audit(
            f"codesign.{model.__name__.lower()}.hide",
            actor=actor,
            community_id=community_id,
            obj=row,
            after={"reason": reason},
        )
    row.hidden_reason = reason
    return row


async def hide_comment(comment: Comment, *, reason: str, actor: Actor) -> Comment:
    """Hide a comment with a reason shown in its place; the text is kept."""
    project = await Project.get(proposals__id=comment.proposal_id)
    return await _hide(Comment, comment, reason, actor, project.community_id)


async def hide_proposal(
    proposal: Proposal, project: Project, *, reason: str, actor: Actor
) -> Proposal:
    """Hide a proposal with a reason. Designs can no longer be hidden once the vote
    opened: that would change the ballot."""
    if proposal.kind == DESIGN_KIND and stage_index(project.stage) >= stage_index(VOTE):
        raise CodesignError(N_("A design cannot be hidden once the vote has opened."))
    return await _hide(Proposal, proposal, reason, actor, project.community_id)


# ------------------------------------------------------------------------------- vote


async def ballot_options(project: Project) -> list[Proposal]:
    """The designs on the ballot: every design not hidden, oldest first."""
    return (
        await Proposal.filter(project_id=project.id, kind=DESIGN_KIND, hidden_reason="")
        .order_by("id")
        .select_related("author")
    )


async def cast_ballot(
    project: Project, *, person_id: int | None, choices: Iterable[int], on: date,
    rng: random.Random | None = None,
) -> None:  # fmt: skip
    """Record that the person voted and, separately, their anonymous choices.

    The ballot row gets a random UUID and no time. Then it swaps its content with a
    ballot chosen uniformly among those already cast (the inside-out Fisher–Yates
    shuffle): whatever order the rows are stored in, it is a random permutation of the
    voters. The swap is a guarded UPDATE (the other ballot still holds what we read), so
    a concurrent swap is retried rather than lost."""
    _require_stage(project, VOTE)
    person = await check_eligible(project, person_id, on)
    voted = await Voter.filter(project_id=project.id, person_id=person.id).first()
    if voted is not None:
        raise AlreadyVoted(done=voted)
    chosen = sorted(set(choices))
    if not chosen:
        raise CodesignError(N_("Choose at least one design."), field="choice")
    if len(chosen) > project.max_choices:
        raise CodesignError(
            N_("Choose at most %(n)s designs."), field="choice", n=project.max_choices
        )
    valid = set(
        await Proposal.filter(
            project_id=project.id, kind=DESIGN_KIND, hidden_reason="", id__in=chosen
        ).values_list("id", flat=True)
    )
    if valid != set(chosen):
        raise CodesignError(N_("Choose among the designs on the ballot."), field="choice")
    mine = ",".join(str(i) for i in chosen)
    rng = rng or random.SystemRandom()
    try:
        async with in_transaction():
            await Voter.create(project_id=project.id, person=person)
            own = await Ballot.create(id=uuid.uuid4(), project_id=project.id, choices=mine)
            await _shuffle_in(project.id, own, mine, rng)
    except IntegrityError:  # a ballot of the same voter, cast at the same moment
        voted = await Voter.get(project_id=project.id, person_id=person.id)
        raise AlreadyVoted(done=voted) from None


async def _shuffle_in(project_id: int, own: Ballot, mine: str, rng: random.Random) -> None:
    for _ in range(5):
        others = await Ballot.filter(project_id=project_id).exclude(id=own.id).count()
        k = rng.randrange(others + 1)
        if k == others:
            return  # this ballot keeps its own place
        other = (
            await Ballot.filter(project_id=project_id)
            .exclude(id=own.id)
            .order_by("id")
            .offset(k)
            .first()
        )
        if other is None:
            continue
        if await Ballot.filter(id=other.id, choices=other.choices).update(choices=mine):
            await Ballot.filter(id=own.id).update(choices=other.choices)
            return


@dataclass
class Results:
    """The counted vote: ``rows`` as (design, votes) by votes then by design id,
    ``winners`` every design with the most votes (several when tied)."""

    ballots: int
    rows: list[tuple[Proposal, int]]
    winners: list[Proposal] = field(default_factory=list)

    @property
    def tie(self) -> bool:
        return len(self.winners) > 1


def count_ballots(ballots: Iterable[str], design_ids: Iterable[int]) -> list[tuple[int, int]]:
    """Votes per design from the ballots' choices: the same input gives the same list,
    ordered by votes (most first) then by design id, whatever the ballots' order."""
    votes = dict.fromkeys(design_ids, 0)
    for ballot in ballots:
        for part in ballot.split(","):
            if part and int(part) in votes:
                votes[int(part)] += 1
    return sorted(votes.items(), key=lambda pair: (-pair[1], pair[0]))


async def results(project: Project) -> Results:
    """The results, only once the vote has closed (the project is past the vote)."""
    if stage_index(project.stage) <= stage_index(VOTE):
        raise ResultsHidden()
    designs = {d.id: d for d in await ballot_options(project)}
    ballots = await Ballot.filter(project_id=project.id).values_list("choices", flat=True)
    counted = count_ballots(ballots, designs)
    rows = [(designs[i], n) for i, n in counted]
    top = counted[0][1] if counted else 0
    winners = [designs[i] for i, n in counted if n == top and n > 0]
    return Results(len(ballots), rows, winners)


# ------------------------------------------------------------------------------ build


def parse_hours(raw: str) -> Decimal:
    message = N_("Enter the hours as a number, at most 24.")
    try:
        hours = Decimal(str(raw).strip())
    except InvalidOperation:
        raise CodesignError(message, field="hours") from None
    if not hours.is_finite() or hours <= 0 or hours > MAX_HOURS:
        raise CodesignError(message, field="hours")
    return hours.quantize(Decimal("0.01"))


async def offer_contribution(
    project: Project, *, person_id: int | None, kind: str, hours: str, description: str,
    on: date, recorded_by: Actor | None = None,
) -> Contribution:  # fmt: skip
    """A resident offers time (hours) or a donated item to the build; or a worker
    (``recorded_by``) records it on the resident's behalf. A worker confirms it later.
    The same offer again while the first waits is a double post (:class:`AlreadySubmitted`)."""
    _require_stage(project, BUILD)
    if kind not in (TIME, ITEM):
        raise CodesignError(N_("Choose time or an item."), field="kind")
    description = _clean(
        description, MAX_DESCRIPTION, N_("Say what you did or what you give."), field="description"
    )
    amount = parse_hours(hours) if kind == TIME else None
    person = await check_eligible(project, person_id, on)
    twin = await Contribution.filter(
        project_id=project.id, person_id=person.id, kind=kind, hours=amount,
        description=description, status=OFFERED,
    ).first()  # fmt: skip
    if twin is not None:
        raise AlreadySubmitted(
            N_("This contribution is already waiting for confirmation."), done=twin
        )
    async with in_transaction():
        contribution = await Contribution.create(
            project_id=project.id, person=person, kind=kind, hours=amount,
            description=description,
        )  # fmt: skip
        if recorded_by is not None:
            await audit(
                "codesign.contribution.record",
                actor=recorded_by,
                community_id=project.community_id,
                obj=contribution,
                on_behalf_of=person,
                after={"kind": kind, "hours": str(amount or ""), "description": description},
            )
    return contribution


def check_decision(contribution: Contribution, *, actor: Actor) -> None:
    """Whether ``actor`` may decide ``contribution`` now: not their own, and not
    decided already (:class:`AlreadyDecided`)."""
    own_person = actor.account.person_id if actor.account is not None else None
    if own_person is not None and own_person == contribution.person_id:
        raise NotAllowed(N_("You may not confirm your own contribution."))
    if contribution.status != OFFERED:
        raise AlreadyDecided(done=contribution)


async def decide_contribution(
    contribution: Contribution, project: Project, *, confirm: bool, actor: Actor,
    now: datetime | None = None,
) -> Contribution:  # fmt: skip
    """A worker confirms (or declines) a contribution, once. Confirmed time emits
    the shared ``service.verified`` in the same transaction, with the reference
    ``codesign-contribution-<id>`` so the street bank credits it once."""
    check_decision(contribution, actor=actor)
    status = CONFIRMED if confirm else DECLINED
    moment = now or now_utc()
    async with in_transaction():
        changed = await Contribution.filter(id=contribution.id, status=OFFERED).update(
            status=status, decided_by_id=actor.account.id if actor.account else None,
            decided_at=moment,
        )  # fmt: skip
        if not changed:
            raise AlreadyDecided(done=contribution)
        if confirm and contribution.kind == TIME and contribution.hours:
            await emit(
                "service.verified",
                ServiceVerified(
                    person=contribution.person_id,
                    source="codesign",
                    reference=f"codesign-contribution-{contribution.id}",
                    category=project.time_category,
                    hours=float(contribution.hours),
                ),
                community=project.community_id,
            )
        await audit(
            f"codesign.contribution.{status}",
            actor=actor,
            community_id=project.community_id,
            obj=contribution,
            after={"status": status},
        )
    contribution.status = status
    return contribution


async def add_update(
    project: Project, *, body: str, actor: Actor, image: bytes | None = None, filename: str = ""
) -> Update:
    """A progress update with an optional photo, during the build or the evaluation.
    The text of the latest update again is a double post (:class:`AlreadySubmitted`)."""
    _require_stage(project, BUILD, EVALUATE)
    body = _clean(body, MAX_TEXT, N_("Write what has been done."), field="body")
    last = await Update.filter(project_id=project.id).order_by("-id").first()
    if last is not None and last.body == body:
        raise AlreadySubmitted(N_("This update is already posted."), done=last)
    async with in_transaction():
        upload = None
        if image:
            upload = await save_image(
                project.community_id, image, filename=filename, by=actor.account
            )
        update = await Update.create(
            project_id=project.id, body=body, image=upload, author=actor.account
        )
        await audit("codesign.update.add", actor=actor, community_id=project.community_id,
                    obj=update)  # fmt: skip
    return update


async def add_task(project: Project, *, title: str, actor: Actor) -> Task:
    """A task of the build; a title already on the list is :class:`AlreadySubmitted`."""
    _require_stage(project, DESIGN, VOTE, BUILD)
    title = _clean(title, MAX_TASK, N_("Give the task a title."), field="title")
    twin = await Task.filter(project_id=project.id, title=title).first()
    if twin is not None:
        raise AlreadySubmitted(N_("This task is already on the list."), done=twin)
    async with in_transaction():
        task = await Task.create(project_id=project.id, title=title)
        await audit("codesign.task.add", actor=actor, community_id=project.community_id,
                    obj=task)  # fmt: skip
    return task


async def finish_task(task: Task, project: Project, *, actor: Actor) -> Task:
    """Tick a task off, once: a second tick is :class:`AlreadyDone`."""
    _require_stage(project, BUILD)
    async with in_transaction():
        if not await Task.filter(id=task.id, done=False).update(done=True):
            raise AlreadyDone(N_("This task is already done."), done=task)
        await audit("codesign.task.done", actor=actor, community_id=project.community_id,
                    obj=task)  # fmt: skip
    task.done = True
    return task


# ----------------------------------------------------------------------------- survey


async def answer_survey(
    project: Project, *, person_id: int | None, score: int, comment: str, on: date
) -> SurveyAnswer:
    """One answer per eligible resident while the project is evaluated."""
    _require_stage(project, EVALUATE)
    if score not in (1, 2, 3, 4, 5):
        raise CodesignError(N_("Choose a score from 1 to 5."), field="score")
    comment = _clean(comment, MAX_SURVEY_COMMENT, field="comment")
    person = await check_eligible(project, person_id, on)
    answered = await SurveyAnswer.filter(project_id=project.id, person_id=person.id).first()
    if answered is not None:
        raise AlreadyAnswered(done=answered)
    try:
        async with in_transaction():
            return await SurveyAnswer.create(
                project_id=project.id, person=person, score=score, comment=comment
            )
    except IntegrityError:
        answered = await SurveyAnswer.get(project_id=project.id, person_id=person.id)
        raise AlreadyAnswered(done=answered) from None


def satisfaction(answers: int, satisfied: int) -> int | None:
    """The share of answers of 4 or 5, as a whole percentage; ``None`` without answers."""
    if not answers:
        return None
    return round(100 * satisfied / answers)


# ---------------------------------------------------------------------- page queries


def _count(sql: str) -> RawSQL:
    return RawSQL(f"(SELECT COUNT(*) {sql})")


def _project_counts(person_id: int | None) -> dict[str, RawSQL]:
    """Figures of a project as correlated subqueries, so the page reads them with the
    project in one query. ``person_id`` is an integer from the session, never text."""
    me = int(person_id) if person_id is not None else 0
    of = 'WHERE "project_id"="codesign_project"."id"'
    shown = "\"hidden_reason\"=''"
    return {
        "n_ideas": _count(f'FROM "codesign_proposal" {of} AND "kind"=\'idea\' AND {shown}'),
        "n_designs": _count(f'FROM "codesign_proposal" {of} AND "kind"=\'design\' AND {shown}'),
        "n_voters": _count(f'FROM "codesign_voter" {of}'),
        "n_answers": _count(f'FROM "codesign_answer" {of}'),
        "n_satisfied": _count(f'FROM "codesign_answer" {of} AND "score">=4'),
        "n_contributions": _count(
            f'FROM "codesign_contribution" {of} AND "status"=\'confirmed\''
        ),
        "n_tasks": _count(f'FROM "codesign_task" {of}'),
        "n_tasks_done": _count(f'FROM "codesign_task" {of} AND "done"=TRUE'),
        "me_voted": _count(f'FROM "codesign_voter" {of} AND "person_id"={me}'),
        "me_answered": _count(f'FROM "codesign_answer" {of} AND "person_id"={me}'),
    }  # fmt: skip


async def project_with_figures(
    community_id: int, project_id: int, person_id: int | None
) -> Project | None:
    """The project, its place and its figures (see :func:`_project_counts`): one query."""
    return (
        await Project.filter(id=project_id, community_id=community_id)
        .select_related("place")
        .annotate(**_project_counts(person_id))
        .first()
    )


def _proposal_counts(person_id: int | None) -> dict[str, RawSQL]:
    me = int(person_id) if person_id is not None else 0
    of = 'WHERE "proposal_id"="codesign_proposal"."id"'
    return {
        "n_supports": _count(f'FROM "codesign_support" {of}'),
        "n_comments": _count(f'FROM "codesign_comment" {of}'),
        "me_supports": _count(f'FROM "codesign_support" {of} AND "person_id"={me}'),
    }


async def proposal_page(
    project: Project, kind: str, page: int, person_id: int | None
) -> tuple[list[Proposal], bool]:
    """One page of a project's ideas or designs with their support and comment counts
    (one query); whether a next page exists. Hidden proposals stay listed, marked."""
    page = min(max(page, 1), MAX_PAGE)
    rows = (
        await Proposal.filter(project_id=project.id, kind=kind)
        .select_related("author")
        .annotate(**_proposal_counts(person_id))
        .order_by("-id")
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE + 1)
    )
    return rows[:PER_PAGE], len(rows) > PER_PAGE


async def proposal_with_figures(
    community_id: int, proposal_id: int, person_id: int | None
) -> Proposal | None:
    return (
        await Proposal.filter(id=proposal_id, project__community_id=community_id)
        .select_related("author", "project", "project__place")
        .annotate(**_proposal_counts(person_id))
        .first()
    )


async def comments_page(proposal: Proposal, page: int) -> tuple[list[Comment], bool]:
    page = min(max(page, 1), MAX_PAGE)
    rows = (
        await Comment.filter(proposal_id=proposal.id)
        .select_related("author")
        .order_by("id")
        .offset((page - 1) * COMMENTS_PER_PAGE)
        .limit(COMMENTS_PER_PAGE + 1)
    )
    return rows[:COMMENTS_PER_PAGE], len(rows) > COMMENTS_PER_PAGE


async def summary(community: Community) -> dict[str, Any]:
    """For the dashboard: projects under way and finished, and the latest finished
    project's satisfaction (one query for the stages, one for the figures)."""
    stages = await Project.filter(community_id=community.id).values_list("stage", flat=True)
    latest = (
        await Project.filter(community_id=community.id, stage=CLOSED)
        .annotate(**_project_counts(None))
        .order_by("-closed_on", "-id")
        .first()
    )
    return {
        "running": sum(1 for s in stages if s != CLOSED),
        "finished": sum(1 for s in stages if s == CLOSED),
        "latest": latest,
        "percent": satisfaction(latest.n_answers, latest.n_satisfied) if latest else None,
    }


def shown_name(name: str) -> str:
    """A resident's name as other residents see it: the family name and a star."""
    return (name[:1] + "*") if name else "*"


# ------------------------------------------------------------------ switching it off


async def projects_under_way(community: Community) -> int:
    """Projects not finished: residents would lose their ideas, votes, offers or survey."""
    return await Project.filter(community_id=community.id).exclude(stage=CLOSED).count()


async def contributions_waiting(community: Community) -> int:
    """Contributions no worker has decided yet: their hours would not be credited."""
    return await Contribution.filter(project__community_id=community.id, status=OFFERED).count()
