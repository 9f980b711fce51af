"""The canteen's figures count welfare alerts by the month they were raised in the
site's time zone (its settings), not in a constant Asia/Shanghai."""

from datetime import UTC, date, datetime

import msgspec
import pytest
import time_machine

from linli.kit import current_zone
from linli.testing import log_in, settings_for_test
from linli_canteen import linli_disable_consequences, services
from linli_canteen.models import WelfareAlert

from .conftest import order

pytestmark = pytest.mark.linli_plugins("canteen")


@pytest.fixture
def linli_settings(linli_database_url, linli_plugin_names, tmp_path):
    """A site in Honolulu (UTC−10 all year)."""
    settings = settings_for_test(tmp_path, linli_database_url, linli_plugin_names)
    return msgspec.structs.replace(settings, time_zone="Pacific/Honolulu")


async def test_alert_figures_use_the_site_s_time_zone(linli_client, kit):
    placed = await order(kit, kit.resident)
    # 05:00 UTC on 1 April: 31 March in Honolulu, 1 April in Wuhan
    await WelfareAlert.create(
        community=kit.community,
        order_id=placed.id,
        person=kit.resident,
        node=kit.building,
        raised_at=datetime(2026, 4, 1, 5, 0, tzinfo=UTC),
    )
    march = await services.figures(kit.community, 2026, 3, services.ZoneInfo("Pacific/Honolulu"))
    assert march.alerts == 1
    await log_in(linli_client, "worker")
    page = await linli_client.get("/c/test/canteen/figures/?month=2026-03")
    assert page.status_code == 200
    assert '<span class="ct-number">1</span> 次无人应门提醒' in page.text
    april = await linli_client.get("/c/test/canteen/figures/?month=2026-04")
    assert '<span class="ct-number">0</span> 次无人应门提醒' in april.text


async def test_the_widget_and_hooks_know_the_site_s_zone(linli_db):
    """Code without a request (widgets, hooks) takes the site's zone, not Wuhan's."""
    assert current_zone() == services.ZoneInfo("Pacific/Honolulu")
    assert services.instance_zone() == services.ZoneInfo("Pacific/Honolulu")


async def test_switching_off_counts_the_meals_of_the_site_s_today(kit):
    """The meals of 17 March are today's meals from midnight in Honolulu: at 20:00 UTC
    on the 16th (already the 17th in Wuhan) switching the canteen off stops none."""
    item = await services.set_menu_item(
        kit.canteen, day=date(2026, 3, 17), period="lunch", dish=kit.dish, price=1500
    )
    await order(kit, kit.resident, menu_item=item, mode="delivery")
    deliveries, dine_in, _alerts = linli_disable_consequences(kit.community)
    with time_machine.travel(datetime(2026, 3, 16, 20, 0, tzinfo=UTC), tick=False):
        assert await deliveries.count(kit.community) == 0
    with time_machine.travel(datetime(2026, 3, 17, 20, 0, tzinfo=UTC), tick=False):
        assert await deliveries.count(kit.community) == 1
        assert await dine_in.count(kit.community) == 0
