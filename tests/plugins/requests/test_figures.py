"""The figures against known numbers, the dashboard widget and the person's page."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from linli.testing import log_in
from linli_requests import services
from linli_requests.testing import make_request, move

pytestmark = pytest.mark.linli_plugins("requests")

JAN = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)


async def test_the_years_figures(client, world):
    """Four requests: a leak answered after 2 h and fixed after 2 days (in target), a
    leak answered after 4 h and fixed after 10 days (late: 7 days) then reopened, a
    street light in March never answered, one of the year before (left out)."""
    staff = world.staff
    with time_machine.travel(JAN, tick=False):
        first = await make_request(
            world.community, world.resident, "leak", by=world.resident_account
        )
        second = await make_request(
            world.community, world.resident, "leak", by=world.resident_account
        )
    with time_machine.travel(JAN + timedelta(hours=2), tick=False):
        await move(first, "in_progress", by=staff)
    with time_machine.travel(JAN + timedelta(hours=4), tick=False):
        await move(second, "in_progress", by=staff)
    with time_machine.travel(JAN + timedelta(days=2), tick=False):
        await move(first, "fixed", by=staff)
    with time_machine.travel(JAN + timedelta(days=10), tick=False):
        await move(second, "fixed", by=staff)
    with time_machine.travel(JAN + timedelta(days=11), tick=False):
        await move(second, "reopened", by=staff)
    with time_machine.travel(datetime(2026, 3, 2, 2, 0, tzinfo=UTC), tick=False):
        await make_request(
            world.community, world.neighbour, "streetlight", by=world.neighbour_account
        )
    with time_machine.travel(datetime(2025, 12, 1, 2, 0, tzinfo=UTC), tick=False):
        await make_request(
            world.community, world.neighbour, "streetlight", by=world.neighbour_account
        )
    data = await services.figures(world.community, 2026)
    assert data.total == 3
    assert dict(data.by_category) == {"漏水": 2, "路灯不亮": 1}
    assert dict(data.by_body) == {"江汉里物业": 3}
    assert dict(data.by_month)["1"] == 2 and dict(data.by_month)["3"] == 1
    assert data.median_response_hours == 3.0  # 2 h and 4 h
    # the reopened one lost its fix: one fix, in target
    assert data.median_fix_days == 2.0 and data.within_target == 100
    assert data.reopen_rate == 50  # of the two settled, one reopened
    await log_in(client, "worker")
    page = await client.get("/c/test/requests/figures?year=2026")
    assert page.status_code == 200 and "Leak" in page.text and "Requests per month" in page.text
    assert (await client.get("/c/test/requests/figures?year=99999")).status_code == 400


async def test_the_widget_and_the_persons_page(client, world):
    await make_request(world.community, world.resident, "leak", by=world.resident_account)
    await make_request(
        world.community,
        world.resident,
        "neighbour",
        by=world.resident_account,
        description="楼上装修太吵",
    )
    await log_in(client, "worker")
    home = await client.get("/c/test/")
    assert home.status_code == 200 and "2 open requests, 0 overdue." in home.text
    person = await client.get(f"/c/test/register/people/{world.resident.id}")
    assert person.status_code == 200, person.status_code
    assert "Leak" in person.text or "漏水" in person.text
