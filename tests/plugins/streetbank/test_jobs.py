"""The street bank's jobs and what it tells (issue 17): a resident is told of points
credited (in the daily digest by default), three days before a voucher expires (once),
and when it lapses by itself with the points given back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from linli.testing import notifications_of, run_jobs
from linli_streetbank import services
from linli_streetbank.models import LAPSED, Voucher

pytestmark = pytest.mark.linli_plugins("streetbank")
ZONE = ZoneInfo("Asia/Shanghai")


async def test_vouchers_are_reminded_once_and_lapse_by_themselves(bank, linli_registry):
    await bank.earn(bank.resident, 2, "e")
    [credited] = await notifications_of(bank.resident_account)
    assert credited["kind"] == "streetbank.points_credited" and credited["values"]["points"] == "20"
    issued_at = datetime(2026, 3, 2, 10, 0, tzinfo=ZONE).astimezone(UTC)
    voucher = (
        await services.redeem(
            bank.community,
            person=bank.resident,
            item=bank.item,
            actor=await bank.actor(bank.resident_account),
            key="r",
            now=issued_at,
        )
    ).value
    expires = (await Voucher.get(id=voucher.id)).expires_at.astimezone(ZONE)
    three_before = expires.replace(hour=9, minute=0) - timedelta(days=3)
    await run_jobs(linli_registry, three_before - timedelta(days=1))
    await run_jobs(linli_registry, three_before)
    await run_jobs(linli_registry, three_before + timedelta(minutes=5))
    kinds = [n["kind"] for n in await notifications_of(bank.resident_account)]
    assert kinds.count("streetbank.voucher_expiring") == 1
    await run_jobs(linli_registry, expires - timedelta(minutes=1))
    assert (await Voucher.get(id=voucher.id)).status != LAPSED
    await run_jobs(linli_registry, expires + timedelta(hours=1))
    assert (await Voucher.get(id=voucher.id)).status == LAPSED
    told = await notifications_of(bank.resident_account)
    assert told[-1]["kind"] == "streetbank.voucher_expired"
    assert told[-1]["values"]["points"] == "10"
