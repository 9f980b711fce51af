"""Acceptance 2 and 3: runs by building and floor, "no answer" raises an alert that only
the duty worker sees and whose resolution is audited, and ``canteen.delivery_done`` is
emitted once per delivered order inside the transaction of the status change."""

import asyncio

import pytest

from linli.kit import AuditEntry, add_node, load_actor
from linli.testing import emitted_events, make_account
from linli_canteen import events, services
from linli_canteen.models import DELIVERED, NO_ANSWER, PLACED, Order, WelfareAlert
from linli_canteen.testing import make_diner, make_home, north_of

from .conftest import AFTER, BEFORE, DAY, order

pytestmark = pytest.mark.linli_plugins("canteen")


async def deliveries(kit, flats):
    made = []
    for flat, km in flats:
        home = await make_home(kit.community, kit.entrance, flat, north_of(km))
        person = await make_diner(kit.community, f"住户{flat}", home=home)
        made.append(await order(kit, person, mode="delivery"))
    return made


async def built_run(kit, flats=(("602室", 0.4),)):
    made = await deliveries(kit, flats)
    runs = await services.build_runs(kit.canteen, DAY, "lunch", now=AFTER)
    await services.assign_run(runs[0], kit.volunteer_person, actor=await kit.actor(kit.worker))
    return made, runs[0]


async def test_runs_wait_for_the_cutoff_and_group_by_building_and_floor(kit):
    other = await add_node(kind="building", name="11栋", parent=kit.root, code="11")
    entrance = await add_node(kind="entrance", name="1单元", parent=other, code="11-1")
    home = await make_home(kit.community, entrance, "201室", north_of(0.3))
    person = await make_diner(kit.community, "十一栋", home=home)
    await order(kit, person, mode="delivery")
    await deliveries(kit, [("1201室", 0.4), ("301室", 0.4), ("802室", 0.4)])
    with pytest.raises(services.CanteenError):
        await services.build_runs(kit.canteen, DAY, "lunch", now=BEFORE)
    runs = await services.build_runs(kit.canteen, DAY, "lunch", now=AFTER)
    assert sorted(r.building.name for r in runs) == ["10栋", "11栋"]
    ten = next(r for r in runs if r.building.name == "10栋")
    assert [o.floor for o in await services.run_stops(ten)] == [3, 8, 12]
    again = await services.build_runs(kit.canteen, DAY, "lunch", now=AFTER)
    assert len(again) == 2 and await Order.filter(run_id__isnull=True).count() == 0


async def test_delivery_done_is_emitted_once_per_order(kit, linli_bus):
    (placed,), _run = await built_run(kit)
    actor = await kit.actor(kit.volunteer)
    taps = await asyncio.gather(
        *(
            services.mark_delivered(
                placed.id, volunteer=kit.volunteer_person, actor=actor, now=AFTER
            )
            for _ in range(3)
        )
    )
    assert sorted(taps) == [False, False, True]
    done = await emitted_events(events.DELIVERY_DONE)
    assert len(done) == 1
    payload = done[0][1]
    assert (payload["volunteer"], payload["order"]) == (kit.volunteer_person.id, placed.id)
    # the volunteer's service, for whoever rewards it (the street bank): once per order
    (service,) = await emitted_events("service.verified")
    assert service[1] == {
        "person": kit.volunteer_person.id,
        "source": "canteen",
        "reference": f"delivery:{placed.id}",
        "category": "meal-delivery",
        "hours": 1.0,
        "tasks": 1,
        "note": "",
    }
    assert (await Order.get(id=placed.id)).status == DELIVERED


async def test_the_event_and_the_status_change_share_one_transaction(kit, linli_bus, monkeypatch):
    (placed,), _run = await built_run(kit)

    async def broken_emit(*args, **kwargs):
        await Order.filter(id=placed.id).first()  # the change is visible inside...
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr(events, "emit", broken_emit)
    actor = await kit.actor(kit.volunteer)
    with pytest.raises(RuntimeError):
        await services.mark_delivered(
            placed.id, volunteer=kit.volunteer_person, actor=actor, now=AFTER
        )
    assert (await Order.get(id=placed.id)).status == PLACED  # ... and rolled back with it
    assert await emitted_events() == []


async def test_only_the_assigned_volunteer_marks_a_stop(kit, linli_bus):
    (placed,), _run = await built_run(kit)
    other_person = await make_diner(kit.community, "别的志愿者")
    stranger = await make_account("other-helper", kit.community, "volunteer", person=other_person)
    with pytest.raises(services.NotFound):
        await services.mark_delivered(
            placed.id, volunteer=other_person, actor=await load_actor(stranger), now=AFTER
        )
    assert (await Order.get(id=placed.id)).status == PLACED


async def test_no_answer_raises_an_alert_for_the_duty_worker_only(kit, linli_bus):
    (placed,), _run = await built_run(kit)
    actor = await kit.actor(kit.volunteer)
    alert = await services.mark_no_answer(
        placed.id, volunteer=kit.volunteer_person, actor=actor, now=AFTER
    )
    again = await services.mark_no_answer(
        placed.id, volunteer=kit.volunteer_person, actor=actor, now=AFTER
    )
    assert again.id == alert.id and await WelfareAlert.all().count() == 1
    assert (await Order.get(id=placed.id)).status == NO_ANSWER
    assert await emitted_events(events.DELIVERY_DONE) == []
    # told once to whoever keeps welfare concerns (a person's care timeline)
    [(_, concern)] = await emitted_events("welfare.concern")
    assert concern["source"] == "canteen" and concern["reference"] == f"alert:{alert.id}"
    worker = await kit.actor(kit.worker)
    assert [a.id for a in await services.visible_alerts(worker, kit.community)] == [alert.id]
    for account in (kit.resident_account, kit.volunteer):
        assert await services.visible_alerts(await kit.actor(account), kit.community) == []
    # a grid worker of another building does not see it either
    other = await add_node(kind="building", name="11栋", parent=kit.root, code="11")
    grid = await make_account("grid11", kit.community, ("community_worker", other))
    assert await services.visible_alerts(await load_actor(grid), kit.community) == []
    with pytest.raises(services.NotFound):
        await services.resolve_alert(alert, note="看过了", actor=await load_actor(grid), now=AFTER)
    # the grid worker of the diner's building is on duty for it
    own_grid = await make_account("grid10", kit.community, ("grid_worker", kit.building))
    seen = await services.visible_alerts(await load_actor(own_grid), kit.community)
    assert [a.id for a in seen] == [alert.id]
    # "For you" counts the alert for those on duty for it, and for nobody else
    for account, count in ((own_grid, 1), (grid, 0), (kit.resident_account, 0)):
        items = services.home_items(kit.community, await load_actor(account), DAY)
        [alerts] = [item for item in items if item.path == "alerts/"]
        assert await alerts.query == count


async def test_resolving_needs_a_note_and_is_audited(kit, linli_bus):
    (placed,), _run = await built_run(kit)
    alert = await services.mark_no_answer(
        placed.id, volunteer=kit.volunteer_person, actor=await kit.actor(kit.volunteer), now=AFTER
    )
    worker = await kit.actor(kit.worker)
    with pytest.raises(services.CanteenError):
        await services.resolve_alert(alert, note="  ", actor=worker, now=AFTER)
    await services.resolve_alert(alert, note="电话联系上了,在女儿家", actor=worker, now=AFTER)
    with pytest.raises(services.CanteenError):
        await services.resolve_alert(alert, note="again", actor=worker, now=AFTER)
    entry = await AuditEntry.get(action="canteen.alert.resolve")
    assert entry.actor_id == kit.worker.id and entry.on_behalf_of_id == placed.person_id
    assert entry.after == {"note": "电话联系上了,在女儿家"}
    assert await services.visible_alerts(worker, kit.community) == []
    [alerts] = [i for i in services.home_items(kit.community, worker, DAY) if i.path == "alerts/"]
    assert await alerts.query == 0
    assert (await services.summary(kit.community, DAY))["deliveries"] == 1


async def test_a_delivered_stop_cannot_become_no_answer(kit, linli_bus):
    (placed,), _run = await built_run(kit)
    actor = await kit.actor(kit.volunteer)
    await services.mark_delivered(placed.id, volunteer=kit.volunteer_person, actor=actor, now=AFTER)
    with pytest.raises(services.StopClosed):
        await services.mark_no_answer(
            placed.id, volunteer=kit.volunteer_person, actor=actor, now=AFTER
        )


def test_the_canteen_declares_its_events_by_convention(linli_registry):
    declared = linli_registry.event_types()
    assert declared["canteen.delivery_done"] is events.DeliveryDone
    assert declared["canteen.delivery_undone"] is events.DeliveryUndone
    # the shared events it emits are the core's, not declared again by the canteen
    assert declared["service.verified"].__module__ == "linli.kernel.contracts"
    # it hears the welfare concerns of other plugins: the duty worker's one list
    assert sorted(
        handler.event for plugin, handler in linli_registry.event_handlers() if plugin == "canteen"
    ) == ["welfare.concern", "welfare.resolved"]
