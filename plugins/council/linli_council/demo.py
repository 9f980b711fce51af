"""Demo data: a year of the neighbours' council.

About 120 needs (e-bike parking, lift repair, things thrown from height …) backed by
neighbours, 25 topics of which 20 were closed as resolved (80%), twelve monthly meetings
with attendees and approved minutes (a lawyer invited once), action items, and the
civilised-dog-keeping topic decided as a co-built project, which emits
``council.project_requested``. Some needs have a photo, as residents attach one to some
(an illustration drawn by :mod:`linli_council.pictures`, stored like an upload). Rows are
written with ``bulk_create`` where there are many.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from linli.kit import (
    Account,
    Community,
    Node,
    Person,
    add_node,
    community_root,
    create_account,
    grant_role,
    load_actor,
    save_image,
)
from linli_council import services
from linli_council.models import (
    APPROVED,
    DISCUSSED,
    IN_ACTION,
    IN_TOPIC,
    NOT_FEASIBLE,
    OPEN,
    PROPOSED,
    RESOLVED,
    SCHEDULED,
    ActionItem,
    AgendaItem,
    Attendee,
    Meeting,
    Need,
    NeedSupport,
    TimelineEntry,
    Topic,
)
from linli_council.pictures import need_picture

DEMO_USERNAME = "council_member"
DEMO_PASSWORD = "linli-demo"

#: Needs residents raise, by category.
NEED_TEXTS = {
    "parking": [
        "楼下电动车乱停,挡住了消防通道",
        "希望增加电动车集中充电桩,不要再飞线充电",
        "电动车棚太小,晚上停不下",
        "电动车进楼道充电,担心起火",
    ],
    "lift": [
        "10栋电梯经常停运,老人上下楼困难",
        "电梯按钮失灵,请物业尽快维修",
        "老旧楼栋能不能加装电梯",
    ],
    "safety": [
        "楼上经常往下扔垃圾,差点砸到人",
        "高空抛物太危险,希望装监控",
        "阳台花盆没有固定,刮风怕掉下来",
    ],
    "environment": [
        "垃圾分类点气味大,希望每天清运两次",
        "小区绿化带被占用种菜",
        "楼道堆放杂物,影响通行",
    ],
    "property": [
        "楼道灯坏了很久没人修",
        "雨天地下室漏水",
        "单元门禁经常坏",
    ],
    "care": [
        "独居老人希望有人定期上门看看",
        "放学后孩子没地方写作业",
        "希望社区食堂能送餐到楼下",
    ],
    "pets": [
        "遛狗不牵绳,孩子被吓到",
        "狗粪没人清理,希望文明养犬",
        "夜里狗叫影响休息",
    ],
}

#: The year's topics: title, category, how it ended (state) and, if any, the reason.
TOPICS = [
    ("规范电动车停放,设置集中停放区", "parking", RESOLVED),
    ("建设电动车集中充电棚", "parking", RESOLVED),
    ("10栋电梯维修与维保监督", "lift", RESOLVED),
    ("治理高空抛物:宣传、承诺书和监控", "safety", RESOLVED),
    ("阳台花盆加固排查", "safety", RESOLVED),
    ("垃圾分类点每日两次清运", "environment", RESOLVED),
    ("清理楼道堆放杂物", "environment", RESOLVED),
    ("修复楼道照明", "property", RESOLVED),
    ("地下室渗漏水维修", "property", RESOLVED),
    ("单元门禁更换", "property", RESOLVED),
    ("独居老人定期探访", "care", RESOLVED),
    ("四点半课堂", "care", RESOLVED),
    ("社区食堂送餐到楼栋", "care", RESOLVED),
    ("绿化带恢复种植", "environment", RESOLVED),
    ("消防通道划线与巡查", "parking", RESOLVED),
    ("楼栋微信群议事规则", "other", RESOLVED),
    ("夜间遛狗噪音约定", "pets", RESOLVED),
    ("电梯应急呼叫测试", "lift", RESOLVED),
    ("小区路灯补装", "property", RESOLVED),
    ("快递柜位置调整", "other", RESOLVED),
    ("老旧楼栋加装电梯", "lift", NOT_FEASIBLE),
    ("高空抛物监控覆盖全部楼栋", "safety", IN_ACTION),
    ("文明养犬共建项目", "pets", "project"),
    ("儿童游乐设施更新", "care", DISCUSSED),
    ("非机动车道拓宽", "parking", PROPOSED),
]
NOT_FEASIBLE_REASON = (
    "经住建部门现场勘查,该楼栋结构和间距不满足加装电梯条件;改为安装楼梯扶手和休息座椅。"
)
DOG_DECISION = "开展文明养犬共建项目:与居民一起设计遛狗区、拾便箱和养犬公约,由居民投票选定方案。"


async def _level(community: Community, kind: str, code: str) -> Node | None:
    """The node of ``kind`` with ``code`` (the demo register's building 10 group and
    Phase II branch, where the demo's party accounts hold their roles), else the first."""
    found = await Node.filter(community_id=community.id, kind__key=kind, code=code).first()
    if found is not None:
        return found
    return await Node.filter(community_id=community.id, kind__key=kind).order_by("path").first()


async def _level_nodes(community: Community) -> tuple[Node, Node, Node]:
    """The community committee, an estate branch and a building group (made if missing):
    in the demo register, building 10's party group and the Phase II branch, so that the
    party_group_leader and branch_secretary accounts find topics waiting for them."""
    committee = await Node.filter(community_id=community.id, kind__key="party_committee").first()
    if committee is None:
        committee = await add_node(
            kind="party_committee",
            name="社区党委",
            name_en="Community party committee",
            community_id=community.id,
        )
    branch = await _level(community, "party_branch", "party-2")
    if branch is None:
        branch = await add_node(kind="party_branch", name="二期党支部", parent=committee)
    group = await _level(community, "party_group", "party-b10")
    if group is None:
        group = await add_node(kind="party_group", name="10栋党小组", parent=branch)
    return committee, branch, group


async def _places(community: Community) -> list[Node]:
    buildings = list(
        await Node.filter(community_id=community.id, tree="place", kind__key="building")
        .order_by("path")
        .limit(40)
    )
    if not buildings:
        root = await community_root(community)
        estate = await add_node(kind="estate", name="江汉里二期", parent=root)
        buildings = [
            await add_node(kind="building", name=f"{n}栋", code=str(n), parent=estate)
            for n in (9, 10, 11)
        ]
    return buildings


async def _people(community: Community, rng: random.Random) -> list[Person]:
    people = list(await Person.filter(community_id=community.id).order_by("id").limit(300))
    if len(people) < 60:
        surnames = "王李张刘陈杨黄赵吴周徐孙胡朱高林何郭马罗"
        given = "秀英桂兰建国志强丽华玉珍德明淑芬文华国平春梅海燕"
        await Person.bulk_create(
            [
                Person(
                    community_id=community.id,
                    name=rng.choice(surnames) + "".join(rng.sample(given, 2)),
                )
                for _ in range(60 - len(people))
            ]
        )
        people = list(await Person.filter(community_id=community.id).order_by("id").limit(300))
    return people


async def _member(community: Community, person: Person) -> tuple[Account, bool]:
    """The council-member demo account (made once)."""
    account = await Account.get_or_none(username=DEMO_USERNAME)
    if account is not None:
        return account, False
    account = await create_account(DEMO_USERNAME, DEMO_PASSWORD, person=person)
    await grant_role(account, "council_member", await community_root(community))
    return account, True


#: One need in this many has a photo (of those showing something one can photograph).
PHOTO_EVERY = 3


async def _photos(community: Community, needs: list[Need]) -> int:
    """Photos on some needs, as residents attach them to some: every third need, when it
    shows something one could photograph. Needs that say the same share one upload.
    Returns how many needs have one."""
    chosen: dict[str, list[int]] = {}
    for need in needs[::PHOTO_EVERY]:
        chosen.setdefault(need.text, []).append(need.id)
    shown = 0
    for text, ids in chosen.items():
        drawn = need_picture(text)
        if drawn is None:
            continue
        upload = await save_image(community, drawn, filename=f"need-{ids[0]}.png")
        shown += await Need.filter(id__in=ids).update(photo_id=upload.id)
    return shown


async def seed(community: Community) -> list[str]:
    if await Topic.filter(community_id=community.id).exists():
        return ["council: demo data already there"]
    rng = random.Random(20250315)
    now = services.now_utc()
    start = now - timedelta(days=360)
    committee, branch, group = await _level_nodes(community)
    buildings = await _places(community)
    people = await _people(community, rng)
    account, made = await _member(community, people[0])
    actor = await load_actor(account)

    # -- needs: about ten a month, backed by neighbours
    needs: list[Need] = []
    for i in range(120):
        category = rng.choice(list(NEED_TEXTS))
        needs.append(
            Need(
                community_id=community.id,
                author_id=people[i % len(people)].id,
                text=rng.choice(NEED_TEXTS[category]),
                category=category,
                place_id=rng.choice(buildings).id,
                created_at=start + timedelta(days=3 * i, hours=rng.randint(8, 20)),
                support_count=1,
            )
        )
    await Need.bulk_create(needs)
    needs = list(await Need.filter(community_id=community.id).order_by("created_at", "id"))
    supports: list[NeedSupport] = []
    for need in needs:
        backers = {need.author_id} | {p.id for p in rng.sample(people, rng.randint(0, 14))}
        need.support_count = len(backers)
        supports.extend(NeedSupport(need_id=need.id, person_id=pid) for pid in backers)
    await NeedSupport.bulk_create(supports, batch_size=500)
    await Need.bulk_update(needs, fields=["support_count"], batch_size=200)
    photos = await _photos(community, needs)

    # -- topics, two a month, each from the needs of its category
    by_category: dict[str, list[Need]] = {}
    for need in needs:
        by_category.setdefault(need.category, []).append(need)
    levels = [group, branch, committee]
    timeline: list[TimelineEntry] = []
    topics: list[tuple[Topic, str]] = []
    for i, (title, category, outcome) in enumerate(TOPICS):
        raised = start + timedelta(days=14 * i + 5)
        topic = await Topic.create(
            community_id=community.id,
            title=title,
            category=category,
            summary=f"由居民需求汇总:{title}。",
            node=levels[i % 3],
            place_id=buildings[i % len(buildings)].id if i % 3 == 0 else None,
            owner=account,
            state=PROPOSED,
            created_at=raised,
        )
        pool = [n for n in by_category.get(category, []) if n.status == OPEN][:3]
        for need in pool:
            need.status = IN_TOPIC
            need.topic_id = topic.id
        if pool:
            await Need.filter(id__in=[n.id for n in pool]).update(
                status=IN_TOPIC, topic_id=topic.id
            )
        timeline.append(TimelineEntry(topic_id=topic.id, kind="created", at=raised))
        topics.append((topic, outcome))

    # -- twelve monthly meetings; each discusses the topics raised before it
    meetings: list[Meeting] = []
    for month in range(12):
        held = (start + timedelta(days=30 * month + 25)).date()
        if held > now.date():
            held = now.date()
        meetings.append(
            await Meeting.create(
                community_id=community.id,
                title=f"街坊议事会{held.month}月例会",
                held_on=held,
                location="江汉里社区党群服务中心",
                place_id=None,
                minutes_status=APPROVED if month < 11 else "draft",
                approved_by=account if month < 11 else None,
                approved_at=datetime.combine(held, datetime.min.time(), UTC) + timedelta(days=2)
                if month < 11
                else None,
            )
        )
    attendees: list[Attendee] = []
    agenda: list[AgendaItem] = []
    actions: list[ActionItem] = []
    for index, meeting in enumerate(meetings):
        for person in rng.sample(people, 6):
            attendees.append(Attendee(meeting_id=meeting.id, name=person.name, kind="resident"))
        attendees += [
            Attendee(meeting_id=meeting.id, name="刘书记", kind="party_member", note="社区党委"),
            Attendee(meeting_id=meeting.id, name="物业周经理", kind="property"),
        ]
        if index == 3:
            attendees.append(
                Attendee(
                    meeting_id=meeting.id,
                    name="陈律师",
                    kind="guest",
                    note="江汉区法律援助中心律师,讲解高空抛物的法律责任",
                ),
            )
    await Attendee.bulk_create(attendees)

    for i, (topic, outcome) in enumerate(topics):
        meeting = meetings[min(i // 2, 11)]
        if outcome == PROPOSED:
            continue
        moment = datetime.combine(meeting.held_on, datetime.min.time(), UTC) + timedelta(hours=19)
        if outcome == SCHEDULED or (meeting.minutes_status != APPROVED and outcome == DISCUSSED):
            agenda.append(
                AgendaItem(
                    meeting_id=meeting.id,
                    topic_id=topic.id,
                    position=i % 2 + 1,
                    minutes=f"讨论了“{topic.title}”,居民代表发言,意见已汇总。",
                )
            )
            timeline.append(
                TimelineEntry(topic_id=topic.id, kind="scheduled", at=moment, text=meeting.title)
            )
            timeline.append(
                TimelineEntry(topic_id=topic.id, kind="discussed", at=moment, text=meeting.title)
            )
            topic.state = DISCUSSED
            await topic.save(update_fields=["state"])
            continue
        agenda.append(
            AgendaItem(
                meeting_id=meeting.id,
                topic_id=topic.id,
                position=i % 2 + 1,
                minutes=f"讨论了“{topic.title}”,与会居民和物业达成一致意见。",
            )
        )
        timeline += [
            TimelineEntry(topic_id=topic.id, kind="scheduled", at=moment, text=meeting.title),
            TimelineEntry(topic_id=topic.id, kind="discussed", at=moment, text=meeting.title),
        ]
        if meeting.minutes_status == APPROVED:
            timeline.append(
                TimelineEntry(
                    topic_id=topic.id,
                    kind="minutes",
                    at=meeting.approved_at,
                    text=meeting.title,
                    link=f"../meetings/{meeting.id}",
                )
            )
        if outcome == "project":
            topic.state = DISCUSSED
            await topic.save(update_fields=["state"])
            continue
        decision = f"议定:{topic.title},由物业和楼栋长牵头落实。"
        topic.decision = decision
        timeline.append(TimelineEntry(topic_id=topic.id, kind="decided", at=moment, text=decision))
        due = meeting.held_on + timedelta(days=30)
        if outcome == NOT_FEASIBLE:
            topic.state = NOT_FEASIBLE
            topic.closed_reason = NOT_FEASIBLE_REASON
            topic.closed_at = moment + timedelta(days=20)
            timeline.append(
                TimelineEntry(
                    topic_id=topic.id,
                    kind=NOT_FEASIBLE,
                    at=topic.closed_at,
                    text=NOT_FEASIBLE_REASON,
                )
            )
        elif outcome == IN_ACTION:
            topic.state = IN_ACTION
            actions.append(
                ActionItem(
                    topic_id=topic.id,
                    meeting_id=meeting.id,
                    text="在各楼栋安装朝上的监控摄像头",
                    owner="物业周经理",
                    due_on=min(due, now.date() - timedelta(days=5)),
                )
            )
        else:
            topic.state = RESOLVED
            topic.closed_at = moment + timedelta(days=25)
            actions.append(
                ActionItem(
                    topic_id=topic.id,
                    meeting_id=meeting.id,
                    text=decision,
                    owner="物业周经理",
                    due_on=due,
                    done_at=topic.closed_at,
                )
            )
            timeline.append(TimelineEntry(topic_id=topic.id, kind=RESOLVED, at=topic.closed_at))
        await topic.save(update_fields=["state", "decision", "closed_reason", "closed_at"])
    await AgendaItem.bulk_create(agenda)
    await ActionItem.bulk_create(actions)
    await TimelineEntry.bulk_create(timeline)

    # -- the dog-keeping topic is decided as a co-built project: the event path
    dog = next(topic for topic, outcome in topics if outcome == "project")
    await services.decide(dog, DOG_DECISION, actor=actor, start_project=True)

    lines = [
        f"council: {len(needs)} needs ({photos} with a photo), {len(topics)} topics, "
        f"{len(meetings)} meetings",
        f"council: '{dog.title}' requested a co-built project",
    ]
    if made:
        lines.append(f"council: council member {DEMO_USERNAME} / {DEMO_PASSWORD}")
    return lines
