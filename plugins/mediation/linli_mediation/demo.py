"""Demo data: the two studios named after their host mediators (莲姐议事, 帆哥解烦), a
supervisor, and a year of neighbour disputes across the categories: most closed after
an agreement and a follow-up visit, some not resolved, some referred to the police
office, legal aid or the property company, some escalated up the party organisation,
a few with follow-ups overdue or open past the time limit.

Cases are written directly with their past dates (the services stamp "now"); each one
still follows the lifecycle, with a transition row per step, at least one session
before it closes and a follow-up visit before an agreement case closes.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from tortoise.expressions import F

from linli.kit import (
    Account,
    Community,
    EscalationError,
    Membership,
    Node,
    Person,
    add_node,
    community_root,
    create_account,
    escalate,
    grant_role,
    load_actor,
)
from linli_mediation import services
from linli_mediation.models import (
    ACCEPTED,
    AGREEMENT,
    CLOSED,
    FOLLOW_UP,
    IN_MEDIATION,
    NOT_RESOLVED,
    REFERRED,
    REQUESTED,
    Agreement,
    Assignment,
    Case,
    FollowUp,
    Party,
    Session,
    Signature,
    Studio,
    Transition,
)

#: The demo site's shared password (the demo home page shows it to everyone).
DEMO_PASSWORD = "linli-demo"
CASES = 42

# (studio, English, host name, account, opening hours, specialties)
STUDIOS = [
    ("莲姐议事", "Sister Lian's council", "刘莲", "mediator",
     "周一至周五 9:00–17:00", "邻里噪音、漏水、家庭矛盾"),
    ("帆哥解烦", "Brother Fan solves troubles", "胡帆", "mediator_fan",
     "周二、周四、周六 14:00–20:00", "停车与电动车、物业服务、高空抛物"),
]  # fmt: skip
SUPERVISOR = ("王秀英", "mediation_supervisor")
FENGQIAO = "枫桥式架空层"

# category → (summaries, facts, terms)
STORIES: dict[str, tuple[list[str], str, str]] = {
    "noise": (
        ["楼上深夜跳绳噪音", "装修噪音影响午休", "广场舞音响太大"],
        "申请人反映对方在休息时间持续制造噪音,影响老人和孩子休息。",
        "对方承诺晚上十点后不再制造噪音,装修限于工作日9:00–18:00。",
    ),
    "leak": (
        ["卫生间漏水到楼下", "空调冷凝水滴到阳台", "厨房水管渗漏"],
        "楼上卫生间防水层老化,造成楼下天花板渗水发霉。",
        "楼上于两周内请物业维修防水层,承担楼下天花板修复费用800元。",
    ),
    "parking": (
        ["电动车堵住楼道", "私家车长期占用消防通道", "楼道飞线充电"],
        "对方长期将电动车停放在楼道内并飞线充电,存在消防隐患。",
        "电动车统一停放到小区充电棚,楼道不再停放和充电。",
    ),
    "pets": (
        ["狗在楼道便溺", "夜间犬吠扰民", "遛狗不牵绳"],
        "对方饲养的犬只未牵绳,在楼道便溺,吓到老人和孩子。",
        "对方遛狗时牵绳并及时清理粪便,夜间将狗关在室内。",
    ),
    "thrown": (
        ["高空抛下垃圾袋", "阳台花盆坠落", "窗外扔烟头"],
        "楼下住户多次发现高处抛下的垃圾,险些砸伤路人。",
        "对方承诺不再向窗外抛物,阳台花盆加装护栏。",
    ),
    "family": (
        ["老人赡养费分担", "兄弟分房纠纷", "婆媳矛盾"],
        "子女之间对老人的赡养费和照料安排意见不一。",
        "三名子女每月各承担赡养费600元,轮流每周陪护老人。",
    ),
    "property": (
        ["物业费与维修质量", "电梯停运无人处理", "绿化带被占种菜"],
        "业主认为物业对公共设施维修不及时,拒交物业费。",
        "物业在一个月内完成维修并公示进度,业主补交物业费。",
    ),
    "other": (
        ["公共晾衣区占用", "楼道堆放杂物", "共用墙面开裂"],
        "双方对楼道公共空间的使用产生争执。",
        "双方清理楼道杂物,公共区域按楼栋公约使用。",
    ),
}
#: (outcome plan, weight): what happens to a case, before its age is taken into account.
PLANS = [("agreement", 22), ("not_resolved", 4), ("refer", 6), ("open", 4)]
REFERRALS = {"thrown": "police", "family": "legal_aid", "property": "property"}


class _Timeline:
    """The steps of one demo case, each some days after the one before."""

    def __init__(self, opened: datetime) -> None:
        self.at = opened
        self.steps: list[tuple[str, str, str, datetime, str]] = []

    def step(self, action: str, before: str, after: str, days: float, reason: str = "") -> None:
        self.at = self.at + timedelta(days=days)
        self.steps.append((action, before, after, self.at, reason))


async def _node(community: Community, code: str) -> Node | None:
    return await Node.get_or_none(community_id=community.id, code=code)


async def _studios(community: Community, root: Node) -> list[tuple[Studio, Account]]:
    made = []
    for name, name_en, host_name, username, hours, topics in STUDIOS:
        node = await add_node(
            kind="facility", name=f"{name}工作室", name_en=f"{name_en} studio", parent=root,
            code=f"mediation-{username}",
        )  # fmt: skip
        host = await Person.create(community_id=community.id, name=host_name, gender="")
        account = await Account.get_or_none(username=username)
        if account is None:
            account = await create_account(username, DEMO_PASSWORD, person=host)
        await grant_role(account, "mediator", node)
        studio = await services.create_studio(
            community, name=name, name_en=name_en, node=node, host=host, opening_hours=hours,
            specialties=topics,
        )  # fmt: skip
        made.append((studio, account))
    return made


async def _supervisor(community: Community, root: Node) -> Account:
    account = await Account.get_or_none(username=SUPERVISOR[1])
    if account is None:
        person = await Person.create(community_id=community.id, name=SUPERVISOR[0])
        account = await create_account(SUPERVISOR[1], DEMO_PASSWORD, person=person)
    await grant_role(account, "mediation_supervisor", root)
    party = await Node.filter(community_id=community.id, tree="party", depth=0).first()
    if party is not None:
        # at the committee as well: escalated cases reach it
        await grant_role(account, "mediation_supervisor", party)
    return account


async def _residents(community: Community, rng: random.Random) -> list[tuple[int, str, int]]:
    """(person id, name, household node id) of adults living in the community."""
    rows = await Membership.filter(
        household__community_id=community.id, ended_on__isnull=True, relation="本人"
    ).values_list("person_id", "person__name", "household__node_id")
    rows = list(rows)
    rng.shuffle(rows)
    return rows[: CASES * 3]


async def seed(community: Community) -> list[str]:
    rng = random.Random(20260601)
    now = datetime.now(UTC)
    root = await community_root(community)
    studios = await _studios(community, root)
    supervisor = await _supervisor(community, root)
    residents = await _residents(community, rng)
    if len(residents) < 4:
        for n in range(8):
            person = await Person.create(community_id=community.id, name=f"示例居民{n + 1}")
            residents.append((person.id, person.name, root.id))
    legal_corner = await _node(community, "facility-legal-corner")
    places = [FENGQIAO if legal_corner is None else legal_corner.name, "莲姐议事工作室",
              "帆哥解烦工作室", "党群服务中心"]  # fmt: skip
    nodes = {n.id: n for n in await Node.filter(id__in={r[2] for r in residents})}
    resident_account = await Account.get_or_none(username="resident")
    supervisor_actor = await load_actor(supervisor)
    counts: dict[str, int] = {}
    escalated = 0
    for index in range(CASES):
        category = list(STORIES)[index % len(STORIES)]
        summaries, facts, terms = STORIES[category]
        studio, mediator = studios[index % len(studios)]
        a = residents[(2 * index) % len(residents)]
        b = residents[(2 * index + 1) % len(residents)]
        if index == 0 and resident_account is not None and resident_account.person_id:
            person = await Person.get(id=resident_account.person_id)
            home = await Membership.filter(person_id=person.id).select_related("household").first()
            a = (person.id, person.name, home.household.node_id if home else root.id)
        age = 8 + (index * 353 // CASES) if index else 40
        opened = now - timedelta(days=age, hours=rng.randint(0, 10))
        plan = "agreement" if index == 0 else rng.choices(
            [p for p, _ in PLANS], [w for _, w in PLANS]
        )[0]  # fmt: skip
        if category in REFERRALS and rng.random() < 0.5:
            plan = "refer"
        if 0 < index <= 3:  # the most recent: still open, one of them past the time limit
            plan = ("requested", "accepted", "mediating")[index - 1]
        overdue = index in (4, 5)  # an agreement whose follow-up visit is late, per studio
        if overdue:
            plan = "agreement"
        place = nodes.get(a[2]) or root
        case = await Case.create(
            community_id=community.id, summary=rng.choice(summaries), category=category,
            description=facts, urgency="urgent" if category == "thrown" else "normal",
            status=REQUESTED if plan == "requested" else ACCEPTED, studio=studio,
            place=place, node=await services.owner_node(community, place), opened_at=opened,
        )  # fmt: skip
        case.number = f"{opened.year}-{case.id:04d}"
        await Party.bulk_create(
            [
                Party(case_id=case.id, person_id=a[0], name=a[1], side="applicant"),
                Party(case_id=case.id, person_id=b[0], name=b[1], side="respondent"),
            ]
        )
        parties = await Party.filter(case_id=case.id).order_by("id")
        timeline = _Timeline(opened)
        step = timeline.step
        if plan == "requested":
            step("request", "", REQUESTED, 0)
        else:
            step("intake", "", ACCEPTED, 0)
            await Assignment.create(case_id=case.id, account=mediator)
        status = case.status
        if plan in ("agreement", "not_resolved", "refer", "mediating"):
            step("start", ACCEPTED, IN_MEDIATION, rng.uniform(0.5, 3))
            status = IN_MEDIATION
            await Session.create(
                case_id=case.id, held_on=(timeline.at + timedelta(days=1)).date(),
                place=rng.choice(places), attendees=f"{a[1]}、{b[1]}",
                notes="双方情绪较大,先分别谈话,再面对面沟通。", next_steps="约定下次见面时间。",
                recorded_by=mediator,
            )  # fmt: skip
        if category == "parking" and plan in ("agreement", "mediating") and escalated < 4:
            try:
                await escalate(case, supervisor_actor, "涉及整栋楼的停车问题,需要支部协调")
            except EscalationError:
                pass
            else:
                escalated += 1
                await Case.filter(id=case.id).update(escalations=F("escalations") + 1)
                step("escalate", status, status, 1, "涉及整栋楼的停车问题,需要支部协调")
        if plan == "agreement":
            step("agree", IN_MEDIATION, AGREEMENT, rng.uniform(2, 12))
            agreed = timeline.at
            agreement = await Agreement.create(
                case_id=case.id, facts=facts, terms=terms, created_at=agreed, created_by=mediator,
                deadline=(agreed + timedelta(days=14)).date(),
            )  # fmt: skip
            await Signature.bulk_create(
                [
                    Signature(
                        agreement=agreement, party=p, signed_on=agreed.date(), recorded_by=mediator
                    )
                    for p in parties
                ]
            )
            due: date | None = (agreed + timedelta(days=services.FOLLOW_UP_DAYS)).date()
            status = AGREEMENT
            if due is not None and due <= now.date() and not overdue:
                visited = agreed + timedelta(days=services.FOLLOW_UP_DAYS)
                await FollowUp.create(
                    case_id=case.id, visited_on=visited.date(), kept=True,
                    notes="双方表示协议已履行。", recorded_by=mediator,
                )  # fmt: skip
                due = None
                step("follow_up", AGREEMENT, FOLLOW_UP, services.FOLLOW_UP_DAYS)
                step("close", FOLLOW_UP, CLOSED, 1)
                status = CLOSED
            await Case.filter(id=case.id).update(
                outcome=AGREEMENT, agreed_at=agreed, follow_up_due=due,
                closed_at=timeline.at if status == CLOSED else None,
            )  # fmt: skip
        elif plan == "not_resolved":
            step("not_resolved", IN_MEDIATION, NOT_RESOLVED, rng.uniform(5, 15), "双方分歧较大")
            step("follow_up", NOT_RESOLVED, FOLLOW_UP, 10)
            step("close", FOLLOW_UP, CLOSED, 20, "建议通过诉讼解决")
            status = CLOSED
            await Case.filter(id=case.id).update(outcome=NOT_RESOLVED, closed_at=timeline.at)
        elif plan == "refer":
            target = REFERRALS.get(category, "legal_aid")
            step("refer", status, REFERRED, rng.uniform(1, 5), "超出调解范围,转交专业机构处理")
            status = REFERRED
            await Case.filter(id=case.id).update(
                outcome=REFERRED, referred_to=target, closed_at=timeline.at
            )
        await Case.filter(id=case.id).update(status=status, number=case.number)
        await Transition.bulk_create(
            [
                Transition(case_id=case.id, action=action, from_status=before, to_status=after,
                           actor=None if action == "request" else mediator, reason=reason, at=when)
                for action, before, after, when, reason in timeline.steps
            ]
        )  # fmt: skip
        counts[status] = counts.get(status, 0) + 1
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    return [
        f"mediation: 2 studios, {CASES} cases ({summary}), {escalated} escalated",
        f"mediation: {STUDIOS[0][3]} hosts {STUDIOS[0][0]}, {STUDIOS[1][3]} hosts "
        f"{STUDIOS[1][0]}, {SUPERVISOR[1]} supervises (password {DEMO_PASSWORD})",
    ]
