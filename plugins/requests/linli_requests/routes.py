"""The requests pages: thin controllers that call :mod:`linli_requests.services`, and
the Open311 API (:mod:`linli_requests.open311`).

Who sees what:

- a resident (an account linked to a person of the register here) reports problems,
  sees the public requests and their own ones (private or not), says "me too", reopens
  their own and answers "is it really fixed?"; never another resident's name or a
  private request that is not theirs;
- ``requests.intake`` takes in a request for a resident (phone, desk) or found on a
  grid walk;
- ``requests.handle``, granted at a body (the property company's node, the community),
  works on the requests routed to that body and below it, and only those: the work
  lists filter in SQL by the body's place in the trees;
- ``requests.meeting`` runs the weekly round-table, ``requests.figures`` reads the
  figures, ``requests.configure`` keeps the catalogue, the statuses and the API keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar, cast

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from tortoise.expressions import Case, Subquery, When
from tortoise.models import Model

from linli.kit import (
    N_,
    SETTINGS_PERMISSION,
    Account,
    Actor,
    Community,
    LoginRequired,
    Node,
    Person,
    Upload,
    Year,
    addresses,
    bar_chart,
    community_root,
    confirmation,
    current_actor,
    file_response,
    find_person,
    flash,
    form_page,
    form_values,
    is_confirmed,
    language_of,
    logged_in,
    natural_key,
    own_person,
    parse_date,
    parse_int,
    requires,
    settings_path,
    today_of,
    translate,
    zone_of,
)
from linli_requests import services
from linli_requests.models import (
    CLOSED,
    FIXED,
    OPEN,
    SIDES,
    TYPES,
    AgendaItem,
    ApiClient,
    Attendee,
    Category,
    Meeting,
    Reporter,
    Status,
    Update,
)
from linli_requests.models import Request as Matter
from linli_requests.open311 import Open311Controller

Req = Request[Any, Any, Any]
VIEWS = ("triage", "open", "overdue", "mine", "confirm", "closed", "all")
VIEW_LABELS = {
    "triage": N_("Triage"),
    "open": N_("Open"),
    "overdue": N_("Overdue"),
    "mine": N_("Assigned to me"),
    "confirm": N_("Ask if fixed"),
    "closed": N_("Fixed and closed"),
    "all": N_("All"),
}
#: Kinds of place a worker may choose when taking a request in (never a flat: the
#: resident's own flat comes from their home).
STAFF_PLACE_KINDS = ("community", "estate", "building", "entrance", "facility")


def base(community: Community) -> str:
    return f"/c/{community.slug}/requests"


def parse_id(raw: str | None) -> int | None:
    raw = (raw or "").strip().lstrip("#")
    return int(raw) if raw.isdecimal() and len(raw) <= 9 else None


def labels() -> dict[str, Any]:
    return {
        "type_labels": services.TYPE_LABELS,
        "channel_labels": services.CHANNEL_LABELS,
        "priority_labels": services.PRIORITY_LABELS,
        "reason_labels": services.REASON_LABELS,
        "side_labels": services.SIDE_LABELS,
        "update_labels": services.UPDATE_LABELS,
        "field_labels": services.FIELD_LABELS,
        "datatypes": services.DATATYPES,
        "view_labels": VIEW_LABELS,
        "where": services.where,
    }


async def page_context(request: Req, community: Community, **extra: Any) -> dict[str, Any]:
    """What every page shows. ``allowed`` holds what the visitor may do for the whole
    community (from their grants, no query) and ``handle``/``intake`` when they work on
    some body's requests or take requests in somewhere in it."""
    actor = await current_actor(request)
    allowed = {
        name.split(".")[1]
        for name in (
            "requests.intake", "requests.meeting", "requests.figures", "requests.configure",
            SETTINGS_PERMISSION,
        )
        if community.id in actor.communities_allowing(name)
    }  # fmt: skip
    if "plugins" in allowed:
        allowed.add("settings")
    if held_anywhere(actor, community, "requests.handle"):
        allowed.add("handle")
    if held_anywhere(actor, community, "requests.intake"):
        allowed.add("intake")
    return {
        "base": base(community),
        "allowed": allowed,
        "language": language_of(request),
        "today": today_of(request),
        "zone": zone_of(request),
        "now": services.now_utc(),
        "form_error": None,
        "form": {},
        **labels(),
        **extra,
    }


def held_anywhere(actor: Actor, community: Community, permission: str) -> bool:
    """Whether a grant of the visitor in this community allows ``permission``
    somewhere (at the community, at a body, at a grid's buildings)."""
    return any(
        permission in held.permissions and held.community_id == community.id
        for held in actor.grants
    )


async def resident_or_intake(request: Req) -> tuple[Person | None, Actor]:
    """The visitor takes part as a resident (their register record) or as a worker
    holding ``requests.intake`` somewhere here; anyone else is refused."""
    actor = await current_actor(request)
    person = await own_person(request)
    if person is None and not held_anywhere(actor, request.state.community, "requests.intake"):
        raise PermissionDeniedException()
    return person, actor


async def handles_somewhere(connection: Any, _: Any) -> None:
    """A guard for the work lists: the visitor works on the requests of some body of
    this community (a grant of ``requests.handle`` anywhere in its trees); which
    requests they see is filtered by the body."""
    actor = await current_actor(connection)
    if actor.is_anonymous:
        raise LoginRequired()
    if not held_anywhere(actor, connection.state.community, "requests.handle"):
        raise PermissionDeniedException()


handles_somewhere.permission = "requests.handle"  # type: ignore[attr-defined]  # the route audit


# ------------------------------------------------------------------ forms


class WorkForm(msgspec.Struct):
    version: str = ""
    status: str = ""
    canned: str = ""
    body: str = ""
    assignee: str = ""
    priority: str = ""
    expected_on: str = ""
    awaiting_decision: str = ""
    public_note: str = ""
    private_note: str = ""


class MergeForm(msgspec.Struct):
    into: str = ""
    confirmed: str = ""


class ReasonForm(msgspec.Struct):
    reason: str = ""


class ConfirmForm(msgspec.Struct):
    answer: str = ""
    reason: str = ""


class MeetingForm(msgspec.Struct):
    held_on: str = ""


class DecisionForm(msgspec.Struct):
    decision: str = ""
    owner: str = ""
    due_on: str = ""


class AttendeeForm(msgspec.Struct):
    who: str = ""
    name: str = ""
    side: str = ""


class MinutesForm(msgspec.Struct):
    minutes: str = ""


class CategoryForm(msgspec.Struct):
    code: str = ""
    name: str = ""
    name_en: str = ""
    description: str = ""
    description_en: str = ""
    body: str = ""
    respond_hours: str = "24"
    fix_days: str = "7"
    private: str = ""
    active: str = ""


class AttributeForm(msgspec.Struct):
    code: str = ""
    datatype: str = "string"
    required: str = ""
    description: str = ""
    description_en: str = ""
    values: str = ""
    order: str = ""


class StatusForm(msgspec.Struct):
    key: str = ""
    name: str = ""
    name_en: str = ""
    type: str = OPEN
    canned: str = ""


class ClientForm(msgspec.Struct):
    name: str = ""


# ------------------------------------------------------------------ resident pages


def rows_context(data: services.Page, *, exact: bool) -> dict[str, Any]:
    return {"data": data, "exact": exact}


async def report_context(request: Req, community: Community) -> dict[str, Any]:
    """The report form: the categories, the chosen one's questions, where it may be."""
    person, actor = await resident_or_intake(request)
    categories = list(await Category.filter(community_id=community.id, active=True))
    if not categories:
        await services.ensure_defaults(community)
        categories = list(await Category.filter(community_id=community.id, active=True))
    chosen_id = parse_id(
        request.query_params.get("category") or (await _form_field(request, "category"))
    )
    chosen = next((c for c in categories if c.id == chosen_id), None)
    intake = held_anywhere(actor, community, "requests.intake")
    language = language_of(request)
    if person is not None and not intake:
        nodes = await services.allowed_places(community, person)
    else:
        # a worker's places: those where they take requests in (a grid's buildings)
        nodes = [
            node
            for node in await Node.filter(
                community_id=community.id, tree="place", kind__key__in=STAFF_PLACE_KINDS
            )
            .order_by("path")
            .limit(300)
            if actor.can("requests.intake", node)
        ]
    names = await place_names(nodes, language)
    places = sorted(
        ((n.id, names.get(n.id, n.name_in(language))) for n in nodes),
        key=lambda row: natural_key(row[1]),
    )
    return await page_context(
        request, community, categories=categories, chosen=chosen, places=places,
        intake=intake, person=person,
    )  # fmt: skip


async def place_names(nodes: list[Node], language: str) -> dict[int, str]:
    """Each place's address below the community ("二期 10栋 2单元"), as
    :func:`linli.kit.addresses` writes it: from the nodes at hand when they hold every
    ancestor (a resident's building and what is in it), else with one query."""
    known = {node.id: node for node in nodes}
    if not all(int(a) in known for node in nodes for a in node.ancestor_ids()):
        return await addresses(nodes, language)
    return {
        node.id: " ".join(
            known[int(a)].name_in(language) for a in node.ancestor_ids() if known[int(a)].depth >= 1
        )
        or node.name_in(language)
        for node in nodes
    }


async def _form_field(request: Req, name: str) -> str:
    if request.method != "POST":
        return ""
    try:
        form = await request.form()
    except Exception:
        return ""
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


@dataclass
class Seen:
    """A request the visitor may see, and what they are to it."""

    matter: Matter
    actor: Actor
    resident: bool
    reporter: bool
    handler: bool
    recorder: bool


async def seen_matter(request: Req, community: Community, request_id: int, *related: str) -> Seen:
    """The request, with the ``related`` rows, if the visitor may see it (404 for one
    they may not, as for one that does not exist): one query."""
    actor = await current_actor(request)
    if actor.is_anonymous:
        raise PermissionDeniedException()
    person_id = actor.account.person_id if actor.account else None
    query = Matter.filter(id=request_id, community_id=community.id).select_related("body", *related)
    if person_id is not None:
        mine = Reporter.filter(request_id=request_id, person_id=person_id)
        here = Person.filter(id=person_id, community_id=community.id)
        query = query.annotate(
            is_reporter=Case(
                When(id__in=Subquery(mine.values("request_id")), then="1"), default="0"
            ),
            is_resident=Case(
                When(community_id__in=Subquery(here.values("community_id")), then="1"),
                default="0",
            ),
        )
    matter = await query.first()
    if matter is None:
        raise NotFoundException()
    resident = str(getattr(matter, "is_resident", "0")) == "1"
    reporter = str(getattr(matter, "is_reporter", "0")) == "1"
    handler = matter.body is not None and services.may_handle(actor, matter.body)
    # who took it in (a worker on the phone, a grid worker on a walk) follows it too
    recorder = actor.account is not None and matter.recorded_by_id == actor.account.id
    if not handler and not reporter and not recorder and (matter.private or not resident):
        raise NotFoundException()
    return Seen(matter, actor, resident, reporter, handler, recorder)


async def request_context(request: Req, community: Community, request_id: int) -> dict[str, Any]:
    """A request's page: what the visitor may see of it and the forms they may use.
    At most five queries of its own whatever the request's history: the request with
    whether the visitor reported it and lives here (one), its history, and for those
    who work on it the statuses, the bodies and their people; the list of all its
    reporters is a page of its own."""
    seen = await seen_matter(
        request, community, request_id,
        "category", "status", "place", "assignee__person", "duplicate_of", "reporter",
    )  # fmt: skip
    matter, resident, reporter = seen.matter, seen.resident, seen.reporter
    handler, recorder = seen.handler, seen.recorder
    language = language_of(request)
    updates = list(await Update.filter(request_id=matter.id).select_related("status", "by__person"))
    context = await page_context(
        request, community, matter=matter, handler=handler, reporter=reporter,
        resident=resident, place=services.where(
            matter, language, exact=handler or reporter or recorder
        ), updates=updates, overdue=services.is_overdue(matter, services.now_utc()),
        attribute_rows=attribute_rows(matter.category, matter.attributes, language),
    )  # fmt: skip
    if handler:
        context["statuses"] = await Status.filter(community_id=community.id)
        context["bodies"] = await services.bodies(community)
        context["handlers"] = await services.handlers_of(cast(Node, matter.body))
        context["contact"] = matter.contact
    context["may_reopen"] = (
        reporter and matter.status_type != OPEN and matter.duplicate_of_id is None
    )
    # the days are told to residents; those who work on it know the rule
    context["reopen_days"] = (
        (await services.settings_of(community)).reopen_days
        if context["may_reopen"] and not handler
        else 0
    )
    context["may_confirm"] = (reporter or handler) and matter.status_type == FIXED
    context["may_metoo"] = (
        resident and not reporter and matter.status_type != CLOSED
        and matter.duplicate_of_id is None
    )  # fmt: skip
    return context


def attribute_rows(
    category: Category, answers: dict[str, Any], language: str
) -> list[tuple[str, str]]:
    """The answers to the category's questions, as (question, answer) in words."""
    rows = []
    for attribute in category.attributes:
        if attribute["code"] not in answers:
            continue
        label = (attribute.get("description_en") if language == "en" else "") or attribute[
            "description"
        ]
        names = {v["key"]: v["name"] for v in attribute.get("values", [])}
        value = answers[attribute["code"]]
        values = value if isinstance(value, list) else [value]
        shown = "、".join(
            names.get(str(v), f"{v:g}" if isinstance(v, float) else str(v)) for v in values
        )
        rows.append((label, shown))
    return rows


def to_request(community: Community, request_id: int) -> Redirect:
    return Redirect(services.request_url(community, request_id), status_code=303)


M = TypeVar("M", bound=Model)


async def found(model: type[M], **where: Any) -> M:
    """The row of ``model`` matching ``where`` (always with the community's id or a
    parent that has it, so another community's row is as absent as a missing one),
    else 404."""
    row = await model.get_or_none(**where)
    if row is None:
        raise NotFoundException()
    return row


async def handled(request: Req, community: Community, request_id: int) -> tuple[Matter, Actor]:
    """The request, if the visitor works on its body; else 404 (its existence may be
    private)."""
    matter = await found(Matter, id=request_id, community_id=community.id)
    actor = await current_actor(request)
    if not services.may_handle(actor, await Node.get(id=matter.body_id)):
        raise NotFoundException()
    return matter, actor


class ResidentController(Controller):
    path = "/"

    @get("/", name="requests:index", guards=[logged_in])
    async def index(
        self, request: Req, community: NamedDependency[Community], page: FromQuery[int] = 1
    ) -> Template | Redirect:
        person = await own_person(request)
        if person is None:
            actor = await current_actor(request)
            if actor.paths_allowing("requests.handle") or actor.communities_allowing(
                "requests.handle"
            ):
                return Redirect(f"{base(community)}/work/open", status_code=303)
            raise PermissionDeniedException()
        data = await services.public_list(community, person, page=page)
        context = await page_context(request, community, person=person, mine=False)
        context.update(rows_context(data, exact=False))
        context["due"] = await services.confirmations_due(community, person)
        return Template("requests/index.html", context=context)

    @get("/mine", name="requests:mine", guards=[logged_in])
    async def mine(
        self, request: Req, community: NamedDependency[Community], page: FromQuery[int] = 1
    ) -> Template:
        person = await own_person(request)
        if person is None:
            raise PermissionDeniedException()
        data = await services.public_list(community, person, mine=True, page=page)
        context = await page_context(request, community, person=person, mine=True)
        context.update(rows_context(data, exact=True))
        context["due"] = await services.confirmations_due(community, person)
        return Template("requests/index.html", context=context)

    @get("/new", name="requests:new", guards=[logged_in])
    async def new(self, request: Req, community: NamedDependency[Community]) -> Template:
        return Template("requests/new.html", context=await report_context(request, community))

    @post(
        "/", name="requests:report", guards=[logged_in],
        opt=form_page("requests/new.html", report_context),
    )  # fmt: skip
    async def report(self, request: Req, community: NamedDependency[Community]) -> Redirect:
        person, actor = await resident_or_intake(request)
        form = await request.form()
        text = {k: v for k, v in form.items() if isinstance(v, str)}
        category = await services.category_in(community, parse_id(text.get("category")))
        channel = "online"
        reporter = person
        if held_anywhere(actor, community, "requests.intake"):
            channel = text.get("channel") or ("online" if person else "walk")
            who = text.get("for_person", "").strip()
            if channel in ("phone", "desk") or who:
                reporter = await find_person(community, who, field="for_person")
            elif channel == "walk":
                reporter = None
        if reporter is None and channel != "walk":
            raise services.RequestsError(
                N_("Your account is not linked to a resident record."), status=403
            )
        answers: dict[str, str | list[str]] = {}
        for attribute in category.attributes:
            values = [
                v for v in form.getall(f"attribute[{attribute['code']}]", []) if isinstance(v, str)
            ]
            answers[attribute["code"]] = (
                values
                if attribute["datatype"] == "multivaluelist"
                else (values[0] if values else "")
            )
        photo = None
        upload = form.get("file")
        if isinstance(upload, UploadFile) and upload.filename:
            photo = (await upload.read(), upload.filename)
        matter = await services.report(
            community,
            services.Report(
                category=category, description=text.get("description", ""), channel=channel,
                reporter=reporter, place_id=parse_id(text.get("place")), attributes=answers,
                photo=photo,
            ),
            actor=actor,
        )  # fmt: skip
        flash(request, N_("Thank you: request #%(id)s is recorded."), id=matter.id)
        return to_request(community, matter.id)

    @get("/{request_id:int}", name="requests:request", guards=[logged_in])
    async def show(
        self, request: Req, community: NamedDependency[Community], request_id: FromPath[int]
    ) -> Template:
        context = await request_context(request, community, request_id)
        return Template("requests/request.html", context=context)

    @get("/{request_id:int}/photo", name="requests:photo", guards=[logged_in])
    async def photo(
        self, request: Req, community: NamedDependency[Community], request_id: FromPath[int]
    ) -> Response[bytes]:
        matter = (await seen_matter(request, community, request_id)).matter
        upload = None
        if matter.photo_id is not None:
            upload = await Upload.get_or_none(id=matter.photo_id, community_id=community.id)
        if upload is None:
            raise NotFoundException()
        return file_response(upload)

    @get("/{request_id:int}/reporters", name="requests:reporters", guards=[logged_in])
    async def reporters(
        self, request: Req, community: NamedDependency[Community], request_id: FromPath[int]
    ) -> Template:
        """Everyone who reported the request, for those who work on it (to call them
        back): one query of the page's own besides the request."""
        matter, _actor = await handled(request, community, request_id)
        reporters = list(
            await Reporter.filter(request_id=matter.id).select_related("person").order_by("id")
        )
        context = await page_context(request, community, matter=matter, reporters=reporters)
        return Template("requests/reporters.html", context=context)

    @post(
        "/{request_id:int}/metoo", name="requests:metoo", guards=[logged_in],
        opt=form_page("requests/request.html", request_context),
    )  # fmt: skip
    async def metoo(
        self, request: Req, community: NamedDependency[Community], request_id: FromPath[int]
    ) -> Redirect:
        await request_context(request, community, request_id)
        person = await own_person(request)
        if person is None:
            raise PermissionDeniedException()
        matter = await found(Matter, id=request_id, community_id=community.id)
        actor = await current_actor(request)
        await services.me_too(matter, person, account=actor.account)
        flash(request, N_("Recorded: you are among those who reported it."))
        return to_request(community, request_id)

    @post(
        "/{request_id:int}/reopen", name="requests:reopen", guards=[logged_in],
        opt=form_page("requests/request.html", request_context),
    )  # fmt: skip
    async def reopen(
        self,
        request: Req,
        community: NamedDependency[Community],
        request_id: FromPath[int],
        data: URLEncodedBody[ReasonForm],
    ) -> Redirect:
        person = await own_person(request)
        matter = await found(Matter, id=request_id, community_id=community.id)
        if person is None or not await services.is_reporter(matter, person):
            raise NotFoundException()
        await services.reopen(matter, person, data.reason, actor=await current_actor(request))
        flash(request, N_("The request is open again."))
        return to_request(community, request_id)

    @post(
        "/{request_id:int}/confirm", name="requests:confirm", guards=[logged_in],
        opt=form_page("requests/request.html", request_context),
    )  # fmt: skip
    async def confirm(
        self,
        request: Req,
        community: NamedDependency[Community],
        request_id: FromPath[int],
        data: URLEncodedBody[ConfirmForm],
    ) -> Redirect:
        context = await request_context(request, community, request_id)
        if not context["may_confirm"]:
            raise NotFoundException()
        matter = context["matter"]
        person = await own_person(request) if context["reporter"] else None
        if data.answer not in ("yes", "no"):
            raise services.RequestsError(N_("Answer yes or no."), field="answer")
        await services.confirm(
            matter, fixed=data.answer == "yes", actor=await current_actor(request),
            person=person, note=data.reason,
        )  # fmt: skip
        if data.answer == "yes":
            flash(request, N_("Thank you: the request is closed."))
        else:
            flash(request, N_("The request is open again."))
        return to_request(community, request_id)


# ------------------------------------------------------------------ work


class WorkController(Controller):
    path = "/"

    @get("/work/{view:str}", name="requests:work", guards=[handles_somewhere])
    async def work_list(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        view: FromPath[str],
        category: FromQuery[str] = "",
        unit: FromQuery[str] = "",
        page: FromQuery[int] = 1,
    ) -> Template:
        if view not in VIEWS:
            raise NotFoundException()
        data = await services.work_list(
            community, actor, view=view, category_id=parse_id(category), body_id=parse_id(unit),
            page=page,
        )  # fmt: skip
        bodies = await services.bodies(community)
        context = await page_context(
            request, community, root=bodies[0], view=view, views=VIEWS,
            categories=await Category.filter(community_id=community.id),
            bodies=bodies, chosen={"category": category, "unit": unit},
        )  # fmt: skip
        context.update(rows_context(data, exact=True))
        return Template("requests/work.html", context=context)

    @post(
        "/{request_id:int}/work", name="requests:change", guards=[logged_in],
        opt=form_page("requests/request.html", request_context),
    )  # fmt: skip
    async def change(
        self,
        request: Req,
        community: NamedDependency[Community],
        request_id: FromPath[int],
        data: URLEncodedBody[WorkForm],
    ) -> Redirect:
        matter, actor = await handled(request, community, request_id)
        priority = parse_int(data.priority, "priority", low=1, high=3)
        await services.work(
            matter,
            services.Change(
                status_id=parse_id(data.status), body_id=parse_id(data.body),
                assignee_id=parse_id(data.assignee),
                clear_assignee=data.assignee == "none",
                priority=priority,
                expected_on=parse_date(data.expected_on, "expected_on"),
                awaiting_decision=bool(data.awaiting_decision),
                public_note=data.public_note.strip() or data.canned,
                private_note=data.private_note,
            ),
            actor=actor, zone=zone_of(request),
            version=parse_int(data.version, "version", default=matter.version),
        )  # fmt: skip
        flash(request, N_("Saved: the change is in the request's history."))
        return to_request(community, request_id)

    @post(
        "/{request_id:int}/merge", name="requests:merge", guards=[logged_in],
        opt=form_page("requests/request.html", request_context),
    )  # fmt: skip
    async def merge(
        self,
        request: Req,
        community: NamedDependency[Community],
        request_id: FromPath[int],
        data: URLEncodedBody[MergeForm],
    ) -> Template | Redirect:
        duplicate, actor = await handled(request, community, request_id)
        keep_id = parse_id(data.into)
        keep = await Matter.get_or_none(id=keep_id or 0, community_id=community.id)
        if keep is None:
            raise services.RequestsError(
                N_("No request of this community has this number."), field="into"
            )
        if not is_confirmed(data.confirmed):
            return confirmation(
                request,
                question=translate(
                    request, N_("Merge request #%(duplicate)s into request #%(keep)s?"),
                    duplicate=duplicate.id, keep=keep.id,
                ),
                action=f"{base(community)}/{duplicate.id}/merge",
                back=services.request_url(community, duplicate.id),
                confirm_label=translate(request, N_("Merge")),
                consequences=[translate(
                    request, N_("This request is closed as a duplicate; its reporters "
                                "follow the other one."),
                )],
                fields=form_values(data),
            )  # fmt: skip
        await services.merge(keep, duplicate, actor=actor)
        flash(request, N_("Merged: its reporters now follow this request."))
        return to_request(community, keep.id)


# ------------------------------------------------------------------ round-table


async def meeting_context(request: Req, community: Community, meeting_id: int) -> dict[str, Any]:
    meeting = await found(Meeting, id=meeting_id, community_id=community.id)
    items = list(
        await AgendaItem.filter(meeting_id=meeting.id).select_related(
            "request__category", "request__status", "body", "owner__person"
        )
    )
    language = language_of(request)
    groups: dict[int | None, list[AgendaItem]] = {}
    names: dict[int | None, str] = {None: "—"}
    for item in items:
        groups.setdefault(item.body_id, []).append(item)
        if item.body is not None:
            names[item.body.id] = item.body.name_in(language)
    grouped = sorted(
        ((names.get(k, "—"), v) for k, v in groups.items()), key=lambda row: natural_key(row[0])
    )
    owners = await services.handlers_by_body([i.body for i in items if i.body is not None])
    return await page_context(
        request, community, meeting=meeting, grouped=grouped, owners=owners,
        failed=int(request.path_params.get("item_id", 0)) if request.method == "POST" else 0,
        attendees=await Attendee.filter(meeting_id=meeting.id), sides=SIDES,
        counts={r: sum(1 for i in items if i.reason == r) for r in services.REASON_LABELS},
    )  # fmt: skip


async def meetings_context(request: Req, community: Community) -> dict[str, Any]:
    weekday = (await services.settings_of(community)).meeting_weekday
    return await page_context(
        request, community,
        meetings=await Meeting.filter(community_id=community.id).limit(60),
        this_week=services.meeting_day(today_of(request), weekday),
    )  # fmt: skip


def to_meeting(community: Community, meeting_id: int) -> Redirect:
    return Redirect(f"{base(community)}/meetings/{meeting_id}", status_code=303)


MEETING = requires("requests.meeting")


class MeetingController(Controller):
    path = "/meetings"

    @get("/", name="requests:meetings", guards=[MEETING])
    async def meetings(self, request: Req, community: NamedDependency[Community]) -> Template:
        return Template(
            "requests/meetings.html", context=await meetings_context(request, community)
        )

    @post(
        "/", name="requests:meeting_open", guards=[MEETING],
        opt=form_page("requests/meetings.html", meetings_context),
    )  # fmt: skip
    async def open(
        self, request: Req, community: NamedDependency[Community], data: URLEncodedBody[MeetingForm]
    ) -> Redirect:
        held_on = parse_date(data.held_on, "held_on", required=True)
        assert held_on is not None
        meeting = await services.meeting_for(community, held_on)
        return to_meeting(community, meeting.id)

    @get("/{meeting_id:int}", name="requests:meeting", guards=[MEETING])
    async def meeting(
        self, request: Req, community: NamedDependency[Community], meeting_id: FromPath[int]
    ) -> Template:
        return Template(
            "requests/meeting.html", context=await meeting_context(request, community, meeting_id)
        )

    @get("/{meeting_id:int}/print", name="requests:meeting_print", guards=[MEETING])
    async def printable(
        self, request: Req, community: NamedDependency[Community], meeting_id: FromPath[int]
    ) -> Template:
        return Template(
            "requests/meeting_print.html",
            context=await meeting_context(request, community, meeting_id),
        )

    @post("/{meeting_id:int}/agenda", name="requests:meeting_agenda", guards=[MEETING])
    async def agenda(
        self, request: Req, community: NamedDependency[Community], meeting_id: FromPath[int]
    ) -> Redirect:
        meeting = await found(Meeting, id=meeting_id, community_id=community.id)
        added = await services.draw_up_agenda(meeting, zone=zone_of(request))
        flash(request, N_("%(count)s items added to the agenda."), count=added)
        return to_meeting(community, meeting.id)

    @post(
        "/{meeting_id:int}/items/{item_id:int}", name="requests:decide", guards=[MEETING],
        opt=form_page("requests/meeting.html", meeting_context),
    )  # fmt: skip
    async def decide(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        meeting_id: FromPath[int],
        item_id: FromPath[int],
        data: URLEncodedBody[DecisionForm],
    ) -> Redirect:
        meeting = await found(Meeting, id=meeting_id, community_id=community.id)
        item = await found(AgendaItem, id=item_id, meeting_id=meeting.id)
        await services.decide(
            item, decision=data.decision, owner_id=parse_id(data.owner),
            due_on=parse_date(data.due_on, "due_on"), actor=actor, zone=zone_of(request),
        )  # fmt: skip
        flash(request, N_("Decision recorded on request #%(id)s."), id=item.request_id)
        return to_meeting(community, meeting.id)

    @post(
        "/{meeting_id:int}/attendees", name="requests:attendee", guards=[MEETING],
        opt=form_page("requests/meeting.html", meeting_context),
    )  # fmt: skip
    async def attendee(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        meeting_id: FromPath[int],
        data: URLEncodedBody[AttendeeForm],
    ) -> Redirect:
        meeting = await found(Meeting, id=meeting_id, community_id=community.id)
        who = data.who.strip()
        account = await Account.get_or_none(username=who) if who else None
        if account is not None:
            root = await community_root(community)
            if not await account.grants.filter(node__community_id=root.community_id).exists():  # type: ignore[attr-defined]
                account = None
        name = data.name.strip() or ("" if account else who)
        await services.add_attendee(
            meeting, actor=actor, account=account, name=name, side=data.side
        )
        flash(request, N_("Attendance recorded."))
        return to_meeting(community, meeting.id)

    @post(
        "/{meeting_id:int}/minutes", name="requests:minutes", guards=[MEETING],
        opt=form_page("requests/meeting.html", meeting_context),
    )  # fmt: skip
    async def minutes(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        meeting_id: FromPath[int],
        data: URLEncodedBody[MinutesForm],
    ) -> Redirect:
        meeting = await found(Meeting, id=meeting_id, community_id=community.id)
        await services.write_minutes(meeting, data.minutes, actor=actor)
        flash(request, N_("Minutes saved."))
        return to_meeting(community, meeting.id)


# ------------------------------------------------------------------ figures, settings


class FiguresController(Controller):
    path = "/"

    @get("/figures", name="requests:figures", guards=[requires("requests.figures")])
    async def figures(
        self,
        request: Req,
        community: NamedDependency[Community],
        today: NamedDependency[date],
        year: Year = None,
    ) -> Template:
        language = language_of(request)
        data = await services.figures(
            community, year or today.year, language=language, zone=zone_of(request)
        )
        months = [m for m, _ in data.by_month]
        chart = bar_chart(
            [(translate(request, N_("Requests")), [n for _, n in data.by_month])], months
        )
        context = await page_context(request, community, data=data, chart=chart)
        return Template("requests/figures.html", context=context)

    @get("/settings", name="requests:settings", guards=[requires(SETTINGS_PERMISSION)])
    async def settings(self, community: NamedDependency[Community]) -> Redirect:
        """The settings are on the core's settings page of the plugin."""
        return Redirect(settings_path(community, "requests"), status_code=303)


# ------------------------------------------------------------------ configuration

CONFIGURE = requires("requests.configure")


async def categories_context(request: Req, community: Community) -> dict[str, Any]:
    statuses = list(await Status.filter(community_id=community.id))
    if not statuses:
        await services.ensure_defaults(community)
        statuses = list(await Status.filter(community_id=community.id))
    return await page_context(
        request, community,
        categories=await Category.filter(community_id=community.id).select_related("body"),
        statuses=statuses,
        clients=await ApiClient.filter(community_id=community.id),
        bodies=await services.bodies(community), types=TYPES,
        new_key=None,
    )  # fmt: skip


async def category_context(request: Req, community: Community, category_id: int) -> dict[str, Any]:
    category = await found(Category, id=category_id, community_id=community.id)
    return await page_context(
        request, community, category=category, bodies=await services.bodies(community)
    )


def category_fields(data: CategoryForm) -> dict[str, Any]:
    return {
        "code": data.code, "name": data.name, "name_en": data.name_en,
        "description": data.description, "description_en": data.description_en,
        "body_id": parse_id(data.body),
        "respond_hours": parse_int(data.respond_hours, "respond_hours", default=24),
        "fix_days": parse_int(data.fix_days, "fix_days", default=7),
        "private": bool(data.private), "active": bool(data.active),
    }  # fmt: skip


class ConfigureController(Controller):
    path = "/"

    @get("/categories", name="requests:categories", guards=[CONFIGURE])
    async def categories(self, request: Req, community: NamedDependency[Community]) -> Template:
        return Template(
            "requests/categories.html", context=await categories_context(request, community)
        )

    @post(
        "/categories", name="requests:category_add", guards=[CONFIGURE],
        opt=form_page("requests/categories.html", categories_context),
    )  # fmt: skip
    async def category_add(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        data: URLEncodedBody[CategoryForm],
    ) -> Redirect:
        category = await services.save_category(community, actor=actor, **category_fields(data))
        flash(request, N_("Category saved."))
        return Redirect(f"{base(community)}/categories/{category.id}", status_code=303)

    @get("/categories/{category_id:int}", name="requests:category", guards=[CONFIGURE])
    async def category(
        self, request: Req, community: NamedDependency[Community], category_id: FromPath[int]
    ) -> Template:
        return Template(
            "requests/category.html",
            context=await category_context(request, community, category_id),
        )

    @post(
        "/categories/{category_id:int}", name="requests:category_save", guards=[CONFIGURE],
        opt=form_page("requests/category.html", category_context),
    )  # fmt: skip
    async def category_save(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        category_id: FromPath[int],
        data: URLEncodedBody[CategoryForm],
    ) -> Redirect:
        category = await found(Category, id=category_id, community_id=community.id)
        await services.save_category(
            community, actor=actor, category=category, **category_fields(data)
        )
        flash(request, N_("Category saved."))
        return Redirect(f"{base(community)}/categories/{category.id}", status_code=303)

    @post(
        "/categories/{category_id:int}/attributes", name="requests:attribute_add",
        guards=[CONFIGURE], opt=form_page("requests/category.html", category_context),
    )  # fmt: skip
    async def attribute_add(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        category_id: FromPath[int],
        data: URLEncodedBody[AttributeForm],
    ) -> Redirect:
        category = await found(Category, id=category_id, community_id=community.id)
        attribute = services.attribute_definition(
            code=data.code, datatype=data.datatype, required=bool(data.required),
            description=data.description, description_en=data.description_en,
            values=data.values,
            order=parse_int(data.order, "order", default=len(category.attributes) + 1) or 0,
        )  # fmt: skip
        others = [a for a in category.attributes if a["code"] != attribute["code"]]
        await services.set_attributes(category, [*others, attribute], actor=actor)
        flash(request, N_("Question saved."))
        return Redirect(f"{base(community)}/categories/{category.id}", status_code=303)

    @post(
        "/categories/{category_id:int}/attributes/{code:str}/delete",
        name="requests:attribute_delete", guards=[CONFIGURE],
    )  # fmt: skip
    async def attribute_delete(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        category_id: FromPath[int],
        code: FromPath[str],
    ) -> Redirect:
        category = await found(Category, id=category_id, community_id=community.id)
        kept = [a for a in category.attributes if a["code"] != code]
        if len(kept) != len(category.attributes):
            await services.set_attributes(category, kept, actor=actor)
            flash(request, N_("Question removed; the answers already given are kept."))
        return Redirect(f"{base(community)}/categories/{category.id}", status_code=303)

    @post(
        "/statuses", name="requests:status_add", guards=[CONFIGURE],
        opt=form_page("requests/categories.html", categories_context),
    )  # fmt: skip
    async def status_add(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        data: URLEncodedBody[StatusForm],
    ) -> Redirect:
        existing = await Status.get_or_none(community_id=community.id, key=data.key.strip())
        await services.save_status(
            community, actor=actor, status=existing, key=data.key, name=data.name,
            name_en=data.name_en, type=data.type, canned=data.canned,
        )  # fmt: skip
        flash(request, N_("Status saved."))
        return Redirect(f"{base(community)}/categories#statuses", status_code=303)

    @post(
        "/clients", name="requests:client_add", guards=[CONFIGURE],
        opt=form_page("requests/categories.html", categories_context),
    )  # fmt: skip
    async def client_add(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        data: URLEncodedBody[ClientForm],
    ) -> Template:
        client, key = await services.issue_key(community, data.name, actor=actor)
        context = await categories_context(request, community)
        context["new_key"] = {"name": client.name, "key": key}
        return Template("requests/categories.html", context=context)

    @post("/clients/{client_id:int}/revoke", name="requests:client_revoke", guards=[CONFIGURE])
    async def client_revoke(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        client_id: FromPath[int],
    ) -> Redirect:
        client = await found(ApiClient, id=client_id, community_id=community.id)
        await services.revoke_key(client, actor=actor)
        flash(request, N_("Key revoked: the client can no longer post requests."))
        return Redirect(f"{base(community)}/categories#clients", status_code=303)


ROUTES = [
    ResidentController,
    WorkController,
    MeetingController,
    FiguresController,
    ConfigureController,
    Open311Controller,
]
