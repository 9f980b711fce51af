"""The home's "For you": a carer's people whose visit is due, care staff's overdue
visits where they work; nobody else's, nothing of another community."""

from datetime import date

import pytest

from linli.testing import for_you, log_in, make_community
from linli_care.models import Member

pytestmark = pytest.mark.linli_plugins("care")


@pytest.fixture(autouse=True)
def in_english(linli_client):
    linli_client.cookies.set("linli_lang", "en")


async def test_a_carer_sees_the_people_whose_visit_is_due(linli_client, kit):
    await Member.filter(person=kit.elder).update(due_on=date(2099, 1, 1))
    await log_in(linli_client, "carer")
    assert "People to visit" not in await for_you(linli_client)  # not due yet
    await Member.filter(person=kit.elder).update(due_on=date(2026, 1, 10))
    items = await for_you(linli_client)
    assert items["People to visit"].value == "1" and items["People to visit"].urgent
    assert items["People to visit"].href == "/c/test/care/"
    assert "Visits overdue" not in items  # a carer is not care staff
    await log_in(linli_client, "resident")
    assert "People to visit" not in await for_you(linli_client)


async def test_care_staff_see_the_overdue_visits_where_they_work(linli_client, kit):
    await Member.filter(person=kit.elder).update(due_on=date(2026, 1, 10))
    await log_in(linli_client, "worker")
    assert (await for_you(linli_client))["Visits overdue"].value == "1"
    await log_in(linli_client, "grid10")  # another building's grid worker
    assert "Visits overdue" not in await for_you(linli_client)


async def test_another_communitys_home_has_none_of_it(linli_client, kit, linli_registry):
    await make_community("other", "别的社区", linli_registry, plugins=["care"])
    await Member.filter(person=kit.elder).update(due_on=date(2026, 1, 10))
    await log_in(linli_client, "carer")
    assert "People to visit" not in await for_you(linli_client, "other")
