"""The mediation pages: thin handlers over :mod:`linli_mediation.services`.

Case pages are guarded by ``logged_in`` and then by :func:`services.access_to`, which
answers a case the visitor may not see exactly like one that does not exist: the
standard 404 page, with nothing of the case in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.connection import ASGIConnection
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery, MultipartBody, URLEncodedBody
from litestar.response import Redirect, Template
from tortoise.expressions import Q

from linli.hierarchy.models import Node
from linli.i18n import N_
from linli.identity.models import Account, Person
from linli.models import Community
from linli.uploads import UploadRefused, file_response
from linli.web.auth import PUBLIC, community_node, current_actor, logged_in, requires
from linli.web.errors import refused
from linli.web.site import site_of
from linli_mediation import services
from linli_mediation.models import Studio

Req = Request[Any, Any, Any]
PER_PAGE = 20


# ----------------------------------------------------------------------------- helpers


def base(community: Community) -> str:
    return f"/c/{community.slug}/mediation"


def settings_of(request: Req) -> Any:
    return site_of(request).registry.loaded["mediation"].settings


def today(request: Req) -> date:
    return services.now_utc().astimezone(site_of(request).settings.zone).date()


def refuse(request: Req, exc: services.MediationError) -> Exception:
    if isinstance(exc, services.CaseNotFound):
        return NotFoundException()
    return refused(request, exc.message, exc.status, **exc.values)


def parse_date(request: Req, raw: str, default: date | None = None) -> date:
    raw = raw.strip()
    if not raw and default is not None:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise refused(request, N_("Enter the date as YYYY-MM-DD.")) from None


async def access(request: Req, community: Community, case_id: int) -> services.Access:
    try:
        return await services.access_to(await current_actor(request), community, case_id)
    except services.CaseNotFound:
        raise NotFoundException() from None


async def find_person(request: Req, community: Community, who: str) -> Person | None:
    """A party of the register by ``#id`` or exact phone; ``None`` for an outsider."""
    who = who.strip()
    if who.startswith("#"):
        if not who[1:].isdigit():
            raise refused(request, N_("A register number is # followed by digits."))
        person = await Person.get_or_none(id=int(who[1:]), community_id=community.id)
        if person is None:
            raise refused(request, N_("No resident has the register number %(who)s."), who=who)
        return person
    if who.isdigit() and len(who) >= 7:
        found = await Person.filter(community_id=community.id, phone=who).limit(2)
        if len(found) == 1:
            return found[0]
    return None


async def studio_of(request: Req, community: Community, raw: str) -> Studio | None:
    if not raw.strip():
        return None
    if not raw.strip().isdigit():
        raise refused(request, N_("Choose a studio."))
    studio = await Studio.get_or_none(id=int(raw), community_id=community.id)
    if studio is None:
        raise refused(request, N_("Choose a studio."))
    return studio


async def places(community: Community) -> list[Node]:
    """The places a case may be at: estates, buildings and facilities."""
    return await Node.filter(
        community_id=community.id, tree="place", kind__key__in=("estate", "building", "facility")
    ).order_by("path")


async def intake_node(connection: ASGIConnection[Any, Any, Any, Any]) -> Node:
    """Node resolver for intake: a node of this community where the visitor holds the
    intake permission (a mediator's studio), else the community node, which refuses."""
    actor = await current_actor(connection)
    community_id = connection.state.community.id
    for held in actor.grants:
        if services.INTAKE in held.permissions and held.community_id == community_id:
            node = await Node.get_or_none(id=held.node_id)
            if node is not None:
                return node
    return await community_node(connection)


INTAKE_GUARD = requires(services.INTAKE, node=intake_node)


async def nav(request: Req, community: Community) -> dict[str, Any]:
    actor = await current_actor(request)
    root = await community_node(request)
    return {
        "base": base(community),
        "may_intake": services.holds_in(actor, services.INTAKE, community.id),
        "may_figures": actor.can(services.FIGURES, root),
        "statuses": services.STATUS_LABELS,
        "categories": services.CATEGORIES,
        "urgencies": services.URGENCIES,
        "outcomes": services.OUTCOME_LABELS,
        "targets": services.REFERRAL_TARGETS,
        "sides": services.SIDES,
        "conflicts": services.CONFLICTS,
        "history_labels": services.HISTORY_LABELS,
        "actions": services.ACTIONS,
        "zone": site_of(request).settings.zone,
    }


# ----------------------------------------------------------------------------- forms


class RequestForm(msgspec.Struct):
    request_key: str = ""
    summary: str = ""
    description: str = ""
    category: str = ""
    studio: str = ""
    other_name: str = ""
    other_contact: str = ""


class IntakeForm(msgspec.Struct):
    request_key: str = ""
    summary: str = ""
    description: str = ""
    category: str = ""
    urgency: str = "normal"
    place: str = ""
    studio: str = ""
    mediator: str = ""
    party_1: str = ""
    contact_1: str = ""
    party_2: str = ""
    contact_2: str = ""
    party_3: str = ""
    contact_3: str = ""
    party_4: str = ""
    contact_4: str = ""


class StepForm(msgspec.Struct):
    action: str = ""
    reason: str = ""
    target: str = ""
    facts: str = ""
    terms: str = ""
    deadline: str = ""


class AssignForm(msgspec.Struct):
    mediator: str = ""


class ReasonForm(msgspec.Struct):
    reason: str = ""


class SessionForm(msgspec.Struct):
    held_on: str = ""
    place: str = ""
    attendees: str = ""
    notes: str = ""
    next_steps: str = ""


class VisitForm(msgspec.Struct):
    visited_on: str = ""
    kept: str = ""
    notes: str = ""


class SignatureForm(msgspec.Struct):
    party: str = ""
    signed_on: str = ""


@dataclass
class AttachmentForm:
    title: str = ""
    shared: str = ""
    file: UploadFile | None = None


# ----------------------------------------------------------------------------- pages


class MediationController(Controller):
    path = "/"

    @get("/", name="mediation:index", guards=[logged_in])
    async def index(
        self,
        request: Req,
        community: NamedDependency[Community],
        status: FromQuery[str] = "",
        q: FromQuery[str] = "",
        page: FromQuery[int] = 1,
    ) -> Template:
        """The visitor's cases (only those they may see), and the studios."""
        actor = await current_actor(request)
        query = services.visible_cases(actor, community)
        if status in services.STATUS_LABELS:
            query = query.filter(status=status)
        if q.strip():
            query = query.filter(Q(number=q.strip()) | Q(summary__icontains=q.strip()))
        page = max(page, 1)
        total = await query.count()
        cases = (
            await query.select_related("studio")
            .order_by("-opened_at", "-id")
            .offset((page - 1) * PER_PAGE)
            .limit(PER_PAGE)
        )
        context = await nav(request, community)
        context |= {
            "cases": cases,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // PER_PAGE)),
            "status": status,
            "q": q,
            "studios": await services.studios(community),
            "caseloads": await services.studio_caseloads(community),
        }
        return Template("mediation/index.html", context=context)

    @get("/widget", name="mediation:widget", opt=PUBLIC)
    async def widget(self, request: Req, community: NamedDependency[Community]) -> Template:
        """The dashboard block: for mediators, their overdue follow-ups and late cases;
        for anyone else an invitation to ask for mediation."""
        actor = await current_actor(request)
        board = await services.dashboard(
            actor, community, today=today(request),
            time_limit_days=settings_of(request).time_limit_days,
        )  # fmt: skip
        context = {"base": base(community), "board": board, "anonymous": actor.is_anonymous}
        return Template("mediation/widget_body.html", context=context)

    @get("/request", name="mediation:request_form", guards=[logged_in])
    async def request_form(self, request: Req, community: NamedDependency[Community]) -> Template:
        context = await nav(request, community)
        context |= {"studios": await services.studios(community), "key": services.new_key()}
        return Template("mediation/request.html", context=context)

    @post("/request", name="mediation:request", guards=[logged_in])
    async def request_mediation(
        self, request: Req, community: NamedDependency[Community], data: URLEncodedBody[RequestForm]
    ) -> Redirect:
        try:
            case = await services.request_mediation(
                community, await current_actor(request), summary=data.summary,
                description=data.description, category=data.category,
                other_name=data.other_name, other_contact=data.other_contact,
                studio=await studio_of(request, community, data.studio), key=data.request_key,
            )  # fmt: skip
        except services.MediationError as exc:
            raise refuse(request, exc) from exc
        return Redirect(f"{base(community)}/cases/{case.id}", status_code=303)

    @get("/new", name="mediation:new", guards=[INTAKE_GUARD])
    async def new(self, request: Req, community: NamedDependency[Community]) -> Template:
        context = await nav(request, community)
        context |= {
            "studios": await services.studios(community),
            "places": await places(community),
            "mediators": await services.mediators(community),
            "me": (await current_actor(request)).account,
            "key": services.new_key(),
        }
        return Template("mediation/new.html", context=context)

    @post("/new", name="mediation:intake", guards=[INTAKE_GUARD])
    async def intake(
        self, request: Req, community: NamedDependency[Community], data: URLEncodedBody[IntakeForm]
    ) -> Redirect:
        parties = []
        for n in range(1, services.MAX_PARTIES + 1):
            who = getattr(data, f"party_{n}").strip()
            if not who:
                continue
            person = await find_person(request, community, who)
            parties.append(
                services.PartyInput(
                    name=who,
                    contact=getattr(data, f"contact_{n}"),
                    person=person,
                    side="applicant" if n == 1 else "respondent",
                )
            )
        place = None
        if data.place.strip():
            if not data.place.isdigit():
                raise refused(request, N_("Choose a place of this community."))
            place = await Node.get_or_none(id=int(data.place), community_id=community.id)
            if place is None:
                raise refused(request, N_("Choose a place of this community."))
        mediator = None
        if data.mediator.strip():
            mediator = await Account.get_or_none(username=data.mediator.strip())
            if mediator is None:
                raise refused(request, N_("This account is not a mediator here."))
        try:
            case = await services.open_case(
                community, await current_actor(request), summary=data.summary,
                description=data.description, category=data.category, urgency=data.urgency,
                place=place, studio=await studio_of(request, community, data.studio),
                parties=parties, mediator=mediator, key=data.request_key,
            )  # fmt: skip
        except services.MediationError as exc:
            raise refuse(request, exc) from exc
        actor = await current_actor(request)
        try:
            await services.access_to(actor, community, case.id)
        except services.CaseNotFound:
            # a worker who took the case in for a mediator does not see it afterwards
            return Redirect(f"{base(community)}/?taken={case.number}", status_code=303)
        return Redirect(f"{base(community)}/cases/{case.id}", status_code=303)

    @get("/cases/{case_id:int}", name="mediation:case", guards=[logged_in])
    async def case(
        self, request: Req, community: NamedDependency[Community], case_id: FromPath[int]
    ) -> Template:
        gate = await access(request, community, case_id)
        view = await services.case_view(gate)
        context = await nav(request, community)
        context |= {"case": gate.case, "view": view, "gate": gate, "today": today(request)}
        if gate.may_assign:
            context["mediators"] = await services.mediators(community)
        return Template("mediation/case.html", context=context)

    @get("/cases/{case_id:int}/agreement", name="mediation:agreement", guards=[logged_in])
    async def agreement(
        self, request: Req, community: NamedDependency[Community], case_id: FromPath[int]
    ) -> Template:
        """The agreement for printing and signing; parties see it too."""
        gate = await access(request, community, case_id)
        view = await services.case_view(gate)
        if view.agreement is None:
            raise NotFoundException()
        context = await nav(request, community)
        context |= {"case": gate.case, "view": view, "community": community}
        return Template("mediation/agreement.html", context=context)

    @post("/cases/{case_id:int}/step", name="mediation:step", guards=[logged_in])
    async def step(
        self,
        request: Req,
        community: NamedDependency[Community],
        case_id: FromPath[int],
        data: URLEncodedBody[StepForm],
    ) -> Redirect:
        gate = await access(request, community, case_id)
        deadline = parse_date(request, data.deadline) if data.deadline.strip() else None
        step = services.StepInput(
            reason=data.reason, target=data.target, facts=data.facts, terms=data.terms,
            deadline=deadline,
        )  # fmt: skip
        try:
            await services.apply(
                gate, data.action, step, follow_up_days=settings_of(request).follow_up_days
            )
        except services.MediationError as exc:
            raise refuse(request, exc) from exc
        return Redirect(f"{base(community)}/cases/{case_id}", status_code=303)

    @post("/cases/{case_id:int}/escalate", name="mediation:escalate", guards=[logged_in])
    async def escalate(
        self,
        request: Req,
        community: NamedDependency[Community],
        case_id: FromPath[int],
        data: URLEncodedBody[ReasonForm],
    ) -> Redirect:
        gate = await access(request, community, case_id)
        try:
            await services.escalate_case(gate, data.reason)
        except services.MediationError as exc:
            raise refuse(request, exc) from exc
        return await self._after_change(request, community, case_id)

    async def _after_change(self, request: Req, community: Community, case_id: int) -> Redirect:
        """Back to the case, or to the list if the visitor no longer sees it."""
        try:
            await services.access_to(await current_actor(request), community, case_id)
        except services.CaseNotFound:
            return Redirect(f"{base(community)}/", status_code=303)
        return Redirect(f"{base(community)}/cases/{case_id}", status_code=303)

    @post("/cases/{case_id:int}/assign", name="mediation:assign", guards=[logged_in])
    async def assign(
        self,
        request: Req,
        community: NamedDependency[Community],
        case_id: FromPath[int],
        data: URLEncodedBody[AssignForm],
    ) -> Redirect:
        gate = await access(request, community, case_id)
        mediator = await Account.get_or_none(username=data.mediator.strip())
        if mediator is None:
            raise refused(request, N_("This account is not a mediator here."))
        try:
            await services.assign(gate, mediator)
        except services.MediationError as exc:
            raise refuse(request, exc) from exc
        return Redirect(f"{base(community)}/cases/{case_id}", status_code=303)

    @post(
        "/cases/{case_id:int}/assignments/{assignment_id:int}/clear",
        name="mediation:clear",
        guards=[logged_in],
    )
    async def clear(
        self,
        request: Req,
        community: NamedDependency[Community],
        case_id: FromPath[int],
        assignment_id: FromPath[int],
        data: URLEncodedBody[ReasonForm],
    ) -> Redirect:
        gate = await access(request, community, case_id)
        try:
            await services.clear_conflict(gate, assignment_id, data.reason)
        except services.MediationError as exc:
            raise refuse(request, exc) from exc
        return Redirect(f"{base(community)}/cases/{case_id}", status_code=303)

    @post("/cases/{case_id:int}/sessions", name="mediation:session", guards=[logged_in])
    async def session(
        self,
        request: Req,
        community: NamedDependency[Community],
        case_id: FromPath[int],
        data: URLEncodedBody[SessionForm],
    ) -> Redirect:
        gate = await access(request, community, case_id)
        try:
            await services.add_session(
                gate, held_on=parse_date(request, data.held_on, today(request)), place=data.place,
                attendees=data.attendees, notes=data.notes, next_steps=data.next_steps,
            )  # fmt: skip
        except services.MediationError as exc:
            raise refuse(request, exc) from exc
        return Redirect(f"{base(community)}/cases/{case_id}", status_code=303)

    @post("/cases/{case_id:int}/follow-ups", name="mediation:follow_up", guards=[logged_in])
    async def follow_up(
        self,
        request: Req,
        community: NamedDependency[Community],
        case_id: FromPath[int],
        data: URLEncodedBody[VisitForm],
    ) -> Redirect:
        gate = await access(request, community, case_id)
        try:
            await services.add_follow_up(
                gate, visited_on=parse_date(request, data.visited_on, today(request)),
                kept=data.kept != "no", notes=data.notes,
            )  # fmt: skip
        except services.MediationError as exc:
            raise refuse(request, exc) from exc
        return Redirect(f"{base(community)}/cases/{case_id}", status_code=303)

    @post("/cases/{case_id:int}/signatures", name="mediation:sign", guards=[logged_in])
    async def sign(
        self,
        request: Req,
        community: NamedDependency[Community],
        case_id: FromPath[int],
        data: URLEncodedBody[SignatureForm],
    ) -> Redirect:
        gate = await access(request, community, case_id)
        if not data.party.isdigit():
            raise refused(request, N_("Choose a party of this case."))
        try:
            await services.record_signature(
                gate, int(data.party), parse_date(request, data.signed_on, today(request))
            )
        except services.MediationError as exc:
            raise refuse(request, exc) from exc
        return Redirect(f"{base(community)}/cases/{case_id}", status_code=303)

    @post("/cases/{case_id:int}/attachments", name="mediation:attach", guards=[logged_in])
    async def attach(
        self,
        request: Req,
        community: NamedDependency[Community],
        case_id: FromPath[int],
        data: MultipartBody[AttachmentForm],
    ) -> Redirect:
        gate = await access(request, community, case_id)
        if data.file is None or not data.file.filename:
            raise refused(request, N_("Choose a file to upload."))
        try:
            await services.add_attachment(
                gate, data=await data.file.read(), filename=data.file.filename,
                title=data.title, shared=bool(data.shared),
            )  # fmt: skip
        except UploadRefused as exc:
            raise refused(request, exc.message, exc.status, **exc.values) from exc
        except services.MediationError as exc:
            raise refuse(request, exc) from exc
        return Redirect(f"{base(community)}/cases/{case_id}", status_code=303)

    @get(
        "/cases/{case_id:int}/attachments/{attachment_id:int}",
        name="mediation:attachment",
        guards=[logged_in],
    )
    async def attachment(
        self,
        request: Req,
        community: NamedDependency[Community],
        case_id: FromPath[int],
        attachment_id: FromPath[int],
    ) -> Response[bytes]:
        gate = await access(request, community, case_id)
        try:
            upload = await services.attachment_file(gate, attachment_id)
        except services.CaseNotFound:
            raise NotFoundException() from None
        return file_response(upload)

    @get("/figures", name="mediation:figures", guards=[requires(services.FIGURES)])
    async def figures(
        self, request: Req, community: NamedDependency[Community], year: FromQuery[int] = 0
    ) -> Template:
        year = year or today(request).year
        if not 2000 <= year <= 2100:
            raise refused(request, N_("Choose a year between 2000 and 2100."))
        data = await services.figures(community, year, zone=site_of(request).settings.zone)
        context = await nav(request, community)
        context |= {
            "data": data,
            "small": services.SMALL_CELL,
        }
        return Template("mediation/figures.html", context=context)
