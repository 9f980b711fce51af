"""The canteen's jobs (issue 17, acceptance 3): an unanswered door that nobody resolved
is brought back to the worker on duty after 2 hours and escalated after 24, with a
frozen clock; standing orders are placed by themselves at 06:00."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from linli.kit import Grant
from linli.testing import make_account, notifications_of, run_jobs
from linli_canteen import services
from linli_canteen.models import Order

from .conftest import AFTER, BEFORE, DAY
from .test_delivery import built_run

pytestmark = pytest.mark.linli_plugins("canteen")


async def grants_since_before(moment: datetime) -> None:
    """The grants were made at the real time; the test's clock is in the past."""
    await Grant.all().update(starts_at=moment - timedelta(days=30))


async def told(account) -> list[str]:
    return [note["kind"] for note in await notifications_of(account)]


async def test_an_unresolved_alert_reminds_the_duty_worker_then_escalates(
    kit, linli_bus, linli_registry
):
    (placed,), _run = await built_run(kit)
    duty = await make_account("grid10", kit.community, ("grid_worker", kit.building))
    actor = await kit.actor(kit.volunteer)
    await services.mark_no_answer(placed.id, volunteer=kit.volunteer_person, actor=actor, now=AFTER)
    await grants_since_before(AFTER)
    with time_machine.travel(AFTER + timedelta(hours=1, minutes=59), tick=False):
        await run_jobs(linli_registry)
        assert await told(duty) == []
    with time_machine.travel(AFTER + timedelta(hours=2), tick=False):
        await run_jobs(linli_registry)
        await run_jobs(linli_registry)  # a second sweep tells nobody twice
    assert await told(duty) == ["canteen.alert_unresolved"]
    assert await told(kit.worker) == []  # the nearest on duty, not the whole committee
    [note] = await notifications_of(duty)
    assert note["urgency"] == "urgent" and note["subject"].startswith("住户")
    with time_machine.travel(AFTER + timedelta(hours=24), tick=False):
        await run_jobs(linli_registry)
    assert await told(duty) == ["canteen.alert_unresolved", "canteen.alert_escalated"]
    assert await told(kit.worker) == ["canteen.alert_escalated"]


async def test_a_resolved_alert_reminds_nobody(kit, linli_bus, linli_registry):
    (placed,), _run = await built_run(kit)
    duty = await make_account("grid10", kit.community, ("grid_worker", kit.building))
    alert = await services.mark_no_answer(
        placed.id, volunteer=kit.volunteer_person, actor=await kit.actor(kit.volunteer), now=AFTER
    )
    await services.resolve_alert(
        alert, note="电话联系上了", actor=await kit.actor(kit.worker), now=AFTER
    )
    await grants_since_before(AFTER)
    with time_machine.travel(AFTER + timedelta(hours=25), tick=False):
        assert await run_jobs(linli_registry) >= 2  # the reminder and the escalation ran
    assert await told(duty) == [] and await told(kit.worker) == []


async def test_standing_orders_are_placed_by_themselves_in_the_morning(kit, linli_registry):
    await services.save_standing(
        kit.community, person=kit.resident, canteen=kit.canteen, starts_on=DAY, actor=None
    )
    six = datetime(2026, 3, 15, 22, 0, tzinfo=UTC)  # 06:00 on DAY in Asia/Shanghai
    await run_jobs(linli_registry, six - timedelta(minutes=1))  # the slot of the day before
    await Order.all().delete()
    await run_jobs(linli_registry, six)
    assert await Order.filter(person_id=kit.resident.id, day=DAY).count() == 1
    await run_jobs(linli_registry, six + timedelta(minutes=30))
    assert await Order.filter(person_id=kit.resident.id, day=DAY).count() == 1
    assert six < BEFORE
