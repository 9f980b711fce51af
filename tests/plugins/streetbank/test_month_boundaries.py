"""Figures group by the community's local months: points earned at 00:30 on the 1st in
Wuhan count in the new month (and the new year), on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from linli_streetbank import services
from linli_streetbank.testing import earn

pytestmark = pytest.mark.linli_plugins("streetbank")

WUHAN = ZoneInfo("Asia/Shanghai")


async def _earn_at(bank, moment: datetime, hours: int, key: str) -> None:
    with time_machine.travel(moment, tick=False):
        await earn(
            bank.community,
            bank.resident,
            hours,
            category=bank.category,
            key=key,
            by=bank.worker,
            served_on=moment.date(),
        )


async def test_earnings_either_side_of_local_midnight_fall_in_their_local_month(bank):
    await _earn_at(bank, datetime(2025, 12, 31, 23, 59, tzinfo=WUHAN), 1, "old-year")
    await _earn_at(bank, datetime(2026, 1, 1, 0, 30, tzinfo=WUHAN), 2, "new-year")
    await _earn_at(bank, datetime(2026, 2, 28, 23, 59, tzinfo=WUHAN), 3, "end-of-feb")
    await _earn_at(bank, datetime(2026, 3, 1, 0, 1, tzinfo=WUHAN), 4, "start-of-march")
    figures = await services.figures(bank.community, 2026, zone=WUHAN)
    assert figures.issued_by_month[:3] == [20, 30, 40]  # 10 points an hour
    assert figures.issued == 90
    last_year = await services.figures(bank.community, 2025, zone=WUHAN)
    assert last_year.issued_by_month[11] == 10
    assert last_year.issued == 10
