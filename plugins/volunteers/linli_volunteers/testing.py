"""Builders for tests of the volunteers, and of plugins and communities that build on
them: a skill, a team, a volunteer on the register, a call for help, a shift, each in
one call, made through :mod:`linli_volunteers.services`::

    from linli_volunteers.testing import make_call, make_shift, make_volunteer

    volunteer = await make_volunteer(community, person, skills=[plumbing])
    call = await make_call(community, "卫生间渗水", needed=3, skill=plumbing)
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from linli.kit import Actor, Community, Node, Person
from linli_volunteers import services
from linli_volunteers.models import Call, Shift, Skill, Team, Volunteer

__all__ = ["make_call", "make_shift", "make_skill", "make_team", "make_volunteer"]

#: The join date builders use unless told otherwise.
JOINED = date(2026, 1, 5)


async def make_skill(community: Community, name: str, *, category: str = "skills") -> Skill:
    return await Skill.create(community=community, name=name, category=category)


async def make_team(community: Community, name: str, *, category: str = "") -> Team:
    return await services.save_team(
        community, name=name, category=category, actor=Actor(account=None)
    )


async def make_volunteer(
    community: Community,
    person: Person,
    *,
    skills: list[Skill] = (),  # type: ignore[assignment]
    team: Team | None = None,
    leader: bool = False,
    days: str = "",
) -> Volunteer:
    volunteer = await services.join(
        community,
        person,
        actor=Actor(account=None),
        today=JOINED,
        days=days,
        skills=[s.id for s in skills],
    )
    if team is not None:
        await services.add_member(team, volunteer, leader=leader, today=JOINED, actor=None)
    return volunteer


async def make_call(
    community: Community,
    title: str = "独居老人卫生间渗水",
    *,
    needed: int = 1,
    skill: Skill | None = None,
    place: Node | None = None,
    starts_at: datetime | None = None,
    raised_by: Person | None = None,
    urgent: bool = False,
    for_person: Person | None = None,
) -> Call:
    return await services.raise_call(
        community,
        title=title,
        details="",
        skill=skill,
        place=place,
        urgent=urgent,
        needed=needed,
        starts_at=starts_at or datetime.now(UTC) + timedelta(hours=2),
        hours=2.0,
        beneficiary="王奶奶",
        address="3栋2单元601室",
        phone="13900009999",
        raised_by=raised_by,
        for_person=for_person,
    )


async def make_shift(
    community: Community,
    title: str = "助老送餐",
    *,
    starts_at: datetime | None = None,
    hours: float = 2.0,
    slots: int = 5,
    team: Team | None = None,
    requires: str = "",
) -> Shift:
    start = starts_at or datetime.now(UTC) + timedelta(days=1)
    [shift] = await services.create_shifts(
        community,
        title=title,
        team=team,
        place="江汉里幸福食堂",
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        slots=slots,
        requires=requires,
        category="",
        weeks=1,
        actor=Actor(account=None),
    )
    return shift
