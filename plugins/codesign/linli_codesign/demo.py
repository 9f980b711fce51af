"""Demo data: the case's two co-built projects.

- 10栋法治架空层 (building 10's ground-floor legal corner), finished: residents' ideas and
  three designs, a vote, murals painted and furniture donated by residents, and a
  survey in which 49 of 50 answers (98%) are satisfied (4 or 5 out of 5).
- 文明养犬公约 (civilised dog keeping), open for the vote now, for the whole community:
  the demo ``resident`` account may cast a ballot.
- 社区小花园微改造 (the community's little garden), collecting ideas now: a bench under
  the big tree, a shared vegetable bed, a covered bike shed, a play corner…; the demo
  ``resident`` may add one.

Most proposals and the build's progress updates have a picture (an illustration drawn
by :mod:`linli_codesign.pictures`), stored like a resident's upload. Rows are written
with ``bulk_create``; the ballots go through the same anonymous tables as real ones.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from linli.kit import (
    Account,
    Community,
    Membership,
    Node,
    OutboxEvent,
    community_root,
    save_image,
)
from linli_codesign import services
from linli_codesign.models import (
    CLOSED,
    CONFIRMED,
    DESIGN_KIND,
    IDEA,
    ITEM,
    STAGES,
    TIME,
    VOTE,
    Ballot,
    Comment,
    Contribution,
    Project,
    Proposal,
    Support,
    SurveyAnswer,
    Task,
    Update,
    Voter,
)
from linli_codesign.pictures import picture

CORNER_IDEAS = [
    ("架空层做法律角", "一楼架空层一直堆杂物,能不能改成大家坐下来学法、调解的地方?"),
    ("请律师定期坐班", "每月请社区律师来一次,老人咨询遗产、租房问题方便。"),
    ("墙上画普法漫画", "让楼里的孩子和老人一起画,比贴标语亲切。"),
    ("放几张旧桌椅", "各家闲置的桌椅拿出来,省钱又有感情。"),
    ("装灯和监控", "晚上太黑,加灯更安全。"),
    ("留出晾晒区", "架空层一半留给大家晾被子。"),
]
CORNER_DESIGNS = [
    ("方案一:法治长廊+调解桌", "沿墙壁画普法故事,中间放一张调解桌,靠窗设阅读角。"),
    ("方案二:开放客厅", "做成楼栋客厅,法律咨询时段之外大家喝茶聊天。"),
    ("方案三:法律角+晾晒区", "一半法律角,一半晾晒区,用绿植隔开。"),
]
#: The build's progress, posted so many days after it started: before, during, after.
CORNER_UPDATES = [
    ("杂物清理完毕,墙面已刷白。", 7),
    ("居民手绘的普法壁画完成,共六幅。", 21),
    ("捐赠的桌椅书架已摆好,法治角开放,每月律师坐班。", 38),
]
GARDEN_IDEAS = [
    ("大树下放几张长椅", "大樟树下夏天最凉快,放几张长椅,老人带孙子可以坐坐。"),
    ("开一块共享菜园", "划两块种植箱,各楼栋轮流种菜,孩子们也能认识蔬菜。"),
    ("加盖一个车棚", "自行车和电动车停在露天,风吹雨淋,加个棚子整齐又安全。"),
    ("孩子们的游乐角", "放一个滑梯和秋千,地上铺沙,家长在旁边的长椅上看着。"),
    ("树荫下的换书亭", "做一个带门的小书亭,大家把看完的书放进去,随拿随还。"),
    ("周末一起来打理", "每月第一个周六上午,报名的街坊一起浇水、除草、扫落叶。"),
]
DOG_DESIGNS = [
    ("公约甲:出门必拴绳、早晚遛狗时段", "出门一律拴绳,小区中心广场早7点前、晚8点后可遛狗。"),
    ("公约乙:拴绳+宠物便便箱", "出门拴绳,各楼栋旁设便便箱,志愿者每周巡查。"),
    ("公约丙:登记+文明养犬积分", "养犬家庭登记,文明遛狗可得街坊银行积分。"),
]


async def _residents(place: Node, limit: int) -> list[int]:
    """Ids of residents living inside ``place`` (demo register), in a stable order."""
    return list(
        await Membership.filter(ended_on__isnull=True, household__node__path__startswith=place.path)
        .order_by("person_id")
        .limit(limit)
        .values_list("person_id", flat=True)
    )


async def _council_request(community: Community, word: str) -> dict[str, Any]:
    """The payload of a pending ``council.project_requested`` of this community whose
    title contains ``word`` (the council's demo data), or ``{}``."""
    for payload in await OutboxEvent.filter(
        community_id=community.id, name="council.project_requested", state="pending"
    ).values_list("payload", flat=True):
        if isinstance(payload, dict) and word in str(payload.get("title", "")):
            return payload
    return {}


async def _ballots(project: Project, voters: list[int], picks: list[int]) -> None:
    await Voter.bulk_create([Voter(project_id=project.id, person_id=p) for p in voters])
    await Ballot.bulk_create(
        [Ballot(id=uuid.uuid4(), project_id=project.id, choices=str(pick)) for pick in picks]
    )


async def _pictures(community: Community, rows: list[Proposal] | list[Update]) -> None:
    """The picture drawn for each proposal (by its title) or update (by its text),
    stored and linked as a resident's upload is; rows the demo drew nothing for keep
    none, as real ones often do."""
    for row in rows:
        key = row.title if isinstance(row, Proposal) else row.body
        drawn = picture(key)
        if drawn is None:
            continue
        kind = "proposal" if isinstance(row, Proposal) else "update"
        upload = await save_image(community, drawn, filename=f"{kind}-{row.id}.png")
        await type(row).filter(id=row.id).update(image_id=upload.id)


async def _garden(community: Community, root: Node, everyone: list[int], today: date) -> None:
    """The little garden's project, collecting ideas: six of them, some supported and
    discussed."""
    opened = today - timedelta(days=9)
    garden = await services.create_project(
        community,
        title="社区小花园微改造",
        place=root,
        summary="小区中心的小花园荒了几年,大家一起出主意:种什么、放什么、怎么管。",
        time_category="clean-up",
        dates={"ideas": opened, "design": today + timedelta(days=21),
               "vote": today + timedelta(days=42), "build": today + timedelta(days=63),
               "evaluate": today + timedelta(days=120)},
    )  # fmt: skip
    await Proposal.bulk_create(
        [
            Proposal(project_id=garden.id, kind=IDEA,
                     author_id=everyone[(40 + 11 * i) % len(everyone)], title=t, body=b,
                     created_at=datetime.combine(opened + timedelta(days=i), time(9 + i), UTC))
            for i, (t, b) in enumerate(GARDEN_IDEAS)
        ]
    )  # fmt: skip
    ideas = list(await Proposal.filter(project_id=garden.id).order_by("id"))
    await Support.bulk_create(
        [
            Support(proposal_id=idea.id, person_id=person)
            for i, idea in enumerate(ideas)
            for person in everyone[200 + 7 * i : 200 + 7 * i + (23 - 3 * i)]
        ]
    )
    await Comment.bulk_create(
        [
            Comment(proposal_id=ideas[0].id, author_id=everyone[61 % len(everyone)],
                    body="长椅要有靠背,老人坐着舒服。"),
            Comment(proposal_id=ideas[1].id, author_id=everyone[73 % len(everyone)],
                    body="我会种辣椒和小白菜,可以教大家。"),
            Comment(proposal_id=ideas[3].id, author_id=everyone[88 % len(everyone)],
                    body="沙坑要常换沙,注意卫生。"),
        ]
    )  # fmt: skip
    await _pictures(community, ideas)


async def seed(community: Community) -> list[str]:
    rng = random.Random(20241010)
    today = services.today()
    root = await community_root(community)
    building = (
        await Node.filter(
            community_id=community.id, tree="place", kind__key="building", code="10"
        ).first()
    ) or root
    people = await _residents(building, 120)
    everyone = await _residents(root, 400)
    if not people or not everyone:
        return ["codesign: no residents in the register, no demo projects"]

    # -- the legal corner of building 10, finished
    start = today - timedelta(days=300)
    corner = await services.create_project(
        community,
        title="10栋法治架空层",
        place=building,
        summary="把10栋一楼堆放杂物的架空层,和居民一起改造成法治角:普法壁画由居民手绘,"
        "桌椅书架由居民捐赠。",
        time_category="clean-up",
        dates={stage: start + timedelta(days=40 * i) for i, stage in enumerate(STAGES)},
    )
    corner.stage = CLOSED
    await corner.save(update_fields=["stage"])
    await Proposal.bulk_create(
        [
            Proposal(project_id=corner.id, kind=IDEA, author_id=people[i % len(people)],
                     title=t, body=b)
            for i, (t, b) in enumerate(CORNER_IDEAS)
        ]
        + [
            Proposal(project_id=corner.id, kind=DESIGN_KIND,
                     author_id=people[(i + 7) % len(people)], title=t, body=b)
            for i, (t, b) in enumerate(CORNER_DESIGNS)
        ]
    )  # fmt: skip
    proposals = list(await Proposal.filter(project_id=corner.id).order_by("id"))
    designs = [p for p in proposals if p.kind == DESIGN_KIND]
    await _pictures(community, proposals)
    await Support.bulk_create(
        [
            Support(proposal_id=p.id, person_id=person)
            for p in proposals
            for person in rng.sample(people, min(len(people), rng.randint(5, 30)))
        ]
    )
    await Comment.bulk_create(
        [
            Comment(proposal_id=proposals[0].id, author_id=people[1 % len(people)],
                    body="赞成!我家有两把椅子可以拿出来。"),
            Comment(proposal_id=proposals[2].id, author_id=people[2 % len(people)],
                    body="我孙女学美术,可以来画。"),
            Comment(proposal_id=designs[0].id, author_id=people[3 % len(people)],
                    body="调解桌放中间很好,吵架的邻居可以坐下来说。"),
        ]
    )  # fmt: skip
    voters = people[:80]
    picks = [designs[0].id] * 52 + [designs[1].id] * 17 + [designs[2].id] * 11
    rng.shuffle(picks)
    await _ballots(corner, voters, picks[: len(voters)])
    await Task.bulk_create(
        [
            Task(project_id=corner.id, title=t, done=True)
            for t in (
                "清理架空层杂物",
                "刷白墙面",
                "手绘普法壁画",
                "摆放捐赠桌椅和书架",
                "安装照明",
            )
        ]
    )
    donors = people[10:30]
    contributions = [
        Contribution(project_id=corner.id, person_id=p, kind=TIME, hours=Decimal(4),
                     description="手绘普法壁画", status=CONFIRMED)
        for p in donors[:12]
    ] + [
        Contribution(project_id=corner.id, person_id=p, kind=ITEM, description=item,
                     status=CONFIRMED)
        for p, item in zip(donors[12:], ["旧书桌", "木椅两把", "书架", "茶几", "法律书籍一箱",
                                         "绿植三盆", "折叠椅四把", "挂钟"], strict=False)
    ]  # fmt: skip
    await Contribution.bulk_create(contributions)
    built = corner.build_on or today
    await Update.bulk_create(
        [
            Update(
                project_id=corner.id,
                body=body,
                created_at=datetime.combine(built + timedelta(days=days), time(10), UTC),
            )
            for body, days in CORNER_UPDATES
        ]
    )
    await _pictures(community, list(await Update.filter(project_id=corner.id).order_by("id")))
    scores = [5] * 38 + [4] * 11 + [3]
    await SurveyAnswer.bulk_create(
        [
            SurveyAnswer(project_id=corner.id, person_id=p, score=s,
                         comment="有了坐下来说理的地方" if s == 5 and i % 9 == 0 else "")
            for i, (p, s) in enumerate(zip(people[:50], scores, strict=False))
        ]
    )  # fmt: skip

    # -- civilised dog keeping, in the vote; the council's demo asks for it (its event
    # waits in the outbox for the server): this project answers that topic, so the
    # event, once delivered, finds it instead of making a second one.
    asked = await _council_request(community, "养犬")
    opened = today - timedelta(days=40)
    dogs = await services.create_project(
        community,
        title="文明养犬公约",
        topic_id=asked.get("topic"),
        topic_url=asked.get("topic_url", ""),
        place=root,
        summary="小区养犬家庭越来越多,邻里矛盾也多。大家一起定一份文明养犬公约。",
        time_category="patrol",
        min_age=16,
        dates={"ideas": opened, "design": opened + timedelta(days=14),
               "vote": today - timedelta(days=5), "build": today + timedelta(days=10),
               "evaluate": today + timedelta(days=60)},
    )  # fmt: skip
    dogs.stage = VOTE
    await dogs.save(update_fields=["stage"])
    await Proposal.bulk_create(
        [
            Proposal(project_id=dogs.id, kind=DESIGN_KIND, author_id=everyone[i * 7],
                     title=t, body=b)
            for i, (t, b) in enumerate(DOG_DESIGNS)
        ]
        + [Proposal(project_id=dogs.id, kind=IDEA, author_id=everyone[30],
                    title="遛狗必须拴绳", body="电梯里尤其要抱起来或拴短绳。")]
    )  # fmt: skip
    await _pictures(community, list(await Proposal.filter(project_id=dogs.id).order_by("id")))
    dog_designs = list(await Proposal.filter(project_id=dogs.id, kind=DESIGN_KIND).order_by("id"))
    demo_resident = await Account.filter(username="resident").values_list("person_id", flat=True)
    dog_voters = [p for p in everyone[100:160] if p not in demo_resident]
    await _ballots(dogs, dog_voters, [rng.choice(dog_designs).id for _ in dog_voters])

    # -- the little garden, collecting ideas now
    await _garden(community, root, everyone, today)
    return [
        "codesign: 10栋法治架空层 (finished, 98% satisfied), 文明养犬公约 (vote open) and "
        "社区小花园微改造 (collecting ideas); log in as resident to vote or share an idea, "
        "as community_worker to run projects"
    ]
