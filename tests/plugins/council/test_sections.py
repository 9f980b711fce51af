"""The council's tabs, built by the core from its sections: each visitor sees the tabs
they may open, the tab of the page they are on marked, and the navigation link."""

import re

import pytest

from linli.testing import log_in, make_account

pytestmark = pytest.mark.linli_plugins("council")

COUNCIL = "/c/test/council"


def _tabs(page: str) -> list[str]:
    start = page.index('class="section-tabs"')
    bar = page[start : page.index("</nav>", start)]
    return re.findall(r">([^<]+)</a>", bar)


def _current(page: str) -> list[str]:
    return re.findall(r'aria-current="page">([^<]+)</a>', page)


async def test_a_visitor_sees_the_public_tabs_and_the_navigation_link(client, council):
    page = await client.get(f"{COUNCIL}/figures")
    assert page.status_code == 200
    assert _tabs(page.text) == ["Topics", "Figures"]
    assert _current(page.text) == ["Figures"]
    assert f'href="{COUNCIL}/"' in (await client.get("/c/test/")).text


async def test_a_resident_sees_the_residents_tabs_with_the_current_one_marked(client, council):
    await log_in(client, "resident")
    needs = await client.get(f"{COUNCIL}/needs/")
    assert _tabs(needs.text) == [
        "Topics", "Needs", "Raise a need", "My needs", "Meetings", "Figures",
    ]  # fmt: skip
    assert _current(needs.text) == ["Needs"]
    assert _current((await client.get(f"{COUNCIL}/needs/mine")).text) == ["My needs"]
    assert _current((await client.get(f"{COUNCIL}/meetings/")).text) == ["Meetings"]


async def test_the_staff_see_their_work_the_ranking_and_the_settings(client, council):
    await log_in(client, "worker")
    tabs = _tabs((await client.get(f"{COUNCIL}/worklist")).text)
    assert tabs[-3:] == ["Waiting for me", "Needs by support", "Figures"]
    # The settings are the administrator's (they switch plugins on and configure them).
    await make_account("admin", council.community, "administrator")
    await log_in(client, "admin")
    assert _tabs((await client.get(f"{COUNCIL}/figures")).text)[-1] == "Settings"
    await log_in(client, "member")
    tabs = _tabs((await client.get(f"{COUNCIL}/needs/ranking")).text)
    assert "Needs by support" in tabs and "Settings" not in tabs
