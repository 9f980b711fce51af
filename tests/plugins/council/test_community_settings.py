"""The council's settings are kept by the core: its old settings page leads to the
core's settings page of the plugin, and an instance upgraded from the council's own
settings table keeps its target and ranking level."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from tortoise.connection import get_connection

from linli.testing import log_in, make_account, make_community, migrate_to
from linli_council import services
from linli_council.settings import CouncilSettings

pytestmark = pytest.mark.linli_plugins("council")

SETTINGS = "/c/test/admin/plugins/council/settings"


async def test_the_old_settings_page_leads_to_the_cores(client, council):
    await log_in(client, "worker")
    topics = await client.get("/c/test/council/")
    assert 'href="/c/test/council/settings"' not in topics.text  # no tab for the worker
    assert (await client.get("/c/test/council/settings")).status_code == 403
    await make_account("admin", council.community, "administrator")
    await log_in(client, "admin")
    topics = await client.get("/c/test/council/")
    assert 'href="/c/test/council/settings"' in topics.text  # the Settings tab
    moved = await client.get("/c/test/council/settings", follow_redirects=False)
    assert moved.status_code == 301 and moved.headers["location"] == SETTINGS
    page = await client.get(SETTINGS)
    assert "Settings of Neighbours&#39; council" in page.text
    assert 'name="closure_target" type="number" value="80"' in page.text
    assert '<option value="building" selected>Building</option>' in page.text
    assert "never a flat" in page.text


async def _stored() -> dict[int, dict]:
    """The core's rows of council settings: community id → the values stored."""
    rows = await get_connection("default").execute_query_dict(
        "SELECT community_id, \"values\" FROM core_plugin_settings WHERE plugin = 'council'"
    )
    return {
        row["community_id"]: json.loads(row["values"])
        if isinstance(row["values"], str)
        else row["values"]
        for row in rows
    }


async def test_an_upgraded_instance_keeps_its_council_settings(
    linli_settings, linli_registry, linli_db, linli_community
):
    """A database at the council's previous migration, with its settings in its own
    table, is migrated: the target (a share, 0.700) becomes a percentage (70), the
    ranking level is kept, defaults are not stored, and the old table is gone."""
    other = await make_community("other", "江汉里二社区", linli_registry)
    connection = get_connection("default")
    previous = "council.0002_waivers_ranking_level"
    await migrate_to(linli_settings, linli_registry, previous)
    for community, row in ((linli_community, "0.700, 'estate'"), (other, "0.800, 'building'")):
        await connection.execute_script(
            "INSERT INTO council_settings (community_id, closure_target, ranking_level, "
            f"updated_at) VALUES ({community.id}, {row}, CURRENT_TIMESTAMP)"
        )
    await migrate_to(linli_settings, linli_registry)
    settings = await services.settings_of(linli_community)
    assert (settings.closure_target, settings.ranking_level) == (70, "estate")
    assert await services.settings_of(other) == CouncilSettings()
    assert await _stored() == {
        linli_community.id: {"closure_target": 70, "ranking_level": "estate"},
        other.id: {},
    }
    figures = await services.figures(linli_community, 2026, today=date(2026, 12, 4))
    assert figures.target == Decimal("0.700")
    with pytest.raises(Exception, match="council_settings"):
        await connection.execute_query("SELECT * FROM council_settings")
    # and undone: the values go back to the council's table
    await migrate_to(linli_settings, linli_registry, previous)
    rows = await connection.execute_query_dict(
        "SELECT community_id, closure_target, ranking_level FROM council_settings "
        "ORDER BY community_id"
    )
    assert [
        (r["community_id"], Decimal(str(r["closure_target"])), r["ranking_level"]) for r in rows
    ] == [(linli_community.id, Decimal("0.7"), "estate"), (other.id, Decimal("0.8"), "building")]
    assert await _stored() == {}
    await migrate_to(linli_settings, linli_registry)
    assert (await services.settings_of(linli_community)).closure_target == 70
