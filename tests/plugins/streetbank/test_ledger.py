"""The ledger's rules: earning, redeeming, verifying, cancelling, expiring and
correcting, each as balanced, append-only entries that verify."""

from datetime import UTC, date, datetime, timedelta

import pytest

from linli.kit import AuditEntry, change_settings
from linli_streetbank import services
from linli_streetbank.models import (
    CANCELLED,
    LAPSED,
    USED,
    CatalogueItem,
    Entry,
    LedgerAccount,
    Posting,
    ServiceRecord,
)

from .builders import make_member

pytestmark = pytest.mark.linli_plugins("streetbank")


async def assert_ledger_ok():
    report = await services.verify_ledger()
    assert report.ok, report.lines()


async def test_worker_records_service_and_points_are_credited_at_once(bank):
    done = await bank.earn(bank.resident, 2, "k1")
    assert not done.duplicate
    assert done.value.points == 20
    assert await services.balance_of(bank.resident) == 20
    entry = await Entry.get(id=done.value.entry_id)
    assert entry.actor_id == bank.worker.id
    assert entry.created_at.tzinfo is not None
    assert sorted(await Posting.filter(entry=entry).values_list("amount", flat=True)) == [-20, 20]
    await assert_ledger_ok()


async def test_the_same_form_twice_moves_points_once(bank):
    first = await bank.earn(bank.resident, "1.5", "same-key")
    again = await bank.earn(bank.resident, "1.5", "same-key")
    assert again.duplicate and again.value.id == first.value.id
    assert await services.balance_of(bank.resident) == 15
    assert await ServiceRecord.all().count() == 1
    await assert_ledger_ok()


async def test_a_worker_may_not_credit_themselves(bank):
    worker_person = await bank.worker.person
    with pytest.raises(services.NotAllowed):
        await bank.earn(worker_person, 1, "self")
    assert await Entry.all().count() == 0


@pytest.mark.parametrize("quantity", ["0", "-1", "abc", "25", "NaN"])
async def test_bad_quantities_change_nothing(bank, quantity):
    with pytest.raises(services.StreetbankError):
        await bank.earn(bank.resident, quantity, f"bad-{quantity}")
    assert await Entry.all().count() == 0


async def _redeem(bank, person, account, key, item=None, **kwargs):
    return await services.redeem(
        bank.community,
        person=person,
        item=item or bank.item,
        actor=await bank.actor(account),
        key=key,
        **kwargs,
    )


async def test_redeem_verify_by_own_partner_only(bank):
    await bank.earn(bank.resident, 2, "e")
    voucher = (await _redeem(bank, bank.resident, bank.resident_account, "r1")).value
    assert await services.balance_of(bank.resident) == 10
    assert len(voucher.code) == services.CODE_LENGTH
    # The other partner's operator neither finds nor may verify it.
    with pytest.raises(services.NotAllowed):
        await services.verify_voucher(
            bank.partner, voucher.code, actor=await bank.actor(bank.other_operator)
        )
    with pytest.raises(services.VoucherNotFound):
        await services.verify_voucher(
            bank.other_partner, voucher.code, actor=await bank.actor(bank.other_operator)
        )
    used = await services.verify_voucher(
        bank.partner, voucher.code.lower(), actor=await bank.actor(bank.operator)
    )
    assert used.status == USED and used.used_by_id == bank.operator.id
    with pytest.raises(services.VoucherClosed):
        await services.verify_voucher(
            bank.partner, voucher.code, actor=await bank.actor(bank.operator)
        )
    with pytest.raises(services.VoucherClosed):
        await services.cancel_voucher(used, actor=await bank.actor(bank.resident_account))
    partner_account = await services.partner_account(bank.partner)
    assert partner_account.balance == 10
    await assert_ledger_ok()


async def test_the_same_redemption_twice_issues_one_voucher(bank):
    await bank.earn(bank.resident, 5, "e")
    first = await _redeem(bank, bank.resident, bank.resident_account, "same")
    again = await _redeem(bank, bank.resident, bank.resident_account, "same")
    assert again.duplicate and again.value.id == first.value.id
    assert await services.balance_of(bank.resident) == 40


async def test_not_enough_points_changes_nothing(bank):
    await bank.earn(bank.resident, "0.5", "e")
    await services.save_item(
        bank.community, item=bank.item, partner_id=bank.partner.id, title="理发", price=10, stock=3
    )
    item = await CatalogueItem.get(id=bank.item.id)
    with pytest.raises(services.InsufficientPoints):
        await _redeem(bank, bank.resident, bank.resident_account, "r", item=item)
    assert (await CatalogueItem.get(id=item.id)).stock == 3
    assert await Entry.filter(kind="redeem").count() == 0
    assert await services.balance_of(bank.resident) == 5


async def test_cancel_returns_points_stock_and_monthly_count(bank):
    await bank.earn(bank.resident, 5, "e")
    item = await services.save_item(
        bank.community, item=bank.item, partner_id=bank.partner.id, title="理发", price=10,
        stock=2, monthly_limit=1,
    )  # fmt: skip
    voucher = (await _redeem(bank, bank.resident, bank.resident_account, "r1", item=item)).value
    with pytest.raises(services.LimitReached):
        await _redeem(bank, bank.resident, bank.resident_account, "r2", item=item)
    cancelled = await services.cancel_voucher(
        voucher, actor=await bank.actor(bank.resident_account)
    )
    assert cancelled.status == CANCELLED
    refund = await Entry.get(id=cancelled.refund_entry_id)
    assert refund.reverses_id == voucher.redeem_entry_id
    assert (await CatalogueItem.get(id=item.id)).stock == 2
    assert await services.balance_of(bank.resident) == 50
    # The limit counts live vouchers: after the cancel one more may be taken.
    await _redeem(bank, bank.resident, bank.resident_account, "r3", item=item)
    with pytest.raises(services.VoucherClosed):
        await services.cancel_voucher(cancelled, actor=await bank.actor(bank.resident_account))
    await assert_ledger_ok()


async def test_someone_else_cannot_cancel_a_voucher(bank):
    await bank.earn(bank.resident, 1, "e")
    voucher = (await _redeem(bank, bank.resident, bank.resident_account, "r")).value
    _, neighbour = await make_member(bank.community, "王大爷", username="wang")
    with pytest.raises(services.NotAllowed):
        await services.cancel_voucher(voucher, actor=await bank.actor(neighbour))


async def test_unused_vouchers_expire_and_points_come_back(bank):
    await bank.earn(bank.resident, 1, "e")
    start = datetime(2026, 3, 1, 2, tzinfo=UTC)
    voucher = (await _redeem(bank, bank.resident, bank.resident_account, "r", now=start)).value
    assert await services.expire_vouchers(now=start + timedelta(days=13)) == 0
    assert await services.expire_vouchers(now=start + timedelta(days=14)) == 1
    await voucher.refresh_from_db()
    assert voucher.status == LAPSED
    assert await services.balance_of(bank.resident) == 10
    assert await services.expire_vouchers(now=start + timedelta(days=30)) == 0
    await assert_ledger_ok()


async def test_verifying_an_expired_voucher_returns_the_points(bank):
    await bank.earn(bank.resident, 1, "e")
    start = datetime(2026, 3, 1, 2, tzinfo=UTC)
    voucher = (await _redeem(bank, bank.resident, bank.resident_account, "r", now=start)).value
    with pytest.raises(services.VoucherExpired):
        await services.verify_voucher(
            bank.partner, voucher.code, actor=await bank.actor(bank.operator),
            now=start + timedelta(days=20),
        )  # fmt: skip
    assert await services.balance_of(bank.resident) == 10


async def test_out_of_window_and_inactive_items_cannot_be_redeemed(bank):
    await bank.earn(bank.resident, 3, "e")
    item = await services.save_item(
        bank.community, item=bank.item, partner_id=bank.partner.id, title="粽子", price=10,
        available_from=date(2026, 6, 1), available_until=date(2026, 6, 30),
    )  # fmt: skip
    with pytest.raises(services.NotAvailable):
        await _redeem(
            bank, bank.resident, bank.resident_account, "r", item=item,
            now=datetime(2026, 5, 31, 12, tzinfo=UTC),
        )  # fmt: skip
    done = await _redeem(
        bank, bank.resident, bank.resident_account, "r2", item=item,
        now=datetime(2026, 6, 30, 12, tzinfo=UTC),
    )  # fmt: skip
    assert done.value.points == 10


async def test_worker_redeems_on_behalf_and_it_is_recorded(bank):
    elder, _ = await make_member(bank.community, "刘奶奶")  # no phone, no account
    await bank.earn(elder, 2, "e")
    voucher = (await _redeem(bank, elder, bank.worker, "r")).value
    assert voucher.on_behalf and voucher.issued_by_id == bank.worker.id
    entry = await Entry.get(id=voucher.redeem_entry_id)
    assert entry.on_behalf_of_id == elder.id and entry.actor_id == bank.worker.id
    audit = await AuditEntry.get(action="streetbank.redeem_on_behalf")
    assert audit.on_behalf_of_id == elder.id
    # A resident cannot redeem for a neighbour.
    _, neighbour = await make_member(bank.community, "王大爷", username="wang")
    with pytest.raises(services.NotAllowed):
        await _redeem(bank, elder, neighbour, "r2")


async def test_corrections_reverse_an_entry_once(bank):
    done = await bank.earn(bank.resident, 2, "e")
    entry = await Entry.get(id=done.value.entry_id)
    worker = await bank.actor(bank.worker)
    with pytest.raises(services.StreetbankError):
        await services.reverse_entry(entry, actor=worker, reason=" ")
    reversal = await services.reverse_entry(entry, actor=worker, reason="记错了人")
    assert reversal.value.reverses_id == entry.id
    again = await services.reverse_entry(entry, actor=worker, reason="记错了人")
    assert again.duplicate
    assert await services.balance_of(bank.resident) == 0
    # Entries are never edited: the original is still there.
    assert await Entry.filter(id=entry.id).exists()
    await assert_ledger_ok()


async def test_a_correction_cannot_take_points_already_spent(bank):
    done = await bank.earn(bank.resident, 1, "e")
    await _redeem(bank, bank.resident, bank.resident_account, "r")
    entry = await Entry.get(id=done.value.entry_id)
    with pytest.raises(services.InsufficientPoints):
        await services.reverse_entry(entry, actor=await bank.actor(bank.worker), reason="x")
    assert await services.balance_of(bank.resident) == 0
    await assert_ledger_ok()


async def test_yearly_expiry_is_off_by_default_and_spends_oldest_first(bank):
    worker = await bank.actor(bank.worker)
    old = datetime(2024, 6, 1, 4, tzinfo=UTC)
    await services.record_service(
        bank.community, person=bank.resident, category=bank.category, quantity=5,
        served_on=date(2024, 6, 1), key="e2024", actor=worker, now=old,
    )  # fmt: skip
    await services.record_service(
        bank.community, person=bank.resident, category=bank.category, quantity=2,
        served_on=date(2025, 6, 1), key="e2025", actor=worker, now=datetime(2025, 6, 1, tzinfo=UTC),
    )  # fmt: skip
    await _redeem(
        bank, bank.resident, bank.resident_account, "r2025",
        now=datetime(2025, 7, 1, 4, tzinfo=UTC),
    )  # fmt: skip
    run = datetime(2026, 1, 2, tzinfo=UTC)
    with pytest.raises(services.ExpiryOff):
        await services.expire_points(bank.community, 2025, now=run)
    await change_settings(bank.community, "streetbank", {"expiry_enabled": True}, actor=None)
    with pytest.raises(services.StreetbankError):
        await services.expire_points(bank.community, 2025, now=datetime(2025, 12, 1, tzinfo=UTC))
    # 50 points from 2024, 10 spent in 2025: 40 expire; the 20 of 2025 stay.
    done = await services.expire_points(bank.community, 2025, now=run)
    mine = await services.person_account(bank.resident)
    assert done.value == {mine.id: 40}
    assert await services.balance_of(bank.resident) == 20
    assert (await services.expire_points(bank.community, 2025, now=run)).value == {}
    expired = await services.bank_account(bank.community.id, "expired")
    assert expired.balance == 40
    await assert_ledger_ok()


async def test_verify_reports_a_tampered_balance(bank):
    await bank.earn(bank.resident, 1, "e")
    await LedgerAccount.filter(kind="person").update(balance=999)
    report = await services.verify_ledger()
    assert not report.ok
    assert any("cached balance 999" in line for line in report.lines())


async def test_an_unbalanced_entry_is_reported(bank):
    done = await bank.earn(bank.resident, 1, "e")
    await Posting.filter(entry_id=done.value.entry_id, amount__gt=0).update(amount=11)
    report = await services.verify_ledger()
    assert report.unbalanced == [(done.value.entry_id, 1)]
