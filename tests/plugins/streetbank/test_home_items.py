"""The home's "For you": a member's points and unused vouchers, for them only and of
this community only."""

import pytest

from linli.testing import for_you, log_in, make_community
from linli_streetbank import services

from .builders import make_member

pytestmark = pytest.mark.linli_plugins("streetbank")


@pytest.fixture(autouse=True)
def in_english(linli_client):
    linli_client.cookies.set("linli_lang", "en")


async def test_a_member_sees_their_points_and_vouchers(linli_client, bank):
    await log_in(linli_client, "zhang")
    items = await for_you(linli_client)
    assert items["My points"].value == ""  # none yet: what to do instead
    assert "volunteer" in items["My points"].note
    assert "My vouchers" not in items
    await bank.earn(bank.resident, 3, "s1")  # 3 hours at 10 points
    actor = await bank.actor(bank.resident_account)
    await services.redeem(
        bank.community, person=bank.resident, item=bank.item, actor=actor, key="r1"
    )
    items = await for_you(linli_client)
    assert items["My points"].value == "20"
    assert items["My points"].href == "/c/test/streetbank/me"
    assert items["My vouchers"].value == "1"


async def test_another_member_sees_only_their_own(linli_client, bank):
    await bank.earn(bank.resident, 3, "s1")
    await make_member(bank.community, "李大爷", username="li")
    await log_in(linli_client, "li")
    items = await for_you(linli_client)
    assert items["My points"].value == ""
    assert "Corrections to approve" not in items  # not an approver


async def test_another_community_shows_none_of_it(linli_client, bank, linli_registry):
    await make_community("other", "别的社区", linli_registry, plugins=["streetbank"])
    await bank.earn(bank.resident, 3, "s1")
    await log_in(linli_client, "zhang")
    assert (await for_you(linli_client))["My points"].value == "30"
    # not a member there: no points of theirs, and no street bank items at all
    assert "My points" not in await for_you(linli_client, "other")
