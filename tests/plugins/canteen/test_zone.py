"""The canteen's figures count welfare alerts by the month they were raised in the
site's time zone (its settings), not in a constant Asia/Shanghai."""

from datetime import UTC, datetime

import msgspec
import pytest

from linli.settings import Settings
from linli.testing import log_in
from linli.testing.databases import settings_for_test
from linli_canteen import services
from linli_canteen.models import WelfareAlert

from .conftest import order

pytestmark = pytest.mark.linli_plugins("canteen")


@pytest.fixture
def linli_settings(linli_database_url, linli_plugin_names, tmp_path) -> Settings:
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
    from linli.settings import current_zone

    assert current_zone() == services.ZoneInfo("Pacific/Honolulu")
    assert services.instance_zone() == services.ZoneInfo("Pacific/Honolulu")
