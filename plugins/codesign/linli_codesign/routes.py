"""The pages of participatory design: thin controllers that call
:mod:`linli_codesign.services`.

Residents' pages need a login (``logged_in``); what a resident may do is decided by the
rules (stage, place, age), not by a role. Workers' actions need ``codesign.manage`` at
the project's place node (or above it), so a building group can run its building's
project; creating a project needs it at the community's node.
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

from linli.hierarchy.models import Node
from linli.i18n import N_
from linli.models import Community
from linli.uploads import UploadRefused, file_response
from linli.web.auth import community_node, current_actor, logged_in, requires
from linli.web.errors import VisibleError, refusal, refused
from linli.web.site import language_of, site_of
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
)

Req = Request[Any, Any, Any]


# ----------------------------------------------------------------------------- helpers


def refuse(request: Req, exc: services.CodesignError) -> VisibleError:
    values = dict(exc.values)
    if language_of(request) == "en" and values.get("place_en"):
        values["place"] = values["place_en"]
    return refused(request, exc.message, exc.status, **values)


def today(request: Req) -> date:
    return services.now_utc().astimezone(site_of(request).settings.zone).date()


def base(community: Community) -> str:
    return f"/c/{community.slug}/codesign"


async def person_id_of(request: Req) -> int | None:
    actor = await current_actor(request)
    return actor.account.person_id if actor.account is not None else None


def parse_int(request: Req, raw: str, default: int | None = None) -> int | None:
    if not raw.strip():
        return default
    try:
        return int(raw.strip())
    except ValueError:
        raise refused(request, N_("Enter a whole number.")) from None


def parse_date(request: Req, raw: str) -> date | None:
    if not raw.strip():
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise refused(request, N_("Enter the date as YYYY-MM-DD.")) from None


async def read_file(file: UploadFile | None) -> tuple[bytes | None, str]:
    if file is None or not file.filename:
        return None, ""
    return await file.read(), file.filename


async def _project_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Project:
    """The project a worker's action is about, from whichever id the path carries,
    in this community only (404 otherwise). Kept on the request for the handler."""
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
    return (await _project_of(connection)).place


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


async def own_project(request: Req, community: Community, project_id: int) -> Project:
    project = (
        await Project.filter(id=project_id, community_id=community.id)
        .select_related("place")
        .first()
    )
    if project is None:
        raise NotFoundException()
    return project


def context(request: Req, community: Community, **extra: Any) -> dict[str, Any]:
    return {
        "base": base(community),
        "stage_labels": services.STAGE_LABELS,
        "kind_labels": services.KIND_LABELS,
        "contribution_states": services.CONTRIBUTION_STATES,
        "shown_name": services.shown_name,
        "stages": STAGES,
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

    def chosen(self) -> list[str]:
        return [self.choice] if isinstance(self.choice, str) else self.choice


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


# ---------------------------------------------------------------------------- resident


class ResidentController(Controller):
    path = "/"
    guards = [logged_in]  # noqa: RUF012

    @get("/", name="codesign:index")
    async def index(self, request: Req, community: NamedDependency[Community]) -> Template:
        projects = (
            await Project.filter(community_id=community.id)
            .select_related("place")
            .order_by("-id")
            .limit(100)
        )
        actor = await current_actor(request)
        root = await community_node(request)
        return Template(
            "codesign/index.html",
            context=context(
                request, community, projects=projects,
                may_create=any(
                    path.startswith(root.path) for path in actor.paths_allowing("codesign.manage")
                ),
            ),
        )  # fmt: skip

    @get("/projects/{project_id:int}", name="codesign:project")
    async def project(
        self, request: Req, community: NamedDependency[Community], project_id: FromPath[int]
    ) -> Template:
        person_id = await person_id_of(request)
        project = await services.project_with_figures(community.id, project_id, person_id)
        if project is None:
            raise NotFoundException()
        place = project.place
        why_not = await services.ineligibility(project, place, person_id, today(request))
        updates = (
            await Update.filter(project_id=project.id)
            .only("id", "body", "image_id", "created_at")
            .order_by("-id")
            .limit(3)
        )
        percent = services.satisfaction(project.n_answers, project.n_satisfied)
        return Template(
            "codesign/project.html",
            context=context(
                request, community, project=project, place=place, why_not=why_not,
                stage_rows=services.stage_rows(project), updates=updates, percent=percent,
                hint=services.STAGE_HINTS[project.stage],
                manager=await can_manage(request, place),
                next_stage=STAGES[STAGES.index(project.stage) + 1]
                if project.stage != STAGES[-1] else None,
                categories=services.TIME_CATEGORIES,
            ),
        )  # fmt: skip

    @get("/projects/{project_id:int}/proposals", name="codesign:proposals")
    async def proposals(
        self,
        request: Req,
        community: NamedDependency[Community],
        project_id: FromPath[int],
        kind: FromQuery[str] = IDEA,
        page: FromQuery[int] = 1,
    ) -> Template:
        if kind not in KINDS:
            kind = IDEA
        project = await own_project(request, community, project_id)
        person_id = await person_id_of(request)
        rows, more = await services.proposal_page(project, kind, page, person_id)
        may_submit = (project.stage == IDEAS and kind == IDEA) or (
            project.stage == DESIGN and kind == DESIGN_KIND
        )
        return Template(
            "codesign/proposals.html",
            context=context(
                request, community, project=project, kind=kind, proposals=rows, more=more,
                page=max(page, 1), may_submit=may_submit,
            ),
        )  # fmt: skip

    @post("/projects/{project_id:int}/proposals", name="codesign:submit")
    async def submit(
        self,
        request: Req,
        community: NamedDependency[Community],
        project_id: FromPath[int],
        data: MultipartBody[ProposalForm],
    ) -> Redirect:
        project = await own_project(request, community, project_id)
        image, filename = await read_file(data.file)
        actor = await current_actor(request)
        try:
            proposal = await services.submit_proposal(
                project, person_id=await person_id_of(request), title=data.title,
                body=data.body, image=image, filename=filename, by=actor.account,
                on=today(request),
            )  # fmt: skip
        except services.CodesignError as exc:
            raise refuse(request, exc) from exc
        except UploadRefused as exc:
            raise refusal(request, exc) from exc
        return Redirect(f"{base(community)}/proposals/{proposal.id}", status_code=303)

    @get("/proposals/{proposal_id:int}", name="codesign:proposal")
    async def proposal(
        self,
        request: Req,
        community: NamedDependency[Community],
        proposal_id: FromPath[int],
        page: FromQuery[int] = 1,
    ) -> Template:
        person_id = await person_id_of(request)
        proposal = await services.proposal_with_figures(community.id, proposal_id, person_id)
        if proposal is None:
            raise NotFoundException()
        project = proposal.project
        comments, more = await services.comments_page(proposal, page)
        manager = await can_manage(request, project.place)
        open_stage = project.stage in (IDEAS, DESIGN) and not proposal.hidden
        return Template(
            "codesign/proposal.html",
            context=context(
                request, community, proposal=proposal, project=project, comments=comments,
                more=more, page=max(page, 1), manager=manager, open_stage=open_stage,
            ),
        )  # fmt: skip

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

    @post("/proposals/{proposal_id:int}/comments", name="codesign:comment")
    async def comment(
        self,
        request: Req,
        community: NamedDependency[Community],
        proposal_id: FromPath[int],
        data: URLEncodedBody[CommentForm],
    ) -> Redirect:
        proposal = await self._proposal(community, proposal_id)
        try:
            await services.add_comment(
                proposal, proposal.project, person_id=await person_id_of(request),
                body=data.body, on=today(request),
            )  # fmt: skip
        except services.CodesignError as exc:
            raise refuse(request, exc) from exc
        return Redirect(f"{base(community)}/proposals/{proposal.id}#comments", status_code=303)

    @post("/proposals/{proposal_id:int}/support", name="codesign:support")
    async def support(
        self,
        request: Req,
        community: NamedDependency[Community],
        proposal_id: FromPath[int],
        data: URLEncodedBody[Empty],
    ) -> Redirect:
        proposal = await self._proposal(community, proposal_id)
        try:
            await services.support(
                proposal, proposal.project, person_id=await person_id_of(request),
                on=today(request),
            )  # fmt: skip
        except services.CodesignError as exc:
            raise refuse(request, exc) from exc
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
        person_id = await person_id_of(request)
        project = await services.project_with_figures(community.id, project_id, person_id)
        if project is None:
            raise NotFoundException()
        counted = None
        if STAGES.index(project.stage) > STAGES.index(VOTE):
            counted = await services.results(project)
        why_not = ""
        if project.stage == VOTE:
            why_not = await services.ineligibility(
                project, project.place, person_id, today(request)
            )
        return Template(
            "codesign/vote.html",
            context=context(
                request, community, project=project, results=counted, why_not=why_not,
                options=await services.ballot_options(project) if project.stage == VOTE else [],
            ),
        )  # fmt: skip

    @post("/projects/{project_id:int}/vote", name="codesign:cast")
    async def cast(
        self,
        request: Req,
        community: NamedDependency[Community],
        project_id: FromPath[int],
        data: URLEncodedBody[BallotForm],
    ) -> Redirect:
        project = await own_project(request, community, project_id)
        choices = [parse_int(request, raw, 0) or 0 for raw in data.chosen() if raw.strip()]
        try:
            await services.cast_ballot(
                project, person_id=await person_id_of(request), choices=choices,
                on=today(request),
            )  # fmt: skip
        except services.CodesignError as exc:
            raise refuse(request, exc) from exc
        return Redirect(f"{base(community)}/projects/{project.id}/vote?done=1", status_code=303)

    @get("/projects/{project_id:int}/build", name="codesign:build")
    async def build(
        self, request: Req, community: NamedDependency[Community], project_id: FromPath[int]
    ) -> Template:
        project = await own_project(request, community, project_id)
        person_id = await person_id_of(request)
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
        return Template(
            "codesign/build.html",
            context=context(
                request, community, project=project, manager=manager,
                tasks=await Task.filter(project_id=project.id).limit(200),
                contributions=await contributions.order_by("-id").limit(200),
                updates=updates, person_id=person_id, open_stage=project.stage == BUILD,
                answers=await SurveyAnswer.filter(project_id=project.id).exclude(comment="")
                .order_by("-id").limit(100) if manager else [],
            ),
        )  # fmt: skip

    @post("/projects/{project_id:int}/contributions", name="codesign:contribute")
    async def contribute(
        self,
        request: Req,
        community: NamedDependency[Community],
        project_id: FromPath[int],
        data: URLEncodedBody[ContributionForm],
    ) -> Redirect:
        project = await own_project(request, community, project_id)
        try:
            await services.offer_contribution(
                project, person_id=await person_id_of(request), kind=data.kind,
                hours=data.hours, description=data.description, on=today(request),
            )  # fmt: skip
        except services.CodesignError as exc:
            raise refuse(request, exc) from exc
        return Redirect(f"{base(community)}/projects/{project.id}/build?offered=1", status_code=303)

    @get("/updates/{update_id:int}/image", name="codesign:update_image")
    async def update_image(
        self, request: Req, community: NamedDependency[Community], update_id: FromPath[int]
    ) -> Response[bytes]:
        update = (
            await Update.filter(id=update_id, project__community_id=community.id)
            .select_related("image")
            .first()
        )
        if update is None or update.image is None:
            raise NotFoundException()
        return file_response(update.image)

    @post("/projects/{project_id:int}/survey", name="codesign:survey")
    async def survey(
        self,
        request: Req,
        community: NamedDependency[Community],
        project_id: FromPath[int],
        data: URLEncodedBody[SurveyForm],
    ) -> Redirect:
        project = await own_project(request, community, project_id)
        score = parse_int(request, data.score, 0) or 0
        try:
            await services.answer_survey(
                project, person_id=await person_id_of(request), score=score,
                comment=data.comment, on=today(request),
            )  # fmt: skip
        except services.CodesignError as exc:
            raise refuse(request, exc) from exc
        return Redirect(f"{base(community)}/projects/{project.id}?answered=1", status_code=303)


# ------------------------------------------------------------------------------ worker


class WorkerController(Controller):
    path = "/manage"

    @get("/new", name="codesign:new", guards=[requires("codesign.manage", node=managed_node)])
    async def new(self, request: Req, community: NamedDependency[Community]) -> Template:
        return Template("codesign/new.html", context=await self._form_context(request, community))

    @post("/new", name="codesign:create", guards=[requires("codesign.manage", node=managed_node)])
    async def create(
        self, request: Req, community: NamedDependency[Community], data: URLEncodedBody[ProjectForm]
    ) -> Redirect:
        actor = await current_actor(request)
        place_id = parse_int(request, data.place, 0)
        place = await Node.get_or_none(id=place_id, community_id=community.id, tree="place")
        if place is None:
            raise refused(request, N_("Choose a place of this community."))
        if not actor.can("codesign.manage", place):
            raise refused(request, N_("You may not run projects at this place."))
        dates = {stage: parse_date(request, getattr(data, f"{stage}_on")) for stage in STAGES}
        try:
            project = await services.create_project(
                community, title=data.title, summary=data.summary, place=place, actor=actor,
                min_age=parse_int(request, data.min_age),
                max_choices=parse_int(request, data.max_choices, 1) or 1,
                time_category=data.time_category.strip(), dates=dates,
            )  # fmt: skip
        except services.CodesignError as exc:
            raise refuse(request, exc) from exc
        return Redirect(f"{base(community)}/projects/{project.id}", status_code=303)

    @staticmethod
    async def _form_context(request: Req, community: Community) -> dict[str, Any]:
        actor = await current_actor(request)
        places = [
            node
            for node in await services.place_choices(community)
            if actor.can("codesign.manage", node)
        ]
        return context(request, community, places=places, categories=services.TIME_CATEGORIES)

    @post("/projects/{project_id:int}/advance", name="codesign:advance", guards=[manages()])
    async def advance(
        self,
        request: Req,
        community: NamedDependency[Community],
        project_id: FromPath[int],
        data: URLEncodedBody[Empty],
    ) -> Redirect:
        project: Project = request.state.codesign_project
        try:
            await services.advance(project, actor=await current_actor(request), on=today(request))
        except services.CodesignError as exc:
            raise refuse(request, exc) from exc
        return Redirect(f"{base(community)}/projects/{project.id}", status_code=303)

    @post("/proposals/{proposal_id:int}/hide", name="codesign:hide_proposal", guards=[manages()])
    async def hide_proposal(
        self,
        request: Req,
        community: NamedDependency[Community],
        proposal_id: FromPath[int],
        data: URLEncodedBody[ReasonForm],
    ) -> Redirect:
        proposal = await Proposal.get(id=proposal_id)
        try:
            await services.hide_proposal(
                proposal, request.state.codesign_project, reason=data.reason,
                actor=await current_actor(request),
            )  # fmt: skip
        except services.CodesignError as exc:
            raise refuse(request, exc) from exc
        return Redirect(f"{base(community)}/proposals/{proposal.id}", status_code=303)

    @post("/comments/{comment_id:int}/hide", name="codesign:hide_comment", guards=[manages()])
    async def hide_comment(
        self,
        request: Req,
        community: NamedDependency[Community],
        comment_id: FromPath[int],
        data: URLEncodedBody[ReasonForm],
    ) -> Redirect:
        comment = await Comment.get(id=comment_id)
        try:
            await services.hide_comment(
                comment, reason=data.reason, actor=await current_actor(request)
            )
        except services.CodesignError as exc:
            raise refuse(request, exc) from exc
        return Redirect(
            f"{base(community)}/proposals/{comment.proposal_id}#comment-{comment.id}",
            status_code=303,
        )

    @post("/projects/{project_id:int}/updates", name="codesign:add_update", guards=[manages()])
    async def add_update(
        self,
        request: Req,
        community: NamedDependency[Community],
        project_id: FromPath[int],
        data: MultipartBody[UpdateForm],
    ) -> Redirect:
        project: Project = request.state.codesign_project
        image, filename = await read_file(data.file)
        try:
            await services.add_update(
                project, body=data.body, actor=await current_actor(request), image=image,
                filename=filename,
            )  # fmt: skip
        except services.CodesignError as exc:
            raise refuse(request, exc) from exc
        except UploadRefused as exc:
            raise refusal(request, exc) from exc
        return Redirect(f"{base(community)}/projects/{project.id}/build", status_code=303)

    @post(
        "/projects/{project_id:int}/contributions",
        name="codesign:record_for",
        guards=[manages()],
    )
    async def record_for(
        self,
        request: Req,
        community: NamedDependency[Community],
        project_id: FromPath[int],
        data: URLEncodedBody[BehalfForm],
    ) -> Redirect:
        """A worker records a resident's contribution (elderly residents without an
        account); it waits for confirmation like any other."""
        project: Project = request.state.codesign_project
        try:
            person = await services.find_resident(community, data.person)
            await services.offer_contribution(
                project, person_id=person.id, kind=data.kind, hours=data.hours,
                description=data.description, on=today(request),
                recorded_by=await current_actor(request),
            )  # fmt: skip
        except services.CodesignError as exc:
            raise refuse(request, exc) from exc
        return Redirect(f"{base(community)}/projects/{project.id}/build", status_code=303)

    @post("/projects/{project_id:int}/tasks", name="codesign:add_task", guards=[manages()])
    async def add_task(
        self,
        request: Req,
        community: NamedDependency[Community],
        project_id: FromPath[int],
        data: URLEncodedBody[TaskForm],
    ) -> Redirect:
        project: Project = request.state.codesign_project
        try:
            await services.add_task(project, title=data.title, actor=await current_actor(request))
        except services.CodesignError as exc:
            raise refuse(request, exc) from exc
        return Redirect(f"{base(community)}/projects/{project.id}/build", status_code=303)

    @post("/tasks/{task_id:int}/done", name="codesign:task_done", guards=[manages()])
    async def task_done(
        self,
        request: Req,
        community: NamedDependency[Community],
        task_id: FromPath[int],
        data: URLEncodedBody[Empty],
    ) -> Redirect:
        project: Project = request.state.codesign_project
        task = await Task.get(id=task_id)
        try:
            await services.finish_task(task, project, actor=await current_actor(request))
        except services.CodesignError as exc:
            raise refuse(request, exc) from exc
        return Redirect(f"{base(community)}/projects/{project.id}/build", status_code=303)

    @post(
        "/contributions/{contribution_id:int}/{decision:str}",
        name="codesign:decide",
        guards=[manages()],
    )
    async def decide(
        self,
        request: Req,
        community: NamedDependency[Community],
        contribution_id: FromPath[int],
        decision: FromPath[str],
        data: URLEncodedBody[Empty],
    ) -> Redirect:
        if decision not in ("confirm", "decline"):
            raise NotFoundException()
        project: Project = request.state.codesign_project
        contribution = await Contribution.get(id=contribution_id)
        try:
            await services.decide_contribution(
                contribution, project, confirm=decision == "confirm",
                actor=await current_actor(request),
            )  # fmt: skip
        except services.CodesignError as exc:
            raise refuse(request, exc) from exc
        return Redirect(f"{base(community)}/projects/{project.id}/build", status_code=303)


ROUTES = [ResidentController, WorkerController]
