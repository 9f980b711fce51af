"""The care pages as carers, grid workers and care workers see them: a constant number
of queries (at most 8) however many rows, who may open what, and "disabled → 404"."""

from datetime import date

import pytest

from linli.testing import disable_plugin, log_in, make_resident, page_queries
from linli_care import services
from linli_care.models import Member
from linli_care.testing import make_carer, make_programme, make_visit

pytestmark = pytest.mark.linli_plugins("care")

BASE = "/c/test/care/"


async def more(kit, n: int) -> None:
    for i in range(n):
        person, _ = await make_resident(
            kit.community, kit.building, f"老人{i}", born=date(1936, 1, 1), tags=["独居"]
        )
        await make_carer(person, kit.carer)
        await make_visit(kit.community, person, kit.worker, outcome="help")
    await services.recompute(kit.community, services.local_day(services.now_utc()))
    await Member.all().update(due_on=date(2026, 1, 1))


@pytest.mark.parametrize(
    ("user", "path"),
    [
        ("carer", ""),
        ("worker", "overdue/"),
        ("worker", "coverage/"),
        ("grid", "followups/"),
        ("worker", "groups/"),
        ("worker", "programmes/"),
        ("worker", "people/{elder}"),
        ("carer", "people/{elder}/notes"),
        ("carer", "visit/{elder}"),
        ("worker", "groups/{group}"),
        ("worker", "groups/{group}/edit"),
    ],
)
async def test_pages_make_a_constant_number_of_queries(linli_client, kit, user, path):
    await make_programme(kit.community)
    url = BASE + path.format(elder=kit.elder.id, group=kit.group.id)
    await log_in(linli_client, user)
    await more(kit, 1)
    few = await page_queries(linli_client, url)
    await more(kit, 5)
    many = await page_queries(linli_client, url)
    assert len(many) == len(few) <= 8, "\n".join(many)


async def test_the_widget_shows_coverage_to_the_care_worker(linli_client, kit):
    await log_in(linli_client, "worker")
    home = await linli_client.get("/c/test/")
    assert "高龄独居 100%" in home.text and "1人中1人按时走访" in home.text


@pytest.mark.parametrize(
    ("path", "user", "status"),
    [
        ("coverage/", "carer", 403),
        ("groups/", "grid", 403),
        ("overdue/", "resident", 403),
        ("coverage/", "worker", 200),
        ("overdue/", "grid", 200),
        ("programmes/", "resident", 200),
    ],
)
async def test_who_may_open_what(linli_client, kit, path, user, status):
    await log_in(linli_client, user)
    assert (await linli_client.get(BASE + path)).status_code == status


async def test_a_disabled_plugin_answers_404_and_keeps_its_data(linli_client, linli_registry, kit):
    await disable_plugin(kit.community, "care", linli_registry)
    await log_in(linli_client, "worker")
    assert (await linli_client.get(BASE + "coverage/")).status_code == 404
    assert await Member.filter(person=kit.elder).count() == 1


async def test_the_page_of_someone_in_no_group_with_a_carer_stays_within_eight(linli_client, kit):
    lonely, _ = await make_resident(kit.community, kit.building, "孙爷爷", born=date(1960, 1, 1))
    await make_carer(lonely, kit.carer)
    await log_in(linli_client, "carer")
    url = f"{BASE}people/{lonely.id}"
    few = await page_queries(linli_client, url)
    for outcome in ("well", "help", "concerns"):
        await make_visit(kit.community, lonely, kit.worker, outcome=outcome)
    many = await page_queries(linli_client, url)
    assert len(many) == len(few) <= 8, "\n".join(many)
