"""Each worker keeps the community, its enabled plugins, a visitor's grants and the
community's root place in memory, and forgets them the moment the database says they
changed (the ``site`` stamp, raised by triggers). Two application instances share one
database here, as two workers or two machines do: a change made through one — or
straight in the database — shows on the other's very next page."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import time_machine
from tortoise.transactions import in_transaction

from linli.domain.enablement import disable, enable
from linli.domain.permissions.models import Grant
from linli.domain.site_cache import read_stamps
from linli.kernel.models import Community
from linli.testing import count_queries, log_in, make_account
from linli.web.app import create_app

pytestmark = pytest.mark.linli_plugins("sample")


@asynccontextmanager
async def other_worker(settings, registry) -> AsyncIterator[httpx.AsyncClient]:
    """A second application on the same database (already open in this test), with
    its own memory."""
    app = create_app(settings, registry=registry)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver.local", follow_redirects=True
    ) as client:
        yield client


async def test_a_revoked_grant_is_refused_at_once_by_another_worker(
    linli_client, linli_community, linli_settings, linli_registry
):
    await make_account("boss", linli_community, "administrator")
    async with other_worker(linli_settings, linli_registry) as other:
        await log_in(other, "boss")
        assert (await other.get("/c/test/admin/roles")).status_code == 200
        with count_queries() as warm:
            assert (await other.get("/c/test/admin/roles")).status_code == 200
        assert not any("core_grant" in query for query in warm)  # kept in memory
        await Grant.filter(account__username="boss").update(ends_at=datetime.now(UTC))
        assert (await other.get("/c/test/admin/roles")).status_code == 404  # not of it now


async def test_switching_a_plugin_off_shows_everywhere_at_once(
    linli_client, linli_community, linli_settings, linli_registry
):
    async with other_worker(linli_settings, linli_registry) as other:
        assert (await other.get("/c/test/sample/")).status_code == 200
        assert (await linli_client.get("/c/test/sample/")).status_code == 200
        await disable(linli_community, "sample", linli_registry)
        assert (await other.get("/c/test/sample/")).status_code == 404
        assert (await linli_client.get("/c/test/sample/")).status_code == 404
        await enable(linli_community, "sample", linli_registry)
        assert (await other.get("/c/test/sample/")).status_code == 200


async def test_a_renamed_community_and_a_changed_password_show_at_once(
    linli_client, linli_community, linli_settings, linli_registry
):
    from linli.domain.identity.services import change_password
    from linli.testing import TEST_PASSWORD

    account = await make_account("worker", linli_community, "community_worker")
    async with other_worker(linli_settings, linli_registry) as other:
        await log_in(other, "worker")
        assert "测试社区" in (await other.get("/c/test/")).text
        await Community.filter(id=linli_community.id).update(name="江汉里")
        assert "江汉里" in (await other.get("/c/test/")).text
        await change_password(account, TEST_PASSWORD, "a new and long passphrase")
        page = await other.get("/c/test/admin/roles", follow_redirects=False)
        assert page.status_code in (302, 303, 401)  # the old session no longer counts


async def test_a_grant_that_ends_later_ends_on_time_in_memory(linli_client, linli_community):
    account = await make_account("night", linli_community, "administrator")
    end = datetime.now(UTC) + timedelta(hours=1)
    await Grant.filter(account_id=account.id).update(ends_at=end)
    await log_in(linli_client, "night")
    assert (await linli_client.get("/c/test/admin/roles")).status_code == 200
    with time_machine.travel(end + timedelta(seconds=1), tick=False):
        assert (await linli_client.get("/c/test/admin/roles")).status_code == 404  # not of it now


async def test_a_rolled_back_change_raises_no_stamp_and_a_committed_one_does(
    linli_client, linli_community
):
    before = (await read_stamps())["site"]
    with pytest.raises(RuntimeError):
        async with in_transaction():
            await Community.filter(id=linli_community.id).update(name="改名")
            raise RuntimeError("the request failed half-way")
    assert (await read_stamps())["site"] == before
    await Community.filter(id=linli_community.id).update(name="改名")
    assert (await read_stamps())["site"] > before


async def test_every_stamped_table_keeps_its_triggers_after_all_migrations(linli_community):
    """A migration that rebuilds a table (SQLite alters columns that way) loses the
    table's triggers; the stamps would then stop moving and caches would go stale."""
    from tortoise import connections

    from linli.domain.stamps import SITE

    client = connections.get("default")
    if client.capabilities.dialect == "postgres":
        _, rows = await client.execute_query(
            "SELECT tgname FROM pg_trigger WHERE tgname LIKE '%\\_stamp\\_%'"
        )
    else:
        _, rows = await client.execute_query(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        )
    names = {row[0] for row in rows}
    for table in ("core_community", "core_plugin_state", "core_grant", "core_account"):
        assert any(name.startswith(f"{table}_stamp_{SITE}") for name in names), table


async def test_two_writers_of_one_stamps_tables_never_wait_for_each_other(
    linli_community, linli_settings
):
    """Two transactions write two tables of one stamp (``people``): each waits for a row
    the other holds only if a trigger locked the stamp's row as it wrote — then they wait
    for each other ("deadlock detected" on PostgreSQL). Stamps are raised at the commit."""
    import asyncio

    from linli.domain.identity.models import Person, PersonTag

    if not linli_settings.database_url.startswith("postgres"):
        pytest.skip("SQLite has one writer at a time: nothing to lock against")
    import asyncpg

    one = await Person.create(community=linli_community, name="甲")
    two = await Person.create(community=linli_community, name="乙")
    before = (await read_stamps())["people"]
    first = await asyncpg.connect(linli_settings.database_url)
    second = await asyncpg.connect(linli_settings.database_url)
    for connection in (first, second):  # a wait past this is an error, not a hang
        await connection.execute("SET lock_timeout = '5s'")
    tag = "INSERT INTO core_person_tag (person_id, tag) VALUES ($1, $2)"
    rename = "UPDATE core_person SET name = $2 WHERE id = $1"
    try:
        started = first.transaction(), second.transaction()
        for transaction in started:
            await transaction.start()
        await first.execute(tag, one.id, "独居")
        await second.execute(rename, two.id, "乙二")
        waiting = asyncio.create_task(first.execute(rename, two.id, "乙三"))
        await asyncio.sleep(0.3)  # the first now waits for the second's row
        await asyncio.wait_for(second.execute(tag, two.id, "高龄"), timeout=10)
        await started[1].commit()
        await asyncio.wait_for(waiting, timeout=10)
        await started[0].commit()
    finally:
        first.terminate()  # at once, even with a statement still waiting
        second.terminate()
    assert (await Person.get(id=two.id)).name == "乙三"
    assert await PersonTag.filter(person_id__in=[one.id, two.id]).count() == 2
    assert (await read_stamps())["people"] == before + 2
