"""Acceptance 1: a crowd races for a call's places and a shift's slots. On SQLite the one
connection serialises the transactions; on PostgreSQL they really race."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from linli.kit import Actor, community_root
from linli.testing import emitted_events, make_person
from linli_volunteers import services
from linli_volunteers.models import Answer, Call, Hours, Shift, Signup
from linli_volunteers.testing import make_call, make_shift, make_volunteer

pytestmark = [pytest.mark.linli_plugins("volunteers"), pytest.mark.usefixtures("linli_bus")]


async def crowd(community, n):
    return [
        await make_volunteer(community, await make_person(community, f"志愿者{i}"))
        for i in range(n)
    ]


async def test_twenty_volunteers_answer_a_call_for_three(linli_community):
    call = await make_call(linli_community, needed=3)
    volunteers = await crowd(linli_community, 20)
    now = datetime.now(UTC)
    results = await asyncio.gather(
        *(services.accept(call.id, v, now=now) for v in volunteers), return_exceptions=True
    )
    assert sum(isinstance(r, Answer) for r in results) == 3
    refused = [r for r in results if not isinstance(r, Answer)]
    assert len(refused) == 17 and all(isinstance(r, services.CallFull) for r in refused), refused
    call = await Call.get(id=call.id)
    assert (call.taken, call.status) == (3, "filled")
    assert await Answer.filter(call=call).count() == 3


async def test_thirty_sign_ups_for_five_slots(linli_community):
    shift = await make_shift(linli_community, slots=5)
    volunteers = await crowd(linli_community, 30)
    now = datetime.now(UTC)
    results = await asyncio.gather(
        *(services.sign_up(shift.id, v, now=now) for v in volunteers), return_exceptions=True
    )
    assert sum(isinstance(r, list) for r in results) == 5
    assert all(isinstance(r, (list, services.ShiftFull)) for r in results), results
    assert (await Shift.get(id=shift.id)).taken == 5
    assert await Signup.filter(shift=shift).count() == 5


async def test_a_double_tap_accepts_once(linli_community):
    call = await make_call(linli_community, needed=3)
    [volunteer] = await crowd(linli_community, 1)
    now = datetime.now(UTC)
    results = await asyncio.gather(
        *(services.accept(call.id, volunteer, now=now) for _ in range(5)), return_exceptions=True
    )
    assert sum(isinstance(r, Answer) for r in results) == 1
    assert (await Call.get(id=call.id)).taken == 1


async def test_two_leaders_approving_at_once_verify_once(linli_community, linli_bus):
    [volunteer] = await crowd(linli_community, 1)
    entry = await Hours.create(
        community=linli_community, volunteer=volunteer, reference="shift:1", title="巡逻",
        day=datetime.now(UTC).date(), hours=2.0, scheduled=2.0,
    )  # fmt: skip
    root = await community_root(linli_community)
    leaders = [await make_person(linli_community, f"队长{i}") for i in range(2)]

    class Lead(Actor):
        def can(self, permission, node):
            return permission == "volunteers.lead"

    results = await asyncio.gather(
        *(
            services.decide(
                entry, approve=True, actor=Lead(account=None), person=p, root=root,
                now=datetime.now(UTC),
            )
            for p in leaders
        ),
        return_exceptions=True,
    )  # fmt: skip
    assert sorted(results) == [False, True]
    assert len(await emitted_events("service.verified")) == 1


async def test_one_volunteer_racing_two_overlapping_shifts_gets_one(linli_community):
    """Two shifts whose times overlap, signed up for at once by the same volunteer (two
    phones, two tabs): exactly one sign-up stands, the other is refused as overlapping."""
    start = datetime.now(UTC) + timedelta(days=1)
    patrol = await make_shift(linli_community, "平安巡逻", starts_at=start, slots=5)
    delivery = await make_shift(
        linli_community, "助老送餐", starts_at=start + timedelta(hours=1), slots=5
    )
    [volunteer] = await crowd(linli_community, 1)
    now = datetime.now(UTC)
    for _ in range(5):  # several rounds: a race lost once is not enough to trust
        results = await asyncio.gather(
            services.sign_up(patrol.id, volunteer, now=now),
            services.sign_up(delivery.id, volunteer, now=now),
            return_exceptions=True,
        )
        assert sum(isinstance(r, list) for r in results) == 1, results
        assert sum(isinstance(r, services.Overlaps) for r in results) == 1, results
        assert await Signup.filter(volunteer=volunteer).count() == 1
        taken = [(await Shift.get(id=s.id)).taken for s in (patrol, delivery)]
        assert sorted(taken) == [0, 1]
        [kept] = await Signup.filter(volunteer=volunteer)
        await services.withdraw_signup(kept.shift_id, volunteer, now=now)
