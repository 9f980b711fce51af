"""The council's pages: thin controllers that call :mod:`linli_council.services`.

Topics, their public timelines and the figures are public. Residents
(``council.take_part``) raise and back needs and read the approved minutes of meetings
that cover where they live; council members and workers (``council.manage``) run topics
and meetings; ``council.approve`` publishes minutes and sets the target.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath, FromQuery, MultipartBody, URLEncodedBody
from litestar.response import Redirect, Template
from tortoise.expressions import Q

from linli.hierarchy.models import Node
from linli.i18n import N_
from linli.identity.models import Person
from linli.models import Community
from linli.uploads import Upload, UploadRefused, file_response
from linli.web.auth import PUBLIC, community_node, current_actor, logged_in, requires
from linli.web.errors import refusal, refused
from linli.web.site import site_of
from linli_council import services
from linli_council.models import (
    APPROVED,
    ATTENDEE_KINDS,
    OPEN,
    ActionItem,
    AgendaItem,
    Meeting,
    Need,
    Topic,
)

Req = Request[Any, Any, Any]
OWN_PERMISSIONS = ("council.take_part", "council.manage", "council.approve")
#: Place kinds offered when choosing where a need or a meeting is (not every flat).
PLACE_KINDS = ("community", "estate", "building", "facility")


# ----------------------------------------------------------------------------- helpers


def zone(request: Req) -> Any:
    return site_of(request).settings.zone


def today(request: Req) -> date:
    return services.now_utc().astimezone(zone(request)).date()


def base(community: Community) -> str:
    return f"/c/{community.slug}/council"


def parse_date(request: Req, raw: str) -> date | None:
    if not raw.strip():
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise refused(request, N_("Enter the date as YYYY-MM-DD.")) from None


def parse_id(raw: str) -> int | None:
    raw = raw.strip().lstrip("#")
    return int(raw) if raw.isdigit() else None


def held_here(actor: Any, community: Community) -> set[str]:
    """The council permissions the visitor holds anywhere in this community: what the
    sub-navigation offers (each page still checks its own permission)."""
    return {
        name.split(".")[1]
        for held in actor.grants
        if held.community_id == community.id
        for name in OWN_PERMISSIONS
        if name in held.permissions
    }


async def page_context(request: Req, community: Community, **extra: Any) -> dict[str, Any]:
    """What every council page shows in its sub-navigation, and the labels."""
    actor = await current_actor(request)
    return {
        "base": base(community),
        "allowed": held_here(actor, community),
        "logged_in": not actor.is_anonymous,
        "categories": services.CATEGORIES,
        "state_labels": services.STATE_LABELS,
        "need_labels": services.NEED_STATUS_LABELS,
        "levels": services.LEVELS,
        "attendee_labels": services.ATTENDEE_LABELS,
        "timeline_labels": services.TIMELINE_LABELS,
        "today": today(request),
        "zone": zone(request),
        **extra,
    }


async def participant(request: Req) -> Person | None:
    """Who takes part: a resident of this community (an account linked to a person in
    its register) gets their person; someone holding ``council.take_part`` here (a
    worker without a register entry) gets ``None``; anyone else is refused."""
    actor = await current_actor(request)
    community = request.state.community
    if actor.account is not None and actor.account.person_id is not None:
        person = await Person.get_or_none(id=actor.account.person_id, community_id=community.id)
        if person is not None:
            return person
    if "take_part" in held_here(actor, community):
        return None
    raise PermissionDeniedException()


async def places(community: Community) -> list[Node]:
    return list(
        await Node.filter(community_id=community.id, tree="place", kind__key__in=PLACE_KINDS)
        .order_by("path")
        .limit(300)
    )


async def find_person(request: Req, community: Community, who: str) -> Person:
    """A resident by register number (``#12``), phone or exact name."""
    who = who.strip()
    if who.startswith("#") and who[1:].isdigit():
        found = await Person.filter(community_id=community.id, id=int(who[1:])).limit(2)
    else:
        found = await Person.filter(Q(name=who) | Q(phone=who), community_id=community.id).limit(2)
    if not who or not found:
        raise refused(request, N_("No resident matches this name or phone."))
    if len(found) > 1:
        raise refused(
            request, N_("Several residents match; enter the phone or the register number (#id).")
        )
    return found[0]


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


class TargetForm(msgspec.Struct):
    target: str = ""


# ---------------------------------------------------------------------------- topics


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

    @get("/topics/{topic_id:int}", name="council:topic", opt=PUBLIC)
    async def topic(
        self, request: Req, community: NamedDependency[Community], topic_id: FromPath[int]
    ) -> Template:
        topic = (
            await Topic.filter(id=topic_id, community_id=community.id)
            .select_related("node__kind", "place", "owner")
            .first()
        )
        if topic is None:
            raise NotFoundException()
        context = await page_context(
            request, community, topic=topic,
            needs=await Need.filter(topic_id=topic.id).order_by("-support_count", "id"),
            timeline=await topic.timeline.all(),
            actions=await ActionItem.filter(topic_id=topic.id),
            moves=services.TRANSITIONS[topic.state],
        )  # fmt: skip
        return Template("council/topic.html", context=context)

    @get("/topics/new", name="council:topic_form", guards=[requires("council.manage")])
    async def topic_form(
        self, request: Req, community: NamedDependency[Community], needs: FromQuery[str] = ""
    ) -> Template:
        return Template(
            "council/topic_new.html", context=await topic_form_context(request, community, needs)
        )

    @post("/topics", name="council:topic_create", guards=[requires("council.manage")])
    async def create_topic(
        self, request: Req, community: NamedDependency[Community], data: URLEncodedBody[TopicForm]
    ) -> Redirect:
        ids = [int(part) for part in data.needs.replace(",", " ").split() if part.isdigit()]
        try:
            topic = await services.create_topic(
                community, need_ids=ids, title=data.title, summary=data.summary,
                category=data.category, node_id=parse_id(data.node),
                place_id=parse_id(data.place), actor=await current_actor(request),
            )  # fmt: skip
        except services.CouncilError as exc:
            raise refusal(request, exc) from exc
        return Redirect(f"{base(community)}/topics/{topic.id}", status_code=303)

    @post(
        "/topics/{topic_id:int}/state", name="council:topic_state",
        guards=[requires("council.manage")],
    )  # fmt: skip
    async def move(
        self,
        request: Req,
        community: NamedDependency[Community],
        topic_id: FromPath[int],
        data: URLEncodedBody[StateForm],
    ) -> Redirect:
        topic = await get_topic(community, topic_id)
        try:
            await services.move_topic(
                topic, data.state, actor=await current_actor(request), text=data.text
            )
        except services.CouncilError as exc:
            raise refusal(request, exc) from exc
        return Redirect(f"{base(community)}/topics/{topic.id}", status_code=303)

    @post(
        "/topics/{topic_id:int}/decide", name="council:decide",
        guards=[requires("council.manage")],
    )  # fmt: skip
    async def decide(
        self,
        request: Req,
        community: NamedDependency[Community],
        topic_id: FromPath[int],
        data: URLEncodedBody[DecideForm],
    ) -> Redirect:
        topic = await get_topic(community, topic_id)
        try:
            await services.decide(
                topic, data.decision, actor=await current_actor(request),
                start_project=bool(data.start_project),
            )  # fmt: skip
        except services.CouncilError as exc:
            raise refusal(request, exc) from exc
        return Redirect(f"{base(community)}/topics/{topic.id}", status_code=303)

    @post(
        "/topics/{topic_id:int}/escalate", name="council:escalate",
        guards=[requires("council.manage")],
    )  # fmt: skip
    async def escalate(
        self,
        request: Req,
        community: NamedDependency[Community],
        topic_id: FromPath[int],
        data: URLEncodedBody[ReasonForm],
    ) -> Redirect:
        topic = await get_topic(community, topic_id)
        try:
            await services.escalate_topic(
                topic, actor=await current_actor(request), reason=data.reason
            )
        except services.CouncilError as exc:
            raise refusal(request, exc) from exc
        return Redirect(f"{base(community)}/topics/{topic.id}", status_code=303)

    @post(
        "/topics/{topic_id:int}/actions", name="council:action_add",
        guards=[requires("council.manage")],
    )  # fmt: skip
    async def add_action(
        self,
        request: Req,
        community: NamedDependency[Community],
        topic_id: FromPath[int],
        data: URLEncodedBody[ActionForm],
    ) -> Redirect:
        topic = await get_topic(community, topic_id)
        try:
            await services.add_action(
                topic, text=data.text, owner=data.owner, due_on=parse_date(request, data.due_on),
                actor=await current_actor(request),
            )  # fmt: skip
        except services.CouncilError as exc:
            raise refusal(request, exc) from exc
        return Redirect(f"{base(community)}/topics/{topic.id}", status_code=303)

    @post(
        "/actions/{action_id:int}/done", name="council:action_done",
        guards=[requires("council.manage")],
    )  # fmt: skip
    async def action_done(
        self, request: Req, community: NamedDependency[Community], action_id: FromPath[int]
    ) -> Redirect:
        action = await ActionItem.get_or_none(id=action_id, topic__community_id=community.id)
        if action is None:
            raise NotFoundException()
        await services.finish_action(action, actor=await current_actor(request))
        return Redirect(f"{base(community)}/topics/{action.topic_id}", status_code=303)


async def topic_form_context(
    request: Req, community: Community, needs: str, **extra: Any
) -> dict[str, Any]:
    ids = [int(part) for part in needs.replace(",", " ").split() if part.isdigit()][:50]
    chosen = (
        list(await Need.filter(id__in=ids, community_id=community.id, status=OPEN)) if ids else []
    )
    nodes = (
        await Node.filter(community_id=community.id, kind__key__in=list(services.LEVELS))
        .select_related("kind")
        .order_by("path")
        .limit(300)
    )
    return await page_context(
        request, community, chosen_needs=chosen, needs=" ".join(str(n.id) for n in chosen),
        nodes=nodes, places=await places(community), **extra,
    )  # fmt: skip


# ----------------------------------------------------------------------------- needs


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
            request, community, data=data,
            chosen={"category": category, "status": status, "sort": sort},
        )  # fmt: skip
        return Template("council/needs.html", context=context)

    @get("/new", name="council:need_form", guards=[logged_in])
    async def need_form(self, request: Req, community: NamedDependency[Community]) -> Template:
        await participant(request)
        context = await page_context(request, community, places=await places(community))
        return Template("council/need_new.html", context=context)

    @post("/", name="council:need_raise", guards=[logged_in])
    async def raise_need(
        self, request: Req, community: NamedDependency[Community], data: MultipartBody[NeedForm]
    ) -> Redirect:
        me = await participant(request)
        actor = await current_actor(request)
        if data.for_person.strip():
            author = await find_person(request, community, data.for_person)
        else:
            author = me
            if author is None:
                raise refused(request, N_("Your account is not linked to a resident record."))
        photo = None
        if data.file is not None and data.file.filename:
            photo = (await data.file.read(), data.file.filename)
        try:
            need = await services.raise_need(
                community, author=author, text=data.text, category=data.category,
                place_id=parse_id(data.place), actor=actor, photo=photo,
            )  # fmt: skip
        except (services.CouncilError, UploadRefused) as exc:
            raise refusal(request, exc) from exc
        return Redirect(f"{base(community)}/needs/{need.id}", status_code=303)

    @get("/ranking", name="council:ranking", guards=[requires("council.manage")])
    async def ranking(self, request: Req, community: NamedDependency[Community]) -> Template:
        rows = await services.ranking(community)
        return Template(
            "council/ranking.html", context=await page_context(request, community, rows=rows)
        )

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
        need = (
            await Need.filter(id=need_id, community_id=community.id)
            .select_related("place", "topic", "merged_into")
            .first()
        )
        if need is None:
            raise NotFoundException()
        person = await participant(request)
        backed = person is not None and await need.supports.filter(person_id=person.id).exists()
        context = await page_context(request, community, need=need, backed=backed)
        return Template("council/need.html", context=context)

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
        "/{need_id:int}/support", name="council:support",
        guards=[logged_in],
    )  # fmt: skip
    async def support(
        self, request: Req, community: NamedDependency[Community], need_id: FromPath[int]
    ) -> Redirect:
        need = await get_need(community, need_id)
        person = await participant(request)
        if person is None:
            raise refused(request, N_("Your account is not linked to a resident record."))
        try:
            await services.support_need(need, person)
        except services.CouncilError as exc:
            raise refusal(request, exc) from exc
        return Redirect(f"{base(community)}/needs/{need.id}", status_code=303)

    @post("/{need_id:int}/merge", name="council:merge", guards=[requires("council.manage")])
    async def merge(
        self,
        request: Req,
        community: NamedDependency[Community],
        need_id: FromPath[int],
        data: URLEncodedBody[MergeForm],
    ) -> Redirect:
        duplicate = await get_need(community, need_id)
        keep_id = parse_id(data.into)
        keep = await Need.get_or_none(id=keep_id, community_id=community.id) if keep_id else None
        if keep is None:
            raise refused(request, N_("Enter the number of the need to keep."))
        try:
            await services.merge_needs(keep, duplicate, actor=await current_actor(request))
        except services.CouncilError as exc:
            raise refusal(request, exc) from exc
        return Redirect(f"{base(community)}/needs/{keep.id}", status_code=303)


# -------------------------------------------------------------------------- meetings


class MeetingController(Controller):
    path = "/meetings"

    @get("/", name="council:meetings", guards=[logged_in])
    async def meetings(
        self, request: Req, community: NamedDependency[Community], page: FromQuery[int] = 1
    ) -> Template:
        await participant(request)
        page = max(page, 1)
        rows = list(
            await Meeting.filter(community_id=community.id)
            .select_related("place")
            .offset((page - 1) * services.PER_PAGE)
            .limit(services.PER_PAGE + 1)
        )
        context = await page_context(
            request, community, meetings=rows[: services.PER_PAGE], page=page,
            has_next=len(rows) > services.PER_PAGE, places=await places(community),
        )  # fmt: skip
        return Template("council/meetings.html", context=context)

    @post("/", name="council:meeting_create", guards=[requires("council.manage")])
    async def create(
        self,
        request: Req,
        community: NamedDependency[Community],
        data: URLEncodedBody[MeetingForm],
    ) -> Redirect:
        try:
            meeting = await services.create_meeting(
                community, title=data.title, held_on=parse_date(request, data.held_on),
                location=data.location, place_id=parse_id(data.place),
                actor=await current_actor(request),
            )  # fmt: skip
        except services.CouncilError as exc:
            raise refusal(request, exc) from exc
        return Redirect(f"{base(community)}/meetings/{meeting.id}", status_code=303)

    @get("/{meeting_id:int}", name="council:meeting", guards=[logged_in])
    async def meeting(
        self, request: Req, community: NamedDependency[Community], meeting_id: FromPath[int]
    ) -> Template:
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
        context = await page_context(
            request, community, meeting=meeting, agenda=agenda, readable=readable,
            attendees=await meeting.attendees.all() if readable else [],
            approved=meeting.minutes_status == APPROVED, kinds=ATTENDEE_KINDS,
        )  # fmt: skip
        return Template("council/meeting.html", context=context)

    @post(
        "/{meeting_id:int}/agenda", name="council:agenda_add",
        guards=[requires("council.manage")],
    )  # fmt: skip
    async def add_topic(
        self,
        request: Req,
        community: NamedDependency[Community],
        meeting_id: FromPath[int],
        data: URLEncodedBody[AgendaForm],
    ) -> Redirect:
        meeting = await get_meeting(community, meeting_id)
        topic_id = parse_id(data.topic)
        topic = (
            await Topic.get_or_none(id=topic_id, community_id=community.id) if topic_id else None
        )
        if topic is None:
            raise refused(request, N_("Choose a topic of this community."))
        try:
            await services.schedule(meeting, topic, actor=await current_actor(request))
        except services.CouncilError as exc:
            raise refusal(request, exc) from exc
        return Redirect(f"{base(community)}/meetings/{meeting.id}", status_code=303)

    @post(
        "/{meeting_id:int}/attendees", name="council:attendee_add",
        guards=[requires("council.manage")],
    )  # fmt: skip
    async def add_attendee(
        self,
        request: Req,
        community: NamedDependency[Community],
        meeting_id: FromPath[int],
        data: URLEncodedBody[AttendeeForm],
    ) -> Redirect:
        meeting = await get_meeting(community, meeting_id)
        try:
            await services.add_attendee(
                meeting, name=data.name, kind=data.kind, note=data.note,
                actor=await current_actor(request),
            )  # fmt: skip
        except services.CouncilError as exc:
            raise refusal(request, exc) from exc
        return Redirect(f"{base(community)}/meetings/{meeting.id}", status_code=303)

    @post(
        "/{meeting_id:int}/minutes/{item_id:int}", name="council:minutes",
        guards=[requires("council.manage")],
    )  # fmt: skip
    async def minutes(
        self,
        request: Req,
        community: NamedDependency[Community],
        meeting_id: FromPath[int],
        item_id: FromPath[int],
        data: URLEncodedBody[MinutesForm],
    ) -> Redirect:
        meeting = await get_meeting(community, meeting_id)
        item = await AgendaItem.get_or_none(id=item_id, meeting_id=meeting.id)
        if item is None:
            raise NotFoundException()
        try:
            await services.record_minutes(item, data.minutes, actor=await current_actor(request))
        except services.CouncilError as exc:
            raise refusal(request, exc) from exc
        return Redirect(f"{base(community)}/meetings/{meeting.id}", status_code=303)

    @post(
        "/{meeting_id:int}/approve", name="council:approve",
        guards=[requires("council.approve")],
    )  # fmt: skip
    async def approve(
        self, request: Req, community: NamedDependency[Community], meeting_id: FromPath[int]
    ) -> Redirect:
        meeting = await get_meeting(community, meeting_id)
        try:
            await services.approve_minutes(meeting, actor=await current_actor(request))
        except services.CouncilError as exc:
            raise refusal(request, exc) from exc
        return Redirect(f"{base(community)}/meetings/{meeting.id}", status_code=303)


# --------------------------------------------------------------------------- figures


class FiguresController(Controller):
    path = "/"

    @get("/figures", name="council:figures", opt=PUBLIC)
    async def figures(
        self, request: Req, community: NamedDependency[Community], year: FromQuery[int] = 0
    ) -> Template:
        day = today(request)
        data = await services.figures(community, year or day.year, today=day, zone=zone(request))
        context = await page_context(request, community, data=data)
        return Template("council/figures.html", context=context)

    @get("/settings", name="council:settings", guards=[requires("council.approve")])
    async def settings(self, request: Req, community: NamedDependency[Community]) -> Template:
        context = await page_context(
            request, community, settings=await services.settings_of(community)
        )
        return Template("council/settings.html", context=context)

    @post("/settings", name="council:settings_save", guards=[requires("council.approve")])
    async def save_settings(
        self, request: Req, community: NamedDependency[Community], data: URLEncodedBody[TargetForm]
    ) -> Redirect:
        try:
            await services.save_target(community, data.target, actor=await current_actor(request))
        except services.CouncilError as exc:
            raise refusal(request, exc) from exc
        return Redirect(f"{base(community)}/figures", status_code=303)


ROUTES = [TopicController, NeedController, MeetingController, FiguresController]
