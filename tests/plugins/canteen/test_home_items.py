"""The home's "For you": a diner's meal of today, a volunteer's runs of today, a duty
worker's welfare alerts; another diner's meal never, another community's never."""

import pytest
import time_machine

from linli.testing import for_you, log_in, make_account, make_community
from linli_canteen import services
from linli_canteen.testing import make_diner

from .conftest import AFTER, BEFORE, DAY, order

pytestmark = pytest.mark.linli_plugins("canteen")


@pytest.fixture(autouse=True)
def in_english(linli_client):
    linli_client.cookies.set("linli_lang", "en")


async def test_a_diner_sees_todays_meal_or_the_way_to_the_menu(linli_client, kit):
    await log_in(linli_client, "zhang")
    with time_machine.travel(BEFORE, tick=False):
        items = await for_you(linli_client)
        assert items["Today's meal"].value == ""
        assert items["Today's meal"].note == "Nothing ordered for today: see the menu"
        await order(kit, kit.resident, kit.resident_account)
        items = await for_you(linli_client)
    assert items["Today's meal"].value == "红烧武昌鱼套餐"
    assert items["Today's meal"].href == "/c/test/canteen/orders"
    assert "Welfare alerts" not in items  # a diner is on no duty
    with time_machine.travel(DAY.replace(day=17), tick=False):  # the next day
        assert (await for_you(linli_client))["Today's meal"].value == ""


async def test_another_diner_does_not_see_it(linli_client, kit):
    await order(kit, kit.resident, kit.resident_account)
    neighbour = await make_diner(kit.community, "李爷爷")
    await make_account("li", kit.community, "canteen_diner", person=neighbour)
    await log_in(linli_client, "li")
    with time_machine.travel(BEFORE, tick=False):
        assert (await for_you(linli_client))["Today's meal"].value == ""


async def test_a_volunteer_sees_their_runs_of_today(linli_client, kit):
    await order(kit, kit.resident, kit.resident_account, mode="delivery")
    runs = await services.build_runs(kit.canteen, DAY, "lunch", now=AFTER)
    await services.assign_run(runs[0], kit.volunteer_person, actor=None)
    await log_in(linli_client, "helper")
    with time_machine.travel(AFTER, tick=False):
        items = await for_you(linli_client)
    assert items["My delivery runs today"].value == "1"
    assert items["My delivery runs today"].href == "/c/test/canteen/runs/"


async def test_another_communitys_home_has_none_of_it(linli_client, kit, linli_registry):
    await make_community("other", "别的社区", linli_registry, plugins=["canteen"])
    await order(kit, kit.resident, kit.resident_account)
    await log_in(linli_client, "zhang")
    with time_machine.travel(BEFORE, tick=False):
        assert "Today's meal" not in await for_you(linli_client, "other")
