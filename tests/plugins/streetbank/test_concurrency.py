"""Acceptance 1: balances, stock and monthly limits hold under concurrency. On SQLite
the one connection serialises the transactions; on PostgreSQL they really race."""

import asyncio

import pytest

from linli.kit import load_actor
from linli_streetbank import services
from linli_streetbank.models import CatalogueItem, MonthlyUsage, Voucher

from .builders import make_member

pytestmark = pytest.mark.linli_plugins("streetbank")


async def _race(calls):
    results = await asyncio.gather(*calls, return_exceptions=True)
    unexpected = [
        r
        for r in results
        if isinstance(r, BaseException) and not isinstance(r, services.StreetbankError)
    ]
    assert unexpected == []
    return [r for r in results if not isinstance(r, BaseException)], [
        r for r in results if isinstance(r, BaseException)
    ]


async def test_fifty_simultaneous_redemptions_of_95_points(bank):
    await bank.earn(bank.resident, "9.5", "earn")
    assert await services.balance_of(bank.resident) == 95
    actor = await load_actor(bank.resident_account)
    item = await CatalogueItem.get(id=bank.item.id)
    done, refused = await _race(
        services.redeem(bank.community, person=bank.resident, item=item, actor=actor, key=f"r{i}")
        for i in range(50)
    )
    assert len(done) == 9
    assert all(isinstance(r, services.InsufficientPoints) for r in refused)
    assert await services.balance_of(bank.resident) == 5
    assert await Voucher.all().count() == 9
    report = await services.verify_ledger()
    assert report.ok, report.lines()


async def test_twenty_residents_race_for_five_items(bank):
    item = await services.save_item(
        bank.community, item=bank.item, partner_id=bank.partner.id, title="理发", price=10, stock=5
    )
    residents = []
    for i in range(20):
        person, account = await make_member(bank.community, f"居民{i}", username=f"r{i}")
        await bank.earn(person, 3, f"earn{i}")
        residents.append((person, await load_actor(account)))
    done, refused = await _race(
        services.redeem(bank.community, person=person, item=item, actor=actor, key=f"k{i}")
        for i, (person, actor) in enumerate(residents)
    )
    assert len(done) == 5
    assert all(isinstance(r, services.OutOfStock) for r in refused)
    assert await Voucher.all().count() == 5
    assert (await CatalogueItem.get(id=item.id)).stock == 0
    balances = sorted([await services.balance_of(person) for person, _ in residents])
    assert balances == [20] * 5 + [30] * 15
    report = await services.verify_ledger()
    assert report.ok, report.lines()


async def test_monthly_limit_holds_under_concurrency(bank):
    item = await services.save_item(
        bank.community, item=bank.item, partner_id=bank.partner.id, title="理发", price=10,
        monthly_limit=2,
    )  # fmt: skip
    await bank.earn(bank.resident, 10, "earn")
    actor = await load_actor(bank.resident_account)
    done, refused = await _race(
        services.redeem(bank.community, person=bank.resident, item=item, actor=actor, key=f"m{i}")
        for i in range(10)
    )
    assert len(done) == 2
    assert all(isinstance(r, services.LimitReached) for r in refused)
    assert (await MonthlyUsage.get()).count == 2
    assert await services.balance_of(bank.resident) == 80


async def test_the_same_request_racing_itself_moves_points_once(bank):
    await bank.earn(bank.resident, 5, "earn")
    actor = await load_actor(bank.resident_account)
    item = await CatalogueItem.get(id=bank.item.id)
    done, refused = await _race(
        services.redeem(bank.community, person=bank.resident, item=item, actor=actor, key="same")
        for _ in range(10)
    )
    assert refused == []
    assert len({r.value.id for r in done}) == 1
    assert sum(not r.duplicate for r in done) == 1
    assert await services.balance_of(bank.resident) == 40


async def test_cancel_and_verify_racing_on_one_voucher(bank):
    await bank.earn(bank.resident, 1, "earn")
    resident = await load_actor(bank.resident_account)
    operator = await load_actor(bank.operator)
    voucher = (
        await services.redeem(
            bank.community, person=bank.resident, item=bank.item, actor=resident, key="r"
        )
    ).value
    calls = []
    for _ in range(5):
        calls.append(services.cancel_voucher(voucher, actor=resident))
        calls.append(services.verify_voucher(bank.partner, voucher.code, actor=operator))
    done, _ = await _race(calls)
    assert len(done) == 1
    await voucher.refresh_from_db()
    expected = 10 if voucher.status == "cancelled" else 0
    assert await services.balance_of(bank.resident) == expected
    report = await services.verify_ledger()
    assert report.ok, report.lines()
