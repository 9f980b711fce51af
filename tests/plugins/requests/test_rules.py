"""Acceptance 1: routing, statuses mapped to types, overdue detection and the
confirmation after "fixed", with a frozen clock; every change leaves an update row;
reopening by the reporter."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linli.kit import AuditEntry, load_actor
from linli_requests import services
from linli_requests.models import CLOSED, FIXED, OPEN, Request, Status, Update
from linli_requests.testing import category, make_request, move

pytestmark = pytest.mark.linli_plugins("requests")

MONDAY = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 in Wuhan


async def test_a_request_is_routed_to_its_categorys_body_or_the_community(world):
    leak = await make_request(world.community, world.resident, "leak", by=world.resident_account)
    assert leak.body_id == world.property.id
    thrown = await make_request(
        world.community, world.resident, "thrown", by=world.resident_account
    )
    assert thrown.body_id == world.police.id
    other = await make_request(world.community, world.resident, "other", by=world.resident_account)
    assert other.body_id == world.root.id  # the community office
    assert leak.status_type == OPEN and leak.triaged_at is None
    # a worker routes it on to the repairs team and a person there
    staff_actor = await world.actor(world.worker)
    await services.work(
        leak,
        services.Change(body_id=world.repairs.id, assignee_id=world.staff.id, priority=1),
        actor=staff_actor,
    )
    assert (leak.body_id, leak.assignee_id, leak.priority) == (world.repairs.id, world.staff.id, 1)
    assert leak.triaged_at is not None and leak.first_response_at is not None
    # someone who does not work for the body cannot be put in charge
    with pytest.raises(services.RequestsError) as refused:
        await services.work(leak, services.Change(assignee_id=world.grid.id), actor=staff_actor)
    assert refused.value.field == "assignee"


async def test_statuses_are_the_communitys_and_each_maps_to_a_fixed_type(world):
    actor = await world.actor(world.worker)
    parts = await services.save_status(
        world.community,
        actor=actor,
        key="parts",
        name="等待配件",
        name_en="Waiting for parts",
        type=OPEN,
        canned="配件已订购。",
    )
    done = await services.save_status(
        world.community, actor=actor, key="done_by_owner", name="业主自修", type=CLOSED
    )
    matter = await make_request(world.community, world.resident, by=world.resident_account)
    await move(matter, "parts", by=world.worker)
    assert matter.status_id == parts.id and matter.status_type == OPEN
    await move(matter, "done_by_owner", by=world.worker)
    assert matter.status_id == done.id and matter.status_type == CLOSED
    assert matter.closed_at is not None
    # changing a status's type moves its requests' type with it
    await services.save_status(
        world.community,
        actor=actor,
        status=done,
        key="done_by_owner",
        name="业主自修",
        type=FIXED,
    )
    assert (await Request.get(id=matter.id)).status_type == FIXED
    with pytest.raises(services.RequestsError):
        await services.save_status(world.community, actor=actor, key="odd", name="x", type="wip")
    initial = await Status.get(community_id=world.community.id, initial=True)
    with pytest.raises(services.RequestsError):
        await services.save_status(
            world.community, actor=actor, status=initial, key=initial.key, name="x", type=CLOSED
        )


async def test_every_change_leaves_an_update_with_its_notes(world):
    matter = await make_request(world.community, world.resident, by=world.resident_account)
    await move(matter, "in_progress", by=world.staff, note="已派人", private_note="住户不在家")
    await move(matter, "fixed", by=world.staff, note="已修好")
    actor = await world.actor(world.staff)
    await services.work(matter, services.Change(public_note="材料费由维修基金支付"), actor=actor)
    updates = await Update.filter(request_id=matter.id).order_by("id")
    assert [u.kind for u in updates] == ["created", "status", "status", "note"]
    assert updates[1].public_note == "已派人" and updates[1].private_note == "住户不在家"
    assert updates[1].data["status"] == ["已受理", "处理中"]
    assert [u.status_type for u in updates] == [OPEN, OPEN, FIXED, FIXED]
    # nothing changed and no note: refused, no row
    with pytest.raises(services.RequestsError):
        await services.work(matter, services.Change(), actor=actor)
    assert await Update.filter(request_id=matter.id).count() == 4
    assert await AuditEntry.filter(action="requests.request.work").count() == 3


async def test_a_change_on_an_old_version_is_refused_not_overwritten(world):
    matter = await make_request(world.community, world.resident, by=world.resident_account)
    seen = matter.version
    first = await world.actor(world.worker)
    await services.work(matter, services.Change(priority=1), actor=first, version=seen)
    other = await Request.get(id=matter.id)
    with pytest.raises(services.Stale):
        await services.work(other, services.Change(priority=3), actor=first, version=seen)
    assert (await Request.get(id=matter.id)).priority == 1


async def test_overdue_detection_with_a_frozen_clock(world):
    lift = await category(world.community, "lift")  # answer in 4 hours, fix in 3 days
    assert (lift.respond_hours, lift.fix_days) == (4, 3)
    worker = await world.actor(world.worker)  # grants start now: load before travelling
    with time_machine.travel(MONDAY, tick=False):
        matter = await make_request(
            world.community, world.resident, "lift", by=world.resident_account
        )
        now = services.now_utc()
        assert not services.is_overdue(matter, now + timedelta(hours=3, minutes=59))
        # no first answer after four hours: late
        assert services.is_overdue(matter, now + timedelta(hours=4, minutes=1))
        overdue = await services.work_list(
            world.community, worker, view="overdue", at=now + timedelta(hours=5)
        )
        assert [m.id for m in overdue.requests] == [matter.id]
    with time_machine.travel(MONDAY + timedelta(hours=1), tick=False):
        await move(matter, "in_progress", by=world.staff, note="已联系维保")
    later = MONDAY + timedelta(days=2)
    assert not services.is_overdue(matter, later)
    assert services.is_overdue(matter, MONDAY + timedelta(days=3, minutes=1))
    # an expected date moves the fix's deadline to the end of that day in Wuhan
    staff = await world.actor(world.staff)
    with time_machine.travel(MONDAY + timedelta(hours=2), tick=False):
        await services.work(
            matter, services.Change(expected_on=MONDAY.date() + timedelta(days=5)), actor=staff
        )
    assert matter.due_at == datetime(2026, 3, 7, 16, 0, tzinfo=UTC)  # 3-8 00:00 in Wuhan
    assert not services.is_overdue(matter, MONDAY + timedelta(days=5))
    # fixed is never overdue
    await move(matter, "fixed", by=world.staff)
    assert not services.is_overdue(matter, MONDAY + timedelta(days=30))


async def test_the_reporter_is_asked_is_it_really_fixed_days_after_fixed(world):
    with time_machine.travel(MONDAY, tick=False):
        matter = await make_request(world.community, world.resident, by=world.resident_account)
        await move(matter, "fixed", by=world.staff, note="已修好")
    assert matter.confirm_at == MONDAY + timedelta(days=3)  # the community's setting
    due_at = MONDAY + timedelta(days=3, minutes=1)
    early = await services.confirmations_due(
        world.community, world.resident, MONDAY + timedelta(days=2)
    )
    assert early == []
    due = await services.confirmations_due(world.community, world.resident, due_at)
    assert [m.id for m in due] == [matter.id]
    worker_list = await services.work_list(
        world.community, await world.actor(world.worker), view="confirm", at=due_at
    )
    assert [m.id for m in worker_list.requests] == [matter.id]
    # "no": open again, with the reporter's words
    actor = await load_actor(world.resident_account)
    with pytest.raises(services.RequestsError):
        await services.confirm(matter, fixed=False, actor=actor, person=world.resident)
    await services.confirm(matter, fixed=False, actor=actor, person=world.resident, note="还在漏")
    assert matter.status_type == OPEN and matter.reopen_count == 1 and matter.fixed_at is None
    await move(matter, "fixed", by=world.staff)
    # "yes": closed and confirmed
    await services.confirm(matter, fixed=True, actor=actor, person=world.resident)
    matter = await Request.get(id=matter.id)
    assert matter.status_type == CLOSED and matter.confirmed_at is not None
    # the neighbour did not report it and may not answer
    with pytest.raises(services.RequestsError):
        await services.confirm(matter, fixed=True, actor=actor, person=world.neighbour)
    kinds = await Update.filter(request_id=matter.id).values_list("kind", flat=True)
    assert list(kinds) == ["created", "status", "reopen", "status", "confirm"]


async def test_the_reporter_reopens_within_the_communitys_days(world):
    with time_machine.travel(MONDAY, tick=False):
        matter = await make_request(world.community, world.resident, by=world.resident_account)
        await move(matter, "closed", by=world.staff)
    actor = await load_actor(world.resident_account)
    with time_machine.travel(MONDAY + timedelta(days=10), tick=False):
        with pytest.raises(services.NotAllowed):
            await services.reopen(matter, world.neighbour, "也漏", actor=actor)
        with pytest.raises(services.RequestsError):
            await services.reopen(matter, world.resident, "  ", actor=actor)
        await services.reopen(matter, world.resident, "又漏了", actor=actor)
    assert matter.status_type == OPEN and matter.reopen_count == 1
    assert (await Status.get(id=matter.status_id)).key == "reopened"
    with pytest.raises(services.RequestsError):  # already open
        await services.reopen(matter, world.resident, "又漏了", actor=actor)
    with time_machine.travel(MONDAY + timedelta(days=11), tick=False):
        await move(matter, "closed", by=world.staff)
    with (
        time_machine.travel(MONDAY + timedelta(days=42), tick=False),
        pytest.raises(services.RequestsError) as late,
    ):
        await services.reopen(matter, world.resident, "又漏了", actor=actor)
    assert "30" in str(late.value)


STATUS_KEYS = ["received", "in_progress", "waiting", "reopened", "fixed", "closed", "not_ours"]


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(STATUS_KEYS), min_size=1, max_size=8))
async def test_any_path_through_the_statuses_is_all_in_the_history(world, path):
    """Property: whatever the moves, each real change is one update row, the request's
    type is its status's, and the Open311 status is open exactly for type open."""
    matter = await make_request(world.community, world.resident, by=world.resident_account)
    statuses = {s.key: s for s in await Status.filter(community_id=world.community.id)}
    moves = 0
    current = matter.status_id
    for key in path:
        if statuses[key].id == current:
            continue
        await move(matter, key, by=world.worker)
        current = statuses[key].id
        moves += 1
        assert matter.status_type == statuses[key].type
        assert (matter.fixed_at is not None) == (
            matter.status_type == FIXED
            or (matter.status_type == CLOSED and matter.fixed_at is not None)
        )
    assert await Update.filter(request_id=matter.id).count() == moves + 1
    assert await Update.filter(request_id=matter.id, kind="status").count() == moves
