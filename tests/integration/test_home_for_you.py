"""The home of a logged-in visitor with every bundled plugin on: "For you" first, and
the whole page within 8 queries for a resident and for a worker, as many with a
history as on the first day (the items of all plugins are one statement)."""

import pytest

from linli.testing import (
    for_you,
    log_in,
    make_account,
    make_person,
    make_place,
    make_resident,
    page_queries,
)
from linli_council import testing as council
from linli_requests.testing import make_request

PLUGINS = ("streetbank", "canteen", "council", "requests", "volunteers", "care", "mediation")
pytestmark = pytest.mark.linli_plugins(*PLUGINS, "codesign")


@pytest.fixture
async def people(linli_community):
    building = await make_place(linli_community, "building", "3栋", code="3")
    resident, account = await make_resident(
        linli_community,
        building,
        "张阿姨",
        username="resident",
        roles=["resident", "streetbank_member", "canteen_diner"],
    )
    worker = await make_account(
        "worker",
        linli_community,
        "community_worker",
        person=await make_person(linli_community, "李社工"),
    )
    return resident, account, worker


async def grow(linli_community, resident, account, worker) -> None:
    """A history: needs and requests of the resident, and of others."""
    building = await make_place(linli_community, "building", "10栋", code="10")
    for i in range(6):
        other, other_account = await make_resident(
            linli_community, building, f"邻居{i}", username=f"n{i}"
        )
        for author, by in ((resident, account), (other, other_account)):
            await council.make_need(
                linli_community, author, f"需求{i}", category="parking", by=worker
            )
            await make_request(linli_community, author, "leak", by=by)


@pytest.mark.parametrize("username", ["resident", "worker"])
async def test_the_home_stays_within_8_queries(linli_client, linli_community, people, username):
    await log_in(linli_client, username)
    first = await page_queries(linli_client, "/c/test/")
    await grow(linli_community, *people)
    grown = await page_queries(linli_client, "/c/test/")
    assert len(grown) == len(first), "\n".join(grown)
    assert len(grown) <= 8, "\n".join(grown)


async def test_for_you_comes_first_and_holds_the_visitors_own(
    linli_client, linli_community, people
):
    linli_client.cookies.set("linli_lang", "en")
    await grow(linli_community, *people)
    await log_in(linli_client, "resident")
    page = (await linli_client.get("/c/test/")).text
    assert page.index('id="for-you"') < page.index('class="widgets"')
    items = await for_you(linli_client)
    assert items["My needs"].value == "6"
    assert items["My requests"].value == "6"
    assert items["Today's meal"].note == "Nothing ordered for today: see the menu"
    await log_in(linli_client, "worker")
    items = await for_you(linli_client)
    assert items["Work list"].value == "12"  # every open request: the worker's worklist
    assert "My requests" not in items


async def test_anonymous_visitors_see_the_home_as_before(linli_client, people):
    page = (await linli_client.get("/c/test/")).text
    assert 'id="for-you"' not in page
    assert len(await page_queries(linli_client, "/c/test/")) <= 4
