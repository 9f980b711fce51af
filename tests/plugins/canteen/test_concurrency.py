"""Acceptance 1: capacity under concurrency. On SQLite the one connection serialises the
transactions; on PostgreSQL they really race."""

import asyncio

import pytest

from linli.kit import Account
from linli_canteen import services
from linli_canteen.models import DayCapacity, Order
from linli_canteen.testing import make_diner

from .conftest import order

pytestmark = pytest.mark.linli_plugins("canteen")


async def test_thirty_residents_race_for_twenty_five_places(kit):
    await services.save_period(kit.canteen, kind="lunch", cutoff_minutes=570, capacity=25)
    diners = []
    for i in range(30):
        person = await make_diner(kit.community, f"居民{i}")
        # a login of their own (no password hashing: the race is about the orders)
        account = await Account.create(username=f"d{i}", password_hash="-", person=person)
        diners.append((person, account))
    results = await asyncio.gather(
        *(order(kit, person, account) for person, account in diners), return_exceptions=True
    )
    done = [r for r in results if isinstance(r, Order)]
    refused = [r for r in results if not isinstance(r, Order)]
    assert len(done) == 25
    assert len(refused) == 5 and all(isinstance(r, services.Full) for r in refused), refused
    assert await Order.filter(status="placed").count() == 25
    assert (await DayCapacity.get(canteen_id=kit.canteen.id)).taken == 25


async def test_a_double_tap_makes_one_order(kit):
    results = await asyncio.gather(
        *(order(kit, kit.resident, kit.resident_account) for _ in range(5)),
        return_exceptions=True,
    )
    assert sum(isinstance(r, Order) for r in results) == 1
    assert all(isinstance(r, (Order, services.AlreadyOrdered)) for r in results), results
    assert await Order.all().count() == 1
    assert (await DayCapacity.get(canteen_id=kit.canteen.id)).taken == 1
