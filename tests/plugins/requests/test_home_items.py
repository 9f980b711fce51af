"""The home's "For you": a reporter's open requests and those waiting for "is it
fixed?", a worker's triage and work list; never another's, never another community's."""

from datetime import timedelta

import pytest

from linli.testing import for_you, log_in, make_community
from linli_requests.models import Request
from linli_requests.testing import make_request, move

pytestmark = pytest.mark.linli_plugins("requests")


async def test_a_reporter_sees_their_open_requests_and_the_question_waiting(client, world):
    leak = await make_request(world.community, world.resident, "leak", by=world.resident_account)
    await make_request(world.community, world.resident, "garbage", by=world.resident_account)
    await make_request(world.community, world.neighbour, "lift", by=world.neighbour_account)
    await log_in(client, "resident")
    items = await for_you(client)
    assert items["My requests"].value == "2"
    assert items["My requests"].href == "/c/test/requests/mine"
    assert "Is it fixed?" not in items  # nothing fixed yet: no question
    await move(leak, "fixed", by=world.staff, note="已修好")
    await Request.filter(id=leak.id).update(confirm_at=leak.created_at - timedelta(hours=1))
    items = await for_you(client)
    assert items["My requests"].value == "1"
    assert items["Is it fixed?"].value == "1" and items["Is it fixed?"].urgent
    assert "Work list" not in items  # a resident has no worklist


async def test_another_resident_sees_only_their_own(client, world):
    await make_request(world.community, world.resident, "leak", by=world.resident_account)
    await log_in(client, "neighbour")
    assert "My requests" not in await for_you(client)


async def test_staff_see_their_bodies_requests_only(client, world):
    await make_request(world.community, world.resident, "leak", by=world.resident_account)
    await make_request(world.community, world.neighbour, "thrown", by=world.neighbour_account)
    await log_in(client, "staff")  # property staff: the leak, not the police's report
    items = await for_you(client)
    assert items["Work list"].value == "1"
    assert items["Work list"].href == "/c/test/requests/work/open"


async def test_another_communitys_requests_never_show(client, world, linli_registry):
    """The resident's request is of their community: on another community's home
    (where the plugin is on too) "For you" has nothing of it."""
    await make_community("other", "别的社区", linli_registry, plugins=["requests"])
    await make_request(world.community, world.resident, "leak", by=world.resident_account)
    await log_in(client, "resident")
    assert (await for_you(client, "test"))["My requests"].value == "1"
    assert "My requests" not in await for_you(client, "other")
