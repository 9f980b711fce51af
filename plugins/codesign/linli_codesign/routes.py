"""The pages of participatory design: thin controllers that call
:mod:`linli_codesign.services`.

Residents' pages need a login (``logged_in``); what a resident may do is decided by the
rules (stage, place, age), not by a role. Workers' actions need ``codesign.manage`` at
the project's place node (or above it), so a building group can run its building's
project; creating a project needs it at the community's node.

A refused action shows its page again with the message beside the field (each POST
names its page with ``form_page``; see :func:`answer_refusal` for what this plugin adds);
an action already done says so and shows where it is done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.connection import ASGIConnection
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery, MultipartBody, URLEncodedBody
from litestar.response import Redirect, Response, Template

from linli.kit import (
    N_,
    Actor,
    Community,
    Node,
    Refusal,
    UploadRefused,
    addresses,
    as_list,
    community_node,
    confirmation,
    current_actor,
    file_response,
    find_person,
    flash,
    form_page,
    is_confirmed,
    language_of,
    logged_in,
    parse_date,
    parse_int,
    refusal_response,
    requires,
    today_of,
    translate,
)
from linli_codesign import services
from linli_codesign.models import (
    BUILD,
    CONFIRMED,
    DESIGN,
    DESIGN_KIND,
    IDEA,
    IDEAS,
    KINDS,
    STAGES,
    VOTE,
    Comment,
    Contribution,
    Project,
    Proposal,
    SurveyAnswer,
    Task,
    Update,
    Voter,
)
from linli_codesign.services import STAGE_LABELS

Req = Request[Any, Any, Any]


# ---------------------------------------------------------------------------- refusals

#: Route options of a POST whose page has several forms: which one it takes (``failed``
#: in the page's context when it is refused), and what the ids of that form's fields
#: start with when a twin form on the page has the same fields. ``{name}`` in either is
#: filled from the path.
FORM_OPT = "codesign_form"
FIELDS_OPT = "codesign_fields"


def posted(form: str, *, fields: str = "") -> dict[str, str]:
    """The route options naming the form a POST takes (see :data:`FORM_OPT`)."""
    return {FORM_OPT: form, FIELDS_OPT: fields}


def _option(request: Req, name: str) -> str:
    handler = request.scope.get("route_handler")
    value = handler.opt.get(name, "") if handler is not None else ""
    return value.format(**request.path_params)


def localized(request: Req, exc: Refusal) -> Refusal:
    """``exc`` with its values in the visitor's language: a place's English name, a
    stage's label (message ids in the values are translated here, not by the message)."""
    values = dict(exc.values)
    if language_of(request) == "en" and values.get("place_en"):
        values["place"] = values["place_en"]
    if isinstance(values.get("stage"), str):
        values["stage"] = translate(request, values["stage"])
    exc.values = values
    return exc


def shown_at(community: Community, done: Any) -> str:
    """Where the row that already holds a repeated action is shown."""
    match done:
        case Project():
            return f"{base(community)}/projects/{done.id}"
        case Proposal():
            return f"{base(community)}/proposals/{done.id}"
        case Comment():
            return f"{base(community)}/proposals/{done.proposal_id}#comment-{done.id}"
        case Voter():
            return f"{base(community)}/projects/{done.project_id}/vote"
        case SurveyAnswer():
            return f"{base(community)}/projects/{done.project_id}"
    # contributions, tasks and updates are on the build page
    return f"{base(community)}/projects/{done.project_id}/build"


def answer_refusal(request: Req, exc: Refusal) -> Response[Any]:
    """How codesign's pages answer a refusal: as every page does (the form again, the
    message beside its field, the input kept), with the message's values in the
    visitor's language and the field as the refused form names it (an upload's refusal
    is about the file). A repeated action is not an error: the visitor is told it is
    already done and shown where."""
    exc = localized(request, exc)
    if isinstance(exc, services.AlreadyDone):
        flash(request, exc.message, **exc.values)
        return Redirect(shown_at(request.state.community, exc.done), status_code=303)
    if isinstance(exc, UploadRefused) and not exc.field:
        exc.field = "file"
    if exc.field:
        exc.field = _option(request, FIELDS_OPT) + exc.field
    return refusal_response(request, exc)


class CodesignController(Controller):
    """Codesign's controllers answer refusals with :func:`answer_refusal`."""

    exception_handlers = {Refusal: answer_refusal}  # noqa: RUF012


# ----------------------------------------------------------------------------- helpers


def base(community: Community) -> str:
    return f"/c/{community.slug}/codesign"


def person_id_of(actor: Actor) -> int | None:
    return actor.account.person_id if actor.account is not None else None


async def read_file(file: UploadFile | None) -> tuple[bytes | None, str]:
    if file is None or not file.filename:
        return None, ""
    return await file.read(), file.filename


async def address_of(place: Node, language: str) -> str:
    """The place with the places around it ("10栋 架空层"), without a query for the
    community itself or a building right under it, whose address is their name."""
    if place.depth <= 1:
        return place.name_in(language)
    return (await addresses([place], language))[place.id]


def ids_in_range(connection: ASGIConnection[Any, Any, Any, Any], _: Any) -> None:
    """A guard: an id in the path that no row can have is not found (404), rather
    than a query the database refuses (PostgreSQL rejects it with an error)."""
    for value in connection.path_params.values():
        if isinstance(value, int) and not 0 < value <= services.MAX_ID:
            raise NotFoundException()


async def project_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Project:
    """The project a page or an action is about, from whichever id the path carries,
    in this community only (404 otherwise), with its place. Read once per request."""
    cached = connection.state.get("codesign_project")
    if cached is not None:
        return cached
    community_id = connection.state.community.id
    params = connection.path_params
    project_id: int | None = params.get("project_id")
    if project_id is None:
        for key, model, column in (
            ("proposal_id", Proposal, "project_id"),
            ("comment_id", Comment, "proposal__project_id"),
            ("contribution_id", Contribution, "project_id"),
            ("task_id", Task, "project_id"),
        ):
            if key in params:
                project_id = (
                    await model.filter(id=params[key]).first().values_list(column, flat=True)
                )
                break
    project = None
    if project_id is not None:
        project = (
            await Project.filter(id=project_id, community_id=community_id)
            .select_related("place")
            .first()
        )
    if project is None:
        raise NotFoundException()
    connection.state.codesign_project = project
    return project


async def project_node(connection: ASGIConnection[Any, Any, Any, Any]) -> Node:
    return (await project_of(connection)).place


async def managed_node(connection: ASGIConnection[Any, Any, Any, Any]) -> Node:
    """For creating a project: a place node of this community where the visitor holds
    ``codesign.manage`` (a building group's coordinator creates their building's
    projects); the community's node, which refuses, when there is none."""
    actor = await current_actor(connection)
    root = await community_node(connection)
    if actor.can("codesign.manage", root):
        return root
    for path in actor.paths_allowing("codesign.manage"):
        if path.startswith(root.path):
            node = await Node.get_or_none(path=path, community_id=root.community_id)
            if node is not None:
                return node
    return root


def manages() -> Any:
    return requires("codesign.manage", node=project_node)


async def can_manage(request: Req, place: Node) -> bool:
    return (await current_actor(request)).can("codesign.manage", place)


def context(request: Req, community: Community, **extra: Any) -> dict[str, Any]:
    return {
        "base": base(community),
        "stage_labels": services.STAGE_LABELS,
        "kind_labels": services.KIND_LABELS,
        "contribution_states": services.CONTRIBUTION_STATES,
        "shown_name": services.shown_name,
        "stages": STAGES,
        "form_error": None,
        "form": {},
        "failed": _option(request, FORM_OPT),
        **extra,
    }


# ------------------------------------------------------------------------------- forms


@dataclass
class ProposalForm:
    title: str = ""
    body: str = ""
    file: UploadFile | None = None


@dataclass
class UpdateForm:
    body: str = ""
    file: UploadFile | None = None


class CommentForm(msgspec.Struct):
    body: str = ""


class ReasonForm(msgspec.Struct):
    reason: str = ""


class BallotForm(msgspec.Struct):
    # One value arrives as a string, several (check boxes) as a list.
    choice: str | list[str] = ""


class ContributionForm(msgspec.Struct):
    kind: str = "time"
    hours: str = ""
    description: str = ""


class BehalfForm(msgspec.Struct):
    person: str = ""
    kind: str = "time"
    hours: str = ""
    description: str = ""


class SurveyForm(msgspec.Struct):
    score: str = ""
    comment: str = ""


class TaskForm(msgspec.Struct):
    title: str = ""


class ProjectForm(msgspec.Struct):
    title: str = ""
    summary: str = ""
    place: str = ""
    min_age: str = ""
    max_choices: str = "1"
    time_category: str = "clean-up"
    ideas_on: str = ""
    design_on: str = ""
    vote_on: str = ""
    build_on: str = ""
    evaluate_on: str = ""
    closed_on: str = ""


class Empty(msgspec.Struct):
    pass


class AdvanceForm(msgspec.Struct):
    # The stage the worker's page showed: a second post finds the project moved on.
    stage: str = ""
    confirmed: str = ""


class DecisionForm(msgspec.Struct):
    confirmed: str = ""


# ------------------------------------------------------------------------------- pages
# The context of each page, for its GET and for a refused form on it (``form_page``
# calls them with the request, the community, the path's ids and the posted form).


async def project_page(request: Req, community: Community, project_id: int) -> dict[str, Any]:
    """What the project page shows (404 for a project of another community)."""
    person_id = person_id_of(await current_actor(request))
    project = await services.project_with_figures(community.id, project_id, person_id)
    if project is None:
        raise NotFoundException()
    place = project.place
    why_not = await services.ineligibility(project, place, person_id, today_of(request))
    updates = (
        await Update.filter(project_id=project.id)
        .only("id", "body", "image_id", "created_at")
        .order_by("-id")
        .limit(3)
    )
    percent = services.satisfaction(project.n_answers, project.n_satisfied)
    return context(
        request, community, project=project, place=place,
        where=await address_of(place, language_of(request)),
        why_not=why_not, stage_rows=services.stage_rows(project), updates=updates,
        percent=percent, hint=services.STAGE_HINTS[project.stage],
        manager=await can_manage(request, place),
        next_stage=STAGES[STAGES.index(project.stage) + 1]
        if project.stage != STAGES[-1] else None,
        categories=services.TIME_CATEGORIES,
    )  # fmt: skip


async def proposals_page(
    request: Req, community: Community, project_id: int, kind: str = "", page: int = 1
) -> dict[str, Any]:
    """A page of the project's ideas or designs (those of its stage without ``kind``)."""
    project = await project_of(request)
    if kind not in KINDS:
        kind = DESIGN_KIND if project.stage == DESIGN else IDEA
    person_id = person_id_of(await current_actor(request))
    rows, more = await services.proposal_page(project, kind, page, person_id)
    may_submit = (project.stage == IDEAS and kind == IDEA) or (
        project.stage == DESIGN and kind == DESIGN_KIND
    )
    return context(
        request, community, project=project, kind=kind, proposals=rows, more=more,
        page=min(max(page, 1), services.MAX_PAGE), may_submit=may_submit,
    )  # fmt: skip


async def proposal_page(
    request: Req, community: Community, proposal_id: int, page: int = 1
) -> dict[str, Any]:
    person_id = person_id_of(await current_actor(request))
    proposal = await services.proposal_with_figures(community.id, proposal_id, person_id)
    if proposal is None:
        raise NotFoundException()
    project = proposal.project
    comments, more = await services.comments_page(proposal, page)
    manager = await can_manage(request, project.place)
    open_stage = project.stage in (IDEAS, DESIGN) and not proposal.hidden
    return context(
        request, community, proposal=proposal, project=project, comments=comments,
        more=more, page=min(max(page, 1), services.MAX_PAGE), manager=manager,
        open_stage=open_stage,
    )  # fmt: skip


async def comment_page(request: Req, community: Community, comment_id: int) -> dict[str, Any]:
    """The page of the proposal a comment is on."""
    comment = await Comment.get(id=comment_id)
    return await proposal_page(request, community, comment.proposal_id)


async def vote_page(
    request: Req, community: Community, project_id: int, form: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The vote, or its results once closed; a refused ballot keeps its choices."""
    person_id = person_id_of(await current_actor(request))
    project = await services.project_with_figures(community.id, project_id, person_id)
    if project is None:
        raise NotFoundException()
    counted = None
    if STAGES.index(project.stage) > STAGES.index(VOTE):
        counted = await services.results(project)
    why_not = ""
    if project.stage == VOTE:
        why_not = await services.ineligibility(project, project.place, person_id, today_of(request))
    return context(
        request, community, project=project, results=counted, why_not=why_not,
        where=await address_of(project.place, language_of(request)),
        chosen=[c.strip() for c in as_list((form or {}).get("choice"))],
        options=await services.ballot_options(project) if project.stage == VOTE else [],
    )  # fmt: skip


async def build_page(request: Req, community: Community) -> dict[str, Any]:
    project = await project_of(request)
    person_id = person_id_of(await current_actor(request))
    manager = await can_manage(request, project.place)
    contributions = Contribution.filter(project_id=project.id).select_related("person")
    if not manager:
        contributions = contributions.filter(status=CONFIRMED)
    updates = (
        await Update.filter(project_id=project.id)
        .only("id", "body", "image_id", "created_at")
        .order_by("-id")
        .limit(50)
    )
    return context(
        request, community, project=project, manager=manager,
        tasks=await Task.filter(project_id=project.id).limit(200),
        contributions=await contributions.order_by("-id").limit(200),
        updates=updates, person_id=person_id, open_stage=project.stage == BUILD,
        answers=await SurveyAnswer.filter(project_id=project.id).exclude(comment="")
        .order_by("-id").limit(100) if manager else [],
    )  # fmt: skip


async def new_page(request: Req, community: Community) -> dict[str, Any]:
    """The new project's form: the places where the visitor may run one, as a tree in
    natural order."""
    actor = await current_actor(request)
    places = [
        node
        for node in await services.place_choices(community, language_of(request))
        if actor.can("codesign.manage", node)
    ]
    return context(request, community, places=places, categories=services.TIME_CATEGORIES)


# ---------------------------------------------------------------------------- resident


class ResidentController(CodesignController):
    path = "/"
    guards = [logged_in, ids_in_range]  # noqa: RUF012

    @get("/", name="codesign:index")
    async def index(self, request: Req, community: NamedDependency[Community]) -> Template:
        actor = await current_actor(request)
        projects = (
            await Project.filter(community_id=community.id)
            .select_related("place")
            .order_by("-id")
            .limit(100)
        )
        root = await community_node(request)
        return Template(
            "codesign/index.html",
            context=context(
                request, community, projects=projects,
                where=await addresses([p.place for p in projects], language_of(request)),
                may_create=any(
                    path.startswith(root.path) for path in actor.paths_allowing("codesign.manage")
                ),
            ),
        )  # fmt: skip

    @get("/projects/{project_id:int}", name="codesign:project")
    async def project(
        self, request: Req, community: NamedDependency[Community], project_id: FromPath[int]
    ) -> Template:
        return Template(
            "codesign/project.html", context=await project_page(request, community, project_id)
        )

    @get("/projects/{project_id:int}/proposals", name="codesign:proposals")
    async def proposals(
        self,
        request: Req,
        community: NamedDependency[Community],
        project_id: FromPath[int],
        kind: FromQuery[str] = IDEA,
        page: FromQuery[int] = 1,
    ) -> Template:
        return Template(
            "codesign/proposals.html",
            context=await proposals_page(request, community, project_id, kind, page),
        )

    @post(
        "/projects/{project_id:int}/proposals",
        name="codesign:submit",
        opt=form_page("codesign/proposals.html", proposals_page),
    )
    async def submit(
        self,
        request: Req,
        community: NamedDependency[Community],
        today: NamedDependency[date],
        data: MultipartBody[ProposalForm],
    ) -> Redirect:
        actor = await current_actor(request)
        image, filename = await read_file(data.file)
        proposal = await services.submit_proposal(
            await project_of(request), person_id=person_id_of(actor), title=data.title,
            body=data.body, image=image, filename=filename, by=actor.account, on=today,
        )  # fmt: skip
        if proposal.kind == IDEA:
            flash(request, N_("Your idea is shared. Thank you!"))
        else:
            flash(request, N_("Your design is proposed. Thank you!"))
        return Redirect(f"{base(community)}/proposals/{proposal.id}", status_code=303)

    @get("/proposals/{proposal_id:int}", name="codesign:proposal")
    async def proposal(
        self,
        request: Req,
        community: NamedDependency[Community],
        proposal_id: FromPath[int],
        page: FromQuery[int] = 1,
    ) -> Template:
        return Template(
            "codesign/proposal.html",
            context=await proposal_page(request, community, proposal_id, page),
        )

    @get("/proposals/{proposal_id:int}/image", name="codesign:proposal_image")
    async def proposal_image(
        self, request: Req, community: NamedDependency[Community], proposal_id: FromPath[int]
    ) -> Response[bytes]:
        proposal = (
            await Proposal.filter(id=proposal_id, project__community_id=community.id)
            .select_related("image", "project__place")
            .first()
        )
        if proposal is None or proposal.image is None:
            raise NotFoundException()
        if proposal.hidden and not await can_manage(request, proposal.project.place):
            raise NotFoundException()
        return file_response(proposal.image)

    @post(
        "/proposals/{proposal_id:int}/comments",
        name="codesign:comment",
        opt=form_page("codesign/proposal.html", proposal_page, **posted("comment")),
    )
    async def comment(
        self,
        request: Req,
        community: NamedDependency[Community],
        proposal_id: FromPath[int],
        today: NamedDependency[date],
        data: URLEncodedBody[CommentForm],
    ) -> Redirect:
        actor = await current_actor(request)
        proposal = await self._proposal(community, proposal_id)
        comment = await services.add_comment(
            proposal, proposal.project, person_id=person_id_of(actor), body=data.body, on=today
        )
        flash(request, N_("Your comment is posted."))
        target = f"{base(community)}/proposals/{proposal.id}#comment-{comment.id}"
        return Redirect(target, status_code=303)

    @post(
        "/proposals/{proposal_id:int}/support",
        name="codesign:support",
        opt=form_page("codesign/proposal.html", proposal_page),
    )
    async def support(
        self,
        request: Req,
        community: NamedDependency[Community],
        proposal_id: FromPath[int],
        today: NamedDependency[date],
        data: URLEncodedBody[Empty],
    ) -> Redirect:
        actor = await current_actor(request)
        proposal = await self._proposal(community, proposal_id)
        new = await services.support(
            proposal, proposal.project, person_id=person_id_of(actor), on=today
        )
        if new:
            flash(request, N_("Thank you: your support is counted."))
        else:
            flash(request, N_("You already support this proposal."))
        return Redirect(f"{base(community)}/proposals/{proposal.id}", status_code=303)

    @staticmethod
    async def _proposal(community: Community, proposal_id: int) -> Proposal:
        proposal = (
            await Proposal.filter(id=proposal_id, project__community_id=community.id)
            .select_related("project")
            .first()
        )
        if proposal is None:
            raise NotFoundException()
        return proposal

    @get("/projects/{project_id:int}/vote", name="codesign:vote")
    async def vote(
        self, request: Req, community: NamedDependency[Community], project_id: FromPath[int]
    ) -> Template:
        return Template(
            "codesign/vote.html", context=await vote_page(request, community, project_id)
        )

    @post(
        "/projects/{project_id:int}/vote",
        name="codesign:cast",
        opt=form_page("codesign/vote.html", vote_page),
    )
    async def cast(
        self,
        request: Req,
        community: NamedDependency[Community],
        today: NamedDependency[date],
        data: URLEncodedBody[BallotForm],
    ) -> Redirect:
        actor = await current_actor(request)
        project = await project_of(request)
        choices = [services.ballot_choice(raw) for raw in as_list(data.choice) if raw.strip()]
        await services.cast_ballot(
            project, person_id=person_id_of(actor), choices=choices, on=today
        )
        flash(request, N_("Your ballot is cast. Thank you for voting!"))
        return Redirect(f"{base(community)}/projects/{project.id}/vote", status_code=303)

    @get("/projects/{project_id:int}/build", name="codesign:build")
    async def build(self, request: Req, community: NamedDependency[Community]) -> Template:
        return Template("codesign/build.html", context=await build_page(request, community))

    @post(
        "/projects/{project_id:int}/contributions",
        name="codesign:contribute",
        opt=form_page("codesign/build.html", build_page, **posted("offer")),
    )
    async def contribute(
        self,
        request: Req,
        community: NamedDependency[Community],
        today: NamedDependency[date],
        data: URLEncodedBody[ContributionForm],
    ) -> Redirect:
        actor = await current_actor(request)
        project = await project_of(request)
        await services.offer_contribution(
            project, person_id=person_id_of(actor), kind=data.kind, hours=data.hours,
            description=data.description, on=today,
        )  # fmt: skip
        flash(request, N_("Thank you: a worker will confirm your contribution."))
        return Redirect(f"{base(community)}/projects/{project.id}/build", status_code=303)

    @get("/updates/{update_id:int}/image", name="codesign:update_image")
    async def update_image(
        self, community: NamedDependency[Community], update_id: FromPath[int]
    ) -> Response[bytes]:
        update = (
            await Update.filter(id=update_id, project__community_id=community.id)
            .select_related("image")
            .first()
        )
        if update is None or update.image is None:
            raise NotFoundException()
        return file_response(update.image)

    @post(
        "/projects/{project_id:int}/survey",
        name="codesign:survey",
        opt=form_page("codesign/project.html", project_page),
    )
    async def survey(
        self,
        request: Req,
        community: NamedDependency[Community],
        today: NamedDependency[date],
        data: URLEncodedBody[SurveyForm],
    ) -> Redirect:
        actor = await current_actor(request)
        project = await project_of(request)
        await services.answer_survey(
            project, person_id=person_id_of(actor), score=services.score_of(data.score),
            comment=data.comment, on=today,
        )  # fmt: skip
        flash(request, N_("Thank you: your answer is counted."))
        return Redirect(f"{base(community)}/projects/{project.id}", status_code=303)


# ------------------------------------------------------------------------------ worker


class WorkerController(CodesignController):
    path = "/manage"
    guards = [ids_in_range]  # noqa: RUF012

    @get("/new", name="codesign:new", guards=[requires("codesign.manage", node=managed_node)])
    async def new(self, request: Req, community: NamedDependency[Community]) -> Template:
        return Template("codesign/new.html", context=await new_page(request, community))

    @post(
        "/new",
        name="codesign:create",
        guards=[requires("codesign.manage", node=managed_node)],
        opt=form_page("codesign/new.html", new_page),
    )
    async def create(
        self,
        request: Req,
        community: NamedDependency[Community],
        data: URLEncodedBody[ProjectForm],
    ) -> Redirect:
        actor = await current_actor(request)
        place = await services.project_place(community, parse_int(data.place, "place"), actor)
        project = await services.create_project(
            community, title=data.title, summary=data.summary, place=place, actor=actor,
            min_age=parse_int(data.min_age, "min_age"),
            max_choices=parse_int(data.max_choices, "max_choices", 1) or 1,
            time_category=data.time_category.strip(), once=True,
            dates={
                stage: parse_date(getattr(data, f"{stage}_on"), f"{stage}_on")
                for stage in STAGES
            },
        )  # fmt: skip
        flash(request, N_("The project is created; residents can now share ideas."))
        return Redirect(f"{base(community)}/projects/{project.id}", status_code=303)

    @post(
        "/projects/{project_id:int}/advance",
        name="codesign:advance",
        guards=[manages()],
        opt=form_page("codesign/project.html", project_page),
    )
    async def advance(
        self,
        request: Req,
        community: NamedDependency[Community],
        today: NamedDependency[date],
        data: URLEncodedBody[AdvanceForm],
    ) -> Response[Any]:
        """Moving on cannot be undone: the first post asks, the confirmed one moves."""
        actor = await current_actor(request)
        project = await project_of(request)
        target = f"{base(community)}/projects/{project.id}"
        seen = data.stage.strip() or None
        if not is_confirmed(data.confirmed):
            following = await services.check_advance(project, seen=seen)
            return confirmation(
                request,
                question=translate(
                    request, N_("Move “%(title)s” on to: %(stage)s?"),
                    title=project.title, stage=translate(request, STAGE_LABELS[following]),
                ),
                consequences=[
                    translate(request, services.ADVANCE_CONSEQUENCES[project.stage]),
                    translate(request, N_("A project never goes back to an earlier stage.")),
                ],
                action=f"{base(community)}/manage/projects/{project.id}/advance",
                back=target,
                confirm_label=translate(request, N_("Move on")),
                fields={"stage": project.stage},
            )  # fmt: skip
        await services.advance(project, actor=actor, on=today, seen=seen)
        flash(
            request, N_("The project has moved on to: %(stage)s."),
            stage=translate(request, STAGE_LABELS[project.stage]),
        )  # fmt: skip
        return Redirect(target, status_code=303)

    @post(
        "/proposals/{proposal_id:int}/hide",
        name="codesign:hide_proposal",
        guards=[manages()],
        opt=form_page("codesign/proposal.html", proposal_page, **posted("hide")),
    )
    async def hide_proposal(
        self,
        request: Req,
        community: NamedDependency[Community],
        proposal_id: FromPath[int],
        data: URLEncodedBody[ReasonForm],
    ) -> Redirect:
        actor = await current_actor(request)
        proposal = await Proposal.get(id=proposal_id)
        await services.hide_proposal(
            proposal, await project_of(request), reason=data.reason, actor=actor
        )
        flash(request, N_("Hidden. The reason is shown in its place."))
        return Redirect(f"{base(community)}/proposals/{proposal.id}", status_code=303)

    @post(
        "/comments/{comment_id:int}/hide",
        name="codesign:hide_comment",
        guards=[manages()],
        opt=form_page(
            "codesign/proposal.html", comment_page,
            **posted("hide-{comment_id}", fields="comment-{comment_id}-"),
        ),
    )  # fmt: skip
    async def hide_comment(
        self,
        request: Req,
        community: NamedDependency[Community],
        comment_id: FromPath[int],
        data: URLEncodedBody[ReasonForm],
    ) -> Redirect:
        actor = await current_actor(request)
        comment = await Comment.get(id=comment_id)
        await services.hide_comment(comment, reason=data.reason, actor=actor)
        flash(request, N_("Hidden. The reason is shown in its place."))
        target = f"{base(community)}/proposals/{comment.proposal_id}#comment-{comment.id}"
        return Redirect(target, status_code=303)

    @post(
        "/projects/{project_id:int}/updates",
        name="codesign:add_update",
        guards=[manages()],
        opt=form_page("codesign/build.html", build_page, **posted("update")),
    )
    async def add_update(
        self,
        request: Req,
        community: NamedDependency[Community],
        data: MultipartBody[UpdateForm],
    ) -> Redirect:
        actor = await current_actor(request)
        project = await project_of(request)
        image, filename = await read_file(data.file)
        await services.add_update(
            project, body=data.body, actor=actor, image=image, filename=filename
        )
        flash(request, N_("The update is posted."))
        return Redirect(f"{base(community)}/projects/{project.id}/build", status_code=303)

    @post(
        "/projects/{project_id:int}/contributions",
        name="codesign:record_for",
        guards=[manages()],
        opt=form_page("codesign/build.html", build_page, **posted("behalf", fields="behalf-")),
    )
    async def record_for(
        self,
        request: Req,
        community: NamedDependency[Community],
        today: NamedDependency[date],
        data: URLEncodedBody[BehalfForm],
    ) -> Redirect:
        """A worker records a resident's contribution (elderly residents without an
        account); it waits for confirmation like any other."""
        actor = await current_actor(request)
        project = await project_of(request)
        person = await find_person(community, data.person, field="person")
        assert person is not None  # a required person is found or refused
        await services.offer_contribution(
            project, person_id=person.id, kind=data.kind, hours=data.hours,
            description=data.description, on=today, recorded_by=actor,
        )  # fmt: skip
        flash(request, N_("The contribution is recorded; it waits for confirmation."))
        return Redirect(f"{base(community)}/projects/{project.id}/build", status_code=303)

    @post(
        "/projects/{project_id:int}/tasks",
        name="codesign:add_task",
        guards=[manages()],
        opt=form_page("codesign/build.html", build_page, **posted("task")),
    )
    async def add_task(
        self,
        request: Req,
        community: NamedDependency[Community],
        data: URLEncodedBody[TaskForm],
    ) -> Redirect:
        actor = await current_actor(request)
        project = await project_of(request)
        await services.add_task(project, title=data.title, actor=actor)
        flash(request, N_("The task is added."))
        return Redirect(f"{base(community)}/projects/{project.id}/build", status_code=303)

    @post(
        "/tasks/{task_id:int}/done",
        name="codesign:task_done",
        guards=[manages()],
        opt=form_page("codesign/build.html", build_page),
    )
    async def task_done(
        self,
        request: Req,
        community: NamedDependency[Community],
        task_id: FromPath[int],
        data: URLEncodedBody[Empty],
    ) -> Redirect:
        actor = await current_actor(request)
        project = await project_of(request)
        await services.finish_task(await Task.get(id=task_id), project, actor=actor)
        flash(request, N_("The task is marked done."))
        return Redirect(f"{base(community)}/projects/{project.id}/build", status_code=303)

    @post(
        "/contributions/{contribution_id:int}/{decision:str}",
        name="codesign:decide",
        guards=[manages()],
        opt=form_page("codesign/build.html", build_page),
    )
    async def decide(
        self,
        request: Req,
        community: NamedDependency[Community],
        contribution_id: FromPath[int],
        decision: FromPath[str],
        data: URLEncodedBody[DecisionForm],
    ) -> Response[Any]:
        """A decision cannot be changed (confirmed hours go to the street bank): the
        first post asks, the confirmed one decides."""
        actor = await current_actor(request)
        if decision not in ("confirm", "decline"):
            raise NotFoundException()
        project = await project_of(request)
        target = f"{base(community)}/projects/{project.id}/build"
        contribution = (
            await Contribution.filter(id=contribution_id).select_related("person").first()
        )
        if contribution is None:
            raise NotFoundException()
        confirm = decision == "confirm"
        if not is_confirmed(data.confirmed):
            services.check_decision(contribution, actor=actor)
            return decision_question(request, community, contribution, confirm, target)
        await services.decide_contribution(contribution, project, confirm=confirm, actor=actor)
        if confirm:
            flash(request, N_("The contribution is confirmed."))
        else:
            flash(request, N_("The contribution is declined."))
        return Redirect(target, status_code=303)


def decision_question(
    request: Req, community: Community, contribution: Contribution, confirm: bool, back: str
) -> Template:
    """The page that asks before a contribution is confirmed or declined."""
    name = contribution.person.name
    consequences = [
        translate(request, N_("Contribution: %(description)s"),
                  description=contribution.description),
    ]  # fmt: skip
    if confirm and contribution.hours:
        consequences.append(
            translate(
                request,
                N_("%(hours)s hours are reported as verified service; the street bank "
                   "credits them as points."),
                hours=contribution.hours,
            )
        )  # fmt: skip
    consequences.append(translate(request, N_("A decision cannot be changed afterwards.")))
    verb = "confirm" if confirm else "decline"
    return confirmation(
        request,
        question=translate(
            request,
            N_("Confirm the contribution of %(name)s?")
            if confirm
            else N_("Decline the contribution of %(name)s?"),
            name=name,
        ),
        consequences=consequences,
        action=f"{base(community)}/manage/contributions/{contribution.id}/{verb}",
        back=back,
        confirm_label=translate(request, N_("Confirm") if confirm else N_("Decline")),
        danger=not confirm,
    )


ROUTES = [ResidentController, WorkerController]
