"""Topics: the state rules, levels with the core's escalation, the decision that asks for
a co-built project (``council.project_requested``, once), the handler of
``codesign.project_created``, the public timeline and the topic list's constant queries."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linli.kit import Escalation, Event
from linli.testing import (
    count_queries,
    emitted_events,
    forget_pages,
    form_post,
    log_in,
    make_account,
)
from linli_council import services
from linli_council import testing as builders
from linli_council.events import note_project_started
from linli_council.models import (
    CLOSED_STATES,
    DECIDED,
    DISCUSSED,
    IN_ACTION,
    IN_TOPIC,
    NOT_FEASIBLE,
    PROPOSED,
    RESOLVED,
    SCHEDULED,
    TOPIC_STATES,
    Need,
    TimelineEntry,
    Topic,
)

pytestmark = pytest.mark.linli_plugins("council")

TOPICS = "/c/test/council/topics"


async def make_topic(council, *, node=None, title="规范电动车停放", needs=None):
    if needs is None:
        needs = [await raise_need(council, council.resident, "电动车乱停")]
    return await builders.make_topic(
        council.community,
        needs,
        title=title,
        category="parking",
        node=node or council.group,
        place=council.b10,
        by=council.member,
    )


async def raise_need(council, author, text):
    return await builders.make_need(
        council.community, author, text, category="parking", by=council.worker
    )


async def to_state(council, topic, state):
    """Walk ``topic`` along the usual path up to ``state``."""
    return await builders.advance_topic(topic, state, by=council.member)


async def test_a_member_turns_needs_into_a_topic_and_authors_see_it(client, council):
    one = await raise_need(council, council.resident, "电动车乱停")
    two = await raise_need(council, council.neighbour, "充电桩太少")
    await log_in(client, "member")
    response = await form_post(
        client,
        TOPICS,
        {
            "needs": f"{one.id}, {two.id}",
            "title": "电动车停放与充电",
            "category": "parking",
            "node": str(council.branch.id),
            "place": "",
        },
    )
    assert response.status_code == 200
    topic = await Topic.get(title="电动车停放与充电")
    assert topic.state == PROPOSED and topic.node_id == council.branch.id
    assert {n.status for n in await Need.filter(topic_id=topic.id)} == {IN_TOPIC}
    # the author sees it on their page
    await log_in(client, "neighbour")
    mine = await client.get("/c/test/council/needs/mine")
    assert "电动车停放与充电" in mine.text and "Taken up as a topic" in mine.text
    # a need already in a topic cannot go into another
    with pytest.raises(services.CouncilError):
        await make_topic(council, needs=[one])


async def test_making_a_topic_needs_the_permission(client, council):
    await log_in(client, "resident")
    response = await form_post(client, TOPICS, {"needs": "1", "title": "x", "category": "other"})
    assert response.status_code == 403
    assert await Topic.all().count() == 0


async def test_a_topic_needs_a_level_node_and_open_needs(council):
    with pytest.raises(services.CouncilError):
        await make_topic(council, node=council.b10)  # a place is not a level
    with pytest.raises(services.CouncilError):
        await make_topic(council, needs=[])
    assert await Topic.all().count() == 0


STATE_RULES = [
    (PROPOSED, SCHEDULED, True),
    (PROPOSED, DISCUSSED, False),
    (PROPOSED, DECIDED, False),
    (PROPOSED, RESOLVED, False),
    (SCHEDULED, DISCUSSED, True),
    (SCHEDULED, RESOLVED, False),
    (DISCUSSED, DECIDED, True),
    (DISCUSSED, SCHEDULED, True),
    (DISCUSSED, IN_ACTION, False),
    (DECIDED, IN_ACTION, True),
    (DECIDED, RESOLVED, True),
    (DECIDED, PROPOSED, False),
    (IN_ACTION, RESOLVED, True),
    (RESOLVED, NOT_FEASIBLE, False),
    (RESOLVED, PROPOSED, False),
]


async def test_the_state_rules(council):
    """Each (start, wanted) pair on a fresh topic: allowed moves happen, others are
    refused and leave the state as it was."""
    actor = await council.actor(council.member)
    for number, (start, wanted, allowed) in enumerate(STATE_RULES):
        topic = await make_topic(council, title=f"议题{number}")
        if start != PROPOSED:
            await to_state(council, topic, start)
        if allowed:
            await services.move_topic(topic, wanted, actor=actor)
            assert (await Topic.get(id=topic.id)).state == wanted, (start, wanted)
        else:
            with pytest.raises(services.WrongState):
                await services.move_topic(topic, wanted, actor=actor)
            assert (await Topic.get(id=topic.id)).state == start, (start, wanted)


async def test_closing_as_not_feasible_needs_a_public_reason(client, council):
    topic = await make_topic(council)
    await log_in(client, "member")
    url = f"{TOPICS}/{topic.id}/state"
    silent = await form_post(client, url, {"state": NOT_FEASIBLE, "text": "  "})
    assert silent.status_code == 400 and "public reason" in silent.text
    assert (await Topic.get(id=topic.id)).state == PROPOSED
    asked = await form_post(client, url, {"state": NOT_FEASIBLE, "text": "楼间距不够,不能加装"})
    assert asked.status_code == 200 and "cannot be opened again" in asked.text
    assert (await Topic.get(id=topic.id)).state == PROPOSED
    done = await form_post(
        client, url, {"state": NOT_FEASIBLE, "text": "楼间距不够,不能加装", "confirmed": "yes"}
    )
    assert done.status_code == 200
    topic = await Topic.get(id=topic.id)
    assert topic.state == NOT_FEASIBLE and topic.closed_at is not None
    # the reason is public: an anonymous visitor reads it
    client.cookies.clear()
    client.cookies.set("linli_lang", "en")
    page = await client.get(f"{TOPICS}/{topic.id}")
    assert page.status_code == 200 and "楼间距不够,不能加装" in page.text
    assert "Closed as not feasible" in page.text


async def test_a_second_simultaneous_move_is_refused(council):
    topic = await make_topic(council)
    actor = await council.actor(council.member)
    copies = [await Topic.get(id=topic.id) for _ in range(5)]
    results = await asyncio.gather(
        *(services.move_topic(t, SCHEDULED, actor=actor) for t in copies), return_exceptions=True
    )
    assert sum(not isinstance(r, BaseException) for r in results) == 1
    assert await TimelineEntry.filter(topic_id=topic.id, kind=SCHEDULED).count() == 1


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(moves=st.lists(st.sampled_from(TOPIC_STATES), max_size=8))
def test_any_sequence_of_moves_follows_the_table(moves):
    """A model of the rules: whatever is asked, a closed topic stays closed and every
    state reached was allowed from the one before."""
    state = PROPOSED
    for wanted in moves:
        if wanted in services.TRANSITIONS[state]:
            state = wanted
        if state in CLOSED_STATES:
            assert services.TRANSITIONS[state] == ()
    assert state in TOPIC_STATES
    # every open state can be closed as not feasible, no closed one can
    for key, targets in services.TRANSITIONS.items():
        assert (NOT_FEASIBLE in targets) == (key not in CLOSED_STATES)


async def test_deciding_on_a_co_built_project_emits_the_event_once(client, council):
    topic = await make_topic(council, title="文明养犬")
    await to_state(council, topic, DISCUSSED)
    await log_in(client, "member")
    url = f"{TOPICS}/{topic.id}/decide"
    form = {"decision": "开展文明养犬共建项目", "start_project": "on"}
    first, second = await asyncio.gather(form_post(client, url, form), form_post(client, url, form))
    assert sorted([first.status_code, second.status_code]) == [200, 409]
    events = await emitted_events("council.project_requested")
    assert events == [
        (
            "council.project_requested",
            {
                "topic": topic.id,
                "title": "文明养犬",
                "place": council.b10.id,
                "summary": "开展文明养犬共建项目",
                "topic_url": f"/c/test/council/topics/{topic.id}",
            },
        )
    ]
    topic = await Topic.get(id=topic.id)
    assert topic.state == DECIDED and topic.start_project


async def test_a_plain_decision_emits_nothing(council):
    topic = await make_topic(council)
    await to_state(council, topic, DECIDED)
    assert await emitted_events("council.project_requested") == []


async def test_a_refused_decision_emits_nothing(council):
    topic = await make_topic(council)  # proposed: cannot be decided yet
    with pytest.raises(services.WrongState):
        await services.decide(
            topic, "x", actor=await council.actor(council.member), start_project=True
        )
    assert await emitted_events("council.project_requested") == []


class ProjectCreated(msgspec.Struct):
    """What codesign sends (its plugin declares the type; the council only reads it)."""

    project: int
    topic: int | None
    title: str
    url: str


def _event(council, payload):
    return Event(
        uuid.uuid4(), "codesign.project_created", council.community.id, payload, datetime.now(UTC)
    )


async def test_a_started_project_is_noted_on_the_timeline_once(client, council):
    topic = await make_topic(council, title="文明养犬")
    await to_state(council, topic, DECIDED)
    payload = ProjectCreated(7, topic.id, "文明养犬共建", "/c/test/codesign/projects/7")
    await note_project_started(_event(council, payload))
    await note_project_started(_event(council, payload))  # delivered again
    entries = await TimelineEntry.filter(topic_id=topic.id, kind="project_started")
    assert len(entries) == 1 and entries[0].link == "/c/test/codesign/projects/7"
    assert (await Topic.get(id=topic.id)).state == IN_ACTION
    page = await client.get(f"{TOPICS}/{topic.id}")
    assert "Co-built project started" in page.text
    assert 'href="/c/test/codesign/projects/7"' in page.text


async def test_the_handler_ignores_projects_without_a_topic_and_foreign_links(council):
    topic = await make_topic(council)
    await note_project_started(_event(council, ProjectCreated(1, None, "x", "/p/1")))
    await note_project_started(_event(council, ProjectCreated(2, 987654, "x", "/p/2")))
    await note_project_started(
        _event(council, ProjectCreated(3, topic.id, "x", "javascript:alert(1)"))
    )
    entries = await TimelineEntry.filter(kind="project_started")
    assert [(e.topic_id, e.link) for e in entries] == [(topic.id, "")]


async def test_escalation_moves_the_topic_up_a_level(client, council):
    topic = await make_topic(council)
    leader = await make_account(
        "leader", council.community, "council_member", ("party_group_leader", council.group)
    )
    await log_in(client, "leader")
    url = f"{TOPICS}/{topic.id}/escalate"
    silent = await form_post(client, url, {"reason": " "})
    assert silent.status_code == 400
    done = await form_post(client, url, {"reason": "涉及整个小区的停车"})
    assert done.status_code == 200
    topic = await Topic.get(id=topic.id)
    assert topic.node_id == council.branch.id
    assert "Estate branch" in done.text
    steps = await Escalation.filter(matter_type="council.Topic", matter_id=str(topic.id))
    assert [(s.from_node_id, s.to_node_id, s.actor_id) for s in steps] == [
        (council.group.id, council.branch.id, leader.id)
    ]
    # the building group's leader may not raise it further from the branch
    again = await form_post(client, url, {"reason": "更大范围"})
    assert again.status_code == 403
    # the worker (whole community) raises it to the committee, and no further
    worker = await council.actor(council.worker)
    assert (await services.escalate_topic(topic, actor=worker, reason="全社区")).id == (
        council.committee.id
    )
    topic = await Topic.get(id=topic.id)
    with pytest.raises(services.CouncilError):
        await services.escalate_topic(topic, actor=worker, reason="再上")


async def test_action_items_follow_a_decision_and_overdue_ones_show(client, council):
    topic = await make_topic(council)
    actor = await council.actor(council.member)
    with pytest.raises(services.CouncilError):
        await services.add_action(
            topic, text="划线", owner="物业", due_on=datetime.now(UTC).date(), actor=actor
        )
    await to_state(council, topic, DECIDED)
    await log_in(client, "member")
    late = (datetime.now(UTC) - timedelta(days=3)).date().isoformat()
    response = await form_post(
        client,
        f"{TOPICS}/{topic.id}/actions",
        {"text": "划停放线", "owner": "物业周经理", "due_on": late},
    )
    assert response.status_code == 200 and "cn-overdue" in response.text
    assert (await Topic.get(id=topic.id)).state == IN_ACTION
    figures = await client.get("/c/test/council/figures")
    assert "划停放线" in figures.text
    bad = await form_post(
        client, f"{TOPICS}/{topic.id}/actions", {"text": "x", "owner": "y", "due_on": "tomorrow"}
    )
    assert bad.status_code == 400


async def _bulk_topics(council, n: int) -> None:
    start = datetime.now(UTC) - timedelta(days=n)
    topics = await Topic.bulk_create(
        [
            Topic(
                community_id=council.community.id,
                title=f"议题{i}",
                category="parking",
                node_id=council.group.id,
                place_id=council.b10.id,
                created_at=start + timedelta(hours=i),
            )
            for i in range(n)
        ],
        batch_size=500,
    )
    ids = list(
        await Topic.filter(community_id=council.community.id, needs__id__isnull=True)
        .order_by("id")
        .values_list("id", flat=True)
    )
    await Need.bulk_create(
        [
            Need(
                community_id=council.community.id,
                author_id=council.resident.id,
                text="n",
                category="parking",
                topic_id=tid,
                status=IN_TOPIC,
                support_count=3,
                created_at=start,
            )
            for tid in ids
            for _ in range(2)
        ],
        batch_size=500,
    )
    return topics


async def test_the_topic_list_runs_at_most_8_queries_at_10_and_500_topics(client, council):
    await log_in(client, "member")
    await _bulk_topics(council, 10)
    await client.get("/c/test/council/")
    forget_pages(client)
    with count_queries() as few:
        await client.get("/c/test/council/")
    await _bulk_topics(council, 490)
    forget_pages(client)
    with count_queries() as many:
        page = await client.get("/c/test/council/")
    assert len(few) == len(many) <= 8, many
    assert page.text.count('href="/c/test/council/topics/') == services.PER_PAGE
    assert "2 needs, 6 residents" in page.text
    client.cookies.clear()
    forget_pages(client)
    with count_queries() as anonymous:
        assert (await client.get("/c/test/council/")).status_code == 200
    assert len(anonymous) <= 8
