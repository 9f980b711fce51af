"""The test kit's own guarantees: what tests share (the app, the templates, the cheap
password hasher) and what each test gets fresh (its database, the app's state, its
registry), on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import os
import textwrap
import uuid
from pathlib import Path

import argon2
import pytest

from linli.domain import db
from linli.domain.communities import create_community
from linli.domain.identity import passwords
from linli.domain.identity.models import Account
from linli.kernel.models import Community
from linli.kernel.registry import PluginRegistry
from linli.kernel.settings import load_settings
from linli.testing import (
    TEST_DATABASE_VARIABLE,
    TestDatabases,
    log_in,
    make_account,
    make_household,
    make_person,
    make_place,
    make_resident,
    settings_for_test,
)
from linli.testing.databases import run_prefix

from ..conftest import SAMPLE_PLUGINS

pytestmark = pytest.mark.linli_plugins("sample")

TEST_PARAMETERS = argon2.Parameters(
    type=argon2.Type.ID,
    version=19,
    salt_len=16,
    hash_len=32,
    time_cost=1,
    memory_cost=8,
    parallelism=1,
)


def _parameters_of(password_hash: str) -> argon2.Parameters:
    return argon2.extract_parameters(password_hash)


def test_production_and_demo_hash_with_the_recommended_parameters(tmp_path):
    secret = "s" * 40
    try:
        for mode in ("production", "demo"):
            passwords.configure(load_settings(tmp_path, env={}, mode=mode, secret_key=secret))
            made = passwords.hash_password("a long passphrase")
            assert _parameters_of(made) == argon2.profiles.RFC_9106_LOW_MEMORY
            assert passwords.verify_password(made, "a long passphrase")
    finally:
        passwords.configure(settings_for_test(tmp_path, "sqlite://:memory:", []))


def test_test_instances_hash_cheaply_and_still_verify_real_hashes(tmp_path):
    passwords.configure(settings_for_test(tmp_path, "sqlite://:memory:", []))
    made = passwords.hash_password("a long passphrase")
    assert _parameters_of(made) == TEST_PARAMETERS
    real = passwords.PRODUCTION_HASHER.hash("a long passphrase")
    assert passwords.verify_password(real, "a long passphrase")
    assert not passwords.verify_password(real, "another passphrase")


async def test_opening_a_test_database_chooses_the_test_hasher(linli_db):
    assert passwords.current_hasher() is passwords.TEST_HASHER


async def test_builders_make_a_resident_who_can_log_in(linli_client, linli_community):
    building = await make_place(linli_community, "building", "10栋", code="10")
    person, account = await make_resident(
        linli_community, building, "张阿姨", username="zhang", tags=["独居"]
    )
    assert account is not None and account.person_id == person.id
    assert _parameters_of(account.password_hash) == TEST_PARAMETERS
    spouse = await make_person(linli_community, "张伯伯")
    flat = await make_place(linli_community, "household", "10-1-101", parent=building)
    household = await make_household(linli_community, flat, spouse)
    assert household.code == f"h-{flat.id}"
    committee = await make_place(linli_community, "party_committee", "社区党委")
    assert committee.parent_id is None and committee.tree != building.tree
    await log_in(linli_client, "zhang")
    page = await linli_client.get("/account/password")
    assert page.status_code == 200 and "/logout" in page.text


async def test_every_account_of_a_world_shares_one_precomputed_hash(linli_community):
    first = await make_account("one", linli_community)
    second = await make_account("two", linli_community)
    assert first.password_hash == second.password_hash
    other = await make_account("three", linli_community, password="another-secret")
    assert other.password_hash != first.password_hash


async def _make_rows(url: str, tmp_path: Path) -> tuple[int, int]:
    """Write a community (with its tree, roles and an account), and return the ids."""
    settings = settings_for_test(tmp_path, url, ["sample"])
    registry = PluginRegistry.discover(settings)
    await db.open_database(settings, registry)
    try:
        community = await create_community("x", "某社区", registry)
        account = await make_account("somebody", community, "community_worker")
        return community.id, account.id
    finally:
        await db.close_database()


async def _count_rows(url: str, tmp_path: Path) -> int:
    settings = settings_for_test(tmp_path, url, ["sample"])
    await db.open_database(settings, PluginRegistry.discover(settings))
    try:
        return await Community.all().count() + await Account.all().count()
    finally:
        await db.close_database()


async def test_a_database_comes_back_empty_with_its_ids_restarted(linli_databases, tmp_path):
    url = await linli_databases.copy(["sample"], tmp_path)
    first_ids = await _make_rows(url, tmp_path)
    await linli_databases.release(url)
    (tmp_path / "linli.sqlite3").unlink(missing_ok=True)
    again = await linli_databases.copy(["sample"], tmp_path)
    try:
        assert await _count_rows(again, tmp_path) == 0
        assert await _make_rows(again, tmp_path) == first_ids  # sequences restarted
    finally:
        await linli_databases.release(again)
    if linli_databases.server_url:
        assert again == url  # the pooled database, not a new one


@pytest.mark.skipif(not os.environ.get(TEST_DATABASE_VARIABLE), reason="PostgreSQL pools databases")
async def test_a_pooled_database_whose_schema_changed_is_replaced(linli_databases, tmp_path):
    import asyncpg

    url = await linli_databases.copy(["sample"], tmp_path)
    connection = await asyncpg.connect(url)
    try:
        await connection.execute("CREATE TABLE stray (id int)")
    finally:
        await connection.close()
    await linli_databases.release(url)
    again = await linli_databases.copy(["sample"], tmp_path)
    try:
        assert again != url
        connection = await asyncpg.connect(again)
        try:
            assert await connection.fetchval("SELECT to_regclass('stray')") is None
        finally:
            await connection.close()
    finally:
        await linli_databases.release(again)
    assert again.rsplit("/", 1)[1].startswith(run_prefix())


def test_templates_are_shared_by_the_workers_of_a_run(tmp_path, linli_databases):
    """A second process (another worker) finds the template the first one made."""
    import asyncio

    folder = tmp_path / "shared"
    server = linli_databases.server_url
    first, second = TestDatabases(folder, server), TestDatabases(folder, server)
    # Templates of their own: closing ``first`` drops its templates, which the other
    # workers' tests of this run must keep using.
    first.prefix = second.prefix = f"{run_prefix()}_kit{uuid.uuid4().hex[:6]}"

    async def both() -> tuple[str, str]:
        one = await first.copy(["sample"], tmp_path / "a")
        two = await second.copy(["sample"], tmp_path / "b")
        await first.release(one)
        await second.release(two)
        return first.templates[("sample",)].name, second.templates[("sample",)].name

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    try:
        made, found = asyncio.run(both())
    finally:
        asyncio.run(second.close(templates=False))
        asyncio.run(first.close())
    assert made == found
    assert len(list(folder.glob("*.json"))) == 1  # migrated once


INNER_TESTS = """
import pytest

from linli.domain.hierarchy.models import Node
from linli.kernel.models import Community
from linli.kernel.plugins import NavItem, hookimpl
from linli.testing import log_in, make_account

pytestmark = pytest.mark.linli_plugins("sample")
SEEN = {}


class Extra:
    @hookimpl
    def linli_nav_items(self, community):
        return [NavItem("Extra", "extra/", order=1)]


async def test_one_changes_the_app(linli_app, linli_client, linli_community, linli_settings):
    SEEN["app"], SEEN["site"] = linli_app, dict(vars(linli_app.state.site))
    assert linli_app.state.site.settings is linli_settings
    linli_app.state["leak"] = "from test one"
    linli_app.state.site.theme = None
    await make_account("worker", linli_community, "community_worker")
    await log_in(linli_client, "worker")


async def test_two_gets_it_as_built(
    linli_app, linli_client, linli_db, linli_settings, linli_registry
):
    assert linli_app is SEEN["app"]  # shared, not rebuilt
    assert "leak" not in linli_app.state
    assert linli_app.state.site.theme is SEEN["site"]["theme"]
    assert linli_app.state.site.settings is linli_settings  # this test's own
    assert await Community.all().count() == 0 and await Node.all().count() == 0
    account = await linli_client.get("/account/password", follow_redirects=False)
    assert account.status_code in (302, 303, 401)  # nobody is logged in
    linli_registry.pm.register(Extra(), name="extra")


async def test_three_gets_a_registry_as_discovered(
    linli_app, linli_client, linli_community, linli_registry
):
    assert linli_registry.pm.get_plugin("extra") is None
    assert linli_app is not SEEN["app"]  # the changed registry's app was dropped
    page = await linli_client.get("/c/test/")
    assert page.status_code == 200 and "Extra" not in page.text
"""


def test_nothing_a_test_does_to_the_shared_app_reaches_the_next(pytester, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(SAMPLE_PLUGINS))
    pytester.makepyprojecttoml(
        textwrap.dedent(
            """
            [tool.pytest.ini_options]
            asyncio_mode = "auto"
            asyncio_default_fixture_loop_scope = "function"
            """
        )
    )
    pytester.makepyfile(test_inner=INNER_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)
