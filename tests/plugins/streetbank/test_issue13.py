"""Issue 13, as it concerns the street bank: balances and names on the pages, the home
page's widget against the figures page, forms that answer a refusal with the form
again, a message after every write, a confirmation before what cannot be undone, names
instead of ledger keys, a demo catalogue that makes sense and the consequences of
switching the plugin off."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from linli.testing import form_post, log_in, make_household, make_place
from linli_streetbank import services
from linli_streetbank.models import Entry, LedgerAccount, ServiceRecord, Voucher
from linli_streetbank.testing import make_member

pytestmark = pytest.mark.linli_plugins("streetbank")

BASE = "/c/test/streetbank"


def _key(html: str) -> str:
    return re.search(r'name="request_key" value="([^"]+)"', html).group(1)


def _figure(html: str, name: str) -> int:
    found = re.search(rf'data-figure="{name}">(-?\d+)<', html)
    assert found, f"no figure {name}"
    return int(found.group(1))


def _main(html: str) -> str:
    return html.split("<main", 1)[1]


async def _redeem(bank, person, account, item=None, key="r"):
    return (
        await services.redeem(
            bank.community, person=person, item=item or bank.item,
            actor=await bank.actor(account), key=key,
        )
    ).value  # fmt: skip


# ------------------------------------------------------------------ 1. balance shown


async def test_my_points_page_shows_the_balance(linli_client, bank):
    await bank.earn(bank.resident, "1.2", "e")  # 1.2 hours at 10 points: 12 points
    await log_in(linli_client, "zhang")
    page = await linli_client.get(f"{BASE}/me")
    assert page.status_code == 200
    assert '<span class="sb-number">12</span>' in page.text


async def test_the_workers_account_page_shows_name_and_balance(linli_client, bank):
    await bank.earn(bank.resident, "1.2", "e")
    account = await LedgerAccount.get(person_id=bank.resident.id)
    await log_in(linli_client, "worker")
    page = await linli_client.get(f"{BASE}/worker/accounts/{account.id}")
    assert page.status_code == 200
    assert "<h1>张阿姨</h1>" in page.text
    assert '<span class="sb-number">12</span>' in page.text


# ------------------------------------------------------------ 6. the home page widget


async def test_the_widget_shows_the_figures_pages_totals(linli_client, bank):
    wang, wang_account = await make_member(bank.community, "王大爷", username="wang")
    liu, _ = await make_member(bank.community, "刘奶奶")
    await bank.earn(bank.resident, 3, "e1")  # 30
    await bank.earn(bank.resident, 2, "e2")  # 20
    await bank.earn(wang, 4, "e3")  # 40
    await bank.earn(liu, 1, "e4")  # 10
    # last year's points count in last year, not in this one
    last_year = services.year_start(services.now_utc().year) - timedelta(days=3)
    await services.record_service(
        bank.community, person=liu, category=bank.category, quantity=5,
        served_on=last_year.date(), key="old", actor=await bank.actor(bank.worker),
        now=last_year,
    )  # fmt: skip
    item_b = await services.save_item(
        bank.community, partner_id=bank.other_partner.id, title="体检", price=15
    )
    await _redeem(bank, bank.resident, bank.resident_account, key="r1")  # 10
    await _redeem(bank, bank.resident, bank.resident_account, item_b, key="r2")  # 15
    cancelled = await _redeem(bank, wang, wang_account, item_b, key="r3")  # 15, refunded
    await services.cancel_voucher(cancelled, actor=await bank.actor(wang_account))
    await _redeem(bank, wang, wang_account, key="r4")  # 10
    earned = await Entry.get(idempotency_key="e4")
    await services.reverse_entry(earned, actor=await bank.actor(bank.worker), reason="记错了")

    await log_in(linli_client, "worker")
    figures = await linli_client.get(f"{BASE}/figures/")
    home = await linli_client.get("/c/test/")
    assert figures.status_code == home.status_code == 200
    assert _figure(figures.text, "issued") == 30 + 20 + 40 + 10 - 10 == 90
    assert _figure(figures.text, "redeemed") == 10 + 15 + 15 - 15 + 10 == 35
    assert _figure(home.text, "issued") == _figure(figures.text, "issued")
    assert _figure(home.text, "redeemed") == _figure(figures.text, "redeemed")
    assert _figure(home.text, "partners") == 2


async def test_year_totals_is_one_sum_per_figure(bank):
    for index in range(5):
        await bank.earn(bank.resident, 1, f"e{index}")
    issued, redeemed = await services.year_totals(bank.community, services.now_utc().year)
    assert (issued, redeemed) == (50, 0)
