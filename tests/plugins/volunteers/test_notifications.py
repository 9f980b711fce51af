"""What 一呼百应 tells, and its jobs (issue 19): a new call reaches the first volunteers of
the matching order, the requester hears of each acceptance and of the call filled, a
volunteer hears how their hours were decided; with a frozen clock, yesterday's unfilled
calls expire at 03:00, qualifications are warned of 30 days ahead at 09:00 and shifts
reminded the evening before, each once and to the right people only. A rolled-back
change tells nobody."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from tortoise.transactions import in_transaction

from linli.kit import Actor, community_root
from linli.testing import make_person, notifications_of, run_jobs
from linli_volunteers import services
from linli_volunteers.models import Call, Hours, Qualification
from linli_volunteers.testing import make_call, make_shift, make_volunteer

pytestmark = pytest.mark.linli_plugins("volunteers")
ZONE = ZoneInfo("Asia/Shanghai")


async def kinds(person) -> list[str]:
    return [n["kind"] for n in await notifications_of(person)]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE)


def today() -> date:
    return datetime.now(ZONE).date()


async def test_a_new_call_reaches_the_first_twenty_in_matching_order(kit):
    starts = datetime.now(UTC) + timedelta(days=2)
    other_day = str(services.local_day(starts).isoweekday() % 7 + 1)
    extras = [
        await make_volunteer(
            kit.community,
            await make_person(kit.community, f"志愿者{i}"),
            skills=[kit.plumbing],
            days=other_day if i < 4 else "",  # the first four are not free that day
        )
        for i in range(23)
    ]
    call = await make_call(
        kit.community, skill=kit.plumbing, place=kit.building, starts_at=starts,
        raised_by=(await kit.helper.person),
    )  # fmt: skip
    told = {v.person_id for v in extras if await kinds(await v.person)}
    assert len(told) == 19  # 20: the neighbour (same estate), then 19 free that day
    assert told == {v.person_id for v in extras[4:]}
    assert await kinds(await kit.neighbour.person) == ["volunteers.call_offered"]
    assert await kinds(await kit.helper.person) == []  # raised it
    assert await kinds(await kit.leader.person) == []  # has not the skill
    assert await kinds(kit.resident) == []  # not a volunteer
    [note] = await notifications_of(await kit.neighbour.person)
    assert note["subject"] == call.title and note["link"].endswith(f"/calls/{call.id}")
    assert note["urgency"] == "normal"


async def test_an_urgent_call_is_a_welfare_message(kit):
    await make_call(kit.community, "独居老人摔倒", urgent=True, raised_by=kit.resident)
    for volunteer in (kit.helper, kit.neighbour, kit.leader):  # no skill named: anyone
        [note] = await notifications_of(await volunteer.person)
        assert (note["kind"], note["urgency"]) == ("volunteers.call_urgent", "urgent")
    assert services.CALL_URGENT.category == "welfare" and not services.CALL_URGENT.switchable


async def test_a_call_rolled_back_tells_nobody(kit):
    with pytest.raises(RuntimeError):
        async with in_transaction():
            await make_call(kit.community, skill=kit.plumbing, raised_by=kit.resident)
            raise RuntimeError("the page failed after the call was made")
    assert await Call.all().count() == 0
    assert await kinds(await kit.helper.person) == []


async def test_the_requester_hears_of_each_helper_and_of_the_call_filled(kit):
    call = await make_call(kit.community, needed=2, skill=kit.plumbing, raised_by=kit.resident)
    now = datetime.now(UTC)
    await services.accept(call.id, kit.helper, now=now)
    await services.accept(call.id, kit.neighbour, now=now)
    with pytest.raises(services.CallFull):
        await services.accept(call.id, kit.leader, now=now)
    told = await notifications_of(kit.resident)
    assert [(n["kind"], n["values"]["name"]) for n in told] == [
        ("volunteers.call_accepted", "王师傅"),
        ("volunteers.call_filled", "赵姐"),
    ]
    assert told[0]["values"]["taken"] == "1" and told[1]["values"]["needed"] == "2"


async def test_the_volunteer_hears_how_their_hours_were_decided(kit, linli_bus):
    root = await community_root(kit.community)
    worker = await make_person(kit.community, "审核人")

    class Lead(Actor):
        def can(self, permission, node):
            return permission == "volunteers.lead"

    entries = [
        await Hours.create(
            community=kit.community,
            volunteer=volunteer,
            reference=f"shift:{i}",
            title="助老送餐",
            day=date(2026, 3, 16),
            hours=2.0,
            scheduled=2.0,
        )
        for i, volunteer in enumerate((kit.helper, kit.neighbour))
    ]
    now = datetime.now(UTC)
    for _ in range(2):  # a double click tells once
        await services.decide(
            entries[0], approve=True, actor=Lead(account=None), person=worker, root=root, now=now
        )
    await services.decide(
        entries[1], approve=False, actor=Lead(account=None), person=worker, root=root, now=now,
        note="当天未到岗",
    )  # fmt: skip
    [approved] = await notifications_of(await kit.helper.person)
    assert approved["kind"] == "volunteers.hours_approved"
    assert approved["values"] == {"day": "2026-03-16", "hours": "2.0", "note": ""}
    [declined] = await notifications_of(await kit.neighbour.person)
    assert declined["kind"] == "volunteers.hours_declined"
    assert declined["values"]["note"] == "当天未到岗"
    assert await kinds(await kit.leader.person) == []


async def test_unfilled_calls_of_yesterday_expire_at_three(kit, linli_registry):
    yesterday = today() - timedelta(days=1)
    lapsing = await make_call(
        kit.community, "帮忙搬米", needed=2, starts_at=at(yesterday, 10), raised_by=kit.resident
    )
    await services.accept(lapsing.id, kit.helper, now=datetime.now(UTC))
    filled = await make_call(kit.community, "换灯泡", starts_at=at(yesterday, 11))
    await services.accept(filled.id, kit.neighbour, now=datetime.now(UTC))
    later = await make_call(kit.community, "今天的求助", starts_at=at(today(), 20))
    await run_jobs(linli_registry, at(today(), 2, 59))  # yesterday's slot: older calls only
    assert (await Call.get(id=lapsing.id)).status == "open"
    await run_jobs(linli_registry, at(today(), 3))
    await run_jobs(linli_registry, at(today(), 3, 5))  # the same slot: nothing again
    statuses = [(await Call.get(id=c.id)).status for c in (lapsing, filled, later)]
    assert statuses == ["expired", "filled", "open"]
    expired = [n for n in await notifications_of(kit.resident) if n["kind"].endswith("expired")]
    assert [(n["subject"], n["values"]) for n in expired] == [
        ("帮忙搬米", {"taken": "1", "needed": "2"})
    ]
    assert "volunteers.call_expired" not in await kinds(await kit.helper.person)


async def test_a_qualification_is_warned_of_thirty_days_ahead_once(kit, linli_registry):
    member = await make_volunteer(
        kit.community, await make_person(kit.community, "同队队员"), team=kit.team
    )
    await Qualification.create(
        volunteer=kit.helper, kind="health-certificate", expires_on=today() + timedelta(days=30)
    )
    later = await Qualification.create(
        volunteer=kit.neighbour, kind="first-aid", expires_on=today() + timedelta(days=31)
    )
    await run_jobs(linli_registry, at(today(), 9))
    await run_jobs(linli_registry, at(today(), 9, 30))
    [note] = await notifications_of(await kit.helper.person)
    assert note["kind"] == "volunteers.qualification_expiring"
    assert note["values"]["name"] == "王师傅" and "健康证" in note["subject"]
    assert await kinds(await kit.leader.person) == ["volunteers.qualification_expiring"]
    assert await kinds(await member.person) == []  # a member, not a leader
    assert await kinds(await kit.neighbour.person) == []  # 31 days: not yet
    tomorrow = today() + timedelta(days=1)
    await run_jobs(linli_registry, at(tomorrow, 9))
    assert await kinds(await kit.neighbour.person) == ["volunteers.qualification_expiring"]
    assert len(await notifications_of(await kit.helper.person)) == 1  # once
    assert len(await notifications_of(await kit.leader.person)) == 2  # once for each
    await services.record_qualification(
        kit.neighbour, "first-aid", later.expires_on + timedelta(days=1), actor=Actor(account=None),
        by=None,
    )  # fmt: skip
    await run_jobs(linli_registry, at(tomorrow + timedelta(days=1), 9))  # a renewal: again
    assert len(await notifications_of(await kit.neighbour.person)) == 2


async def test_the_shift_of_tomorrow_is_reminded_the_evening_before(kit, linli_registry):
    tomorrow = today() + timedelta(days=1)
    shift = await make_shift(kit.community, "平安巡逻", starts_at=at(tomorrow, 10))
    after = await make_shift(kit.community, "助老送餐", starts_at=at(tomorrow + timedelta(1), 10))
    now = datetime.now(UTC)
    await services.sign_up(shift.id, kit.helper, now=now)
    await services.sign_up(after.id, kit.neighbour, now=now)
    await run_jobs(linli_registry, at(today(), 17, 59))
    assert await kinds(await kit.helper.person) == []
    await run_jobs(linli_registry, at(today(), 18))
    await run_jobs(linli_registry, at(today(), 18, 30))
    [note] = await notifications_of(await kit.helper.person)
    assert note["kind"] == "volunteers.shift_tomorrow" and note["subject"] == "平安巡逻"
    assert note["values"]["when"] == "10:00"
    assert await kinds(await kit.neighbour.person) == []  # the day after: not yet
    assert await kinds(await kit.leader.person) == []
