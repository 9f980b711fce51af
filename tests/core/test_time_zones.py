"""Datetimes reach the database in UTC, so a range bounded by local days or months
selects the same rows on SQLite (text comparison) as on PostgreSQL (instants)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from tortoise.connection import get_connection

from linli.domain.audit.models import AuditEntry
from linli.domain.db import repair_sqlite_times
from linli.kernel.sessions import StoredValue
from linli.testing import TEST_DATABASE_VARIABLE, make_account
from linli.testing.plugin import clock_instant

from .test_admin import ADMIN, _admin

WUHAN = ZoneInfo("Asia/Shanghai")
#: Midnight starting 4 December 2026 in Wuhan: 16:00 UTC on the 3rd.
MIDNIGHT = datetime(2026, 12, 4, tzinfo=WUHAN)


async def _expiring(*moments: datetime) -> None:
    for n, moment in enumerate(moments):
        await StoredValue.create(key=f"k{n}", value=b"", expires_at=moment)


async def _keys(**filters: object) -> set[str]:
    return set(await StoredValue.filter(**filters).values_list("key", flat=True))


async def test_gte_lt_and_range_bounded_by_local_days_compare_instants(linli_db):
    await _expiring(
        datetime(2026, 12, 3, 15, 59, tzinfo=UTC),  # 23:59 on the 3rd in Wuhan
        datetime(2026, 12, 3, 16, 1, tzinfo=UTC),  # 00:01 on the 4th
        datetime(2026, 12, 3, 22, 30, tzinfo=UTC),  # 06:30 on the 4th
        datetime(2026, 12, 4, 15, 59, 59, 500000, tzinfo=UTC),  # 23:59:59.5 on the 4th
    )
    next_midnight = MIDNIGHT + timedelta(days=1)
    assert await _keys(expires_at__gte=MIDNIGHT) == {"k1", "k2", "k3"}
    assert await _keys(expires_at__lt=MIDNIGHT) == {"k0"}
    assert await _keys(expires_at__range=(MIDNIGHT, next_midnight)) == {"k1", "k2", "k3"}
    assert await _keys(expires_at__gte=MIDNIGHT, expires_at__lt=next_midnight) == {
        "k1",
        "k2",
        "k3",
    }
    assert await _keys(expires_at__gt=next_midnight - timedelta(seconds=1)) == {"k3"}


async def test_a_value_updated_in_local_time_is_stored_as_the_same_instant(linli_db):
    await _expiring(datetime(2026, 12, 3, 12, 0, tzinfo=UTC))
    await StoredValue.filter(key="k0").update(expires_at=MIDNIGHT + timedelta(hours=6, minutes=30))
    assert await _keys(expires_at__gte=MIDNIGHT) == {"k0"}
    assert await _keys(expires_at__lt=MIDNIGHT + timedelta(hours=6)) == set()
    stored = await StoredValue.get(key="k0")
    assert stored.expires_at == datetime(2026, 12, 3, 22, 30, tzinfo=UTC)


@pytest.mark.skipif(bool(os.environ.get(TEST_DATABASE_VARIABLE)), reason="SQLite's text only")
async def test_migrate_rewrites_old_local_time_text_in_utc(linli_db):
    await _expiring(datetime(2026, 12, 3, 12, 0, tzinfo=UTC))
    connection = get_connection("default")
    await connection.execute_query(
        "UPDATE core_stored_value SET expires_at = '2026-12-04 06:30:00.250000+08:00'"
    )
    seven = MIDNIGHT + timedelta(hours=7)  # 23:00 UTC, after the row's 22:30 UTC
    assert await _keys(expires_at__lt=seven) == set()  # what an old row did
    assert await repair_sqlite_times() == 1
    rows = await connection.execute_query_dict("SELECT expires_at FROM core_stored_value")
    assert rows == [{"expires_at": "2026-12-03 22:30:00.250000+00:00"}]
    assert await _keys(expires_at__lt=seven) == {"k0"}
    assert await repair_sqlite_times() == 0  # idempotent


@pytest.mark.parametrize("local", ["00:10", "07:30", "23:50"])
async def test_todays_audit_entries_at_any_hour_of_the_local_day(
    linli_client, linli_community, local
):
    instant = clock_instant(local)
    with time_machine.travel(instant - timedelta(days=1), tick=False):
        await AuditEntry.create(community=linli_community, action="yesterday.edit")
    with time_machine.travel(instant, tick=True):
        await _admin(linli_client, linli_community)
        await AuditEntry.create(community=linli_community, action="today.edit")
        today = instant.date().isoformat()
        page = await linli_client.get(f"{ADMIN}/audit", params={"since": today, "until": today})
        everything = await linli_client.get(f"{ADMIN}/audit")
    assert page.status_code == 200
    assert everything.text.count('class="audit-entry"') == 2
    assert page.text.count('class="audit-entry"') == 1
    entry = page.text[page.text.index('class="audit-entry"') :]
    assert "today.edit" in entry and "yesterday.edit" not in entry


async def test_the_clock_option_reads_local_hours():
    instant = clock_instant("07:30")
    assert (instant.hour, instant.minute) == (7, 30)
    assert instant.utcoffset() == timedelta(hours=8)
    assert instant.date() == datetime.now(WUHAN).date()


async def test_accounts_made_under_a_moved_clock_log_in(linli_client, linli_community):
    with time_machine.travel(clock_instant("00:10"), tick=True):
        await make_account("night", linli_community)
        response = await linli_client.post("/login", data={})
    assert response.status_code in (400, 403)  # no CSRF token: refused, not a crash


async def test_code_without_a_request_knows_the_sites_zone(linli_settings, linli_db):
    """Widgets and hooks get no request: the database's opening records the site's
    zone for them (here the test's own settings)."""
    from linli.kernel.settings import current_zone

    assert current_zone() == linli_settings.zone
