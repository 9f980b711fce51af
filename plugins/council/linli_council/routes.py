"""The council's pages: thin controllers that call :mod:`linli_council.services`.

Topics, their public timelines and the figures are public. Residents
(``council.take_part``) raise and back needs and read the approved minutes of meetings
that cover where they live; council members and workers (``council.manage``) run topics
and meetings; ``council.approve`` publishes minutes. The council's settings (the target, the ranking
level) are on the core's settings page of the plugin; ``/settings`` leads there.

A rule's refusal is not caught here: each form's route names its page (``form_page``)
and linli shows that page again with the message beside the field and the input kept.
A page with several forms (a topic's, a meeting's) learns from the route's
``council_form`` option which of them was refused, and shows the refusal there.
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
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.params import FromPath, FromQuery, MultipartBody, URLEncodedBody
from litestar.response import Redirect, Template

from linli.kit import (
    N_,
    PUBLIC,
    SETTINGS_PERMISSION,
    Actor,
    Community,
    LoginRequired,
    Node,
    Person,
    Upload,
    Year,
    addresses,
    community_node,
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
    natural_sorted,
    own_person,
    parse_date,
    requires,
    settings_path,
    today_of,
    translate,
    zone_of,
)
from linli_council import services
from linli_council.models import (
    APPROVED,
    ATTENDEE_KINDS,
    NOT_FEASIBLE,
    OPEN,
    RESOLVED,
    ActionItem,
    AgendaItem,
    Meeting,
    Need,
    Topic,
)
from linli_council.settings import RANKING_LEVELS

Req = Request[Any, Any, Any]
Connection = ASGIConnection[Any, Any, Any, Any]
OWN_PERMISSIONS = ("council.take_part", "council.manage", "council.approve")
#: The route option naming which of a page's forms the route handles ("decide"), filled
#: in from the route's path ("waive-{action_id}").
FORM = "council_form"


# ----------------------------------------------------------------------------- helpers


def base(community: Community) -> str:
    return f"/c/{community.slug}/council"


def parse_id(raw: str) -> int | None:
    """A record number as a form gives it ("12" or "#12"); ``None`` for anything else."""
    raw = raw.strip().lstrip("#")
    return int(raw) if raw.isdecimal() and len(raw) <= 9 else None


def held_here(actor: Actor, community: Community) -> set[str]:
    """The council permissions the visitor holds anywhere in this community (a worker
    without a register entry takes part through ``council.take_part``)."""
    return {
        name.split(".")[1]
        for held in actor.grants
        if held.community_id == community.id
        for name in OWN_PERMISSIONS
        if name in held.permissions
    }


def refused_form(request: Req) -> str:
    """Which of the page's forms the visitor's refused post came from ("decide",
    "waive-12"), so that the page shows the refusal and the input in that form only;
    "" on a page answering a GET."""
    handler = request.scope.get("route_handler")
    key = handler.opt.get(FORM, "") if handler is not None else ""
    return str(key).format(**request.path_params)


async def page_context(request: Req, community: Community, **extra: Any) -> dict[str, Any]:
    """What every council page shows, and the labels. ``allowed`` holds the council
    permissions the visitor has for the whole community: a page offers a
    community-wide action only to those; a topic's page asks about the topic's own
    level."""
    actor = await current_actor(request)
    root = await community_node(request)
    allowed = {name.split(".")[1] for name in OWN_PERMISSIONS if actor.can(name, root)}
    if actor.can(SETTINGS_PERMISSION, root):
        allowed.add("configure")
    return {
        "base": base(community),
        "allowed": allowed,
        "settings_page": settings_path(community, "council"),
        "categories": services.CATEGORIES,
        "state_labels": services.STATE_LABELS,
        "need_labels": services.NEED_STATUS_LABELS,
        "levels": services.LEVELS,
        "attendee_labels": services.ATTENDEE_LABELS,
        "timeline_labels": services.TIMELINE_LABELS,
        "ranking_levels": RANKING_LEVELS,
        "today": today_of(request),
        "zone": zone_of(request),
        "form_error": None,
        "form": {},
        "failed": refused_form(request),
        **extra,
    }


async def participant(request: Req) -> Person | None:
    """Who takes part: a resident of this community (an account linked to a person in
    its register) gets their person; someone holding ``council.take_part`` here (a
    worker without a register entry) gets ``None``; anyone else is refused."""
    person = await own_person(request)
    if person is not None:
        return person
    if "take_part" in held_here(await current_actor(request), request.state.community):
        return None
    raise PermissionDeniedException()


async def get_need(community: Community, need_id: int) -> Need:
    need = await Need.get_or_none(id=need_id, community_id=community.id)
    if need is None:
        raise NotFoundException()
    return need


async def get_topic(community: Community, topic_id: int) -> Topic:
    topic = await Topic.get_or_none(id=topic_id, community_id=community.id)
    if topic is None:
        raise NotFoundException()
    return topic


async def get_meeting(community: Community, meeting_id: int) -> Meeting:
    meeting = await Meeting.get_or_none(id=meeting_id, community_id=community.id)
    if meeting is None:
        raise NotFoundException()
    return meeting


async def get_action(community: Community, action_id: int) -> ActionItem:
    action = await ActionItem.get_or_none(id=action_id, topic__community_id=community.id)
    if action is None:
        raise NotFoundException()
    return action


async def topic_node(connection: Connection) -> Node:
    """Where a topic's permission is checked: its level's node (a building group, an
    estate branch or the community committee), so each level acts on its own topics."""
    topic = await get_topic(connection.state.community, int(connection.path_params["topic_id"]))
    return await Node.get(id=topic.node_id)


async def action_node(connection: Connection) -> Node:
    """Where an action item's permission is checked: its topic's level."""
    action = await get_action(connection.state.community, int(connection.path_params["action_id"]))
    topic = await Topic.get(id=action.topic_id)
    return await Node.get(id=topic.node_id)


async def works_here(connection: Connection, _: BaseRouteHandler) -> None:
    """A guard for the worklist: the visitor runs or escalates topics at some level of
    this community's party tree."""
    actor = await current_actor(connection)
    if actor.is_anonymous:
        raise LoginRequired()
    work, whole = services.work_node_ids(actor, connection.state.community)
    if not work and not whole:
        raise PermissionDeniedException()


works_here.permission = "council.manage"  # type: ignore[attr-defined]  # read by the route audit


# ----------------------------------------------------------------------------- forms


@dataclass
class NeedForm:
    text: str = ""
    category: str = ""
    place: str = ""
    for_person: str = ""
    file: UploadFile | None = None


class MergeForm(msgspec.Struct):
    into: str = ""
    confirmed: str = ""


class TopicForm(msgspec.Struct):
    needs: str = ""
    title: str = ""
    summary: str = ""
    category: str = ""
    node: str = ""
    place: str = ""


class StateForm(msgspec.Struct):
    state: str = ""
    text: str = ""
    confirmed: str = ""


class DecideForm(msgspec.Struct):
    decision: str = ""
    start_project: str = ""


class ReasonForm(msgspec.Struct):
    reason: str = ""


class ActionForm(msgspec.Struct):
    text: str = ""
    owner: str = ""
    due_on: str = ""


class MeetingForm(msgspec.Struct):
    title: str = ""
    held_on: str = ""
    location: str = ""
    place: str = ""


class AgendaForm(msgspec.Struct):
    topic: str = ""


class AttendeeForm(msgspec.Struct):
    name: str = ""
    kind: str = "resident"
    note: str = ""


class MinutesForm(msgspec.Struct):
    minutes: str = ""


class ApproveForm(msgspec.Struct):
    confirmed: str = ""


#: Moves that close a topic for good: asked to confirm first.
CLOSING = (RESOLVED, NOT_FEASIBLE)


# ---------------------------------------------------------------------------- topics


def need_ids(raw: str) -> list[int]:
    """The need numbers a topic form lists ("12 15" or "12,15")."""
    return [int(part) for part in raw.replace(",", " ").split() if part.isdecimal()][:50]


async def topic_context(request: Req, community: Community, topic_id: int) -> dict[str, Any]:
    """The topic's page: public facts and timeline, and the actions the visitor may
    take at the topic's level (only those are shown)."""
    topic = (
        await Topic.filter(id=topic_id, community_id=community.id)
        .select_related("node__kind", "place", "owner")
        .first()
    )
    if topic is None:
        raise NotFoundException()
    actor = await current_actor(request)
    above = None if topic.is_closed else await services.escalation_target(topic)
    place = {}
    if topic.place is not None:
        place = await addresses([topic.place], language_of(request))
    return await page_context(
        request, community, topic=topic,
        place=place.get(topic.place_id, ""),  # type: ignore[attr-defined]
        needs=await Need.filter(topic_id=topic.id).order_by("-support_count", "id"),
        timeline=await topic.timeline.all(),
        actions=await ActionItem.filter(topic_id=topic.id),
        moves=services.TRANSITIONS[topic.state],
        may_manage=actor.can("council.manage", topic.node),
        may_escalate=above is not None and actor.can("matters.escalate", topic.node),
        above=above,
    )  # fmt: skip


async def action_topic_context(
    request: Req, community: Community, action_id: int
) -> dict[str, Any]:
    """The page of the topic an action item belongs to (where its forms are)."""
    action = await get_action(community, action_id)
    return await topic_context(request, community, action.topic_id)


async def topic_form_context(
    request: Req, community: Community, form: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The new topic's form, with the needs it is made of (from the address, or from
    the form sent)."""
    raw = form.get("needs", "") if form is not None else request.query_params.get("needs", "")
    ids = need_ids(str(raw))
    chosen = (
        list(await Need.filter(id__in=ids, community_id=community.id, status=OPEN)) if ids else []
    )
    nodes = (
        await Node.filter(community_id=community.id, kind__key__in=list(services.LEVELS))
        .select_related("kind")
        .order_by("depth", "path")
        .limit(300)
    )
    language = language_of(request)
    return await page_context(
        request, community, chosen_needs=chosen, needs=" ".join(str(n.id) for n in chosen),
        nodes=natural_sorted(nodes, key=lambda n: f"{n.depth:03d} {n.name_in(language)}"),
        places=await services.choosable_places(community, language),
    )  # fmt: skip


def topic_page(community: Community, topic_id: int) -> Redirect:
    return Redirect(f"{base(community)}/topics/{topic_id}", status_code=303)


class TopicController(Controller):
    path = "/"

    @get("/", name="council:index", opt=PUBLIC)
    async def index(
        self,
        request: Req,
        community: NamedDependency[Community],
        status: FromQuery[str] = "",
        category: FromQuery[str] = "",
        page: FromQuery[int] = 1,
    ) -> Template:
        data = await services.topics_page(community, state=status, category=category, page=page)
        context = await page_context(
            request, community, data=data, chosen={"status": status, "category": category}
        )
        return Template("council/topics.html", context=context)

    @get("/worklist", name="council:worklist", guards=[works_here])
    async def worklist(
        self, request: Req, community: NamedDependency[Community], actor: NamedDependency[Actor]
    ) -> Template:
        work = await services.worklist(community, actor)
        context = await page_context(request, community, work=work)
        return Template("council/worklist.html", context=context)

    @get("/topics/{topic_id:int}", name="council:topic", opt=PUBLIC)
    async def topic(
        self, request: Req, community: NamedDependency[Community], topic_id: FromPath[int]
    ) -> Template:
        context = await topic_context(request, community, topic_id)
        return Template("council/topic.html", context=context)

    @get("/topics/new", name="council:topic_form", guards=[requires("council.manage")])
    async def topic_form(self, request: Req, community: NamedDependency[Community]) -> Template:
        context = await topic_form_context(request, community)
        return Template("council/topic_new.html", context=context)

    @post(
        "/topics", name="council:topic_create", guards=[requires("council.manage")],
        opt=form_page("council/topic_new.html", topic_form_context),
    )  # fmt: skip
    async def create_topic(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        data: URLEncodedBody[TopicForm],
    ) -> Redirect:
        topic = await services.create_topic(
            community, need_ids=need_ids(data.needs), title=data.title, summary=data.summary,
            category=data.category, node_id=parse_id(data.node), place_id=parse_id(data.place),
            actor=actor,
        )  # fmt: skip
        flash(request, N_("Topic made: its residents see it on their pages."))
        return topic_page(community, topic.id)

    @post(
        "/topics/{topic_id:int}/state", name="council:topic_state",
        guards=[requires("council.manage", node=topic_node)],
        opt=form_page("council/topic.html", topic_context, council_form="state"),
    )  # fmt: skip
    async def move(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        topic_id: FromPath[int],
        data: URLEncodedBody[StateForm],
    ) -> Template | Redirect:
        topic = await get_topic(community, topic_id)
        if data.state in CLOSING and not is_confirmed(data.confirmed):
            await services.check_move(topic, data.state, data.text)
            return confirmation(
                request,
                question=translate(
                    request, N_("Close the topic “%(title)s” as “%(state)s”?"),
                    title=topic.title,
                    state=translate(request, services.STATE_LABELS[data.state]),
                ),
                action=f"{base(community)}/topics/{topic.id}/state",
                back=f"{base(community)}/topics/{topic.id}",
                confirm_label=translate(request, services.STATE_LABELS[data.state]),
                consequences=[translate(
                    request, N_("A closed topic cannot be opened again; it counts in "
                                "this year's figures as it is closed now."),
                )],
                fields=form_values(data),
            )  # fmt: skip
        await services.move_topic(topic, data.state, actor=actor, text=data.text)
        flash(
            request, N_("The topic is now “%(state)s”."),
            state=translate(request, services.STATE_LABELS[data.state]),
        )  # fmt: skip
        return topic_page(community, topic.id)

    @post(
        "/topics/{topic_id:int}/decide", name="council:decide",
        guards=[requires("council.manage", node=topic_node)],
        opt=form_page("council/topic.html", topic_context, council_form="decide"),
    )  # fmt: skip
    async def decide(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        topic_id: FromPath[int],
        data: URLEncodedBody[DecideForm],
    ) -> Redirect:
        topic = await get_topic(community, topic_id)
        await services.decide(
            topic, data.decision, actor=actor, start_project=bool(data.start_project)
        )
        flash(request, N_("Decision recorded."))
        return topic_page(community, topic.id)

    @post(
        "/topics/{topic_id:int}/escalate", name="council:escalate",
        guards=[requires("matters.escalate", node=topic_node)],
        opt=form_page("council/topic.html", topic_context, council_form="escalate"),
    )  # fmt: skip
    async def escalate(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        topic_id: FromPath[int],
        data: URLEncodedBody[ReasonForm],
    ) -> Redirect:
        topic = await get_topic(community, topic_id)
        above = await services.escalate_topic(topic, actor=actor, reason=data.reason)
        flash(
            request, N_("The topic was raised to %(level)s."),
            level=above.name_in(language_of(request)),
        )  # fmt: skip
        return topic_page(community, topic.id)

    @post(
        "/topics/{topic_id:int}/actions", name="council:action_add",
        guards=[requires("council.manage", node=topic_node)],
        opt=form_page("council/topic.html", topic_context, council_form="action"),
    )  # fmt: skip
    async def add_action(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        topic_id: FromPath[int],
        data: URLEncodedBody[ActionForm],
    ) -> Redirect:
        topic = await get_topic(community, topic_id)
        await services.add_action(
            topic, text=data.text, owner=data.owner, due_on=parse_date(data.due_on, "due_on"),
            actor=actor,
        )  # fmt: skip
        flash(request, N_("Action item added."))
        return topic_page(community, topic.id)

    @post(
        "/actions/{action_id:int}/done", name="council:action_done",
        guards=[requires("council.manage", node=action_node)],
    )  # fmt: skip
    async def action_done(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        action_id: FromPath[int],
    ) -> Redirect:
        action = await get_action(community, action_id)
        if await services.finish_action(action, actor=actor):
            flash(request, N_("Action item marked done."))
        else:
            flash(request, N_("This action item was already closed; nothing changed."))
        return topic_page(community, action.topic_id)

    @post(
        "/actions/{action_id:int}/waive", name="council:action_waive",
        guards=[requires("council.manage", node=action_node)],
        opt=form_page("council/topic.html", action_topic_context, council_form="waive-{action_id}"),
    )  # fmt: skip
    async def action_waive(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        action_id: FromPath[int],
        data: URLEncodedBody[ReasonForm],
    ) -> Redirect:
        action = await get_action(community, action_id)
        if await services.waive_action(action, data.reason, actor=actor):
            flash(request, N_("Action item waived; the reason is shown on the topic."))
        else:
            flash(request, N_("This action item was already closed; nothing changed."))
        return topic_page(community, action.topic_id)


# ----------------------------------------------------------------------------- needs


async def need_context(request: Req, community: Community, need_id: int) -> dict[str, Any]:
    need = (
        await Need.filter(id=need_id, community_id=community.id)
        .select_related("place", "topic", "merged_into")
        .first()
    )
    if need is None:
        raise NotFoundException()
    person = await participant(request)
    backed = person is not None and await need.supports.filter(person_id=person.id).exists()
    context = await page_context(request, community, need=need, backed=backed, person=person)
    level = (await services.settings_of(community)).ranking_level
    exact, shown = await services.place_labels([need.place], language_of(request), level)
    mine = person is not None and need.author_id == person.id  # type: ignore[attr-defined]
    labels = exact if mine or "manage" in context["allowed"] else shown
    context["place"] = labels.get(need.place_id, "")  # type: ignore[attr-defined]
    return context


async def need_form_context(request: Req, community: Community) -> dict[str, Any]:
    await participant(request)
    places = await services.choosable_places(community, language_of(request))
    return await page_context(request, community, places=places)


def need_page(community: Community, need_id: int) -> Redirect:
    return Redirect(f"{base(community)}/needs/{need_id}", status_code=303)


class NeedController(Controller):
    path = "/needs"

    @get("/", name="council:needs", guards=[logged_in])
    async def needs(
        self,
        request: Req,
        community: NamedDependency[Community],
        category: FromQuery[str] = "",
        status: FromQuery[str] = "",
        sort: FromQuery[str] = "support",
        page: FromQuery[int] = 1,
    ) -> Template:
        person = await participant(request)
        data = await services.needs_page(
            community, category=category, status=status, sort=sort, page=page,
            viewer_id=person.id if person else None,
        )  # fmt: skip
        context = await page_context(
            request, community, data=data, person=person,
            chosen={"category": category, "status": status, "sort": sort},
        )  # fmt: skip
        level = (await services.settings_of(community)).ranking_level
        exact, shown = await services.place_labels(
            [need.place for need in data.needs], language_of(request), level
        )
        staff = "manage" in context["allowed"]
        context["places"] = {
            need.id: (exact if staff or (person and need.author_id == person.id) else shown).get(
                need.place_id, ""
            )
            for need in data.needs
            if need.place_id is not None
        }  # type: ignore[attr-defined]
        return Template("council/needs.html", context=context)

    @get("/new", name="council:need_form", guards=[logged_in])
    async def need_form(self, request: Req, community: NamedDependency[Community]) -> Template:
        return Template(
            "council/need_new.html", context=await need_form_context(request, community)
        )

    @post(
        "/", name="council:need_raise", guards=[logged_in],
        opt=form_page("council/need_new.html", need_form_context),
    )  # fmt: skip
    async def raise_need(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        data: MultipartBody[NeedForm],
    ) -> Redirect:
        author = await participant(request)
        if data.for_person.strip():
            author = await find_person(community, data.for_person, field="for_person")
        if author is None:
            raise services.CouncilError(N_("Your account is not linked to a resident record."))
        photo = None
        if data.file is not None and data.file.filename:
            photo = (await data.file.read(), data.file.filename)
        need = await services.raise_need(
            community, author=author, text=data.text, category=data.category,
            place_id=parse_id(data.place), actor=actor, photo=photo,
        )  # fmt: skip
        flash(request, N_("Your need was sent to the council. Thank you."))
        return need_page(community, need.id)

    @get("/ranking", name="council:ranking", guards=[requires("council.manage")])
    async def ranking(self, request: Req, community: NamedDependency[Community]) -> Template:
        rows = await services.ranking(community, language=language_of(request))
        level = (await services.settings_of(community)).ranking_level
        context = await page_context(request, community, rows=rows, level=level)
        return Template("council/ranking.html", context=context)

    @get("/mine", name="council:mine", guards=[logged_in])
    async def mine(self, request: Req, community: NamedDependency[Community]) -> Template:
        person = await participant(request)
        needs = await services.my_needs(person) if person is not None else []
        context = await page_context(request, community, needs=needs, person=person)
        return Template("council/mine.html", context=context)

    @get("/{need_id:int}", name="council:need", guards=[logged_in])
    async def need(
        self, request: Req, community: NamedDependency[Community], need_id: FromPath[int]
    ) -> Template:
        return Template(
            "council/need.html", context=await need_context(request, community, need_id)
        )

    @get("/{need_id:int}/photo", name="council:need_photo", guards=[logged_in])
    async def photo(
        self, request: Req, community: NamedDependency[Community], need_id: FromPath[int]
    ) -> Response[bytes]:
        await participant(request)
        need = await get_need(community, need_id)
        upload = None
        if need.photo_id is not None:  # type: ignore[attr-defined]
            upload = await Upload.get_or_none(
                id=need.photo_id,  # type: ignore[attr-defined]
                community_id=community.id,
            )
        if upload is None:
            raise NotFoundException()
        return file_response(upload)

    @post(
        "/{need_id:int}/support", name="council:support", guards=[logged_in],
        opt=form_page("council/need.html", need_context, council_form="support"),
    )  # fmt: skip
    async def support(
        self, request: Req, community: NamedDependency[Community], need_id: FromPath[int]
    ) -> Redirect:
        need = await get_need(community, need_id)
        person = await participant(request)
        if person is None:
            raise services.CouncilError(
                N_("Only residents back needs: your account is not linked to a resident record.")
            )
        try:
            await services.support_need(need, person)
            flash(request, N_("You back this need now."))
        except services.AlreadySupported:
            flash(request, N_("You already back this need."))  # a second press: nothing changed
        return need_page(community, need.id)

    @post(
        "/{need_id:int}/merge", name="council:merge", guards=[requires("council.manage")],
        opt=form_page("council/need.html", need_context, council_form="merge"),
    )  # fmt: skip
    async def merge(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        need_id: FromPath[int],
        data: URLEncodedBody[MergeForm],
    ) -> Template | Redirect:
        duplicate = await get_need(community, need_id)
        keep_id = parse_id(data.into)
        keep = await Need.get_or_none(id=keep_id, community_id=community.id) if keep_id else None
        if keep is None or keep.id == duplicate.id:
            raise services.CouncilError(
                N_("Enter the number of another need to keep."), field="into"
            )
        if not is_confirmed(data.confirmed):
            return confirmation(
                request,
                question=translate(
                    request, N_("Merge need #%(duplicate)s into need #%(keep)s?"),
                    duplicate=duplicate.id, keep=keep.id,
                ),
                action=f"{base(community)}/needs/{duplicate.id}/merge",
                back=f"{base(community)}/needs/{duplicate.id}",
                confirm_label=translate(request, N_("Merge")),
                consequences=[translate(
                    request, N_("Its supporters move to need #%(keep)s; a merge cannot be "
                                "undone."), keep=keep.id,
                )],
                fields=form_values(data),
            )  # fmt: skip
        await services.merge_needs(keep, duplicate, actor=actor)
        flash(request, N_("The needs were merged."))
        return need_page(community, keep.id)


# -------------------------------------------------------------------------- meetings


async def meetings_context(request: Req, community: Community, page: int = 1) -> dict[str, Any]:
    await participant(request)
    page = max(page, 1)
    rows = list(
        await Meeting.filter(community_id=community.id)
        .select_related("place")
        .offset((page - 1) * services.PER_PAGE)
        .limit(services.PER_PAGE + 1)
    )
    language = language_of(request)
    shown = rows[: services.PER_PAGE]
    return await page_context(
        request, community, meetings=shown, page=page,
        has_next=len(rows) > services.PER_PAGE,
        where=await addresses([m.place for m in shown], language),
        places=await services.choosable_places(community, language),
    )  # fmt: skip


async def meeting_context(request: Req, community: Community, meeting_id: int) -> dict[str, Any]:
    await participant(request)
    meeting = (
        await Meeting.filter(id=meeting_id, community_id=community.id)
        .select_related("place")
        .first()
    )
    if meeting is None:
        raise NotFoundException()
    actor = await current_actor(request)
    readable = await services.may_read_minutes(actor, meeting, await community_node(request))
    agenda = await AgendaItem.filter(meeting_id=meeting.id).select_related("topic")
    where = await addresses([meeting.place], language_of(request))
    return await page_context(
        request, community, meeting=meeting, agenda=agenda, readable=readable,
        attendees=await meeting.attendees.all() if readable else [],
        approved=meeting.minutes_status == APPROVED, kinds=ATTENDEE_KINDS,
        held=meeting.held_on <= today_of(request),
        where=where.get(meeting.place_id, ""),  # type: ignore[attr-defined]
    )  # fmt: skip


def meeting_page(community: Community, meeting_id: int) -> Redirect:
    return Redirect(f"{base(community)}/meetings/{meeting_id}", status_code=303)


class MeetingController(Controller):
    path = "/meetings"

    @get("/", name="council:meetings", guards=[logged_in])
    async def meetings(
        self, request: Req, community: NamedDependency[Community], page: FromQuery[int] = 1
    ) -> Template:
        context = await meetings_context(request, community, page)
        return Template("council/meetings.html", context=context)

    @post(
        "/", name="council:meeting_create", guards=[requires("council.manage")],
        opt=form_page("council/meetings.html", meetings_context),
    )  # fmt: skip
    async def create(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        data: URLEncodedBody[MeetingForm],
    ) -> Redirect:
        meeting = await services.create_meeting(
            community, title=data.title, held_on=parse_date(data.held_on, "held_on"),
            location=data.location, place_id=parse_id(data.place), actor=actor,
        )  # fmt: skip
        flash(request, N_("Meeting planned."))
        return meeting_page(community, meeting.id)

    @get("/{meeting_id:int}", name="council:meeting", guards=[logged_in])
    async def meeting(
        self, request: Req, community: NamedDependency[Community], meeting_id: FromPath[int]
    ) -> Template:
        context = await meeting_context(request, community, meeting_id)
        return Template("council/meeting.html", context=context)

    @post(
        "/{meeting_id:int}/agenda", name="council:agenda_add",
        guards=[requires("council.manage")],
        opt=form_page("council/meeting.html", meeting_context, council_form="agenda"),
    )  # fmt: skip
    async def add_topic(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        meeting_id: FromPath[int],
        data: URLEncodedBody[AgendaForm],
    ) -> Redirect:
        meeting = await get_meeting(community, meeting_id)
        topic_id = parse_id(data.topic)
        topic = (
            await Topic.get_or_none(id=topic_id, community_id=community.id) if topic_id else None
        )
        if topic is None:
            raise services.CouncilError(N_("Choose a topic of this community."), field="topic")
        await services.schedule(meeting, topic, actor=actor)
        flash(request, N_("Topic put on the agenda."))
        return meeting_page(community, meeting.id)

    @post(
        "/{meeting_id:int}/attendees", name="council:attendee_add",
        guards=[requires("council.manage")],
        opt=form_page("council/meeting.html", meeting_context, council_form="attendee"),
    )  # fmt: skip
    async def add_attendee(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        meeting_id: FromPath[int],
        data: URLEncodedBody[AttendeeForm],
    ) -> Redirect:
        meeting = await get_meeting(community, meeting_id)
        await services.add_attendee(
            meeting, name=data.name, kind=data.kind, note=data.note, actor=actor
        )
        flash(request, N_("Attendee added."))
        return meeting_page(community, meeting.id)

    @post(
        "/{meeting_id:int}/minutes/{item_id:int}", name="council:minutes",
        guards=[requires("council.manage")],
        opt=form_page("council/meeting.html", meeting_context, council_form="minutes-{item_id}"),
    )  # fmt: skip
    async def minutes(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        meeting_id: FromPath[int],
        item_id: FromPath[int],
        data: URLEncodedBody[MinutesForm],
    ) -> Redirect:
        meeting = await get_meeting(community, meeting_id)
        item = await AgendaItem.get_or_none(id=item_id, meeting_id=meeting.id)
        if item is None:
            raise NotFoundException()
        await services.record_minutes(item, data.minutes, actor=actor, zone=zone_of(request))
        flash(request, N_("Minutes saved."))
        return meeting_page(community, meeting.id)

    @post(
        "/{meeting_id:int}/approve", name="council:approve",
        guards=[requires("council.approve")],
        opt=form_page("council/meeting.html", meeting_context, council_form="approve"),
    )  # fmt: skip
    async def approve(
        self,
        request: Req,
        community: NamedDependency[Community],
        actor: NamedDependency[Actor],
        meeting_id: FromPath[int],
        data: URLEncodedBody[ApproveForm],
    ) -> Template | Redirect:
        meeting = await get_meeting(community, meeting_id)
        if not is_confirmed(data.confirmed):
            await services.check_approvable(meeting, zone=zone_of(request))
            return confirmation(
                request,
                question=translate(
                    request, N_("Approve and publish the minutes of “%(title)s”?"),
                    title=meeting.title,
                ),
                action=f"{base(community)}/meetings/{meeting.id}/approve",
                back=f"{base(community)}/meetings/{meeting.id}",
                confirm_label=translate(request, N_("Approve and publish the minutes")),
                consequences=[translate(
                    request, N_("The residents of the place read them, and they cannot "
                                "be changed any more."),
                )],
                fields=form_values(data),
            )  # fmt: skip
        await services.approve_minutes(meeting, actor=actor, zone=zone_of(request))
        flash(request, N_("Minutes approved and published."))
        return meeting_page(community, meeting.id)


# --------------------------------------------------------------------------- figures


class FiguresController(Controller):
    path = "/"

    @get("/figures", name="council:figures", opt=PUBLIC)
    async def figures(
        self,
        request: Req,
        community: NamedDependency[Community],
        today: NamedDependency[date],
        year: Year = None,
    ) -> Template:
        data = await services.figures(
            community, year or today.year, today=today, zone=zone_of(request)
        )
        context = await page_context(request, community, data=data)
        return Template("council/figures.html", context=context)

    @get("/settings", name="council:settings", guards=[requires(SETTINGS_PERMISSION)])
    async def settings(self, community: NamedDependency[Community]) -> Redirect:
        """The council's settings moved to the core's settings page of the plugin."""
        return Redirect(settings_path(community, "council"), status_code=301)


ROUTES = [TopicController, NeedController, MeetingController, FiguresController]
