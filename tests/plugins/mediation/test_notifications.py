"""What mediation tells (issue 17): both parties — the respondent too — hear that the
case was accepted and when a session is, by the case's number only (cases are
confidential); the mediators hear that a follow-up visit is due, on the morning it is."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from linli.testing import notifications_of, run_jobs
from linli_mediation import services
from linli_mediation.models import Case

pytestmark = pytest.mark.linli_plugins("mediation")


async def test_both_parties_are_told_and_nothing_confidential(world, linli_registry):
    actor = await world.actor(world.zhang_account)
    case = await services.request_mediation(
        world.community, actor, summary="楼上噪音", category="noise", other_name="楼上住户"
    )
    boss = await world.access(world.supervisor, case)
    await services.add_party(boss, services.PartyInput(person=world.wang, side="respondent"))
    await services.assign(boss, world.mediator_b)
    gate = await world.access(world.mediator_b, case)
    await services.apply(gate, "accept")
    for account in (world.zhang_account, world.wang_account):
        [told] = await notifications_of(account)
        assert told["kind"] == "mediation.case_accepted" and told["subject"] == str(case.id)
        assert "噪音" not in str(told)
    assert await notifications_of(world.li_account) == []
    await services.apply(gate, "start")
    soon = datetime.now(UTC).date() + timedelta(days=3)
    await services.add_session(gate, held_on=soon, place="莲姐议事室")
    told = await notifications_of(world.wang_account)
    assert told[-1]["kind"] == "mediation.session_scheduled"
    assert told[-1]["values"] == {"day": soon.isoformat(), "place": "莲姐议事室"}
    # a follow-up due on a day: the mediator hears of it that morning, once
    due = date(2026, 6, 1)
    await Case.filter(id=case.id).update(follow_up_due=due)
    morning = datetime.combine(due, time(8, 0), tzinfo=ZoneInfo("Asia/Shanghai"))
    await run_jobs(linli_registry, morning.astimezone(UTC) - timedelta(days=1))
    await run_jobs(linli_registry, morning.astimezone(UTC))
    await run_jobs(linli_registry, morning.astimezone(UTC) + timedelta(minutes=1))
    kinds = [n["kind"] for n in await notifications_of(world.mediator_b)]
    assert kinds == ["mediation.follow_up_due"]
