"""The home's "For you": a volunteer's shifts of today and the calls they answered,
the hours a leader may approve (never their own); nothing of another community."""

from datetime import UTC, date, datetime, timedelta

import pytest

from linli.testing import for_you, log_in, make_community
from linli_volunteers import services
from linli_volunteers.models import Hours
from linli_volunteers.testing import make_call, make_shift

pytestmark = pytest.mark.linli_plugins("volunteers")


@pytest.fixture(autouse=True)
def in_english(linli_client):
    linli_client.cookies.set("linli_lang", "en")


async def entry_of(kit, volunteer):
    return await Hours.create(
        community=kit.community, volunteer=volunteer, reference=f"shift:{volunteer.id}",
        title="助老送餐", team=kit.team, category="meal-delivery", day=date(2026, 3, 16),
        hours=2.0, scheduled=2.0, status="pending",
    )  # fmt: skip


async def test_a_volunteer_sees_todays_shift_and_the_call_they_answered(linli_client, kit):
    now = datetime.now(UTC)
    today = await make_shift(kit.community, starts_at=now + timedelta(minutes=5))
    later = await make_shift(kit.community, "社区巡逻", starts_at=now + timedelta(days=2))
    for shift in (today, later):
        await services.sign_up(shift.id, kit.helper, now=now)
    call = await make_call(kit.community)
    await services.accept(call.id, kit.helper, now=now)
    await log_in(linli_client, "helper")
    items = await for_you(linli_client)
    # a shift 5 minutes away may be tomorrow just before midnight: count today's only
    starts_today = (now + timedelta(minutes=5)).astimezone(services.current_zone()).date() == (
        now.astimezone(services.current_zone()).date()
    )
    if starts_today:
        assert items["My shifts today"].value == "1"
    assert items["Calls I answered"].value == "1"
    assert items["Calls I answered"].href == "/c/test/volunteers/"
    assert "Hours to approve" not in items
    await log_in(linli_client, "neighbour")  # another volunteer: none of it
    items = await for_you(linli_client)
    assert "My shifts today" not in items and "Calls I answered" not in items


async def test_leaders_see_the_hours_they_may_approve_but_not_their_own(linli_client, kit):
    await entry_of(kit, kit.helper)
    await entry_of(kit, kit.leader)
    await log_in(linli_client, "leader")  # leads the team: the helper's, not their own
    assert (await for_you(linli_client))["Hours to approve"].value == "1"
    await log_in(linli_client, "worker")  # the community worker: both
    items = await for_you(linli_client)
    assert items["Hours to approve"].value == "2" and items["Hours to approve"].urgent
    await log_in(linli_client, "helper")
    assert "Hours to approve" not in await for_you(linli_client)


async def test_another_communitys_home_has_none_of_it(linli_client, kit, linli_registry):
    await make_community("other", "别的社区", linli_registry, plugins=["volunteers"])
    await entry_of(kit, kit.helper)
    await log_in(linli_client, "worker")
    assert "Hours to approve" not in await for_you(linli_client, "other")
