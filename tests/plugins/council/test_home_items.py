"""The home's "For you": a resident's open needs, a party group leader's topics waiting
at their group; not another resident's, not another level's, not another community's."""

import pytest

from linli.testing import for_you, grant_role, log_in, make_account, make_community
from linli_council import testing as builders

pytestmark = pytest.mark.linli_plugins("council")


async def need(council, author, text):
    return await builders.make_need(
        council.community, author, text, category="parking", by=council.worker
    )


async def test_a_resident_sees_their_open_needs_only(client, council):
    await need(council, council.resident, "电动车乱停")
    await need(council, council.resident, "路灯太暗")
    await need(council, council.neighbour, "垃圾桶太少")
    await log_in(client, "resident")
    items = await for_you(client)
    assert items["My needs"].value == "2"
    assert items["My needs"].href == "/c/test/council/needs/mine"
    assert "Waiting for me" not in items
    await builders.make_topic(
        council.community,
        [await need(council, council.resident, "停车难")],
        title="规范电动车停放",
        category="parking",
        node=council.group,
        place=council.b10,
        by=council.member,
    )
    assert (await for_you(client))["My needs"].value == "2"  # the third is in a topic now


async def test_a_group_leader_sees_the_topics_waiting_at_their_group(client, council):
    leader = await make_account("leader", council.community)
    await grant_role(leader, council.community, "party_group_leader", council.group)
    await builders.make_topic(
        council.community,
        [await need(council, council.resident, "电动车乱停")],
        title="规范电动车停放",
        category="parking",
        node=council.group,
        place=council.b10,
        by=council.member,
    )
    await log_in(client, "leader")
    items = await for_you(client)
    assert items["Waiting for me"].value == "1"
    assert items["Waiting for me"].href == "/c/test/council/worklist"
    await log_in(client, "worker")  # the community committee's level: not the group's
    assert "Waiting for me" not in await for_you(client)


async def test_another_communitys_home_has_none_of_it(client, council, linli_registry):
    await make_community("other", "别的社区", linli_registry, plugins=["council"])
    await need(council, council.resident, "电动车乱停")
    await log_in(client, "resident")
    assert "My needs" not in await for_you(client, "other")
