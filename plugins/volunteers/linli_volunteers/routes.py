"""The volunteers' pages: thin handlers over :mod:`linli_volunteers.services`.

A refused form comes back with the message beside its field (``form_page``); rules are
in the services, which raise :class:`~linli.kit.Refusal`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from typing import Annotated, Any, TypeVar

import msgspec
import segno
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery, Parameter, URLEncodedBody
from litestar.response import Redirect, Template
from markupsafe import Markup
from tortoise.expressions import Q

from linli.kit import (
    N_,
    Actor,
    Community,
    Id,
    Node,
    Person,
    Refusal,
    Year,
    addresses,
    as_list,
    check_on_behalf,
    community_node,
    current_actor,
    find_person,
    flash,
    form_page,
    language_of,
    logged_in,
    need_person,
    own_person,
    parse_date,
    parse_float,
    parse_int,
    requires,
    zone_of,
)
from linli_volunteers import services
from linli_volunteers.models import (
    Answer,
    Call,
    Correction,
    Hours,
    Membership,
    Shift,
    Signup,
    Skill,
    Team,
    Volunteer,
)

Req = Request[Any, Any, Any]
T = TypeVar("T")
PER_PAGE = 30
Page = Annotated[int, Parameter(ge=1, le=10_000)]


def base(community: Community) -> str:
    return f"/c/{community.slug}/volunteers/"


def done(request: Req, url: str, message: str, **values: Any) -> Redirect:
    flash(request, message, **values)
    return Redirect(url, status_code=303)


def parse_moment(request: Req, raw: str, field: str) -> datetime:
    """A ``datetime-local`` input (``2026-03-16T09:00``) in the site's zone."""
    try:
        moment = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise Refusal(N_("Enter a date and time."), field=field) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone_of(request))
    if not 2000 <= moment.year <= 2100:
        raise Refusal(N_("Enter a date and time."), field=field)
    return moment


def qr(text: str) -> Markup:
    # segno writes the SVG itself; the text is our own URL, so the markup is safe.
    return Markup(segno.make(text, error="m").svg_inline(scale=4, border=2))


async def skills_of(community: Community) -> list[Skill]:
    return await Skill.filter(community=community)


def own_person_id(actor: Actor) -> int | None:
    """The visitor's register entry, from their account (no query)."""
    return actor.account.person_id if actor.account is not None else None


async def found(
    query: Awaitable[T | None],
    request: Req | None = None,
    *,
    owner: Callable[[T], int | None] | None = None,
    unless: str = "",
) -> T:
    """The row ``query`` finds, or 404. With ``owner``, the row is only for the visitor
    whose register entry ``owner(row)`` names, or for one who holds the permission
    ``unless`` in the community: anyone else gets 404 too, as if it did not exist."""
    row = await query
    if row is None:
        raise NotFoundException()
    if owner is not None:
        assert request is not None
        actor = await current_actor(request)
        person_id = own_person_id(actor)
        if (person_id is None or owner(row) != person_id) and not (
            unless and actor.can(unless, await community_node(request))
        ):
            raise NotFoundException()
    return row


async def my_volunteer(request: Req, community: Community, *related: str) -> Volunteer | None:
    """The visitor's volunteer record in this community, in one query."""
    person_id = own_person_id(await current_actor(request))
    if person_id is None:
        return None
    query = Volunteer.get_or_none(person_id=person_id, community_id=community.id)
    return await (query.select_related(*related) if related else query)


# ----------------------------------------------------------------------------- my tasks


async def me_page(request: Req, community: Community) -> dict[str, Any]:
    volunteer = await my_volunteer(request, community, "home")
    context: dict[str, Any] = {"volunteer": volunteer, "zone": zone_of(request)}
    if volunteer is None or not volunteer.active:
        context["skills"] = await skills_of(community)
    else:
        now = services.now_utc()
        today = services.local_day(now, zone_of(request))
        context["tasks"] = await services.today_of(volunteer, today, now)
        context["offers"] = await services.calls_for(volunteer, await community_node(request))
        places = [o.call.place for o in context["offers"]]
        places += [a.call.place for a in context["tasks"].answers]
        context["addresses"] = await addresses(places, language_of(request))
        context["today"] = today
    return context


@get("/", name="volunteers:me", guards=[logged_in])
async def me(request: Req, community: NamedDependency[Community]) -> Template:
    return Template("volunteers/me.html", context=await me_page(request, community))


class JoinForm(msgspec.Struct):
    days: list[str] | str = ""
    availability: str = ""
    skills: list[str] | str = ""


def ids(raw: list[str] | str) -> list[int]:
    return [int(v) for v in as_list(raw) if v.isdecimal() and len(v) < 10]


@post("/join", guards=[logged_in], opt=form_page("volunteers/me.html", me_page))
async def join(
    request: Req,
    community: NamedDependency[Community],
    actor: NamedDependency[Actor],
    today: NamedDependency[date],
    data: URLEncodedBody[JoinForm],
) -> Redirect:
    person = await need_person(request)
    await services.join(
        community,
        person,
        actor=actor,
        today=today,
        days=as_list(data.days),
        availability=data.availability,
        skills=ids(data.skills),
    )
    return done(request, base(community), N_("Welcome to the volunteers!"))


# ----------------------------------------------------------------------------- calls


async def calls_page(request: Req, community: Community) -> dict[str, Any]:
    calls = (
        await Call.filter(community=community, status__in=("open", "filled"))
        .select_related("skill", "place")
        .order_by("-urgent", "starts_at")
        .limit(50)
    )
    return {
        "zone": zone_of(request),
        "calls": calls,
        "addresses": await addresses([c.place for c in calls], language_of(request)),
    }


@get("/calls/", name="volunteers:calls", guards=[logged_in])
async def calls(request: Req, community: NamedDependency[Community]) -> Template:
    return Template("volunteers/calls.html", context=await calls_page(request, community))


async def new_call_page(request: Req, community: Community) -> dict[str, Any]:
    root = await community_node(request)
    buildings = (
        await Node.filter(
            community_id=community.id, path__startswith=root.path, kind__key="building"
        )
        .order_by("path")
        .limit(300)
    )
    return {
        "skills": await skills_of(community),
        "places": buildings,
        "may_name": may_name(await current_actor(request), root),
    }


def may_name(actor: Actor, root: Node) -> bool:
    """Whether the visitor may name a resident of the register as the one a call is
    for: whoever may act on behalf of residents somewhere in the community (a worker, a
    grid worker, a volunteer); anyone else names only themselves."""
    return any(p.startswith(root.path) for p in actor.paths_allowing("identity.act_on_behalf"))


async def call_for(
    request: Req, community: Community, data: CallForm, person: Person
) -> Person | None:
    """The resident of the register a call is for: the one named (checked like any act
    on their behalf), the visitor with "for me", or nobody."""
    if data.resident.strip():
        actor = await current_actor(request)
        if not may_name(actor, await community_node(request)):
            raise Refusal(N_("You may not act on behalf of this resident."), 403, field="resident")
        named = await find_person(community, data.resident, field="resident")
        await check_on_behalf(actor, named)
        return named
    return person if data.for_me else None


@get("/calls/new", guards=[logged_in])
async def new_call(request: Req, community: NamedDependency[Community]) -> Template:
    return Template("volunteers/call_new.html", context=await new_call_page(request, community))


class CallForm(msgspec.Struct):
    title: str = ""
    details: str = ""
    skill: str = ""
    place: str = ""
    urgent: str = ""
    needed: str = "1"
    starts: str = ""
    hours: str = "1"
    beneficiary: str = ""
    address: str = ""
    phone: str = ""
    for_me: str = ""
    resident: str = ""


@post("/calls/new", guards=[logged_in], opt=form_page("volunteers/call_new.html", new_call_page))
async def raise_call(
    request: Req, community: NamedDependency[Community], data: URLEncodedBody[CallForm]
) -> Redirect:
    person = await need_person(request)
    skill = None
    if data.skill.strip():
        skill = await Skill.get_or_none(
            id=parse_int(data.skill, "skill", low=1), community=community
        )
        if skill is None:
            raise Refusal(N_("Choose a skill."), field="skill")
    place = None
    if data.place.strip():
        place = await Node.get_or_none(
            id=parse_int(data.place, "place", low=1), community_id=community.id
        )
        if place is None:
            raise Refusal(N_("Choose a building."), field="place")
    call = await services.raise_call(
        community,
        title=data.title,
        details=data.details,
        skill=skill,
        place=place,
        urgent=bool(data.urgent),
        needed=parse_int(data.needed, "needed", 1, low=1, high=50) or 1,
        starts_at=parse_moment(request, data.starts, "starts")
        if data.starts.strip()
        else services.now_utc(),
        hours=parse_float(data.hours, "hours", 1.0, low=0.25, high=24) or 1.0,
        beneficiary=data.beneficiary,
        address=data.address,
        phone=data.phone,
        raised_by=person,
        for_person=await call_for(request, community, data, person),
    )
    return done(request, f"{base(community)}calls/{call.id}", N_("Your call for help is out."))


async def call_of(community: Community, call_id: int) -> Call:
    return await found(
        Call.get_or_none(id=call_id, community=community).select_related("skill", "place")
    )


async def call_page(request: Req, community: Community, call_id: int) -> dict[str, Any]:
    call = await call_of(community, call_id)
    actor = await current_actor(request)
    person_id = own_person_id(actor)
    root = await community_node(request)
    answers = await Answer.filter(call=call).select_related("volunteer__person")
    mine = person_id is not None and any(a.volunteer.person_id == person_id for a in answers)
    manager = services.can_manage(actor, root)
    organiser = manager or (person_id is not None and call.raised_by_id == person_id)
    return {
        "zone": zone_of(request),
        "call": call,
        "private": services.sees_private(call, manager=manager, person_id=person_id, assigned=mine),
        "answers": answers if (organiser or mine) else [],
        "mine": mine,
        "organiser": organiser,
        "offered": await services.offered_to(call, root) if organiser else None,
        "addresses": await addresses([call.place], language_of(request)),
    }


@get("/calls/{call_id:int}", guards=[logged_in])
async def call_detail(
    request: Req, community: NamedDependency[Community], call_id: FromPath[int]
) -> Template:
    return Template("volunteers/call.html", context=await call_page(request, community, call_id))


@post(
    "/calls/{call_id:int}/accept",
    guards=[logged_in],
    opt=form_page("volunteers/call.html", call_page),
)
async def accept_call(
    request: Req, community: NamedDependency[Community], call_id: FromPath[int]
) -> Redirect:
    call = await call_of(community, call_id)
    volunteer = await services.need_volunteer(await own_person(request))
    await services.accept(call.id, volunteer, now=services.now_utc())
    return done(request, f"{base(community)}calls/{call.id}", N_("Thank you: you are on your way."))


class CloseForm(msgspec.Struct):
    done: str = ""


@post(
    "/calls/{call_id:int}/close",
    guards=[logged_in],
    opt=form_page("volunteers/call.html", call_page),
)
async def close_call(
    request: Req,
    community: NamedDependency[Community],
    actor: NamedDependency[Actor],
    call_id: FromPath[int],
    data: URLEncodedBody[CloseForm],
) -> Redirect:
    call = await call_of(community, call_id)
    await services.close_call(
        call,
        actor=actor,
        person=await own_person(request),
        root=await community_node(request),
        now=services.now_utc(),
        done=data.done == "yes",
    )
    message = N_("The call is closed: its helpers' hours wait for approval.")
    if data.done != "yes":
        message = N_("The call is cancelled.")
    return done(request, f"{base(community)}calls/{call.id}", message)


class ThanksForm(msgspec.Struct):
    text: str = ""


@post(
    "/calls/{call_id:int}/thanks",
    guards=[logged_in],
    opt=form_page("volunteers/call.html", call_page),
)
async def thank(
    request: Req,
    community: NamedDependency[Community],
    actor: NamedDependency[Actor],
    call_id: FromPath[int],
    data: URLEncodedBody[ThanksForm],
) -> Redirect:
    call = await call_of(community, call_id)
    await services.thank(
        call,
        text=data.text,
        person=await own_person(request),
        actor=actor,
        root=await community_node(request),
    )
    return done(request, f"{base(community)}calls/{call.id}", N_("Your thanks were passed on."))


# ----------------------------------------------------------------------------- shifts


async def shifts_page(request: Req, community: Community) -> dict[str, Any]:
    now = services.now_utc()
    shifts = (
        await Shift.filter(
            community=community, ends_at__gt=now, starts_at__lt=now + timedelta(days=14)
        )
        .select_related("team")
        .order_by("starts_at")
        .limit(60)
    )
    volunteer = await my_volunteer(request, community)
    mine: set[int] = set()
    if volunteer is not None:
        taken: Any = await Signup.filter(
            volunteer=volunteer, shift_id__in=[s.id for s in shifts]
        ).values_list("shift_id", flat=True)
        mine = set(taken)
    actor = await current_actor(request)
    root = await community_node(request)
    return {
        "zone": zone_of(request),
        "shifts": shifts,
        "mine": mine,
        "volunteer": volunteer,
        "manager": services.can_manage(actor, root),
        "leader": services.can_lead(actor, root),
        "qualifications": services.QUALIFICATIONS,
    }


@get("/shifts/", name="volunteers:shifts", guards=[logged_in])
async def shifts(request: Req, community: NamedDependency[Community]) -> Template:
    return Template("volunteers/shifts.html", context=await shifts_page(request, community))


@post(
    "/shifts/{shift_id:int}/signup",
    guards=[logged_in],
    opt=form_page("volunteers/shifts.html", shifts_page),
)
async def sign_up(
    request: Req, community: NamedDependency[Community], shift_id: FromPath[int]
) -> Redirect:
    volunteer = await services.need_volunteer(await own_person(request))
    near = await services.sign_up(shift_id, volunteer, now=services.now_utc())
    if near:
        flash(
            request,
            N_("Signed up. Mind the time: it is close to “%(title)s”."),
            title=near[0],
        )
        return Redirect(f"{base(community)}shifts/", status_code=303)
    return done(request, f"{base(community)}shifts/", N_("Signed up. Thank you!"))


@post(
    "/shifts/{shift_id:int}/withdraw",
    guards=[logged_in],
    opt=form_page("volunteers/shifts.html", shifts_page),
)
async def withdraw(
    request: Req, community: NamedDependency[Community], shift_id: FromPath[int]
) -> Redirect:
    volunteer = await services.need_volunteer(await own_person(request))
    await found(Shift.get_or_none(id=shift_id, community=community).only("id"))
    await services.withdraw_signup(shift_id, volunteer, now=services.now_utc())
    return done(request, f"{base(community)}shifts/", N_("Your place was given back."))


async def new_shift_page(community: Community) -> dict[str, Any]:
    return {
        "teams": await Team.filter(community=community),
        "qualifications": services.QUALIFICATIONS,
    }


@get("/shifts/new", guards=[requires("volunteers.manage")])
async def new_shift(community: NamedDependency[Community]) -> Template:
    return Template("volunteers/shift_new.html", context=await new_shift_page(community))


class ShiftForm(msgspec.Struct):
    title: str = ""
    team: str = ""
    place: str = ""
    starts: str = ""
    ends: str = ""
    slots: str = "1"
    requires: str = ""
    weeks: str = "1"


@post(
    "/shifts/new",
    guards=[requires("volunteers.manage")],
    opt=form_page("volunteers/shift_new.html", new_shift_page),
)
async def create_shift(
    request: Req,
    community: NamedDependency[Community],
    actor: NamedDependency[Actor],
    data: URLEncodedBody[ShiftForm],
) -> Redirect:
    team = None
    if data.team.strip():
        team = await Team.get_or_none(id=parse_int(data.team, "team", low=1), community=community)
        if team is None:
            raise Refusal(N_("Choose a team."), field="team")
    made = await services.create_shifts(
        community,
        title=data.title,
        team=team,
        place=data.place,
        starts_at=parse_moment(request, data.starts, "starts"),
        ends_at=parse_moment(request, data.ends, "ends"),
        slots=parse_int(data.slots, "slots", 1, low=1, high=500) or 1,
        requires=data.requires,
        category="",
        weeks=parse_int(data.weeks, "weeks", 1, low=1, high=52) or 1,
        actor=actor,
    )
    return done(request, f"{base(community)}shifts/", N_("%(count)s shifts made."), count=len(made))


async def shift_of(community: Community, shift_id: int) -> Shift:
    return await found(Shift.get_or_none(id=shift_id, community=community).select_related("team"))


async def roster_page(request: Req, community: Community, shift_id: int) -> dict[str, Any]:
    shift = await shift_of(community, shift_id)
    checkin = (
        f"{request.base_url}c/{community.slug}/volunteers/shifts/{shift.id}/here?code={shift.code}"
    )
    return {
        "zone": zone_of(request),
        "shift": shift,
        "signups": await Signup.filter(shift=shift).select_related("volunteer__person"),
        "qr": qr(checkin),
        "checkin_url": checkin,
    }


@get("/shifts/{shift_id:int}", guards=[requires("volunteers.lead")])
async def roster(
    request: Req, community: NamedDependency[Community], shift_id: FromPath[int]
) -> Template:
    return Template(
        "volunteers/roster.html", context=await roster_page(request, community, shift_id)
    )


@post(
    "/shifts/{shift_id:int}/check/{signup_id:int}",
    guards=[requires("volunteers.lead")],
    opt=form_page("volunteers/roster.html", roster_page),
)
async def check_by_leader(
    request: Req,
    community: NamedDependency[Community],
    actor: NamedDependency[Actor],
    shift_id: FromPath[int],
    signup_id: FromPath[int],
) -> Redirect:
    signup = await found(
        Signup.get_or_none(
            id=signup_id, shift_id=shift_id, shift__community=community
        ).select_related("shift", "volunteer__person")
    )
    result = await services.check(signup, now=services.now_utc(), actor=actor)
    messages = {
        "in": N_("%(name)s checked in."),
        "out": N_("%(name)s checked out: the hours wait for approval."),
        "done": N_("%(name)s has already checked out."),
    }
    return done(
        request,
        f"{base(community)}shifts/{shift_id}",
        messages[result],
        name=signup.volunteer.person.name,
    )


async def here_page(request: Req, community: Community, shift_id: int) -> dict[str, Any]:
    shift = await shift_of(community, shift_id)
    volunteer = await my_volunteer(request, community)
    signup = None
    if volunteer is not None:
        signup = await Signup.get_or_none(shift=shift, volunteer=volunteer)
    return {
        "zone": zone_of(request),
        "shift": shift,
        "signup": signup,
        "code": request.query_params.get("code", ""),
    }


@get("/shifts/{shift_id:int}/here", guards=[logged_in])
async def here(
    request: Req,
    community: NamedDependency[Community],
    shift_id: FromPath[int],
    code: FromQuery[str] = "",
) -> Template:
    del code  # read by here_page, which also serves the refused form
    return Template("volunteers/here.html", context=await here_page(request, community, shift_id))


class HereForm(msgspec.Struct):
    code: str = ""


@post(
    "/shifts/{shift_id:int}/here",
    guards=[logged_in],
    opt=form_page("volunteers/here.html", here_page),
)
async def check_here(
    request: Req,
    community: NamedDependency[Community],
    shift_id: FromPath[int],
    data: URLEncodedBody[HereForm],
) -> Redirect:
    shift = await shift_of(community, shift_id)
    if data.code != shift.code:
        raise Refusal(N_("This code is not the one at the place: scan it again."), 403)
    volunteer = await services.need_volunteer(await own_person(request))
    signup = await Signup.get_or_none(shift=shift, volunteer=volunteer).select_related("shift")
    if signup is None:
        raise Refusal(N_("You are not signed up for this shift."), 403)
    result = await services.check(signup, now=services.now_utc())
    messages = {
        "in": N_("Checked in. Thank you for coming!"),
        "out": N_("Checked out: your hours wait for your leader's approval."),
        "done": N_("You have already checked out."),
    }
    return done(request, base(community), messages[result])


# ----------------------------------------------------------------------------- hours


async def hours_page(request: Req, community: Community) -> dict[str, Any]:
    actor = await current_actor(request)
    person = await own_person(request)
    root = await community_node(request)
    return {
        "zone": zone_of(request),
        "entries": await services.pending_for(community, actor, person, root),
        "corrections": await services.corrections_for(community, actor, person, root),
    }


@get("/hours/", name="volunteers:hours", guards=[logged_in])
async def hours(request: Req, community: NamedDependency[Community]) -> Template:
    return Template("volunteers/hours.html", context=await hours_page(request, community))


class DecideForm(msgspec.Struct):
    note: str = ""


async def _decide(
    request: Req, community: Community, entry_id: int, approve: bool, note: str
) -> Redirect:
    entry = await found(Hours.get_or_none(id=entry_id, community=community))
    changed = await services.decide(
        entry,
        approve=approve,
        actor=await current_actor(request),
        person=await own_person(request),
        root=await community_node(request),
        now=services.now_utc(),
        note=note,
    )
    if not changed:
        return done(request, f"{base(community)}hours/", N_("These hours were already decided."))
    if approve:
        return done(request, f"{base(community)}hours/", N_("Hours approved."))
    return done(request, f"{base(community)}hours/", N_("Hours declined."))


@post(
    "/hours/{entry_id:int}/approve",
    guards=[logged_in],
    opt=form_page("volunteers/hours.html", hours_page),
)
async def approve(
    request: Req,
    community: NamedDependency[Community],
    entry_id: FromPath[int],
    data: URLEncodedBody[DecideForm],
) -> Redirect:
    return await _decide(request, community, entry_id, True, data.note)


@post(
    "/hours/{entry_id:int}/decline",
    guards=[logged_in],
    opt=form_page("volunteers/hours.html", hours_page),
)
async def decline(
    request: Req,
    community: NamedDependency[Community],
    entry_id: FromPath[int],
    data: URLEncodedBody[DecideForm],
) -> Redirect:
    return await _decide(request, community, entry_id, False, data.note)


class CorrectionForm(msgspec.Struct):
    hours: str = ""
    reason: str = ""


@post(
    "/hours/{entry_id:int}/correction",
    guards=[logged_in],
    opt=form_page("volunteers/hours.html", hours_page),
)
async def ask_correction(
    request: Req,
    community: NamedDependency[Community],
    entry_id: FromPath[int],
    data: URLEncodedBody[CorrectionForm],
) -> Redirect:
    entry = await found(
        Hours.get_or_none(id=entry_id, community=community).select_related("volunteer"),
        request,
        owner=lambda e: e.volunteer.person_id,
        unless="volunteers.lead",
    )
    await services.ask_correction(
        entry,
        parse_float(data.hours, "hours", low=0.25, high=24) or 0.0,
        data.reason,
        person=await own_person(request),
    )
    return done(
        request,
        f"{base(community)}register/{entry.volunteer_id}",
        N_("Your correction waits for a leader's approval."),
    )


class CorrectionDecision(msgspec.Struct):
    approve: str = ""


@post(
    "/corrections/{correction_id:int}",
    guards=[logged_in],
    opt=form_page("volunteers/hours.html", hours_page),
)
async def decide_correction(
    request: Req,
    community: NamedDependency[Community],
    correction_id: FromPath[int],
    data: URLEncodedBody[CorrectionDecision],
) -> Redirect:
    correction = await found(Correction.get_or_none(id=correction_id, entry__community=community))
    changed = await services.decide_correction(
        correction,
        approve=data.approve == "yes",
        actor=await current_actor(request),
        person=await own_person(request),
        root=await community_node(request),
    )
    if not changed:
        return done(request, f"{base(community)}hours/", N_("These hours were already decided."))
    return done(request, f"{base(community)}hours/", N_("Correction decided."))


# ----------------------------------------------------------------------------- register


async def register_page(
    request: Req, community: Community, q: str = "", page: int = 1
) -> dict[str, Any]:
    query = Volunteer.filter(community=community, active=True)
    if q.strip():
        query = query.filter(Q(person__name__contains=q.strip()) | Q(person__phone=q.strip()))
    total = await query.count()
    rows = (
        await query.select_related("person")
        .order_by("id")
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    )
    return {
        "volunteers": rows,
        "total": total,
        "page": page,
        "pages": max(1, -(-total // PER_PAGE)),
        "q": q,
        "skills": await skills_of(community),
    }


@get("/register/", name="volunteers:register", guards=[requires("volunteers.manage")])
async def register(
    request: Req,
    community: NamedDependency[Community],
    q: Annotated[str, Parameter(max_length=64)] = "",
    page: Page = 1,
) -> Template:
    return Template(
        "volunteers/register.html", context=await register_page(request, community, q, page)
    )


class EnrolForm(msgspec.Struct):
    who: str = ""
    days: list[str] | str = ""
    availability: str = ""
    skills: list[str] | str = ""


@post(
    "/register/",
    guards=[requires("volunteers.manage")],
    opt=form_page("volunteers/register.html", register_page),
)
async def enrol(
    request: Req,
    community: NamedDependency[Community],
    actor: NamedDependency[Actor],
    today: NamedDependency[date],
    data: URLEncodedBody[EnrolForm],
) -> Redirect:
    person = await find_person(community, data.who, field="who")
    assert person is not None
    volunteer = await services.join(
        community,
        person,
        actor=actor,
        today=today,
        days=as_list(data.days),
        availability=data.availability,
        skills=ids(data.skills),
        enrolled_by=await own_person(request),
    )
    return done(
        request,
        f"{base(community)}register/{volunteer.id}",
        N_("%(name)s is on the register."),
        name=person.name,
    )


async def volunteer_of_page(community: Community, volunteer_id: int) -> Volunteer:
    return await found(
        Volunteer.get_or_none(id=volunteer_id, community=community).select_related("person")
    )


async def profile_page(
    request: Req, community: Community, volunteer_id: int, year: int | None = None
) -> dict[str, Any]:
    """The volunteer's own page, or any volunteer's for a keeper of the register."""
    profile = await found(
        services.profile_of(community.id, volunteer_id),
        request,
        owner=lambda p: p.person_id,
        unless="volunteers.manage",
    )
    actor = await current_actor(request)
    chosen = year or services.local_day(services.now_utc(), zone_of(request)).year
    context = await services.volunteer_page(profile, community.id, chosen)
    context.update(
        {
            "manager": services.can_manage(actor, await community_node(request)),
            "qualifications": services.QUALIFICATIONS,
            "year": chosen,
            "zone": zone_of(request),
        }
    )
    return context


@get("/register/{volunteer_id:int}", guards=[logged_in])
async def profile(
    request: Req,
    community: NamedDependency[Community],
    volunteer_id: FromPath[int],
    year: Year = None,
) -> Template:
    return Template(
        "volunteers/volunteer.html",
        context=await profile_page(request, community, volunteer_id, year),
    )


class QualificationForm(msgspec.Struct):
    kind: str = ""
    expires_on: str = ""


@post(
    "/register/{volunteer_id:int}/qualification",
    guards=[requires("volunteers.manage")],
    opt=form_page("volunteers/volunteer.html", profile_page),
)
async def qualification(
    request: Req,
    community: NamedDependency[Community],
    actor: NamedDependency[Actor],
    volunteer_id: FromPath[int],
    data: URLEncodedBody[QualificationForm],
) -> Redirect:
    volunteer = await volunteer_of_page(community, volunteer_id)
    await services.record_qualification(
        volunteer,
        data.kind,
        parse_date(data.expires_on, "expires_on"),
        actor=actor,
        by=await own_person(request),
    )
    return done(request, f"{base(community)}register/{volunteer.id}", N_("Qualification recorded."))


class MemberForm(msgspec.Struct):
    team: Id
    leader: str = ""


@post(
    "/register/{volunteer_id:int}/team",
    guards=[requires("volunteers.manage")],
    opt=form_page("volunteers/volunteer.html", profile_page),
)
async def member(
    request: Req,
    community: NamedDependency[Community],
    actor: NamedDependency[Actor],
    today: NamedDependency[date],
    volunteer_id: FromPath[int],
    data: URLEncodedBody[MemberForm],
) -> Redirect:
    volunteer = await volunteer_of_page(community, volunteer_id)
    team = await Team.get_or_none(id=data.team, community=community)
    if team is None:
        raise Refusal(N_("Choose a team."), field="team")
    await services.add_member(team, volunteer, leader=bool(data.leader), today=today, actor=actor)
    return done(request, f"{base(community)}register/{volunteer.id}", N_("Team updated."))


class SkillsForm(msgspec.Struct):
    skills: list[str] | str = ""


@post(
    "/register/{volunteer_id:int}/skills",
    guards=[logged_in],
    opt=form_page("volunteers/volunteer.html", profile_page),
)
async def skills(
    request: Req,
    community: NamedDependency[Community],
    volunteer_id: FromPath[int],
    data: URLEncodedBody[SkillsForm],
) -> Redirect:
    volunteer = await found(
        Volunteer.get_or_none(id=volunteer_id, community=community),
        request,
        owner=lambda v: v.person_id,
        unless="volunteers.manage",
    )
    await services.set_skills(volunteer, ids(data.skills))
    return done(request, f"{base(community)}register/{volunteer.id}", N_("Skills saved."))


# ----------------------------------------------------------------------------- teams, figures


async def teams_page(request: Req, community: Community) -> dict[str, Any]:
    from tortoise.functions import Count

    teams = await Team.filter(community=community).annotate(size=Count("members"))
    leaders = await Membership.filter(team__community=community, leader=True).select_related(
        "volunteer__person"
    )
    by_team: dict[int, list[str]] = {}
    for row in leaders:
        by_team.setdefault(row.team_id, []).append(row.volunteer.person.name)
    actor = await current_actor(request)
    return {
        "teams": teams,
        "leaders": by_team,
        "manager": services.can_manage(actor, await community_node(request)),
    }


@get("/teams/", name="volunteers:teams", guards=[logged_in])
async def teams(request: Req, community: NamedDependency[Community]) -> Template:
    return Template("volunteers/teams.html", context=await teams_page(request, community))


class TeamForm(msgspec.Struct):
    name: str = ""
    name_en: str = ""
    description: str = ""
    category: str = ""


@post(
    "/teams/",
    guards=[requires("volunteers.manage")],
    opt=form_page("volunteers/teams.html", teams_page),
)
async def add_team(
    request: Req,
    community: NamedDependency[Community],
    actor: NamedDependency[Actor],
    data: URLEncodedBody[TeamForm],
) -> Redirect:
    await services.save_team(
        community,
        name=data.name,
        name_en=data.name_en,
        description=data.description,
        category=data.category,
        actor=actor,
    )
    return done(request, f"{base(community)}teams/", N_("Team saved."))


@get("/teams/{team_id:int}", guards=[logged_in])
async def team(
    request: Req,
    community: NamedDependency[Community],
    team_id: FromPath[int],
    page: Page = 1,
) -> Template:
    shown = await found(Team.get_or_none(id=team_id, community=community))
    members = (
        await Membership.filter(team=shown)
        .select_related("volunteer__person")
        .order_by("-leader", "id")
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    )
    total = await Membership.filter(team=shown).count()
    year = services.local_day(services.now_utc(), zone_of(request)).year
    hours: Any = await Hours.filter(
        team=shown, status="approved", day__gte=date(year, 1, 1)
    ).values_list("hours", flat=True)
    return Template(
        "volunteers/team.html",
        context={
            "team": shown,
            "members": members,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // PER_PAGE)),
            "year": year,
            "hours": round(sum(hours), 1),
        },
    )


@get("/figures/", name="volunteers:figures", guards=[requires("volunteers.figures")])
async def figures(
    request: Req, community: NamedDependency[Community], year: Year = None
) -> Template:
    chosen = year or services.local_day(services.now_utc(), zone_of(request)).year
    context = await services.figures(community, chosen)
    context["categories"] = services.CATEGORIES
    return Template("volunteers/figures.html", context=context)


ROUTES = [
    me,
    join,
    calls,
    new_call,
    raise_call,
    call_detail,
    accept_call,
    close_call,
    thank,
    shifts,
    sign_up,
    withdraw,
    new_shift,
    create_shift,
    roster,
    check_by_leader,
    here,
    check_here,
    hours,
    approve,
    decline,
    ask_correction,
    decide_correction,
    register,
    enrol,
    profile,
    qualification,
    member,
    skills,
    teams,
    add_team,
    team,
    figures,
]
