"""The street bank's settings are kept by the core, per community: two communities
with different settings behave differently, an administrator changes them on the core's
settings page of the plugin, and an instance upgraded from the street bank's own settings
table keeps its values."""

from __future__ import annotations

import json

import pytest
from tortoise.connection import get_connection

from linli.kit import change_settings
from linli.testing import (
    form_post,
    log_in,
    make_account,
    make_community,
    make_person,
    migrate_to,
)
from linli_streetbank import services
from linli_streetbank.models import PENDING, POSTED, Adjustment
from linli_streetbank.settings import BankSettings

from .builders import make_member

pytestmark = pytest.mark.linli_plugins("streetbank")

SETTINGS = "/c/{slug}/admin/plugins/streetbank/settings"


async def _correct(client, slug: str, person: str, amount: int, key: str):
    form = {"person": person, "amount": str(amount), "reason": "补录", "request_key": key}
    return await form_post(client, f"/c/{slug}/streetbank/worker/adjust", form)


async def test_two_communities_with_different_settings_behave_differently(
    linli_client, linli_registry, bank
):
    other = await make_community("other", "江汉里二社区", linli_registry, plugins=["streetbank"])
    await make_member(other, "王大爷")
    clerk = await make_person(other, "赵社工")
    await make_account("clerk", other, "community_worker", "streetbank_clerk", person=clerk)
    # the other community's administrator lowers its limit on the settings page
    await make_account("admin2", other, "administrator")
    await log_in(linli_client, "admin2")
    page = await linli_client.get(SETTINGS.format(slug="other"))
    assert page.status_code == 200 and "经办人每笔无需批准即可调整的积分" in page.text
    form = {"expiry_enabled": "", "voucher_days": "14", "adjust_limit": "30",
            "adjust_daily_limit": "200"}  # fmt: skip
    saved = await form_post(linli_client, SETTINGS.format(slug="other"), form)
    assert saved.status_code == 200 and "设置已保存。" in saved.text
    await form_post(linli_client, "/logout", {})
    # the same correction of 40 points: posted here, waiting for approval there
    await log_in(linli_client, "worker")
    here = await _correct(linli_client, "test", "张阿姨", 40, "a1")
    assert "已记录调整：张阿姨 +40 积分。" in here.text
    await form_post(linli_client, "/logout", {})
    await log_in(linli_client, "clerk")
    there = await _correct(linli_client, "other", "王大爷", 40, "b1")
    assert "为王大爷调整 +40 积分超出了您的权限：需等待另一人批准后才入账。" in there.text
    states = {row.community_id: row.status for row in await Adjustment.all().order_by("id")}
    assert states == {bank.community.id: POSTED, other.id: PENDING}
    # the street bank's own page shows each community its own rules
    worker_page = await linli_client.get("/c/other/streetbank/worker/accounts")
    assert "每笔不超过 30 积分、每天合计不超过 200 积分的调整立即入账" in worker_page.text


async def test_the_bank_reads_its_settings_from_the_core(bank):
    assert await services.settings_of(bank.community) == BankSettings()
    await change_settings(bank.community, "streetbank", {"voucher_days": "30"}, actor=None)
    assert (await services.settings_of(bank.community)).voucher_days == 30
    assert (await services.settings_of(bank.community.id)).voucher_days == 30


async def test_the_old_settings_page_leads_to_the_core_and_the_settings_need_an_admin(
    linli_client, bank
):
    await log_in(linli_client, "worker")
    assert (await linli_client.get(SETTINGS.format(slug="test"))).status_code == 403
    await make_account("admin", bank.community, "administrator", "streetbank_supervisor")
    await form_post(linli_client, "/logout", {})
    await log_in(linli_client, "admin")
    page = await linli_client.get("/c/test/streetbank/worker/settings")
    assert page.status_code == 200
    assert f'href="{SETTINGS.format(slug="test")}"' in page.text
    assert "兑换券有效期为 14 天。" in page.text


async def _stored() -> dict[int, dict]:
    """The core's rows of street bank settings: community id → the values stored."""
    rows = await get_connection("default").execute_query_dict(
        "SELECT community_id, \"values\" FROM core_plugin_settings WHERE plugin = 'streetbank'"
    )
    return {
        row["community_id"]: json.loads(row["values"])
        if isinstance(row["values"], str)
        else row["values"]
        for row in rows
    }


async def test_an_upgraded_instance_keeps_its_street_bank_settings(
    linli_settings, linli_registry, linli_db, linli_community
):
    """A database at the street bank's previous migration, with its settings in its own
    table, is migrated: the values are in the core's table, and the table is gone."""
    other = await make_community("other", "江汉里二社区", linli_registry)
    connection = get_connection("default")
    previous = "streetbank.0002_adjustments_maker_checker"
    await migrate_to(linli_settings, linli_registry, previous)
    for community, row in (
        (linli_community, "TRUE, 30, 50, 200"),  # longer vouchers, yearly expiry
        (other, "FALSE, 14, 50, 200"),  # all defaults
    ):
        await connection.execute_script(
            "INSERT INTO streetbank_settings (community_id, expiry_enabled, voucher_days, "
            f"adjust_limit, adjust_daily_limit, updated_at) VALUES ({community.id}, {row}, "
            "CURRENT_TIMESTAMP)"
        )
    await migrate_to(linli_settings, linli_registry)
    settings = await services.settings_of(linli_community)
    assert (settings.expiry_enabled, settings.voucher_days, settings.adjust_limit) == (
        True, 30, 50,
    )  # fmt: skip
    assert await services.settings_of(other) == BankSettings()
    # only what differs from the defaults is stored
    assert await _stored() == {
        linli_community.id: {"expiry_enabled": True, "voucher_days": 30},
        other.id: {},
    }
    with pytest.raises(Exception, match="streetbank_settings"):
        await connection.execute_query("SELECT * FROM streetbank_settings")
    # and undone: the values go back to the street bank's table
    await migrate_to(linli_settings, linli_registry, previous)
    rows = await connection.execute_query_dict(
        "SELECT community_id, voucher_days FROM streetbank_settings ORDER BY community_id"
    )
    assert [(r["community_id"], r["voucher_days"]) for r in rows] == [
        (linli_community.id, 30), (other.id, 14),
    ]  # fmt: skip
    assert await _stored() == {}
    await migrate_to(linli_settings, linli_registry)
    assert (await services.settings_of(linli_community)).voucher_days == 30
