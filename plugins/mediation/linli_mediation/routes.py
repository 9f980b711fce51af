"""The mediation pages: thin handlers over :mod:`linli_mediation.services`.

Case pages are guarded by ``logged_in`` and then by :func:`services.access_to`, which
answers a case the visitor may not see exactly like one that does not exist: the
standard 404 page, with nothing of the case in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, tzinfo
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
from linli.hierarchy.services import addresses
from linli.i18n import N_
from linli.identity.models import Account, Person
from linli.models import Community
from linli.sorting import natural_sorted
from linli.uploads import UploadRefused, file_response
from linli.web.auth import PUBLIC, community_node, current_actor, logged_in, requires
from linli.web.feedback import confirmation, flash, form_again, form_values, is_confirmed
from linli.web.site import language_of, site_of, translate
from linli_mediation import services
from linli_mediation.models import Studio

Req = Request[Any, Any, Any]
PER_PAGE = 20


# ----------------------------------------------------------------------------- helpers


def base(community: Community) -> str:
    return f"/c/{community.slug}/mediation"


def case_url(community: Community, case_id: int) -> str:
    return f"{base(community)}/cases/{case_id}"


def settings_of(request: Req) -> Any:
    return site_of(request).registry.loaded["mediation"].settings


def zone_of(request: Req) -> tzinfo:
    return site_of(request).settings.zone


def today(request: Req) -> date:
    return services.now_utc().astimezone(zone_of(request)).date()


def done(request: Req, url: str, message: str, **values: Any) -> Redirect:
    """After a write: the one-time success message, and the page that shows the result."""
    flash(request, message, **values)
    return Redirect(url, status_code=303)


def parse_date(raw: str, field: str, default: date | None = None) -> date:
    raw = raw.strip()
    if not raw and default is not None:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise services.MediationError(N_("Enter the date as YYYY-MM-DD."), field=field) from None


async def access(request: Req, community: Community, case_id: int) -> services.Access:
    try:
        return await services.access_to(await current_actor(request), community, case_id)
    except services.CaseNotFound:
        raise NotFoundException() from None


async def find_person(community: Community, who: str, field: str) -> Person | None:
    """A party of the register by ``#id`` or exact phone; ``None`` for an outsider."""
    who = who.strip()
    if who.startswith("#"):
        if not who[1:].isdecimal():
            raise services.MediationError(
                N_("A register number is # followed by digits."), field=field
            )
        person = await Person.get_or_none(id=int(who[1:]), community_id=community.id)
        if person is None:
            raise services.MediationError(
                N_("No resident has the register number %(who)s."), field=field, who=who
            )
        return person
    if who.isdecimal() and len(who) >= 7:
        found = await Person.filter(community_id=community.id, phone=who).limit(2)
        if len(found) == 1:
            return found[0]
    return None


async def party_input(
    community: Community, who: str, contact: str, side: str, field: str
) -> services.PartyInput:
    """A party as typed in a form: ``who`` is a #register number, a phone of the register
    or a name; ``contact`` a door number or phone."""
    person = await find_person(community, who, field) if who.strip() else None
    name = "" if person is not None or who.strip().startswith("#") else who
    return services.PartyInput(name=name, contact=contact, person=person, side=side, field=field)


async def studio_of(community: Community, raw: str) -> Studio | None:
    if not raw.strip():
        return None
    studio = None
    if raw.strip().isdecimal():
        studio = await Studio.get_or_none(id=int(raw), community_id=community.id)
    if studio is None:
        raise services.MediationError(N_("Choose a studio."), field="studio")
    return studio


async def places(community: Community, language: str) -> list[tuple[Node, str]]:
    """The places a case may be at (estates, buildings and facilities), each with its
    address, in natural order (2栋 before 10栋)."""
    nodes = await Node.filter(
        community_id=community.id, tree="place", kind__key__in=("estate", "building", "facility")
    )
    named = await addresses(nodes, language)
    return natural_sorted([(node, named[node.id]) for node in nodes], key=lambda pair: pair[1])


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
        "zone": zone_of(request),
        "form_error": None,
        "form": {},
        "form_for": "",
    }


async def case_context(request: Req, community: Community, gate: services.Access) -> dict[str, Any]:
    """Everything the case page shows to this visitor."""
    view = await services.case_view(gate)
    context = await nav(request, community)
    place = ""
    if gate.staff and gate.case.place_id is not None:
        node = await Node.get_or_none(id=gate.case.place_id)
        place = (await addresses([node], language_of(request))).get(node.id, "") if node else ""
    context |= {
        "case": gate.case, "view": view, "gate": gate, "today": today(request), "place": place,
    }  # fmt: skip
    if gate.may_assign:
        context["mediators"] = await services.mediators(community)
    return context


async def case_again(
    request: Req,
    community: Community,
    gate: services.Access,
    exc: services.MediationError,
    data: Any,
    form_for: str,
) -> Template:
    """The case page again after a refused form: the message beside the field of the
    form that was sent (fields are named ``<form>-<field>`` on this page of many forms),
    that form filled with what was typed, at the refusal's status."""
    if isinstance(exc, services.CaseNotFound):
        raise NotFoundException()
    if exc.field:
        exc.field = f"{form_for}-{exc.field}"
    context = await case_context(request, community, gate)
    context["form_for"] = form_for
    return form_again(request, "mediation/case.html", context, exc, data)


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
    confirmed: str = ""


class AssignForm(msgspec.Struct):
    mediator: str = ""


class ReasonForm(msgspec.Struct):
    reason: str = ""


class PartyForm(msgspec.Struct):
    who: str = ""
    contact: str = ""
    side: str = "respondent"


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
    answer: str = "signed"
    note: str = ""


@dataclass
class AttachmentForm:
    title: str = ""
    shared: str = ""
    file: UploadFile | None = None


#: The success message after each lifecycle step.
STEP_DONE = {
    "accept": N_("Accepted."),
    "start": N_("Mediation started."),
    "agree": N_("Agreement recorded. Record each party's signature or refusal to sign."),
    "not_resolved": N_("Recorded as not resolved."),
    "follow_up": N_("Follow-up started."),
    "close": N_("Case closed."),
    "refer": N_("Referred."),
}


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
        studios = await services.studios(community)
        context = await nav(request, community)
        context |= {
            "cases": cases,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // PER_PAGE)),
            "status": status,
            "q": q,
            "studios": studios,
            "rooms": await addresses([s.node for s in studios], language_of(request)),
            "caseloads": await services.studio_caseloads(community),
        }
        return Template("mediation/index.html", context=context)

    @get("/widget", name="mediation:widget", opt=PUBLIC)
    async def widget(self, request: Req, community: NamedDependency[Community]) -> Template:
        """The dashboard block: for mediators, their overdue follow-ups and late cases;
        for anyone else an invitation to ask for mediation."""
        actor = await current_actor(request)
        board = await services.dashboard(
            actor, community, today=today(request), zone=zone_of(request),
            time_limit_days=settings_of(request).time_limit_days,
        )  # fmt: skip
        context = {"base": base(community), "board": board, "anonymous": actor.is_anonymous}
        return Template("mediation/widget_body.html", context=context)

    async def _request_context(self, request: Req, community: Community) -> dict[str, Any]:
        context = await nav(request, community)
        return context | {"studios": await services.studios(community), "key": services.new_key()}

    @get("/request", name="mediation:request_form", guards=[logged_in])
    async def request_form(self, request: Req, community: NamedDependency[Community]) -> Template:
        context = await self._request_context(request, community)
        return Template("mediation/request.html", context=context)

    @post("/request", name="mediation:request", guards=[logged_in])
    async def request_mediation(
        self, request: Req, community: NamedDependency[Community], data: URLEncodedBody[RequestForm]
    ) -> Redirect | Template:
        actor = await current_actor(request)
        try:
            case = await services.request_mediation(
                community, actor, summary=data.summary,
                description=data.description, category=data.category,
                other_name=data.other_name, other_contact=data.other_contact,
                studio=await studio_of(community, data.studio), key=data.request_key,
            )  # fmt: skip
        except services.Duplicate as exc:
            if exc.case_id is not None and await self._sees(actor, community, exc.case_id):
                return done(
                    request, case_url(community, exc.case_id),
                    N_("This request was already sent: here it is."),
                )  # fmt: skip
            context = await self._request_context(request, community)
            return form_again(request, "mediation/request.html", context, exc, data)
        except services.MediationError as exc:
            context = await self._request_context(request, community)
            return form_again(request, "mediation/request.html", context, exc, data)
        return done(
            request, case_url(community, case.id),
            N_("Your request was sent. A mediator will contact you."),
        )  # fmt: skip

    async def _sees(self, actor: Any, community: Community, case_id: int) -> bool:
        try:
            await services.access_to(actor, community, case_id)
        except services.CaseNotFound:
            return False
        return True

    async def _intake_context(self, request: Req, community: Community) -> dict[str, Any]:
        context = await nav(request, community)
        return context | {
            "studios": await services.studios(community),
            "places": await places(community, language_of(request)),
            "mediators": await services.mediators(community),
            "me": (await current_actor(request)).account,
            "key": services.new_key(),
        }

    @get("/new", name="mediation:new", guards=[INTAKE_GUARD])
    async def new(self, request: Req, community: NamedDependency[Community]) -> Template:
        context = await self._intake_context(request, community)
        return Template("mediation/new.html", context=context)

    @post("/new", name="mediation:intake", guards=[INTAKE_GUARD])
    async def intake(
        self, request: Req, community: NamedDependency[Community], data: URLEncodedBody[IntakeForm]
    ) -> Redirect | Template:
        actor = await current_actor(request)
        try:
            case = await services.open_case(
                community, actor, summary=data.summary,
                description=data.description, category=data.category, urgency=data.urgency,
                place=await self._place(community, data.place),
                studio=await studio_of(community, data.studio),
                parties=await self._parties(community, data),
                mediator=await self._mediator(data.mediator), key=data.request_key,
            )  # fmt: skip
        except services.MediationError as exc:
            if (
                isinstance(exc, services.Duplicate)
                and exc.case_id is not None
                and await self._sees(actor, community, exc.case_id)
            ):
                return done(
                    request, case_url(community, exc.case_id),
                    N_("This case was already taken in: here it is."),
                )  # fmt: skip
            context = await self._intake_context(request, community)
            return form_again(request, "mediation/new.html", context, exc, data)
        if not await self._sees(actor, community, case.id):
            # a worker who took the case in for a mediator does not see it afterwards
            return done(
                request, f"{base(community)}/",
                N_("Case %(number)s was taken in and handed to its mediator."),
                number=case.number,
            )  # fmt: skip
        return done(request, case_url(community, case.id), N_("Case taken in."))

    async def _parties(self, community: Community, data: IntakeForm) -> list[services.PartyInput]:
        parties = []
        for n in range(1, services.MAX_PARTIES + 1):
            who, contact = getattr(data, f"party_{n}"), getattr(data, f"contact_{n}")
            if who.strip() or contact.strip():
                side = "applicant" if n == 1 else "respondent"
                parties.append(await party_input(community, who, contact, side, f"party_{n}"))
        return parties

    async def _place(self, community: Community, raw: str) -> Node | None:
        if not raw.strip():
            return None
        place = None
        if raw.strip().isdecimal():
            place = await Node.get_or_none(id=int(raw), community_id=community.id)
        if place is None:
            raise services.MediationError(N_("Choose a place of this community."), field="place")
        return place

    async def _mediator(self, raw: str) -> Account | None:
        if not raw.strip():
            return None
        mediator = await Account.get_or_none(username=raw.strip())
        if mediator is None:
            raise services.MediationError(
                N_("This account is not a mediator here."), field="mediator"
            )
        return mediator

    @get("/cases/{case_id:int}", name="mediation:case", guards=[logged_in])
    async def case(
        self, request: Req, community: NamedDependency[Community], case_id: FromPath[int]
    ) -> Template:
        gate = await access(request, community, case_id)
        context = await case_context(request, community, gate)
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
    ) -> Redirect | Template:
        gate = await access(request, community, case_id)
        url = case_url(community, case_id)
        follow_up_days = settings_of(request).follow_up_days
        try:
            deadline = parse_date(data.deadline, "deadline") if data.deadline.strip() else None
            step = services.StepInput(
                reason=data.reason, target=data.target, facts=data.facts, terms=data.terms,
                deadline=deadline,
            )  # fmt: skip
            if data.action == "close" and not is_confirmed(data.confirmed):
                await services.check_step(gate, "close", step, follow_up_days=follow_up_days)
                return self._confirm_close(request, gate.case, url, data)
            await services.apply(gate, data.action, step, follow_up_days=follow_up_days)
        except services.AlreadyDone as exc:
            state = translate(request, exc.values["state"])
            return done(request, url, N_("Already done: the case is now “%(state)s”."), state=state)
        except services.MediationError as exc:
            return await case_again(request, community, gate, exc, data, f"step-{data.action}")
        return done(request, url, STEP_DONE[data.action])

    def _confirm_close(self, request: Req, case: Any, url: str, data: StepForm) -> Template:
        return confirmation(
            request,
            question=translate(request, N_("Close case %(number)s?"), number=case.number),
            action=f"{url}/step",
            back=url,
            confirm_label=translate(request, N_("Yes, close the case")),
            consequences=[
                translate(request, N_("A closed case cannot be reopened.")),
                translate(
                    request,
                    N_("No more sessions, follow-up visits, documents or steps can be recorded."),
                ),
                translate(request, N_("The parties will see the case as closed.")),
            ],
            fields=form_values(data),
        )

    @post("/cases/{case_id:int}/escalate", name="mediation:escalate", guards=[logged_in])
    async def escalate(
        self,
        request: Req,
        community: NamedDependency[Community],
        case_id: FromPath[int],
        data: URLEncodedBody[ReasonForm],
    ) -> Redirect | Template:
        gate = await access(request, community, case_id)
        try:
            await services.escalate_case(gate, data.reason)
        except services.MediationError as exc:
            return await case_again(request, community, gate, exc, data, "escalate")
        flash(request, N_("Escalated to the level above."))
        return await self._after_change(request, community, case_id)

    async def _after_change(self, request: Req, community: Community, case_id: int) -> Redirect:
        """Back to the case, or to the list if the visitor no longer sees it."""
        if await self._sees(await current_actor(request), community, case_id):
            return Redirect(case_url(community, case_id), status_code=303)
        return Redirect(f"{base(community)}/", status_code=303)

    @post("/cases/{case_id:int}/assign", name="mediation:assign", guards=[logged_in])
    async def assign(
        self,
        request: Req,
        community: NamedDependency[Community],
        case_id: FromPath[int],
        data: URLEncodedBody[AssignForm],
    ) -> Redirect | Template:
        gate = await access(request, community, case_id)
        try:
            mediator = await self._mediator(data.mediator)
            if mediator is None:
                raise services.MediationError(
                    N_("This account is not a mediator here."), field="mediator"
                )
            assignment = await services.assign(gate, mediator)
        except services.MediationError as exc:
            return await case_again(request, community, gate, exc, data, "assign")
        if not assignment.effective:
            flash(request, N_("Assigned, with a conflict of interest to clear first."))
            return await self._after_change(request, community, case_id)
        flash(request, N_("Mediator assigned."))
        return await self._after_change(request, community, case_id)

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
    ) -> Redirect | Template:
        gate = await access(request, community, case_id)
        try:
            await services.clear_conflict(gate, assignment_id, data.reason)
        except services.MediationError as exc:
            return await case_again(request, community, gate, exc, data, f"clear-{assignment_id}")
        return done(request, case_url(community, case_id), N_("Conflict of interest cleared."))

    @post("/cases/{case_id:int}/parties", name="mediation:add_party", guards=[logged_in])
    async def add_party(
        self,
        request: Req,
        community: NamedDependency[Community],
        case_id: FromPath[int],
        data: URLEncodedBody[PartyForm],
    ) -> Redirect | Template:
        gate = await access(request, community, case_id)
        try:
            entered = await party_input(community, data.who, data.contact, data.side, "who")
            await services.add_party(gate, entered)
        except services.MediationError as exc:
            return await case_again(request, community, gate, exc, data, "party")
        return done(request, case_url(community, case_id), N_("Party added."))

    @post(
        "/cases/{case_id:int}/parties/{party_id:int}",
        name="mediation:edit_party",
        guards=[logged_in],
    )
    async def edit_party(
        self,
        request: Req,
        community: NamedDependency[Community],
        case_id: FromPath[int],
        party_id: FromPath[int],
        data: URLEncodedBody[PartyForm],
    ) -> Redirect | Template:
        gate = await access(request, community, case_id)
        try:
            entered = await party_input(community, data.who, data.contact, data.side, "who")
            await services.edit_party(gate, party_id, entered)
        except services.MediationError as exc:
            return await case_again(request, community, gate, exc, data, f"party-{party_id}")
        return done(request, case_url(community, case_id), N_("Party details saved."))

    @post("/cases/{case_id:int}/sessions", name="mediation:session", guards=[logged_in])
    async def session(
        self,
        request: Req,
        community: NamedDependency[Community],
        case_id: FromPath[int],
        data: URLEncodedBody[SessionForm],
    ) -> Redirect | Template:
        gate = await access(request, community, case_id)
        try:
            await services.add_session(
                gate, held_on=parse_date(data.held_on, "held_on", today(request)),
                place=data.place, attendees=data.attendees, notes=data.notes,
                next_steps=data.next_steps,
            )  # fmt: skip
        except services.MediationError as exc:
            return await case_again(request, community, gate, exc, data, "session")
        return done(request, case_url(community, case_id), N_("Session recorded."))

    @post("/cases/{case_id:int}/follow-ups", name="mediation:follow_up", guards=[logged_in])
    async def follow_up(
        self,
        request: Req,
        community: NamedDependency[Community],
        case_id: FromPath[int],
        data: URLEncodedBody[VisitForm],
    ) -> Redirect | Template:
        gate = await access(request, community, case_id)
        try:
            await services.add_follow_up(
                gate, visited_on=parse_date(data.visited_on, "visited_on", today(request)),
                kept=data.kept != "no", notes=data.notes,
            )  # fmt: skip
        except services.MediationError as exc:
            return await case_again(request, community, gate, exc, data, "visit")
        return done(request, case_url(community, case_id), N_("Follow-up visit recorded."))

    @post("/cases/{case_id:int}/signatures", name="mediation:sign", guards=[logged_in])
    async def sign(
        self,
        request: Req,
        community: NamedDependency[Community],
        case_id: FromPath[int],
        data: URLEncodedBody[SignatureForm],
    ) -> Redirect | Template:
        gate = await access(request, community, case_id)
        refused = data.answer == "refused"
        try:
            if not data.party.isdecimal():
                raise services.MediationError(N_("Choose a party of this case."), field="party")
            await services.record_signature(
                gate, int(data.party), parse_date(data.signed_on, "signed_on", today(request)),
                refused=refused, note=data.note,
            )  # fmt: skip
        except services.MediationError as exc:
            return await case_again(request, community, gate, exc, data, "sign")
        message = N_("Refusal to sign recorded.") if refused else N_("Signature recorded.")
        return done(request, case_url(community, case_id), message)

    @post("/cases/{case_id:int}/attachments", name="mediation:attach", guards=[logged_in])
    async def attach(
        self,
        request: Req,
        community: NamedDependency[Community],
        case_id: FromPath[int],
        data: MultipartBody[AttachmentForm],
    ) -> Redirect | Template:
        gate = await access(request, community, case_id)
        typed = {"title": data.title, "shared": data.shared}
        try:
            if data.file is None or not data.file.filename:
                raise services.MediationError(N_("Choose a file to upload."), field="file")
            await services.add_attachment(
                gate, data=await data.file.read(), filename=data.file.filename,
                title=data.title, shared=bool(data.shared),
            )  # fmt: skip
        except UploadRefused as exc:
            problem = services.MediationError(exc.message, exc.status, field="file", **exc.values)
            return await case_again(request, community, gate, problem, typed, "doc")
        except services.MediationError as exc:
            return await case_again(request, community, gate, exc, typed, "doc")
        return done(request, case_url(community, case_id), N_("Document added."))

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
        problem = None
        if year and not 2000 <= year <= 2100:
            problem = services.MediationError(
                N_("Choose a year between 2000 and 2100."), field="year"
            )
        shown = year if year and problem is None else today(request).year
        data = await services.figures(community, shown, zone=zone_of(request))
        context = await nav(request, community)
        context |= {"data": data, "small": services.SMALL_CELL}
        if problem is not None:
            return form_again(request, "mediation/figures.html", context, problem, {"year": year})
        return Template("mediation/figures.html", context=context)
