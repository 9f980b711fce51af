"""The demo runs by itself (issue 17, acceptance 3): on the next days' clock, with no
command and no click, the canteen's standing orders are placed each morning and the
street bank's vouchers lapse when their time is up, their points going back."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from linli.cli import seed_demo_community
from linli.domain.worker import Background
from linli.kernel.models import Community
from linli_canteen.models import Order
from linli_streetbank.models import ISSUED, LAPSED, Voucher

pytestmark = pytest.mark.linli_plugins("canteen", "streetbank")
ZONE = ZoneInfo("Asia/Shanghai")


async def test_standing_orders_and_voucher_expiry_happen_by_themselves(
    linli_db, linli_registry, linli_settings
):
    await seed_demo_community(linli_registry)
    community = await Community.get(slug="jianghanli")
    background = Background.of(linli_registry, linli_settings)
    today = datetime.now(ZONE).date()
    in_two_days = today + timedelta(days=2)
    assert not await Order.filter(community_id=community.id, day=in_two_days).exists()
    issued = await Voucher.filter(community_id=community.id, status=ISSUED).count()
    assert issued
    morning = datetime.combine(in_two_days, time(6, 1), tzinfo=ZONE).astimezone(UTC)
    with time_machine.travel(morning, tick=False):
        await background.tick()
    standing = Order.filter(community_id=community.id, day=in_two_days, standing_id__isnull=False)
    assert await standing.count() > 0
    later = datetime.now(UTC) + timedelta(days=120)
    with time_machine.travel(later, tick=False):
        await background.tick()
    assert await Voucher.filter(community_id=community.id, status=ISSUED).count() == 0
    assert await Voucher.filter(community_id=community.id, status=LAPSED).count() >= issued
