"""Demo data: Jianghanli's care groups (高龄独居, 失能, 留守儿童, 困境儿童) derived from
the register, carers from the party-member lead households of each building (and the
demo's volunteer for a few elders of building 3), a month of visits with a few people
overdue, a follow-up and an alert, the summer holiday class with its children and
guardians, and an elders' calligraphy course.

History is written with ``bulk_create``; the groups are computed once.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from linli.kit import (
    Account,
    Community,
    Household,
    Node,
    Person,
    PersonTag,
    community_root,
    current_zone,
)
from linli.kit import Membership as Residence
from linli_care import services
from linli_care.models import (
    HELP,
    IN_PERSON,
    PHONE,
    WELL,
    CareGroup,
    Carer,
    Enrolment,
    FollowUp,
    Member,
    Programme,
    Session,
    Visit,
)

#: People of the first group left unvisited for a week or more: the overdue list.
OVERDUE = 5


async def _tag_some(community: Community, today: date, rng: random.Random) -> None:
    """The demo register has no 失能 nor 困境儿童 tag: give a few elders with a
    disability and a few children of low-income households one."""
    disabled = await Person.filter(
        community_id=community.id, tags__tag="残疾", birth_date__lt=date(today.year - 75, 1, 1)
    ).values_list("id", flat=True)
    poor_children = await Person.filter(
        community_id=community.id, tags__tag="低保", birth_date__gt=date(today.year - 16, 1, 1)
    ).values_list("id", flat=True)
    await PersonTag.bulk_create(
        [PersonTag(person_id=pid, tag="失能") for pid in sorted(disabled)[:8]]
        + [PersonTag(person_id=pid, tag="困境儿童") for pid in sorted(poor_children)[:6]]
    )


async def _lead_carers(community: Community) -> dict[int, list[int]]:
    """Per building node, the party members of its lead households (党员中心户)."""
    leads = await Node.filter(community_id=community.id, kind__key="party_lead_household").values(
        "covers_id"
    )
    homes = [row["covers_id"] for row in leads if row["covers_id"]]
    households = dict(await Household.filter(node_id__in=homes).values_list("id", "node__path"))
    members = await Residence.filter(
        household_id__in=list(households), ended_on__isnull=True, person__tags__tag="党员"
    ).values_list("household_id", "person_id")
    buildings: set[int] = {
        row["id"]
        for row in await Node.filter(community_id=community.id, kind__key="building").values("id")
    }
    by_building: dict[int, list[int]] = defaultdict(list)
    for household_id, person_id in members:
        ids = [int(p) for p in households[household_id].strip("/").split("/") if p]
        building = next((i for i in reversed(ids) if i in buildings), None)
        if building is not None and person_id not in by_building[building]:
            by_building[building].append(person_id)
    return by_building


async def seed(community: Community) -> list[str]:
    if await CareGroup.exists(community_id=community.id):
        return []
    rng = random.Random(20261205)
    zone = current_zone()
    now = datetime.now(UTC)
    today = now.astimezone(zone).date()
    root = await community_root(community)
    await _tag_some(community, today, rng)
    await CareGroup.bulk_create(
        [
            CareGroup(
                community_id=community.id,
                name=name,
                name_en=name_en,
                tags=tags,
                min_age=low,
                max_age=high,
                every_days=every,
                mode=mode,
                position=index,
            )
            for index, (name, name_en, tags, low, high, every, mode) in enumerate(
                services.DEFAULT_GROUPS
            )
        ]
    )
    start = today - timedelta(days=31)
    await services.recompute(community, start)
    await Member.filter(community_id=community.id).update(since=start)
    members = await Member.filter(community_id=community.id).select_related("group")
    people = sorted({m.person_id for m in members})

    # carers: a party-member lead household of the building, and the demo's volunteer
    leads = await _lead_carers(community)
    carers: list[Carer] = []
    carer_of: dict[int, int] = {}
    for member in members:
        if member.person_id in carer_of:
            continue
        pool = [p for p in leads.get(member.building_id or 0, []) if p != member.person_id]
        if pool:
            chosen = pool[member.person_id % len(pool)]
            carer_of[member.person_id] = chosen
            carers.append(
                Carer(
                    community_id=community.id,
                    person_id=member.person_id,
                    carer_id=chosen,
                    kind="party",
                    since=start,
                )
            )
    volunteer = await Account.filter(username="volunteer").first()
    if volunteer is not None and volunteer.person_id is not None:
        elders = [m for m in members if m.group.name == "高龄独居"][:3]
        for member in elders:
            carers.append(
                Carer(
                    community_id=community.id,
                    person_id=member.person_id,
                    carer_id=volunteer.person_id,
                    kind="volunteer",
                    since=start,
                )
            )
    await Carer.bulk_create(carers, batch_size=500)

    # a month of visits; the first few elders living alone were last seen long ago
    every = {m.person_id: m.group for m in sorted(members, key=lambda m: m.group.every_days)}
    overdue = {m.person_id for m in members if m.group.name == "高龄独居"}
    overdue = set(sorted(overdue)[:OVERDUE])
    visits: list[Visit] = []
    for pid in people:
        group = every[pid]
        step = group.every_days
        last = today - timedelta(days=step + 4) if pid in overdue else today
        day = start + timedelta(days=rng.randint(0, step - 1))
        while day <= last:
            mode = IN_PERSON if group.mode == IN_PERSON or rng.random() < 0.5 else PHONE
            at = datetime.combine(day, time(9 + rng.randint(0, 8), rng.randint(0, 59)), zone)
            visits.append(
                Visit(
                    community_id=community.id,
                    person_id=pid,
                    carer_id=carer_of.get(pid),
                    outcome=WELL,
                    mode=mode,
                    at=at,
                    day=day,
                    token=uuid.uuid4().hex,
                )
            )
            day += timedelta(days=step if rng.random() < 0.85 else step - 1)
    await Visit.bulk_create(visits, batch_size=500)
    # the freshest visits of two elders found something: a concern, and a call for help
    # the grid worker resolved
    recent = sorted((v for v in visits if v.person_id not in overdue), key=lambda v: v.at)
    flagged = [v for v in recent if v.mode == IN_PERSON][-2:]
    if len(flagged) == 2:
        concern, helped = flagged
        concern_row = await Visit.get(token=concern.token)
        helped_row = await Visit.get(token=helped.token)
        await Visit.filter(id=concern_row.id).update(
            outcome="concerns", note="最近食欲不好,说膝盖疼"
        )
        await Visit.filter(id=helped_row.id).update(outcome=HELP, note="家中跌倒,已扶起")
        homes = {m.person_id: m.node_id for m in members}
        await FollowUp.create(
            community_id=community.id,
            person_id=concern_row.person_id,
            visit_id=concern_row.id,
            node_id=homes.get(concern_row.person_id, root.id),
            level="concern",
            raised_at=concern_row.at,
        )
        await FollowUp.create(
            community_id=community.id,
            person_id=helped_row.person_id,
            visit_id=helped_row.id,
            node_id=homes.get(helped_row.person_id, root.id),
            level="help",
            raised_at=helped_row.at,
            resolved_at=helped_row.at + timedelta(hours=1),
            resolution="网格员上门查看,已联系女儿回家照看",
        )
    for group in {m.group.id: m.group for m in members}.values():
        await services.refresh_due(group)

    # programmes: the summer holiday class (children with their guardians' consent) and
    # an elders' calligraphy course
    summer_year = today.year if today.month < 7 else today.year + 1
    summer = await Programme.create(
        community_id=community.id,
        kind="youth",
        title="暑期托管班",
        title_en="Summer holiday class",
        place="江汉里社区党群服务中心",
        starts_on=date(summer_year, 7, 6),
        ends_on=date(summer_year, 8, 21),
        capacity=40,
    )
    course = await Programme.create(
        community_id=community.id,
        kind="silver",
        title="老年大学·书法班",
        title_en="Elders' university: calligraphy",
        place="江汉里社区活动室",
        starts_on=start,
        ends_on=today + timedelta(days=60),
        capacity=25,
    )
    await Session.bulk_create(
        [
            Session(
                programme_id=summer.id,
                starts_at=datetime.combine(
                    date(summer_year, 7, 6) + timedelta(days=7 * w), time(9, 0), zone
                ),
                topic=topic,
            )
            for w, topic in enumerate(
                ["开班与安全教育", "作业辅导与阅读", "非遗手工", "防溺水演练"]
            )
        ]
        + [
            Session(
                programme_id=course.id,
                starts_at=datetime.combine(start + timedelta(days=7 * w), time(14, 30), zone),
                topic=f"第{w + 1}课",
            )
            for w in range(12)
        ]
    )
    children = await Residence.filter(
        household__community_id=community.id,
        ended_on__isnull=True,
        person__birth_date__gt=date(today.year - 12, 1, 1),
        person__birth_date__lt=date(today.year - 6, 1, 1),
    ).values_list("person_id", "household_id")
    adults = defaultdict(list)
    for pid, hid in await Residence.filter(
        household_id__in=[h for _, h in children],
        ended_on__isnull=True,
        person__birth_date__lt=date(today.year - 20, 1, 1),
    ).values_list("person_id", "household_id"):
        adults[hid].append(pid)
    enrolled = [(pid, adults[hid][0]) for pid, hid in children if adults.get(hid)][:32]
    await Enrolment.bulk_create(
        [
            Enrolment(programme_id=summer.id, person_id=pid, guardian_id=guardian, consent_at=now)
            for pid, guardian in enrolled
        ]
    )
    elder_ids: list[int] = [
        row["id"]
        for row in await Person.filter(
            community_id=community.id, birth_date__lt=date(today.year - 65, 1, 1)
        )
        .limit(18)
        .values("id")
    ]
    await Enrolment.bulk_create([Enrolment(programme_id=course.id, person_id=p) for p in elder_ids])
    await Programme.filter(id=summer.id).update(taken=len(enrolled))
    await Programme.filter(id=course.id).update(taken=len(elder_ids))

    cover = await services.coverage(community, today)
    lines = [
        f"care: {c.group.name} {c.total.percent}%: {c.total.on_time} of {c.total.members} "
        "visited on time"
        for c in cover
    ]
    lines.append(f"care: {len(visits)} visits in the last month, {len(carers)} carers")
    lines.append(f"care: 暑期托管班 {len(enrolled)} of 40 places, 老年大学 {len(elder_ids)} of 25")
    return lines
