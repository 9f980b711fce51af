"""The demo seeder fills a register's community quickly and consistently, and the daily
command orders the standing meals."""

import time
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from linli.kit import PersonTag
from linli_canteen import demo, services
from linli_canteen.models import DayCapacity, DeliveryRun, Order, StandingOrder
from linli_canteen.testing import make_diner

from .conftest import DAY

pytestmark = pytest.mark.linli_plugins("canteen")


async def test_the_demo_seeds_menus_orders_runs_and_accounts(kit, linli_bus):
    for i in range(6):
        person = await make_diner(kit.community, f"独居{i}", home=None)
        await PersonTag.create(person=person, tag="独居")
    await services.Canteen.filter(id=kit.canteen.id).delete()
    started = time.monotonic()
    lines = await demo.seed(kit.community)
    assert time.monotonic() - started < 10
    assert lines[0].startswith("canteen: 江汉里幸福食堂")
    assert any("meal_volunteer / linli-demo" in line for line in lines)
    assert await StandingOrder.all().count() == 6
    today = services.local_day(services.now_utc())
    assert await services.MenuItem.filter(day=today + timedelta(days=7)).exists()
    assert await Order.filter(day=today).count() > 0
    assert await DeliveryRun.all().count() == 0  # nobody here has a home to deliver to
    for row in await DayCapacity.all():
        live = await Order.filter(day=row.day, period=row.period).exclude(status="cancelled")
        assert row.taken == len(live) <= row.capacity
    assert await demo.seed(kit.community) == []  # once only


def test_the_standing_command_is_registered():
    from linli_canteen import canteen_command

    result = CliRunner().invoke(canteen_command, ["standing", "--help"])
    assert result.exit_code == 0 and "standing orders" in result.output


async def test_place_standing_orders_reports_what_it_did(kit):
    await services.save_standing(kit.community, person=kit.resident, canteen=kit.canteen,
                                 starts_on=DAY, actor=None)  # fmt: skip
    from .conftest import BEFORE

    report = await services.place_standing_orders(kit.community, DAY, now=BEFORE)
    assert (report.placed, report.already, report.refused) == (1, 0, [])
    later = await services.place_standing_orders(kit.community, DAY + timedelta(days=1),
                                                 now=BEFORE)  # fmt: skip
    assert later.refused and later.placed == 0  # no menu on Tuesday
    assert date(2026, 3, 16) == DAY
