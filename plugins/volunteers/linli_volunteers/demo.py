"""Demo data: the 一呼百应 team of 699 volunteers across six teams and eight skills, a
year of calls for help (the leaking bathroom of an elderly neighbour living alone among
them, open today) and of weekly shifts, hours approved, and the demo's volunteer and a
team leader's accounts.

History is written with ``bulk_create``; the last eight weeks' approved hours are
reported with ``service.verified`` (they wait in the outbox until the server dispatches
them to the street bank), older history is on the register only.
"""

from __future__ import annotations

import random
import secrets
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from linli.kit import (
    Account,
    Community,
    CommunityRole,
    Node,
    Person,
    ServiceVerified,
    community_root,
    create_account,
    current_zone,
    emit,
    grant_role,
)
from linli.kit import (
    Membership as Residence,
)
from linli_volunteers.models import (
    APPROVED,
    CLOSED,
    DECLINED,
    PENDING,
    Answer,
    Call,
    Hours,
    Membership,
    Qualification,
    Shift,
    Signup,
    Skill,
    Team,
    Thanks,
    Volunteer,
)

DEMO_PASSWORD = "linli-demo"
TEAM_SIZE = 699
SKILLS = [
    ("水电维修", "Plumbing and electrics", "skills"),
    ("助老陪护", "Elder companionship", "elder-care"),
    ("课业辅导", "Tutoring", "child-care"),
    ("急救", "First aid", "skills"),
    ("法律咨询", "Legal help", "skills"),
    ("环境清洁", "Cleaning up", "clean-up"),
    ("理发", "Haircuts", "skills"),
    ("家电维修", "Appliance repair", "skills"),
]
TEAMS = [
    ("为老服务队", "Elderly service team", "助老送餐、上门探访", "meal-delivery"),
    ("平安巡逻队", "Safety patrol", "夜间巡逻、消防检查", "patrol"),
    ("法律帮帮团", "Legal helpers", "每月法律咨询", "skills"),
    ("环境整治队", "Clean-up team", "楼道清理、垃圾分类督导", "clean-up"),
    ("青苗伴学队", "Young sprouts tutors", "放学后课业辅导", "child-care"),
    ("银龄陪伴队", "Silver companions", "陪伴独居老人", "elder-care"),
]
CALLS = [
    "独居老人卫生间渗水",
    "高龄老人家中灯泡更换",
    "困难家庭冰箱维修",
    "行动不便老人陪同就医",
    "独居老人家中下水道堵塞",
    "留守儿童作业辅导",
    "老人手机使用教学",
    "楼道杂物清理",
]


async def seed(community: Community) -> list[str]:
    if await Team.exists(community_id=community.id):
        return []
    rng = random.Random(20261204)
    zone = current_zone()
    now = datetime.now(UTC)
    today = now.astimezone(zone).date()
    root = await community_root(community)
    await Skill.bulk_create(
        [Skill(community_id=community.id, name=n, name_en=e, category=c) for n, e, c in SKILLS]
    )
    skills = list(await Skill.filter(community_id=community.id).order_by("id"))
    await Team.bulk_create(
        [
            Team(community_id=community.id, name=n, name_en=e, description=d, category=c)
            for n, e, d, c in TEAMS
        ]
    )
    teams = list(await Team.filter(community_id=community.id).order_by("id"))

    # the demo's volunteer account first, then adults of the register
    named: Any = (
        await Account.filter(username="volunteer").first().values_list("person_id", flat=True)
    )
    people: list[int] = list(
        await Person.filter(community_id=community.id, birth_date__lt=date(today.year - 18, 1, 1))
        .order_by("id")
        .limit(TEAM_SIZE)
        .values_list("id", flat=True)  # type: ignore[arg-type]
    )
    if named:  # first, so that the demo's volunteer has every skill and leads nothing
        people = [named, *[p for p in people if p != named][: TEAM_SIZE - 1]]
    homes = dict(
        await Residence.filter(person_id__in=people, ended_on__isnull=True).values_list(
            "person_id", "household__node_id"
        )
    )
    joined = [today - timedelta(days=rng.randint(30, 1500)) for _ in people]
    await Volunteer.bulk_create(
        [
            Volunteer(
                community_id=community.id,
                person_id=pid,
                home_id=homes.get(pid, root.id),
                days="".join(sorted(rng.sample("1234567", rng.randint(2, 5)))),
                joined_on=joined[i],
            )
            for i, pid in enumerate(people)
        ],
        batch_size=500,
    )
    volunteers = list(await Volunteer.filter(community_id=community.id).order_by("id"))
    for index, skill in enumerate(skills):
        chosen = [v for i, v in enumerate(volunteers) if i % len(skills) == index or i % 5 == 0]
        await skill.volunteers.add(*chosen)
    memberships = [
        Membership(
            team_id=teams[i % len(teams)].id,
            volunteer_id=v.id,
            leader=i // len(teams) == 1,
            since=v.joined_on,
        )
        for i, v in enumerate(volunteers)
    ]
    await Membership.bulk_create(memberships, batch_size=500)
    delivery = teams[0]
    await Qualification.bulk_create(
        [
            Qualification(
                volunteer_id=v.id,
                kind="health-certificate",
                expires_on=today + timedelta(days=rng.randint(-60, 330)),
            )
            for i, v in enumerate(volunteers)
            if i % len(teams) == 0
        ]
    )

    members: dict[int, list[Volunteer]] = {}
    for i, v in enumerate(volunteers):
        members.setdefault(teams[i % len(teams)].id, []).append(v)
    # a year of weekly shifts: delivery runs (Mon–Fri lunch) and Saturday night patrols
    shifts: list[Shift] = []
    crews: list[list[Volunteer]] = []
    for week in range(-52, 3):
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=week)
        for day, title, team, start, length, slots, requires in (
            (0, "助老送餐", delivery, time(10, 30), 2, 8, "health-certificate"),
            (2, "助老送餐", delivery, time(10, 30), 2, 8, "health-certificate"),
            (4, "助老送餐", delivery, time(10, 30), 2, 8, "health-certificate"),
            (5, "平安巡逻", teams[1], time(19, 0), 3, 6, ""),
        ):
            starts = datetime.combine(monday + timedelta(days=day), start, tzinfo=zone)
            crews.append(rng.sample(members[team.id], slots - rng.randint(0, 2)))
            shifts.append(
                Shift(
                    community_id=community.id,
                    title=title,
                    team_id=team.id,
                    place="江汉里幸福食堂" if team is delivery else "江汉里社区",
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=length),
                    slots=slots,
                    taken=len(crews[-1]),
                    requires=requires,
                    category=team.category,
                    code=secrets.token_urlsafe(9)[:12],
                )
            )
    await Shift.bulk_create(shifts, batch_size=500)
    shifts = list(await Shift.filter(community_id=community.id).order_by("id"))
    signups: list[Signup] = []
    entries: list[Hours] = []
    for shift, crew in zip(shifts, crews, strict=True):
        past = shift.ends_at < now
        for v in crew:
            signups.append(
                Signup(
                    shift_id=shift.id,
                    volunteer_id=v.id,
                    signed_at=shift.starts_at - timedelta(days=3),
                    checked_in_at=shift.starts_at if past else None,
                    checked_out_at=shift.ends_at if past else None,
                )
            )
            if past:
                scheduled = (shift.ends_at - shift.starts_at).total_seconds() / 3600
                this_week = shift.starts_at > now - timedelta(days=7)
                entries.append(
                    Hours(
                        community_id=community.id,
                        volunteer_id=v.id,
                        reference=f"shift:{shift.id}",
                        title=shift.title,
                        team_id=shift.team_id,
                        category=shift.category,
                        day=shift.starts_at.astimezone(zone).date(),
                        scheduled=scheduled,
                        hours=scheduled,
                        status=PENDING if this_week else APPROVED,
                        decided_at=None if this_week else shift.ends_at + timedelta(days=1),
                    )
                )
    await Signup.bulk_create(signups, batch_size=1000)

    # a year of calls for help, answered within minutes to hours
    buildings = list(
        await Node.filter(community_id=community.id, kind__key="building").order_by("path")
    )
    calls: list[Call] = []
    for n in range(150):
        raised = now - timedelta(days=rng.randint(2, 360), minutes=rng.randint(0, 600))
        calls.append(
            Call(
                community_id=community.id,
                title=rng.choice(CALLS),
                skill_id=rng.choice(skills[:4]).id,
                place_id=rng.choice(buildings).id if buildings else None,
                urgent=n % 7 == 0,
                needed=(needed := rng.choice((1, 1, 2, 3))),
                taken=needed,
                starts_at=raised + timedelta(hours=rng.randint(1, 24)),
                hours=rng.choice((1.0, 1.5, 2.0)),
                beneficiary="王奶奶",
                address="",
                phone="",
                status=CLOSED,
                created_at=raised,
                closed_at=raised + timedelta(days=1),
                filled_at=raised + timedelta(minutes=rng.randint(3, 240)),
            )
        )
    await Call.bulk_create(calls, batch_size=500)
    calls = list(await Call.filter(community_id=community.id).order_by("id"))
    answers: list[Answer] = []
    for call in calls:
        for v in rng.sample(volunteers, call.needed):
            answers.append(Answer(call_id=call.id, volunteer_id=v.id, accepted_at=call.filled_at))
            entries.append(
                Hours(
                    community_id=community.id,
                    volunteer_id=v.id,
                    reference=f"call:{call.id}",
                    title=call.title,
                    category=next(s.category for s in skills if s.id == call.skill_id),
                    day=call.starts_at.astimezone(zone).date(),
                    scheduled=call.hours,
                    hours=call.hours,
                    status=DECLINED if call.id % 41 == 0 else APPROVED,
                    decided_at=call.closed_at,
                )
            )
    await Answer.bulk_create(answers, batch_size=1000)
    await Hours.bulk_create(entries, batch_size=1000)
    await Thanks.bulk_create(
        [
            Thanks(
                volunteer_id=a.volunteer_id, text="谢谢你们，家里又干干净净了！", by_name="王奶奶"
            )
            for a in answers[:40]
        ]
    )

    # the leaking bathroom, raised this morning at building 3 and open
    building = next(
        (b for b in buildings if b.name.startswith("3")), buildings[0] if buildings else None
    )
    await Call.create(
        community_id=community.id,
        title="独居老人卫生间渗水",
        details="楼下天花板渗水，需要检查卫生间防水和水管。",
        skill_id=skills[0].id,
        place_id=building.id if building else None,
        urgent=True,
        needed=2,
        starts_at=now + timedelta(hours=2),
        hours=2.0,
        beneficiary="刘奶奶(独居, 86岁)",
        address=f"{building.name if building else ''} 2单元601室",
        phone="13900001234",
    )

    # the last eight weeks' approved hours go to the street bank
    recent: Any = Hours.filter(
        community_id=community.id,
        status=APPROVED,
        day__gte=today - timedelta(weeks=8),
        external=False,
    ).values_list("id", "volunteer__person_id", "category", "hours", "title")
    reported = 0
    for entry_id, person_id, category, amount, title in await recent:
        await emit(
            "service.verified",
            ServiceVerified(
                person=person_id,
                source="volunteers",
                reference=f"hours:{entry_id}",
                category=category,
                hours=amount,
                note=title,
            ),
            community=community.id,
        )
        reported += 1

    lines = [
        f"volunteers: {len(volunteers)} volunteers in {len(teams)} teams, {len(shifts)} shifts, "
        f"{len(calls) + 1} calls for help, {len(entries)} hours entries ({reported} reported "
        "to the street bank)"
    ]
    # the demo volunteer account, and a team leader of the elderly service team
    if await CommunityRole.exists(community_id=community.id, key="volunteer_leader"):
        leader = members[delivery.id][1]
        person = await Person.get(id=leader.person_id)
        holds_one = await Account.exists(person_id=person.id)
        if not holds_one and not await Account.exists(username="volunteer_leader"):
            account = await create_account("volunteer_leader", DEMO_PASSWORD, person=person)
            await grant_role(account, "volunteer_leader", root)
            lines.append(f"volunteers: volunteer_leader / {DEMO_PASSWORD}: 为老服务队 team leader")
    return lines
