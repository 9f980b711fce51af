"""The demo year of requests and round-tables, and the Chinese catalogue."""

import time
from pathlib import Path

import pytest

import linli_requests
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
