"""A delivered meal earns its volunteer street bank points, and an undone delivery gives
them back: the canteen reports the volunteer's service with the core's shared
``service.verified`` and ``service.withdrawn`` (reference ``delivery:<order>``), and the
street bank credits whatever service is verified. Neither plugin imports the other;
only this test loads both."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import msgspec
import pytest

from linli.kit import Actor, Event, OutboxEvent, Person, community_root, load_actor
from linli.testing import make_account, make_person, make_place
from linli_canteen import services as canteen
from linli_canteen.models import LUNCH, Order
from linli_canteen.testing import (
    CANTEEN_AT,
    make_canteen,
    make_diner,
    make_dish,
    make_home,
    make_menu_item,
    north_of,
)
from linli_streetbank import services as bank
from linli_streetbank.models import Entry, LedgerAccount

pytestmark = pytest.mark.linli_plugins("canteen", "streetbank")

#: A Monday; lunch orders close at 09:30 Beijing time (01:30 UTC).
DAY = date(2026, 3, 16)
BEFORE = datetime(2026, 3, 16, 1, 0, tzinfo=UTC)
AFTER = datetime(2026, 3, 16, 2, 0, tzinfo=UTC)


@dataclass
class Run:
    """Lunch of :data:`DAY` delivered to ``orders`` in one run by ``volunteer``."""

    orders: list[Order]
    volunteer: Person
    actor: Actor

    async def deliver(self, order: Order, at: datetime = AFTER) -> None:
        await canteen.mark_delivered(order.id, volunteer=self.volunteer, actor=self.actor, now=at)

    async def undo(self, order: Order, at: datetime) -> None:
        await canteen.undo_mark(order.id, volunteer=self.volunteer, actor=self.actor, now=at)


async def delivery_run(community, flats=("602室",)) -> Run:
    building = await make_place(
        community,
        "building",
        "10栋",
        parent=await community_root(community),
        code="10",
        latitude=north_of(0.4)[0],
        longitude=CANTEEN_AT[1],
    )
    entrance = await make_place(community, "entrance", "1单元", parent=building, code="10-1")
    kitchen = await make_canteen(community)
    dish = await make_dish(community, "红烧武昌鱼套餐")
    item = await make_menu_item(kitchen, dish, day=DAY, period=LUNCH, price=1500)
    worker = await load_actor(await make_account("worker", community, "community_worker"))
    volunteer = await make_person(community, "王志愿")
    account = await make_account("helper", community, "volunteer", person=volunteer)
    orders = []
    for flat in flats:
        home = await make_home(community, entrance, flat, north_of(0.4))
        diner = await make_diner(community, f"住户{flat}", home=home)
        orders.append(
            await canteen.place_order(
                community,
                person=diner,
                menu_item=item,
                mode="delivery",
                actor=worker,
                now=BEFORE,
            )
        )
    (run,) = await canteen.build_runs(kitchen, DAY, LUNCH, now=AFTER)
    await canteen.assign_run(run, volunteer, actor=worker)
    return Run(orders, volunteer, await load_actor(account))


async def meal_delivery_category(community) -> None:
    """The category that rewards a delivered meal: 6 points a delivery."""
    await bank.save_category(community, key="meal-delivery", name="爱心送餐", unit="task", rate=6)


async def handle_again(bus, name: str) -> None:
    """Run the street bank's handlers of the latest ``name`` event once more, as a retry
    after a lost delivery record would."""
    row = await OutboxEvent.filter(name=name).order_by("-created_at").first()
    assert row is not None, name
    handlers = [handler for plugin, handler in bus.handlers.get(name, []) if plugin == "streetbank"]
    assert handlers, f"the street bank does not subscribe to {name}"
    for handler in handlers:
        payload = msgspec.convert(row.payload, handler.payload or bus.types[name], strict=False)
        await handler.handle(Event(row.id, row.name, row.community_id, payload, row.created_at))


async def test_a_delivered_meal_earns_its_volunteer_points_once(linli_community, linli_bus):
    await meal_delivery_category(linli_community)
    run = await delivery_run(linli_community, ("602室", "702室"))
    first, second = run.orders
    for placed in (first, second, first):  # the third tap repeats the first delivery
        await run.deliver(placed)
    await linli_bus.dispatch_due()
    await linli_bus.dispatch_due()  # delivering again credits nothing more
    assert await bank.balance_of(run.volunteer) == 12
    await handle_again(linli_bus, "service.verified")  # nor does a retry
    assert await bank.balance_of(run.volunteer) == 12
    assert await OutboxEvent.exclude(state="done").count() == 0


async def test_without_the_category_deliveries_earn_nothing(linli_community, linli_bus):
    run = await delivery_run(linli_community)
    await run.deliver(run.orders[0])
    await linli_bus.dispatch_due()
    assert await bank.balance_of(run.volunteer) == 0
    assert await Entry.all().count() == 0


async def test_an_undone_delivery_gives_its_points_back_once_and_earns_again(
    linli_community, linli_bus
):
    await meal_delivery_category(linli_community)
    run = await delivery_run(linli_community)
    (placed,) = run.orders
    me = run.volunteer

    async def deliver(minutes: int) -> None:
        await run.deliver(placed, AFTER + timedelta(minutes=minutes))
        while await linli_bus.dispatch_due():  # and what the street bank emits in return
            pass

    async def undo(minutes: int) -> None:
        await run.undo(placed, AFTER + timedelta(minutes=minutes))
        while await linli_bus.dispatch_due():
            pass

    await deliver(0)
    assert await bank.balance_of(me) == 6
    await undo(1)
    assert await bank.balance_of(me) == 0
    await handle_again(linli_bus, "service.withdrawn")  # a second run reverses nothing more
    await handle_again(linli_bus, "service.verified")  # nor does the first credit come back
    assert await bank.balance_of(me) == 0
    assert await Entry.filter(kind="reversal").count() == 1

    await deliver(2)  # delivered after all: the points again
    assert await bank.balance_of(me) == 6
    await handle_again(linli_bus, "service.verified")
    assert await bank.balance_of(me) == 6
    await undo(3)
    await deliver(4)
    assert await bank.balance_of(me) == 6
    assert await Entry.filter(kind="reversal").count() == 2
    assert await OutboxEvent.exclude(state="done").count() == 0

    # the volunteer sees each reversal in their history
    account = await LedgerAccount.get(key=f"c{linli_community.id}:person:{me.id}")
    kinds = [(p.entry.kind, p.amount) for p in await bank.history(account)]
    assert sorted(kinds) == sorted(
        [("earn", 6), ("reversal", -6), ("earn", 6), ("reversal", -6), ("earn", 6)]
    )
    assert (await bank.verify_ledger(linli_community.id)).ok


async def test_an_undo_without_a_credit_changes_nothing(linli_community, linli_bus):
    run = await delivery_run(linli_community)  # no meal-delivery category: no credit
    (placed,) = run.orders
    await run.deliver(placed)
    await run.undo(placed, AFTER + timedelta(minutes=1))
    await linli_bus.dispatch_due()
    await handle_again(linli_bus, "service.withdrawn")
    assert await bank.balance_of(run.volunteer) == 0
    assert await Entry.all().count() == 0


def test_the_street_bank_takes_what_the_canteen_emits(linli_registry):
    """The contract between the two: every subscription of the street bank fits the
    payload its emitter declares, and the bank listens to the shared events the canteen
    emits for a delivery."""
    assert linli_registry.subscription_problems() == []
    subscribed = {
        handler.event
        for plugin, handler in linli_registry.event_handlers()
        if plugin == "streetbank"
    }
    assert {"service.verified", "service.withdrawn"} <= subscribed
