"""The mediation pages: thin handlers over :mod:`linli_mediation.services`.

Case pages are guarded by ``logged_in`` and then by :func:`services.access_to`, which
answers a case the visitor may not see exactly like one that does not exist: the
standard 404 page, with nothing of the case in it.

A rule's refusal is not caught here: each form's route names its page
(``form_page``), and linli shows that page again with the message beside the field and
what was typed. The case page holds many forms; :func:`case_form` names which one.
"""

from __future__ import annotations

from collections import defaultdict
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

from linli.kit import (
    N_,
    PUBLIC,
    Account,
    Actor,
    Community,
    Node,
    Person,
    addresses,
    community_node,
    confirmation,
    current_actor,
    file_response,
    find_person,
    flash,
    form_again,
    form_page,
    form_values,
    is_confirmed,
    language_of,
    logged_in,
    natural_sorted,
    parse_date,
    requires,
    site_of,
    today_of,
    translate,
    zone_of,
)
from linli_mediation import MediationSettings, services
from linli_mediation.models import Studio

Req = Request[Any, Any, Any]
PER_PAGE = 20


# ----------------------------------------------------------------------------- helpers


def index_url(community: Community) -> str:
    return f"/c/{community.slug}/mediation/"


def case_url(community: Community, case_id: int) -> str:
    return f"/c/{community.slug}/mediation/cases/{case_id}"


def plugin_settings(request: Req) -> MediationSettings:
    """The instance's ``[plugins.mediation]`` settings (the same for every community)."""
    return site_of(request).registry.loaded["mediation"].settings


def done(request: Req, url: str, message: str, **values: Any) -> Redirect:
    """After a write: the one-time success message, and the page that shows the result."""
    flash(request, message, **values)
    return Redirect(url, status_code=303)


async def access(request: Req, community: Community, case_id: int) -> services.Access:
    """The gate to a case, answered as the standard 404 page for a case the visitor may
    not see, the same as for one that does not exist."""
    try:
        return await services.access_to(await current_actor(request), community, case_id)
    except services.CaseNotFound:
        raise NotFoundException() from None


async def sees(actor: Actor, community: Community, case_id: int) -> bool:
    try:
        await services.access_to(actor, community, case_id)
    except services.CaseNotFound:
        return False
    return True


async def register_person(community: Community, who: str, field: str) -> Person | None:
    """A party of the register by ``#id`` or phone; ``None`` for an outsider, kept by
    the name typed. A name never links a resident (unlike the core's lookup by name): a
    party sees the case, so only a register number or a phone makes someone one."""
    who = who.strip()
    if who.startswith("#"):
        return await find_person(community, who, field=field)
    if who.isdecimal() and len(who) >= 7:
        return await find_person(community, who, field=field, required=False)
    return None


async def party_input(
    community: Community, who: str, contact: str, side: str, field: str
) -> services.PartyInput:
    """A party as typed in a form: ``who`` is a #register number, a phone of the register
    or a name; ``contact`` a door number or phone."""
    person = await register_person(community, who, field)
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


async def place_of(community: Community, raw: str) -> Node | None:
    if not raw.strip():
        return None
    place = None
    if raw.strip().isdecimal():
        place = await Node.get_or_none(id=int(raw), community_id=community.id)
    if place is None:
        raise services.MediationError(N_("Choose a place of this community."), field="place")
    return place


async def mediator_of(raw: str) -> Account:
    mediator = await Account.get_or_none(username=raw.strip()) if raw.strip() else None
    if mediator is None:
        raise services.MediationError(N_("This account is not a mediator here."), field="mediator")
    return mediator


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


# ----------------------------------------------------------------------------- page contexts


async def nav(request: Req, community: Community) -> dict[str, Any]:
    """What every mediation page shows: the labels, and an empty form."""
    return {
        "base": index_url(community).rstrip("/"),
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


async def request_page(request: Req, community: Community) -> dict[str, Any]:
    context = await nav(request, community)
    return context | {"studios": await services.studios(community), "key": services.new_key()}


async def intake_page(request: Req, community: Community) -> dict[str, Any]:
    context = await nav(request, community)
    return context | {
        "studios": await services.studios(community),
        "places": await places(community, language_of(request)),
        "mediators": await services.mediators(community),
        "me": (await current_actor(request)).account,
        "key": services.new_key(),
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
        "case": gate.case, "view": view, "gate": gate, "today": today_of(request), "place": place,
    }  # fmt: skip
    if gate.may_assign:
        context["mediators"] = await services.mediators(community)
    return context


def case_form(name: str) -> dict[str, Any]:
    """The route option of a form on the case page: a refusal shows the case page again
    with that form open, filled with what was typed, and the message beside its field.
    ``name`` is the form's (fields are named ``<form>-<field>`` on this page of many
    forms); ``{…}`` in it is filled from the path and the posted fields
    (``"step-{action}"``)."""

    async def context(request: Req, community: Community, form: dict[str, Any]) -> dict[str, Any]:
        gate = await access(request, community, request.path_params["case_id"])
        values = {key: value for key, value in form.items() if isinstance(value, str)}
        page = await case_context(request, community, gate)
        filled = defaultdict(str, {**values, **request.path_params})
        return page | {"form_for": name.format_map(filled)}

    return form_page("mediation/case.html", context)


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


async def sent_before(
    request: Req, actor: Actor, community: Community, exc: services.Duplicate, message: str
) -> Redirect:
    """A form sent twice (a double click): the case the first sending opened, if the
    visitor sees it; otherwise the refusal, shown on the form's page."""
    if exc.case_id is not None and await sees(actor, community, exc.case_id):
        return done(request, case_url(community, exc.case_id), message)
    raise exc


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
    async def widget(
        self,
        request: Req,
        community: NamedDependency[Community],
        today: NamedDependency[date],
    ) -> Template:
        """The dashboard block: for mediators, their overdue follow-ups and late cases;
        for anyone else an invitation to ask for mediation."""
        actor = await current_actor(request)
        board = await services.dashboard(
            actor, community, today=today, zone=zone_of(request),
            time_limit_days=plugin_settings(request).time_limit_days,
        )  # fmt: skip
        context = {
            "base": index_url(community).rstrip("/"), "board": board,
            "anonymous": actor.is_anonymous,
        }  # fmt: skip
        return Template("mediation/widget_body.html", context=context)

    @get("/request", name="mediation:request_form", guards=[logged_in])
    async def request_form(self, request: Req, community: NamedDependency[Community]) -> Template:
        return Template("mediation/request.html", context=await request_page(request, community))

    @post(
        "/request",
        name="mediation:request",
        guards=[logged_in],
        opt=form_page("mediation/request.html", request_page),
    )
    async def request_mediation(
        self,
        request: Req,
        community: NamedDependency[Community],
        data: URLEncodedBody[RequestForm],
    ) -> Redirect:
        actor = await current_actor(request)
        try:
            case = await services.request_mediation(
                community, actor, summary=data.summary,
                description=data.description, category=data.category,
                other_name=data.other_name, other_contact=data.other_contact,
                studio=await studio_of(community, data.studio), key=data.request_key,
            )  # fmt: skip
        except services.Duplicate as exc:
            message = N_("This request was already sent: here it is.")
            return await sent_before(request, actor, community, exc, message)
        return done(
            request, case_url(community, case.id),
            N_("Your request was sent. A mediator will contact you."),
        )  # fmt: skip

    @get("/new", name="mediation:new", guards=[INTAKE_GUARD])
    async def new(self, request: Req, community: NamedDependency[Community]) -> Template:
        return Template("mediation/new.html", context=await intake_page(request, community))

    @post(
        "/new",
        name="mediation:intake",
        guards=[INTAKE_GUARD],
        opt=form_page("mediation/new.html", intake_page),
    )
    async def intake(
        self,
        request: Req,
        community: NamedDependency[Community],
        data: URLEncodedBody[IntakeForm],
    ) -> Redirect:
        actor = await current_actor(request)
        try:
            case = await services.open_case(
                community, actor, summary=data.summary,
                description=data.description, category=data.category, urgency=data.urgency,
                place=await place_of(community, data.place),
                studio=await studio_of(community, data.studio),
                parties=await self._parties(community, data),
                mediator=await mediator_of(data.mediator) if data.mediator.strip() else None,
                key=data.request_key,
            )  # fmt: skip
        except services.Duplicate as exc:
            message = N_("This case was already taken in: here it is.")
            return await sent_before(request, actor, community, exc, message)
        if not await sees(actor, community, case.id):
            # a worker who took the case in for a mediator does not see it afterwards
            return done(
                request, index_url(community),
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

    @post(
        "/cases/{case_id:int}/step",
        name="mediation:step",
        guards=[logged_in],
        opt=case_form("step-{action}"),
    )
    async def step(
        self,
        request: Req,
        community: NamedDependency[Community],
        case_id: FromPath[int],
        data: URLEncodedBody[StepForm],
    ) -> Redirect | Template:
        gate = await access(request, community, case_id)
        url = case_url(community, case_id)
        follow_up_days = plugin_settings(request).follow_up_days
        step = services.StepInput(
            reason=data.reason, target=data.target, facts=data.facts, terms=data.terms,
            deadline=parse_date(data.deadline, "deadline"),
        )  # fmt: skip
        try:
            if data.action == "close" and not is_confirmed(data.confirmed):
                await services.check_step(gate, "close", step, follow_up_days=follow_up_days)
                return self._confirm_close(request, gate.case, url, data)
            await services.apply(gate, data.action, step, follow_up_days=follow_up_days)
        except services.AlreadyDone as exc:
            # a double click, or two mediators at once: the step is done, not refused
            state = translate(request, exc.values["state"])
            return done(request, url, N_("Already done: the case is now “%(state)s”."), state=state)
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

    @post(
        "/cases/{case_id:int}/escalate",
        name="mediation:escalate",
        guards=[logged_in],
        opt=case_form("escalate"),
    )
    async def escalate(
        self,
        request: Req,
        community: NamedDependency[Community],
        case_id: FromPath[int],
        data: URLEncodedBody[ReasonForm],
    ) -> Redirect:
        gate = await access(request, community, case_id)
        await services.escalate_case(gate, data.reason)
        flash(request, N_("Escalated to the level above."))
        return await self._after_change(gate.actor, community, case_id)

    async def _after_change(self, actor: Actor, community: Community, case_id: int) -> Redirect:
        """Back to the case, or to the list if the visitor no longer sees it."""
        if await sees(actor, community, case_id):
            return Redirect(case_url(community, case_id), status_code=303)
        return Redirect(index_url(community), status_code=303)

    @post(
        "/cases/{case_id:int}/assign",
        name="mediation:assign",
        guards=[logged_in],
        opt=case_form("assign"),
    )
    async def assign(
        self,
        request: Req,
        community: NamedDependency[Community],
        case_id: FromPath[int],
        data: URLEncodedBody[AssignForm],
    ) -> Redirect:
        gate = await access(request, community, case_id)
        assignment = await services.assign(gate, await mediator_of(data.mediator))
        if not assignment.effective:
            flash(request, N_("Assigned, with a conflict of interest to clear first."))
        else:
            flash(request, N_("Mediator assigned."))
        return await self._after_change(gate.actor, community, case_id)

    @post(
        "/cases/{case_id:int}/assignments/{assignment_id:int}/clear",
        name="mediation:clear",
        guards=[logged_in],
        opt=case_form("clear-{assignment_id}"),
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
        await services.clear_conflict(gate, assignment_id, data.reason)
        return done(request, case_url(community, case_id), N_("Conflict of interest cleared."))

    @post(
        "/cases/{case_id:int}/parties",
        name="mediation:add_party",
        guards=[logged_in],
        opt=case_form("party"),
    )
    async def add_party(
        self,
        request: Req,
        community: NamedDependency[Community],
        case_id: FromPath[int],
        data: URLEncodedBody[PartyForm],
    ) -> Redirect:
        gate = await access(request, community, case_id)
        entered = await party_input(community, data.who, data.contact, data.side, "who")
        await services.add_party(gate, entered)
        return done(request, case_url(community, case_id), N_("Party added."))

    @post(
        "/cases/{case_id:int}/parties/{party_id:int}",
        name="mediation:edit_party",
        guards=[logged_in],
        opt=case_form("party-{party_id}"),
    )
    async def edit_party(
        self,
        request: Req,
        community: NamedDependency[Community],
        case_id: FromPath[int],
        party_id: FromPath[int],
        data: URLEncodedBody[PartyForm],
    ) -> Redirect:
        gate = await access(request, community, case_id)
        entered = await party_input(community, data.who, data.contact, data.side, "who")
        await services.edit_party(gate, party_id, entered)
        return done(request, case_url(community, case_id), N_("Party details saved."))

    @post(
        "/cases/{case_id:int}/sessions",
        name="mediation:session",
        guards=[logged_in],
        opt=case_form("session"),
    )
    async def session(
        self,
        request: Req,
        community: NamedDependency[Community],
        today: NamedDependency[date],
        case_id: FromPath[int],
        data: URLEncodedBody[SessionForm],
    ) -> Redirect:
        gate = await access(request, community, case_id)
        await services.add_session(
            gate, held_on=parse_date(data.held_on, "held_on", today) or today,
            place=data.place, attendees=data.attendees, notes=data.notes,
            next_steps=data.next_steps,
        )  # fmt: skip
        return done(request, case_url(community, case_id), N_("Session recorded."))

    @post(
        "/cases/{case_id:int}/follow-ups",
        name="mediation:follow_up",
        guards=[logged_in],
        opt=case_form("visit"),
    )
    async def follow_up(
        self,
        request: Req,
        community: NamedDependency[Community],
        today: NamedDependency[date],
        case_id: FromPath[int],
        data: URLEncodedBody[VisitForm],
    ) -> Redirect:
        gate = await access(request, community, case_id)
        await services.add_follow_up(
            gate, visited_on=parse_date(data.visited_on, "visited_on", today) or today,
            kept=data.kept != "no", notes=data.notes,
        )  # fmt: skip
        return done(request, case_url(community, case_id), N_("Follow-up visit recorded."))

    @post(
        "/cases/{case_id:int}/signatures",
        name="mediation:sign",
        guards=[logged_in],
        opt=case_form("sign"),
    )
    async def sign(
        self,
        request: Req,
        community: NamedDependency[Community],
        today: NamedDependency[date],
        case_id: FromPath[int],
        data: URLEncodedBody[SignatureForm],
    ) -> Redirect:
        gate = await access(request, community, case_id)
        refused = data.answer == "refused"
        if not data.party.isdecimal():
            raise services.MediationError(N_("Choose a party of this case."), field="party")
        await services.record_signature(
            gate, int(data.party), parse_date(data.signed_on, "signed_on", today) or today,
            refused=refused, note=data.note,
        )  # fmt: skip
        message = N_("Refusal to sign recorded.") if refused else N_("Signature recorded.")
        return done(request, case_url(community, case_id), message)

    @post(
        "/cases/{case_id:int}/attachments",
        name="mediation:attach",
        guards=[logged_in],
        opt=case_form("doc"),
    )
    async def attach(
        self,
        request: Req,
        community: NamedDependency[Community],
        case_id: FromPath[int],
        data: MultipartBody[AttachmentForm],
    ) -> Redirect:
        gate = await access(request, community, case_id)
        if data.file is None or not data.file.filename:
            raise services.MediationError(N_("Choose a file to upload."), field="file")
        await services.add_attachment(
            gate, data=await data.file.read(), filename=data.file.filename,
            title=data.title, shared=bool(data.shared),
        )  # fmt: skip
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
        self,
        request: Req,
        community: NamedDependency[Community],
        today: NamedDependency[date],
        year: FromQuery[int] = 0,
    ) -> Template:
        problem = None
        if year and not 2000 <= year <= 2100:
            problem = services.MediationError(
                N_("Choose a year between 2000 and 2100."), field="year"
            )
        shown = year if year and problem is None else today.year
        data = await services.figures(community, shown, zone=zone_of(request))
        context = await nav(request, community)
        context |= {"data": data, "small": services.SMALL_CELL}
        if problem is not None:
            return form_again(request, "mediation/figures.html", context, problem, {"year": year})
        return Template("mediation/figures.html", context=context)


ROUTES = [MediationController]
