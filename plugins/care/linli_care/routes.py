"""The care pages: thin handlers over :mod:`linli_care.services`.

The visit page is the one a carer opens on a cheap phone at the door: a plain form,
four big buttons, no JavaScript needed; its hidden token makes a second tap (or a
form sent again after a lost connection) the same visit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template
from tortoise.expressions import Q

from linli.kit import (
    N_,
    Actor,
    Community,
    Node,
    Refusal,
    addresses,
    as_list,
    community_node,
    current_actor,
    find_person,
    flash,
    form_page,
    language_of,
    logged_in,
    own_person,
    parse_date,
    parse_int,
    requires,
    site_of,
    today_of,
    zone_of,
)
from linli_care import services
from linli_care.models import (
    ANY_MODE,
    IN_PERSON,
    CareGroup,
    Enrolment,
    FollowUp,
    Programme,
    Session,
)

Req = Request[Any, Any, Any]

OUTCOME_LABELS = {
    "well": N_("Seen, doing well"),
    "concerns": N_("Concerns"),
    "away": N_("Not at home"),
    "help": N_("Needs help"),
}
MODE_LABELS = {"visit": N_("In person"), "phone": N_("By phone")}
PLAN_LABELS = {ANY_MODE: N_("by phone or in person"), IN_PERSON: N_("in person")}
KIND_LABELS = {
    "grid": N_("Grid worker"),
    "party": N_("Party-member household"),
    "volunteer": N_("Volunteer"),
    "family": N_("Family"),
    "other": N_("Other"),
}
PROGRAMME_LABELS = {"youth": N_("Young sprouts (children)"), "silver": N_("Silver (elderly)")}
#: How a call for help on the timeline ended (``volunteers.call_closed``).
CALL_OUTCOME_LABELS = {
    "done": N_("help was given"),
    "cancelled": N_("cancelled"),
    "expired": N_("its time passed without all its helpers"),
}


def base(community: Community) -> str:
    return f"/c/{community.slug}/care/"


def done(request: Req, url: str, message: str, **values: Any) -> Redirect:
    flash(request, message, **values)
    return Redirect(url, status_code=303)


def labels() -> dict[str, Any]:
    return {
        "outcome_labels": OUTCOME_LABELS,
        "mode_labels": MODE_LABELS,
        "plan_labels": PLAN_LABELS,
        "kind_labels": KIND_LABELS,
        "programme_labels": PROGRAMME_LABELS,
        "call_outcome_labels": CALL_OUTCOME_LABELS,
    }


def area_node(permission: str) -> Any:
    """Node resolver: the visitor's outermost node where they hold ``permission`` (a
    grid worker's buildings), else the community node, which refuses."""

    async def resolve(connection: ASGIConnection[Any, Any, Any, Any]) -> Node:
        actor = await current_actor(connection)
        paths = actor.paths_allowing(permission)
        if paths:
            node = (
                await Node.filter(community_id=connection.state.community.id)
                .filter(Q(*[Q(path=p) for p in paths], join_type="OR"))
                .order_by("depth")
                .first()
            )
            if node is not None:
                return node
        return await community_node(connection)

    return resolve


async def person_or_404(actor: Actor, community: Community, person_id: int) -> services.Access:
    seen = await services.person_for(actor, community, person_id)
    if seen is None:
        raise NotFoundException()
    return seen


# ----------------------------------------------------------------------------- my visits


@get("/", name="care:home", guards=[logged_in])
async def home(request: Req, community: NamedDependency[Community]) -> Template:
    today = today_of(request)
    people = await services.my_people(await own_person(request), today)
    return Template(
        "care/home.html", context={"people": people, "today": today, "base": base(community)}
    )


async def visit_page(request: Req, community: Community, person_id: int) -> dict[str, Any]:
    actor = await current_actor(request)
    seen = await person_or_404(actor, community, person_id)
    return {
        "person": seen.person,
        "staff": seen.staff,
        "token": services.new_token(),
        "base": base(community),
        **labels(),
    }


@get("/visit/{person_id:int}", name="care:visit", guards=[logged_in])
async def visit(
    request: Req, community: NamedDependency[Community], person_id: FromPath[int]
) -> Template:
    return Template("care/visit.html", context=await visit_page(request, community, person_id))


class VisitForm(msgspec.Struct):
    token: str = ""
    outcome: str = ""
    mode: str = "visit"
    note: str = ""
    carer: str = ""


@post(
    "/visit/{person_id:int}",
    name="care:log",
    guards=[logged_in],
    opt=form_page("care/visit.html", visit_page),
)
async def log(
    request: Req,
    community: NamedDependency[Community],
    actor: NamedDependency[Actor],
    person_id: FromPath[int],
    data: URLEncodedBody[VisitForm],
) -> Redirect:
    seen = await person_or_404(actor, community, person_id)
    carer = None
    if data.carer.strip():
        carer = await find_person(community, data.carer, field="carer")
    logged = await services.log_visit(
        community, seen.person, outcome=data.outcome, mode=data.mode, note=data.note,
        token=data.token, actor=actor, now=services.now_utc(), carer=carer,
        zone=zone_of(request),
    )  # fmt: skip
    if not logged.created:
        return done(request, base(community), N_("This visit was already recorded."))
    if data.outcome == "help":
        return done(
            request,
            base(community),
            N_("Recorded. The community worker on duty is told that %(name)s needs help."),
            name=seen.person.name,
        )
    return done(request, base(community), N_("Visit to %(name)s recorded."), name=seen.person.name)


# ----------------------------------------------------------------------------- a person


def address_of(seen: services.Access, language: str) -> str:
    """Where they live, from their group membership's building and home (no query)."""
    if not seen.members:
        return seen.home.name_in(language)
    member = seen.members[0]
    building = member.building.name_in(language) if member.building else ""
    return f"{building} {member.node.name_in(language)}".strip()


async def person_context(request: Req, community: Community, person_id: int) -> dict[str, Any]:
    actor = await current_actor(request)
    seen = await person_or_404(actor, community, person_id)
    context = await services.person_page(seen)
    context.update(labels(), base=base(community), zone=zone_of(request))
    language = language_of(request)
    context["address"] = address_of(seen, language)
    context["sources"] = {
        name: plugin.manifest.title.get(language) or name
        for name, plugin in site_of(request).registry.loaded.items()
    }
    return context


@get("/people/{person_id:int}", name="care:person", guards=[logged_in])
async def person(
    request: Req, community: NamedDependency[Community], person_id: FromPath[int]
) -> Template:
    return Template("care/person.html", context=await person_context(request, community, person_id))


async def notes_context(request: Req, community: Community, person_id: int) -> dict[str, Any]:
    actor = await current_actor(request)
    seen = await person_or_404(actor, community, person_id)
    return {
        "person": seen.person,
        "notes": await services.read_notes(seen, actor),
        "zone": zone_of(request),
        "base": base(community),
    }


@get("/people/{person_id:int}/notes", name="care:notes", guards=[logged_in])
async def notes(
    request: Req, community: NamedDependency[Community], person_id: FromPath[int]
) -> Template:
    return Template("care/notes.html", context=await notes_context(request, community, person_id))


class NoteForm(msgspec.Struct):
    text: str = ""


@post(
    "/people/{person_id:int}/notes",
    guards=[logged_in],
    opt=form_page("care/notes.html", notes_context),
)
async def add_note(
    request: Req,
    community: NamedDependency[Community],
    actor: NamedDependency[Actor],
    person_id: FromPath[int],
    data: URLEncodedBody[NoteForm],
) -> Redirect:
    seen = await person_or_404(actor, community, person_id)
    await services.add_note(seen.person, data.text, actor=actor, now=services.now_utc())
    return done(request, f"{base(community)}people/{person_id}/notes", N_("Note saved."))


class CarerForm(msgspec.Struct):
    carer: str = ""
    kind: str = "other"


@post(
    "/people/{person_id:int}/carers",
    guards=[logged_in],
    opt=form_page("care/person.html", person_context),
)
async def assign(
    request: Req,
    community: NamedDependency[Community],
    actor: NamedDependency[Actor],
    person_id: FromPath[int],
    data: URLEncodedBody[CarerForm],
) -> Redirect:
    seen = await person_or_404(actor, community, person_id)
    carer = await find_person(community, data.carer, field="carer")
    assert carer is not None
    await services.assign_carer(
        seen.person, carer, kind=data.kind, actor=actor, today=today_of(request)
    )
    return done(
        request, f"{base(community)}people/{person_id}", N_("%(name)s is now a carer."),
        name=carer.name,
    )  # fmt: skip


@post("/people/{person_id:int}/carers/{carer_id:int}/remove", guards=[logged_in])
async def unassign(
    request: Req,
    community: NamedDependency[Community],
    actor: NamedDependency[Actor],
    person_id: FromPath[int],
    carer_id: FromPath[int],
) -> Redirect:
    seen = await person_or_404(actor, community, person_id)
    await services.remove_carer(seen.person, carer_id, actor=actor)
    return done(request, f"{base(community)}people/{person_id}", N_("Carer removed."))


# ----------------------------------------------------------------------------- overdue


@get(
    "/overdue/",
    name="care:overdue",
    guards=[requires("care.visit", node=area_node("care.visit"))],
)
async def overdue(request: Req, community: NamedDependency[Community]) -> Template:
    actor = await current_actor(request)
    today = today_of(request)
    rows = await services.overdue(actor, community, today)
    carers = await services.carers_of([row.person_id for row in rows])
    places = await addresses([row.node for row in rows], language_of(request))
    return Template(
        "care/overdue.html",
        context={
            "rows": rows, "carers": carers, "places": places, "today": today,
            "base": base(community),
        },
    )  # fmt: skip


# ----------------------------------------------------------------------------- coverage


@get("/coverage/", name="care:coverage", guards=[requires("care.manage")])
async def coverage(request: Req, community: NamedDependency[Community]) -> Template:
    today = today_of(request)
    return Template(
        "care/coverage.html",
        context={
            "groups": await services.coverage(community, today, language_of(request)),
            "months": await services.trend(community, today),
            "today": today,
            "base": base(community),
        },
    )


# ----------------------------------------------------------------------------- follow-ups


async def followups_page(request: Req, community: Community) -> dict[str, Any]:
    actor = await current_actor(request)
    rows = (
        await services.visible_followups(actor, community)
        .select_related("person", "node", "visit__carer")
        .limit(100)
    )
    rows.sort(key=lambda f: (f.level != "help", f.raised_at))
    return {
        "rows": rows,
        "places": await addresses([r.node for r in rows], language_of(request)),
        "zone": zone_of(request),
        "base": base(community),
        **labels(),
    }


@get(
    "/followups/",
    name="care:followups",
    guards=[requires("care.alert.handle", node=area_node("care.alert.handle"))],
)
async def followups(request: Req, community: NamedDependency[Community]) -> Template:
    return Template("care/followups.html", context=await followups_page(request, community))


class ResolveForm(msgspec.Struct):
    note: str = ""


@post(
    "/followups/{followup_id:int}/resolve",
    guards=[requires("care.alert.handle", node=area_node("care.alert.handle"))],
    opt=form_page("care/followups.html", followups_page),
)
async def resolve(
    request: Req,
    community: NamedDependency[Community],
    actor: NamedDependency[Actor],
    followup_id: FromPath[int],
    data: URLEncodedBody[ResolveForm],
) -> Redirect:
    followup = await FollowUp.get_or_none(id=followup_id, community_id=community.id)
    if followup is None:
        raise NotFoundException()
    await services.resolve_followup(followup, note=data.note, actor=actor, now=services.now_utc())
    return done(request, f"{base(community)}followups/", N_("Resolved."))


# ----------------------------------------------------------------------------- groups


async def groups_page(request: Req, community: Community) -> dict[str, Any]:
    groups = await CareGroup.filter(community=community)
    cover = {c.group.id: c.total for c in await services.coverage(community, today_of(request))}
    return {"groups": groups, "cover": cover, "base": base(community), **labels()}


@get("/groups/", name="care:groups", guards=[requires("care.manage")])
async def groups(request: Req, community: NamedDependency[Community]) -> Template:
    return Template("care/groups.html", context=await groups_page(request, community))


class GroupForm(msgspec.Struct):
    name: str = ""
    name_en: str = ""
    tags: str = ""
    min_age: str = ""
    max_age: str = ""
    every_days: str = "7"
    mode: str = ANY_MODE


@post(
    "/groups/",
    guards=[requires("care.manage")],
    opt=form_page("care/groups.html", groups_page),
)
async def save_group(
    request: Req,
    community: NamedDependency[Community],
    actor: NamedDependency[Actor],
    data: URLEncodedBody[GroupForm],
) -> Redirect:
    group = await services.save_group(
        community,
        name=data.name,
        name_en=data.name_en,
        tags=data.tags,
        min_age=parse_int(data.min_age, "min_age", low=0, high=130),
        max_age=parse_int(data.max_age, "max_age", low=0, high=130),
        every_days=parse_int(data.every_days, "every_days", 7, low=1, high=90) or 7,
        mode=data.mode,
        actor=actor,
        today=today_of(request),
    )
    return done(request, f"{base(community)}groups/", N_("Group %(name)s saved."), name=group.name)


async def group_of(community: Community, group_id: int) -> CareGroup:
    found = await CareGroup.get_or_none(id=group_id, community=community)
    if found is None:
        raise NotFoundException()
    return found


async def group_edit_page(request: Req, community: Community, group_id: int) -> dict[str, Any]:
    found = await group_of(community, group_id)
    current = {
        "name": found.name,
        "name_en": found.name_en,
        "tags": found.tags,
        "min_age": "" if found.min_age is None else str(found.min_age),
        "max_age": "" if found.max_age is None else str(found.max_age),
        "every_days": str(found.every_days),
        "mode": found.mode,
    }
    return {"group": found, "current": current, "base": base(community), **labels()}


@get("/groups/{group_id:int}/edit", name="care:group_edit", guards=[requires("care.manage")])
async def edit_group(
    request: Req, community: NamedDependency[Community], group_id: FromPath[int]
) -> Template:
    return Template(
        "care/group_edit.html", context=await group_edit_page(request, community, group_id)
    )


@post(
    "/groups/{group_id:int}/edit",
    guards=[requires("care.manage")],
    opt=form_page("care/group_edit.html", group_edit_page),
)
async def change_group(
    request: Req,
    community: NamedDependency[Community],
    actor: NamedDependency[Actor],
    group_id: FromPath[int],
    data: URLEncodedBody[GroupForm],
) -> Redirect:
    found = await group_of(community, group_id)
    group = await services.save_group(
        community,
        name=data.name,
        name_en=data.name_en,
        tags=data.tags,
        min_age=parse_int(data.min_age, "min_age", low=0, high=130),
        max_age=parse_int(data.max_age, "max_age", low=0, high=130),
        every_days=parse_int(data.every_days, "every_days", 7, low=1, high=90) or 7,
        mode=data.mode,
        actor=actor,
        today=today_of(request),
        group=found,
    )
    return done(request, f"{base(community)}groups/", N_("Group %(name)s saved."), name=group.name)


@post("/groups/defaults", guards=[requires("care.manage")])
async def default_groups(
    request: Req, community: NamedDependency[Community], actor: NamedDependency[Actor]
) -> Redirect:
    added = await services.add_default_groups(community, actor=actor, today=today_of(request))
    return done(request, f"{base(community)}groups/", N_("%(n)s groups added."), n=added)


@get("/groups/{group_id:int}", name="care:group", guards=[requires("care.manage")])
async def group(
    request: Req,
    community: NamedDependency[Community],
    actor: NamedDependency[Actor],
    group_id: FromPath[int],
) -> Template:
    found = await group_of(community, group_id)
    return Template(
        "care/group.html",
        context={
            "group": found,
            "buildings": await services.members_by_building(found, actor),
            "today": today_of(request),
            "base": base(community),
            **labels(),
        },
    )


# ----------------------------------------------------------------------------- programmes


async def programmes_page(request: Req, community: Community) -> dict[str, Any]:
    actor = await current_actor(request)
    root = await community_node(request)
    return {
        "programmes": await Programme.filter(community=community),
        "may_run": actor.can("care.programmes", root),
        "base": base(community),
        **labels(),
    }


@get("/programmes/", name="care:programmes", guards=[logged_in])
async def programmes(request: Req, community: NamedDependency[Community]) -> Template:
    return Template("care/programmes.html", context=await programmes_page(request, community))


class ProgrammeForm(msgspec.Struct):
    kind: str = "youth"
    title: str = ""
    title_en: str = ""
    place: str = ""
    starts_on: str = ""
    ends_on: str = ""
    capacity: str = ""


@post(
    "/programmes/",
    guards=[requires("care.programmes")],
    opt=form_page("care/programmes.html", programmes_page),
)
async def new_programme(
    request: Req,
    community: NamedDependency[Community],
    actor: NamedDependency[Actor],
    data: URLEncodedBody[ProgrammeForm],
) -> Redirect:
    starts = parse_date(data.starts_on, "starts_on", required=True)
    ends = parse_date(data.ends_on, "ends_on", required=True)
    assert starts is not None and ends is not None
    programme = await services.save_programme(
        community, kind=data.kind, title=data.title, title_en=data.title_en, place=data.place,
        starts_on=starts, ends_on=ends,
        capacity=parse_int(data.capacity, "capacity", low=1, high=1000) or 0, actor=actor,
    )  # fmt: skip
    return done(request, f"{base(community)}programmes/{programme.id}", N_("Programme saved."))


async def programme_page(request: Req, community: Community, programme_id: int) -> dict[str, Any]:
    found = await Programme.get_or_none(id=programme_id, community=community)
    if found is None:
        raise NotFoundException()
    actor = await current_actor(request)
    root = await community_node(request)
    may_run = actor.can("care.programmes", root)
    context: dict[str, Any] = {
        "programme": found,
        "sessions": await Session.filter(programme=found),
        "may_run": may_run,
        "zone": zone_of(request),
        "base": base(community),
        **labels(),
    }
    if may_run:
        context["enrolments"] = await Enrolment.filter(programme=found).select_related(
            "person", "guardian"
        )
    return context


@get("/programmes/{programme_id:int}", name="care:programme", guards=[logged_in])
async def programme(
    request: Req, community: NamedDependency[Community], programme_id: FromPath[int]
) -> Template:
    context = await programme_page(request, community, programme_id)
    return Template("care/programme.html", context=context)


class EnrolForm(msgspec.Struct):
    who: str = ""
    guardian: str = ""
    consent: str = ""


@post(
    "/programmes/{programme_id:int}/enrol",
    guards=[logged_in],
    opt=form_page("care/programme.html", programme_page),
)
async def enrol(
    request: Req,
    community: NamedDependency[Community],
    actor: NamedDependency[Actor],
    programme_id: FromPath[int],
    data: URLEncodedBody[EnrolForm],
) -> Redirect:
    found = await Programme.get_or_none(id=programme_id, community=community)
    if found is None:
        raise NotFoundException()
    who = (
        await find_person(community, data.who, field="who")
        if data.who.strip()
        else await own_person(request)
    )
    if who is None:
        raise Refusal(N_("Name who is enrolled."), field="who")
    guardian = (
        await find_person(community, data.guardian, field="guardian")
        if data.guardian.strip()
        else None
    )
    await services.enrol(
        found, who, actor=actor, today=today_of(request), now=services.now_utc(),
        guardian=guardian, consent=data.consent == "yes",
    )  # fmt: skip
    return done(
        request, f"{base(community)}programmes/{found.id}", N_("%(name)s is enrolled."),
        name=who.name,
    )  # fmt: skip


class SessionForm(msgspec.Struct):
    starts_at: str = ""
    topic: str = ""


@post(
    "/programmes/{programme_id:int}/sessions",
    guards=[requires("care.programmes")],
    opt=form_page("care/programme.html", programme_page),
)
async def add_session(
    request: Req,
    community: NamedDependency[Community],
    programme_id: FromPath[int],
    data: URLEncodedBody[SessionForm],
) -> Redirect:
    found = await Programme.get_or_none(id=programme_id, community=community)
    if found is None:
        raise NotFoundException()
    try:
        moment = datetime.fromisoformat(data.starts_at.strip())
    except ValueError:
        raise Refusal(N_("Enter a date and time."), field="starts_at") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone_of(request))
    if not 2000 <= moment.year <= 2100:
        raise Refusal(N_("Enter a date and time."), field="starts_at")
    await services.add_session(found, moment, data.topic)
    return done(request, f"{base(community)}programmes/{found.id}", N_("Session added."))


class AttendanceForm(msgspec.Struct):
    present: list[str] | str = ""


@post(
    "/programmes/{programme_id:int}/sessions/{session_id:int}/attendance",
    guards=[requires("care.programmes")],
)
async def attendance(
    request: Req,
    community: NamedDependency[Community],
    actor: NamedDependency[Actor],
    programme_id: FromPath[int],
    session_id: FromPath[int],
    data: URLEncodedBody[AttendanceForm],
) -> Redirect:
    found = await Session.get_or_none(
        id=session_id, programme_id=programme_id, programme__community_id=community.id
    )
    if found is None:
        raise NotFoundException()
    present = [int(v) for v in as_list(data.present) if v.isdecimal() and len(v) < 10]
    came = await services.mark_attendance(found, present, actor=actor)
    return done(request, f"{base(community)}programmes/{programme_id}", N_("%(n)s came."), n=came)


ROUTES = [
    home,
    visit,
    log,
    person,
    notes,
    add_note,
    assign,
    unassign,
    overdue,
    coverage,
    followups,
    resolve,
    groups,
    save_group,
    default_groups,
    group,
    edit_group,
    change_group,
    programmes,
    new_programme,
    programme,
    enrol,
    add_session,
    attendance,
]
