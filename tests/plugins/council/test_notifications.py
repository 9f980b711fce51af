"""What the council tells (issue 17): the author of a need hears that it became a topic
and what was decided; the branch secretary hears of a topic escalated to the branch,
and the building-group leader who raised it does not hear of it."""

from __future__ import annotations

import pytest

from linli.kit import Account
from linli.testing import make_account, notifications_of
from linli_council import services
from linli_council.models import DECIDED

from .test_topics import make_topic, to_state

pytestmark = pytest.mark.linli_plugins("council")


async def test_the_author_hears_of_the_topic_and_the_decision(council):
    topic = await make_topic(council)
    author = await Account.get(person_id=council.resident.id)
    [told] = await notifications_of(author)
    assert told["kind"] == "council.need_in_topic" and told["subject"] == "规范电动车停放"
    assert told["link"].endswith(f"/council/topics/{topic.id}")
    await to_state(council, topic, DECIDED)
    kinds = [n["kind"] for n in await notifications_of(author)]
    assert kinds == ["council.need_in_topic", "council.topic_decided"]
    neighbour = await Account.get(person_id=council.neighbour.id)
    assert await notifications_of(neighbour) == []


async def test_the_level_receiving_an_escalated_topic_is_told(council):
    topic = await make_topic(council)
    leader = await make_account(
        "leader", council.community, "council_member", ("party_group_leader", council.group)
    )
    secretary = await make_account(
        "secretary", council.community, ("branch_secretary", council.branch)
    )
    await services.escalate_topic(topic, actor=await council.actor(leader), reason="涉及整个小区")
    [told] = await notifications_of(secretary)
    assert told["kind"] == "core.matter_escalated" and told["subject"] == "规范电动车停放"
    assert told["values"]["reason"] == "涉及整个小区"
    assert await notifications_of(leader) == []
