"""The canteen's jobs (issue 17, acceptance 3): an unanswered door that nobody resolved
is brought back to the worker on duty after 2 hours and escalated after 24, with a
frozen clock; standing orders are placed by themselves at 06:00."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from linli.domain.notifications.models import Notification
from linli.kernel.jobs import JobRun, Scheduler
from linli.kit import Grant
from linli.testing import make_account
from linli_canteen import services
from linli_canteen.models import Order

from .conftest import AFTER, DAY, BEFORE
from .test_delivery import built_run

pytestmark = pytest.mark.linli_plugins("canteen")


async def grants_since_before(moment: datetime) -> None:
    """The grants were made at the real time; the test's clock is in the past."""
    await Grant.all().update(starts_at=moment - timedelta(days=30))


async def told(account) -> list[str]:
    return list(await Notification.filter(account_id=account.id).values_list("kind", flat=True))


async def test_an_unresolved_alert_reminds_the_duty_worker_then_escalates(
    kit, linli_bus, linli_registry
):
    (placed,), _run = await built_run(kit)
    duty = await make_account("grid10", kit.community, ("grid_worker", kit.building))
    actor = await kit.actor(kit.volunteer)
    await services.mark_no_answer(placed.id, volunteer=kit.volunteer_person, actor=actor, now=AFTER)
    await grants_since_before(AFTER)
    scheduler = Scheduler(linli_registry)
    with time_machine.travel(AFTER + timedelta(hours=1, minutes=59), tick=False):
        await scheduler.run_due()
        assert await told(duty) == []
    with time_machine.travel(AFTER + timedelta(hours=2), tick=False):
        await scheduler.run_due()
        await scheduler.run_due()  # a second sweep tells nobody twice
    assert await told(duty) == ["canteen.alert_unresolved"]
    assert await told(kit.worker) == []  # the nearest on duty, not the whole committee
    note = await Notification.get(account_id=duty.id)
    assert note.urgency == "urgent" and note.subject.startswith("住户")
    with time_machine.travel(AFTER + timedelta(hours=24), tick=False):
        await scheduler.run_due()
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
        await Scheduler(linli_registry).run_due()
    assert await told(duty) == [] and await told(kit.worker) == []
    assert await JobRun.filter(job="canteen.alert_reminder", state="done").count() == 2


async def test_standing_orders_are_placed_by_themselves_in_the_morning(kit, linli_registry):
    await services.save_standing(
        kit.community, person=kit.resident, canteen=kit.canteen, starts_on=DAY, actor=None
    )
    scheduler = Scheduler(linli_registry)
    six = datetime(2026, 3, 15, 22, 0, tzinfo=UTC)  # 06:00 on DAY in Asia/Shanghai
    await scheduler.run_due(six - timedelta(minutes=1))  # the slot of the day before
    await Order.all().delete()
    await scheduler.run_due(six)
    assert await Order.filter(person_id=kit.resident.id, day=DAY).count() == 1
    await scheduler.run_due(six + timedelta(minutes=30))
    assert await Order.filter(person_id=kit.resident.id, day=DAY).count() == 1
    assert BEFORE > six
