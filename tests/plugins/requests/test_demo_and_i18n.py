"""The demo year of requests and round-tables, and the Chinese catalogue."""

import time
from pathlib import Path

import pytest

import linli_requests
from linli.kit import Account
from linli.testing import (
    log_in,
    make_account,
    make_place,
    make_resident,
    missing_translations,
    placeholder_mismatches,
)
from linli_requests.demo import seed
from linli_requests.models import AgendaItem, Meeting, Request, Update

PACKAGE = Path(linli_requests.__file__).parent


@pytest.mark.linli_plugins("requests")
async def test_the_demo_is_a_year_of_requests_and_round_tables(linli_community):
    started = time.monotonic()
    lines = await seed(linli_community)
    assert time.monotonic() - started < 20, lines
    assert await Request.filter(community=linli_community).count() > 300
    assert await Meeting.filter(community=linli_community).count() >= 50
    # every request has its history
    assert await Update.filter(kind="created").count() == await Request.all().count()
    assert await AgendaItem.filter(decided_at__isnull=False).count() > 100
    await seed(linli_community)
    assert await Meeting.filter(community=linli_community).count() >= 50


def test_the_chinese_catalogue_is_complete():
    assert missing_translations(PACKAGE) == []


def test_placeholders_survive_translation():
    assert placeholder_mismatches(PACKAGE) == []


@pytest.mark.linli_plugins("requests")
async def test_the_demo_resident_is_asked_whether_the_light_is_fixed(linli_client, linli_community):
    building = await make_place(linli_community, "building", "10栋")
    await make_resident(linli_community, building, "张阿姨", username="resident")
    await make_account("community_worker", linli_community, "community_worker")
    await seed(linli_community)
    await log_in(linli_client, "resident")
    page = await linli_client.get("/c/test/requests/")
    assert page.status_code == 200 and "真的解决了吗" in page.text
    assert await Account.filter(username="resident").exists()
