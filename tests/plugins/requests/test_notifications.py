"""What the requests plugin tells (issue 20): reporters hear of a change of status (the
public note, never the private one) and of the round-table's decision, and are asked
"is it really fixed?" the community's days after "fixed" (once); the person assigned
hears of it; each body's staff hear once of a request that became overdue. Nothing is
told for a change that was rolled back, and nobody is told of their own change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from tortoise.transactions import in_transaction

from linli.testing import notifications_of, run_jobs
from linli_requests import services
from linli_requests.models import AgendaItem, Request, Status
from linli_requests.testing import make_request, move

pytestmark = pytest.mark.linli_plugins("requests")
ZONE = ZoneInfo("Asia/Shanghai")


def kinds(told: list[dict]) -> list[str]:
    return [note["kind"] for note in told]


async def leak_with_two_reporters(world):
    leak = await make_request(world.community, world.resident, "leak", by=world.resident_account)
    await services.me_too(leak, world.neighbour, account=world.neighbour_account)
    return leak


async def test_reporters_hear_of_a_status_change_with_the_public_note_only(world):
    leak = await leak_with_two_reporters(world)
    await move(leak, "in_progress", by=world.staff, note="已派人查看", private_note="住户难沟通")
    for account in (world.resident_account, world.neighbour_account):
        [told] = await notifications_of(account)
        assert told["kind"] == "requests.status_changed"
        assert told["values"] == {"status": "处理中", "note": "已派人查看"}
        assert told["subject"].startswith(f"#{leak.id} ") and "住户难沟通" not in str(told)
        assert told["link"] == f"/c/test/requests/{leak.id}"
    assert await notifications_of(world.staff) == []
    assert await notifications_of(world.worker) == []
    # a note without a change of status tells nobody
    await services.work(
        leak, services.Change(public_note="明天上午施工"), actor=await world.actor(world.staff)
    )
    assert len(await notifications_of(world.resident_account)) == 1


async def test_the_reporter_who_reopens_is_not_told_of_their_own_change(world):
    leak = await leak_with_two_reporters(world)
    await move(leak, "fixed", by=world.staff, note="已修好")
    await services.reopen(
        leak, world.resident, "还在漏", actor=await world.actor(world.resident_account)
    )
    assert kinds(await notifications_of(world.resident_account)) == ["requests.status_changed"]
    told = await notifications_of(world.neighbour_account)
    assert kinds(told) == ["requests.status_changed"] * 2
    assert told[-1]["values"]["note"] == "还在漏"


async def test_the_person_assigned_is_told_once(world):
    leak = await make_request(world.community, world.resident, "leak", by=world.resident_account)
    await services.work(
        leak, services.Change(assignee_id=world.secretary.id), actor=await world.actor(world.staff)
    )
    [told] = await notifications_of(world.secretary)
    assert told["kind"] == "requests.assigned" and told["link"].endswith(f"/{leak.id}")
    assert await notifications_of(world.staff) == []
    assert await notifications_of(world.resident_account) == []  # no change of status
    # the same person again: nothing new
    await services.work(
        leak,
        services.Change(assignee_id=world.secretary.id, public_note="请尽快"),
        actor=await world.actor(world.staff),
    )
    assert len(await notifications_of(world.secretary)) == 1


async def test_a_decision_at_the_round_table_is_told_to_the_reporters(world):
    leak = await leak_with_two_reporters(world)
    meeting = await services.meeting_for(world.community, services.now_utc().date())
    item = await AgendaItem.create(
        meeting=meeting, request=leak, reason="waiting", body_id=leak.body_id
    )
    await services.decide(
        item, decision="物业本周内修复屋顶", owner_id=world.staff.id, due_on=None,
        actor=await world.actor(world.secretary),
    )  # fmt: skip
    for account in (world.resident_account, world.neighbour_account):
        [told] = await notifications_of(account)
        assert told["kind"] == "requests.decided"
        assert told["values"] == {"decision": "物业本周内修复屋顶"}
    assert kinds(await notifications_of(world.staff)) == ["requests.assigned"]


async def test_a_rolled_back_change_tells_nobody(world):
    leak = await leak_with_two_reporters(world)
    status = await Status.get(community_id=world.community.id, key="in_progress")
    with pytest.raises(RuntimeError):
        async with in_transaction():
            await services.work(
                leak,
                services.Change(status_id=status.id, assignee_id=world.secretary.id),
                actor=await world.actor(world.staff),
            )
            raise RuntimeError("the page failed after the change")
    leak = await Request.get(id=leak.id)
    assert leak.status_type == "open" and leak.assignee_id is None
    # a change refused as stale tells nobody either
    with pytest.raises(services.Stale):
        await services.work(
            leak, services.Change(status_id=status.id), actor=await world.actor(world.staff),
            version=leak.version - 1,
        )  # fmt: skip
    for account in (world.resident_account, world.neighbour_account, world.secretary):
        assert await notifications_of(account) == []


async def test_is_it_really_fixed_is_asked_once_the_set_days_after_fixed(world, linli_registry):
    leak = await leak_with_two_reporters(world)
    fixed_at = services.now_utc()
    await move(leak, "fixed", by=world.staff, note="已修好", at=fixed_at)
    days = (await services.settings_of(world.community)).confirm_after_days

    async def asked(account) -> int:
        return kinds(await notifications_of(account)).count("requests.confirm_fixed")

    with time_machine.travel(fixed_at + timedelta(days=days) - timedelta(minutes=1), tick=False):
        await run_jobs(linli_registry)
    assert await asked(world.resident_account) == 0
    with time_machine.travel(fixed_at + timedelta(days=days, minutes=1), tick=False):
        await run_jobs(linli_registry)
        await run_jobs(linli_registry)
    with time_machine.travel(fixed_at + timedelta(days=days + 2), tick=False):
        await run_jobs(linli_registry)
    assert await asked(world.resident_account) == 1 and await asked(world.neighbour_account) == 1
    [question] = [
        n
        for n in await notifications_of(world.resident_account)
        if n["kind"] == "requests.confirm_fixed"
    ]
    assert question["link"] == f"/c/test/requests/{leak.id}#confirm"
    assert question["values"] == {"days": str(days)}
    assert await asked(world.staff) == 0


async def test_a_request_reopened_before_the_question_is_not_asked(world, linli_registry):
    leak = await make_request(world.community, world.resident, "leak", by=world.resident_account)
    fixed_at = services.now_utc()
    await move(leak, "fixed", by=world.staff, at=fixed_at)
    await move(leak, "in_progress", by=world.staff, note="复查发现还在漏", at=fixed_at)
    with time_machine.travel(fixed_at + timedelta(days=30), tick=False):
        await run_jobs(linli_registry)
    assert "requests.confirm_fixed" not in kinds(await notifications_of(world.resident_account))


def eight_in_the_morning(moment: datetime, days: int) -> datetime:
    local = moment.astimezone(ZONE) + timedelta(days=days)
    return local.replace(hour=8, minute=1, second=0, microsecond=0).astimezone(UTC)


async def test_overdue_requests_are_told_to_their_body_once(world, linli_registry):
    reported = services.now_utc()
    leak = await make_request(
        world.community, world.resident, "leak", by=world.resident_account, at=reported
    )
    light = await make_request(
        world.community, world.resident, "streetlight", by=world.resident_account, at=reported
    )
    # answered in time: not late to answer, and its fix is due in 5 days
    await move(light, "in_progress", by=world.staff, at=reported)
    with time_machine.travel(eight_in_the_morning(reported, 2), tick=False):
        await run_jobs(linli_registry)
    with time_machine.travel(eight_in_the_morning(reported, 3), tick=False):
        await run_jobs(linli_registry)
    for account in (world.staff, world.secretary):
        told = [n for n in await notifications_of(account) if n["kind"] == "requests.overdue"]
        assert [n["subject"] for n in told] == [services.subject_of(leak)], account.username
    # the community worker is not the property company's staff
    assert await notifications_of(world.worker) == []
    assert "requests.overdue" not in kinds(await notifications_of(world.resident_account))
    # a new expected date that passes too is told again, once
    later = eight_in_the_morning(reported, 3)
    await services.work(
        leak, services.Change(expected_on=later.astimezone(ZONE).date()),
        actor=await world.actor(world.staff), at=later,
    )  # fmt: skip
    for day in (5, 6):
        with time_machine.travel(eight_in_the_morning(reported, day), tick=False):
            await run_jobs(linli_registry)
    told = [n for n in await notifications_of(world.staff) if n["kind"] == "requests.overdue"]
    assert [n["subject"] for n in told].count(services.subject_of(leak)) == 2
