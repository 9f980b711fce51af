"""A delivered meal earns its volunteer street bank points through the domain event
``canteen.delivery_done``, once per order; neither plugin imports the other, only this
test loads both."""

import pytest

from linli.models import OutboxEvent
from linli_canteen import services
from linli_streetbank import services as bank
from linli_streetbank.models import ServiceRecord

from .conftest import AFTER
from .test_delivery import built_run

pytestmark = pytest.mark.linli_plugins("canteen", "streetbank")


async def test_a_delivered_meal_earns_one_meal_delivery_task_once(kit, linli_bus):
    await bank.save_category(
        kit.community, key="meal-delivery", name="爱心送餐", unit="task", rate=6
    )
    (first, second), _run = await built_run(kit, (("602室", 0.4), ("702室", 0.4)))
    actor = await kit.actor(kit.volunteer)
    for placed in (first, second, first):  # the third tap repeats the first delivery
        await services.mark_delivered(
            placed.id, volunteer=kit.volunteer_person, actor=actor, now=AFTER
        )
    await linli_bus.dispatch_due()
    await linli_bus.dispatch_due()  # delivering again credits nothing more
    assert await bank.balance_of(kit.volunteer_person) == 12
    references = await ServiceRecord.all().values_list("reference", flat=True)
    assert sorted(references) == [
        f"canteen.delivery:{first.id}",
        f"canteen.delivery:{second.id}",
    ]


async def test_without_the_category_deliveries_earn_nothing(kit, linli_bus):
    (placed,), _run = await built_run(kit)
    await services.mark_delivered(
        placed.id, volunteer=kit.volunteer_person, actor=await kit.actor(kit.volunteer), now=AFTER
    )
    await linli_bus.dispatch_due()
    assert await bank.balance_of(kit.volunteer_person) == 0
    assert await ServiceRecord.all().count() == 0
    event = await OutboxEvent.get(name="canteen.delivery_done")
    assert (event.state, event.last_error) == ("done", "")  # not a failure waiting for retry


async def _handle_again(name: str) -> None:
    """Run the street bank's handler of the latest ``name`` event once more, as a retry
    after a lost delivery record would."""
    import msgspec

    from linli.events import Event
    from linli_canteen.services import DeliveryDone, DeliveryUndone
    from linli_streetbank import credit_meal_delivery, reverse_meal_delivery

    row = await OutboxEvent.filter(name=name).order_by("-created_at").first()
    kind, handler = {
        "canteen.delivery_done": (DeliveryDone, credit_meal_delivery),
        "canteen.delivery_undone": (DeliveryUndone, reverse_meal_delivery),
    }[name]
    payload = msgspec.convert(row.payload, kind)
    await handler(Event(row.id, row.name, row.community_id, payload, row.created_at))


async def test_an_undone_delivery_gives_its_point_back_once_and_earns_again(kit, linli_bus):
    from datetime import timedelta

    from linli_streetbank.models import Entry, LedgerAccount

    await bank.save_category(
        kit.community, key="meal-delivery", name="爱心送餐", unit="task", rate=6
    )
    (placed,), _run = await built_run(kit)
    actor = await kit.actor(kit.volunteer)
    me = kit.volunteer_person

    async def deliver(at):
        await services.mark_delivered(placed.id, volunteer=me, actor=actor, now=at)
        await linli_bus.dispatch_due()

    async def undo(at):
        await services.undo_mark(placed.id, volunteer=me, actor=actor, now=at)
        await linli_bus.dispatch_due()

    await deliver(AFTER)
    assert await bank.balance_of(me) == 6
    await undo(AFTER + timedelta(minutes=1))
    assert await bank.balance_of(me) == 0
    await _handle_again("canteen.delivery_undone")  # a second run reverses nothing more
    await _handle_again("canteen.delivery_done")  # nor does the first credit come back
    assert await bank.balance_of(me) == 0
    assert await Entry.filter(kind="reversal").count() == 1

    await deliver(AFTER + timedelta(minutes=2))  # delivered after all: one point again
    assert await bank.balance_of(me) == 6
    await _handle_again("canteen.delivery_done")
    await _handle_again("canteen.delivery_undone")  # the old undo leaves the new credit
    assert await bank.balance_of(me) == 6
    await undo(AFTER + timedelta(minutes=3))
    await deliver(AFTER + timedelta(minutes=4))
    assert await bank.balance_of(me) == 6
    assert await ServiceRecord.all().count() == 3
    assert await Entry.filter(kind="reversal").count() == 2
    assert await OutboxEvent.exclude(state="done").count() == 0

    # the volunteer sees each reversal in their history, under a readable memo
    account = await LedgerAccount.get(key=f"c{kit.community.id}:person:{me.id}")
    kinds = [(p.entry.kind, p.amount) for p in await bank.history(account)]
    assert kinds == [("earn", 6), ("reversal", -6), ("earn", 6), ("reversal", -6), ("earn", 6)]
    reversal = await Entry.filter(kind="reversal").first()
    assert reversal.memo in bank.SYSTEM_MEMOS and reversal.reverses_id is not None
    report = await bank.verify_ledger(kit.community.id)
    assert report.ok


async def test_an_undo_without_a_credit_changes_nothing(kit, linli_bus):
    from datetime import timedelta

    from linli_streetbank.models import Entry

    (placed,), _run = await built_run(kit)  # no meal-delivery category: no credit
    actor = await kit.actor(kit.volunteer)
    me = kit.volunteer_person
    await services.mark_delivered(placed.id, volunteer=me, actor=actor, now=AFTER)
    await services.undo_mark(placed.id, volunteer=me, actor=actor, now=AFTER + timedelta(minutes=1))
    await linli_bus.dispatch_due()
    await _handle_again("canteen.delivery_undone")
    assert await bank.balance_of(me) == 0
    assert await Entry.all().count() == 0
    assert await OutboxEvent.exclude(state="done").count() == 0
