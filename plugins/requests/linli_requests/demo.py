"""Demo data: a year of Jianghanli's requests and its weekly round-tables (周周碰).

About ten requests a week (leaks, rubbish collection, lifts, street lights, things
thrown from height …) reported by residents of the register, taken on the phone, at
the desk or on a grid walk; the older ones answered, fixed, confirmed and closed (a few
reopened, a few merged as duplicates), the recent ones still open, some overdue and
some waiting for the round-table. Every week's round-table has its agenda, its
attendance (the cross-appointed secretary on both sides) and decisions written back
onto the requests as updates. This week's round-table is drawn up from the requests
as they stand, with the rules of :func:`linli_requests.services.draw_up_agenda`.
Some requests have a photo (an illustration drawn by :mod:`linli_requests.pictures`,
stored like an upload): those found on a grid walk and every third reported online, when
they show something one can photograph. Rows are written with ``bulk_create`` where
there are many.
"""

from __future__ import annotations

import contextlib
import random
from datetime import UTC, datetime, time, timedelta

from linli.kit import (
    Account,
    Community,
    Membership,
    Node,
    Person,
    community_root,
    load_actor,
    save_image,
)
from linli_requests import services
from linli_requests.models import (
    OPEN,
    AgendaItem,
    Category,
    Meeting,
    Reporter,
    Request,
    Status,
    Update,
)
from linli_requests.pictures import request_picture

WEEKS = 52
PER_WEEK = 10
#: Texts residents write, by category code.
TEXTS = {
    "leak": ["楼顶漏水,下雨天屋里滴水", "卫生间天花板渗水,楼上漏下来的", "外墙渗水,墙皮脱落",
             "楼道水管爆裂,地面积水"],
    "garbage": ["楼道堆放垃圾三天没人清运", "垃圾桶站满了,气味很大", "绿化带里有建筑垃圾"],
    "lift": ["电梯按钮失灵", "电梯里的灯坏了,晚上很黑", "电梯经常停在半层,老人害怕",
             "电梯异响"],
    "streetlight": ["小区门口路灯不亮", "10栋后面的路灯坏了,晚上看不见路", "路灯一直闪"],
    "thrown": ["有人从楼上扔烟头下来", "高空抛物,砸到了楼下的电动车", "楼上往下泼水"],
    "neighbour": ["楼上装修噪音太大,晚上十点还在施工", "邻居在楼道堆放杂物,协商不成"],
    "other": ["单元门禁坏了", "健身器材松动,有安全隐患", "小区里有流浪狗,担心咬人"],
}  # fmt: skip
WEIGHTS = {"leak": 4, "garbage": 4, "lift": 3, "streetlight": 2, "thrown": 1, "neighbour": 1,
           "other": 2}  # fmt: skip
NOTES = {
    "in_progress": "已安排维修人员上门查看。",
    "fixed": "已处理完毕，请您确认是否解决。",
    "closed": "经确认已解决,本诉求办结。",
    "reopened": "居民反映问题依旧,重新处理。",
}
DECISIONS = [
    "物业工程维修组本周内上门维修,社区跟进回访。",
    "社区协调楼栋长与住户沟通,物业配合清理。",
    "联系电梯维保单位全面检修,费用按维修基金流程申请。",
    "物业加派保洁人员,每日清运两次。",
    "社区联合警务室在楼栋张贴高空抛物警示,并查看监控。",
]

#: The names the round-tables write down for the staff, who have no record in the resident
#: register to take a name from (they live elsewhere): as the council's minutes name
#: the secretary and the property manager.
STAFF_NAMES = {
    "committee_secretary": "刘书记",
    "property_staff": "物业周经理",
    "community_worker": "王社工",
}


def _attendee_name(account: Account) -> str:
    """What a worker types as the name of a staff member without a resident record."""
    return STAFF_NAMES.get(account.username, "") if account.person_id is None else ""


async def _accounts(community: Community) -> dict[str, Account]:
    """The demo's staff accounts (made by the core's demo), where they exist."""
    wanted = ("community_worker", "property_staff", "committee_secretary", "grid_worker")
    found = {a.username: a for a in await Account.filter(username__in=wanted)}
    return found


async def _homes(community: Community, rng: random.Random) -> list[tuple[int, int, Node]]:
    """(person, household node, building) of up to 300 residents, in three queries."""
    rows = (
        await Membership.filter(person__community_id=community.id, ended_on__isnull=True)
        .limit(3000)
        .values("person_id", "household__node_id")
    )
    rng.shuffle(rows)
    rows = rows[:300]
    nodes = {n.id: n for n in await Node.filter(id__in=[r["household__node_id"] for r in rows])}
    buildings = {
        n.id: n
        for n in await Node.filter(
            community_id=community.id, tree="place", kind__key="building"
        ).limit(100)
    }
    homes = []
    for row in rows:
        node = nodes.get(row["household__node_id"])
        if node is None:
            continue
        building = next((buildings[i] for i in node.ancestor_ids() if i in buildings), None)
        if building is not None:
            homes.append((row["person_id"], node.id, building))
    return homes


async def _fallback_homes(community: Community) -> list[tuple[int, int, Node]]:
    """Without a demo register (a bare community): three residents in one building."""
    root = await community_root(community)
    from linli.kit import add_node

    building = await Node.filter(community_id=community.id, kind__key="building").first()
    if building is None:
        building = await add_node(kind="building", name="10栋", code="10", parent=root)
    homes = []
    for name in ("张阿姨", "李大爷", "王奶奶"):
        person = await Person.create(community_id=community.id, name=name)
        homes.append((person.id, building.id, building))
    return homes


async def _photos(community: Community, made: list[Request]) -> int:
    """Photos on some requests: those a grid worker found on a walk and every third one
    reported online (none taken on the phone or at the desk), when they show something
    one could photograph. Requests that say the same share one upload. Returns how many
    requests have one."""
    chosen: dict[str, list[int]] = {}
    for matter in made:
        if matter.channel == "walk" or (matter.channel == "online" and matter.id % 3 == 0):
            chosen.setdefault(matter.description, []).append(matter.id)
    shown = 0
    for text, ids in chosen.items():
        drawn = request_picture(text)
        if drawn is None:
            continue
        upload = await save_image(community, drawn, filename=f"request-{ids[0]}.png")
        shown += await Request.filter(id__in=ids).update(photo_id=upload.id)
    return shown


def _photo(text: str) -> tuple[bytes, str] | None:
    """The demo resident's photo of their own problem, as the form would send it."""
    drawn = request_picture(text)
    return None if drawn is None else (drawn, "photo.png")


async def seed(community: Community) -> list[str]:
    if await Request.filter(community_id=community.id).exists():
        return ["requests: demo data already there"]
    rng = random.Random(20251204)
    await services.ensure_defaults(community)
    now = services.now_utc()
    zone = services.DEFAULT_ZONE
    categories = {c.code: c for c in await Category.filter(community_id=community.id)}
    statuses = {s.key: s for s in await Status.filter(community_id=community.id)}
    root = await community_root(community)
    accounts = await _accounts(community)
    worker = accounts.get("community_worker")
    staff = accounts.get("property_staff")
    homes = await _homes(community, rng) or await _fallback_homes(community)
    codes = [code for code in WEIGHTS if code in categories]
    weights = [WEIGHTS[code] for code in codes]
    start = now - timedelta(days=7 * WEEKS)

    # -- the requests, oldest first, and what became of them
    planned: list[tuple[Request, list[Update], list[int]]] = []
    for week in range(WEEKS):
        for _ in range(rng.randint(PER_WEEK - 3, PER_WEEK + 3)):
            at = start + timedelta(days=7 * week + rng.uniform(0, 7))
            if at > now - timedelta(hours=1):
                continue
            code = rng.choices(codes, weights)[0]
            category = categories[code]
            person_id, home_id, building = rng.choice(homes)
            place_id = home_id if code in ("leak", "neighbour") else building.id
            channel = rng.choices(["online", "phone", "desk", "walk"], [6, 2, 1, 1])[0]
            age = now - at
            matter = Request(
                community_id=community.id, category_id=category.id, status_id=0,
                description=rng.choice(TEXTS.get(code, TEXTS["other"])),
                attributes=_answers(category, rng), place_id=place_id,
                latitude=building.latitude, longitude=building.longitude,
                reporter_id=None if channel == "walk" else person_id,
                reporter_count=0 if channel == "walk" else 1,
                recorded_by_id=(worker.id if worker and channel != "online" else None),
                channel=channel, body_id=category.body_id or root.id,
                priority=rng.choices([1, 2, 3], [1, 6, 2])[0], private=category.private,
                respond_by=at + timedelta(hours=category.respond_hours),
                due_at=at + timedelta(days=category.fix_days), created_at=at, updated_at=at,
            )  # fmt: skip
            created = Update(
                kind="created", status_type=OPEN, at=at, status_id=statuses["received"].id,
                data={"channel": channel},
            )  # fmt: skip
            updates = [created]
            steps: list[tuple[str, datetime, str]] = []
            answered = at + timedelta(hours=rng.uniform(1, category.respond_hours * 1.3))
            if answered < now:
                steps.append(("in_progress", answered, NOTES["in_progress"]))
                fixed = answered + timedelta(days=rng.uniform(0.5, category.fix_days * 1.4))
                # a few drag on (waiting for parts, for the repair fund): overdue ones
                stuck = rng.random() < (0.45 if age < timedelta(days=21) else 0.03)
                if not stuck and fixed < now - timedelta(days=1) and age > timedelta(days=5):
                    steps.append(("fixed", fixed, NOTES["fixed"]))
                    if rng.random() < 0.06:
                        back = fixed + timedelta(days=rng.uniform(1, 3))
                        if back < now:
                            steps.append(("reopened", back, NOTES["reopened"]))
                            fixed = back + timedelta(days=rng.uniform(1, 4))
                            if fixed < now:
                                steps.append(("fixed", fixed, NOTES["fixed"]))
                    closed = fixed + timedelta(days=rng.uniform(2, 6))
                    if closed < now and steps[-1][0] == "fixed":
                        steps.append(("closed", closed, NOTES["closed"]))
            for key, when, note in steps:
                status = statuses[key]
                updates.append(
                    Update(kind="confirm" if key == "closed" else (
                        "reopen" if key == "reopened" else "status"),
                        status_id=status.id, status_type=status.type, public_note=note,
                        private_note="已电话回访居民。" if key == "closed" else "",
                        by_id=(staff.id if staff and key in ("in_progress", "fixed")
                               else worker.id if worker else None),
                        at=when)
                )  # fmt: skip
                matter.status_id = status.id
                matter.status_type = status.type
                matter.updated_at = when
                if matter.first_response_at is None:
                    matter.first_response_at = when
                    matter.triaged_at = when
                if key == "fixed":
                    matter.fixed_at = when
                    matter.confirm_at = when + timedelta(days=3)
                elif key == "closed":
                    matter.closed_at = when
                    matter.confirmed_at = when
                elif key == "reopened":
                    matter.reopen_count += 1
                    matter.fixed_at = matter.confirm_at = None
            if not steps:
                matter.status_id = statuses["received"].id
            planned.append((matter, updates, [] if channel == "walk" else [person_id]))
    # a few open ones wait for the round-table
    open_ones = [m for m, _, _ in planned if m.status_type == OPEN]
    for matter in rng.sample(open_ones, min(6, len(open_ones))):
        matter.awaiting_decision = True
    # where each is, as the intake writes it: the whole address and the building's
    places = {n.id: n for n in await Node.filter(id__in={m.place_id for m, _, _ in planned})}
    labels = {
        (language, exact): await services.place_labels(list(places.values()), language, exact)
        for language in ("zh_CN", "en")
        for exact in (True, False)
    }
    for matter, _, _ in planned:
        if matter.place_id in places:
            matter.labels = {
                language: [labels[language, True].get(matter.place_id, ""),
                           labels[language, False].get(matter.place_id, "")]
                for language in ("zh_CN", "en")
            }  # fmt: skip
    await Request.bulk_create([m for m, _, _ in planned], batch_size=300)
    made = list(await Request.filter(community_id=community.id).order_by("created_at", "id"))
    for (matter, _, _), saved in zip(
        sorted(planned, key=lambda p: p[0].created_at), made, strict=True
    ):
        matter.id = saved.id
    rows: list[Update] = []
    reporters: list[Reporter] = []
    for matter, updates, people in planned:
        for update in updates:
            update.request_id = matter.id
            rows.append(update)
        reporters.extend(Reporter(request_id=matter.id, person_id=p) for p in people)
    await Update.bulk_create(rows, batch_size=500)
    await Reporter.bulk_create(reporters, batch_size=500)
    photos = await _photos(community, made)

    # "me too" from neighbours, and two duplicates merged, through the rules
    lines = [f"requests: {len(made)} requests over a year ({photos} with a photo)"]
    if worker is not None:
        actor = await load_actor(worker)
        recent = [m for m in made if m.status_type == OPEN and m.reporter_id][-20:]
        people = [h[0] for h in homes]
        for matter in recent[:8]:
            for person_id in rng.sample(people, min(3, len(people))):
                if person_id != matter.reporter_id:
                    person = await Person.get(id=person_id)
                    with contextlib.suppress(services.RequestsError):
                        await services.me_too(matter, person)
        if len(recent) >= 12:
            for keep, duplicate in ((recent[8], recent[9]), (recent[10], recent[11])):
                await services.merge(keep, duplicate, actor=actor)

    # the demo resident's own: a leak still open, and a light fixed three days ago,
    # waiting for their "is it really fixed?"
    resident = await Account.get_or_none(username="resident")
    if resident is not None and resident.person_id is not None and worker is not None:
        person = await Person.get(id=resident.person_id)
        actor = await load_actor(resident)
        leak = categories.get("leak")
        light = categories.get("streetlight")
        if leak is not None:
            await services.report(
                community,
                services.Report(category=leak, description="卫生间天花板渗水,楼上漏下来的",
                                reporter=person, attributes=_answers(leak, rng),
                                photo=_photo("卫生间天花板渗水,楼上漏下来的")),
                actor=actor, at=now - timedelta(days=2),
            )  # fmt: skip
        if light is not None:
            mine = await services.report(
                community,
                services.Report(category=light, description="单元门口的灯不亮", reporter=person,
                                photo=_photo("单元门口的灯不亮")),
                actor=actor, at=now - timedelta(days=6),
            )  # fmt: skip
            await services.work(
                mine, services.Change(status_id=statuses["fixed"].id,
                                      public_note=NOTES["fixed"]),
                actor=await load_actor(worker), at=now - timedelta(days=4),
            )  # fmt: skip
        lines.append("requests: resident / linli-demo has a request waiting for their answer")

    # -- the weekly round-tables
    weekday = (await services.settings_of(community)).meeting_weekday
    today = now.astimezone(zone).date()
    this_week = services.meeting_day(today, weekday)
    secretary = accounts.get("committee_secretary")
    attendees_of = [a for a in (secretary, staff, worker) if a is not None]
    meetings = 0
    for week in range(WEEKS, 0, -1):
        held_on = this_week - timedelta(days=7 * week)
        if held_on < start.astimezone(zone).date():
            continue
        meeting = await Meeting.create(
            community_id=community.id, held_on=held_on, location="党群服务中心",
            minutes="社区与物业逐项过了本周诉求,明确责任人和完成时限。",
        )  # fmt: skip
        meetings += 1
        since = services.day_start(held_on - timedelta(days=7), zone)
        until = services.day_start(held_on, zone)
        week_new = [m for m in made if since <= m.created_at < until]
        items = [
            AgendaItem(meeting_id=meeting.id, request_id=m.id, reason="new", body_id=m.body_id,
                       decision=rng.choice(DECISIONS),
                       owner_id=staff.id if staff and m.body_id != root.id else (
                           worker.id if worker else None),
                       due_on=held_on + timedelta(days=rng.randint(3, 10)),
                       decided_at=datetime.combine(held_on, time(3), tzinfo=UTC))
            for m in week_new[:8]
        ]  # fmt: skip
        await AgendaItem.bulk_create(items)
        await Update.bulk_create(
            [
                Update(request_id=i.request_id, kind="decision", status_type=OPEN,
                       public_note=i.decision, by_id=secretary.id if secretary else None,
                       at=i.decided_at)
                for i in items
            ]
        )  # fmt: skip
        for account in attendees_of:
            await services.add_attendee(
                meeting, actor=await load_actor(account), account=account,
                name=_attendee_name(account),
            )  # fmt: skip
    current = await services.meeting_for(community, this_week)
    for account in attendees_of:
        await services.add_attendee(
            current, actor=await load_actor(account), account=account,
            name=_attendee_name(account),
        )  # fmt: skip
    if secretary is not None:
        # the first decisions of this week, through the rules: written back on the requests
        actor = await load_actor(secretary)
        for item in await AgendaItem.filter(meeting_id=current.id).order_by("id").limit(3):
            await services.decide(
                item, decision=rng.choice(DECISIONS), owner_id=None,
                due_on=today + timedelta(days=7), actor=actor, zone=zone,
            )  # fmt: skip
    lines.append(f"requests: {meetings + 1} weekly round-tables, this week's on {current.held_on}")
    return lines


def _answers(category: Category, rng: random.Random) -> dict[str, object]:
    answers: dict[str, object] = {}
    for attribute in category.attributes:
        values = attribute.get("values") or []
        if attribute["datatype"] == "number":
            answers[attribute["code"]] = float(rng.randint(1, 30))
        elif values:
            answers[attribute["code"]] = rng.choice(values)["key"]
    return answers
