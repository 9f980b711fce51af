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
