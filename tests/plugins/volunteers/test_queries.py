"""Every page of 一呼百应 runs at most 8 queries, and as many with a year of data as with
a little: measured with ``page_queries`` before and after adding volunteers, calls,
answers, shifts, sign-ups, hours (with street bank points), thanks, teams and skills."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from linli.testing import log_in, make_person, page_queries
from linli_volunteers import services
from linli_volunteers.models import Correction, Hours, Qualification, Thanks
from linli_volunteers.testing import make_call, make_shift, make_skill, make_team, make_volunteer

pytestmark = pytest.mark.linli_plugins("volunteers")

BASE = "/c/test/volunteers/"
MOST = 8


async def grow(kit, round_: int, n: int = 4) -> None:
    """More of everything the pages show, for the helper and around them."""
    now = datetime.now(UTC)
    skill = await make_skill(kit.community, f"技能{round_}")
    team = await make_team(kit.community, f"服务队{round_}")
    await services.add_member(team, kit.helper, leader=False, today=date(2026, 1, 5), actor=None)
    await services.set_skills(kit.helper, [kit.plumbing.id, skill.id])
    for i in range(n):
        person = await make_person(kit.community, f"新志愿者{round_}-{i}")
        newcomer = await make_volunteer(kit.community, person, skills=[kit.plumbing], team=kit.team)
        call = await make_call(
            kit.community, f"求助{round_}-{i}", place=kit.building, skill=kit.plumbing,
            needed=3, raised_by=kit.resident,
        )  # fmt: skip
        await services.accept(call.id, kit.helper, now=now)
        await services.accept(call.id, newcomer, now=now)
        await make_call(kit.community, f"待接{round_}-{i}", place=kit.other_building)
        shift = await make_shift(
            kit.community, f"排班{round_}-{i}",
            starts_at=now + timedelta(hours=4 + 3 * (round_ * n + i)), team=kit.team,
        )  # fmt: skip
        await services.sign_up(shift.id, kit.helper, now=now)
        await services.sign_up(shift.id, newcomer, now=now)
        for volunteer in (kit.helper, newcomer):
            entry = await Hours.create(
                community=kit.community, volunteer=volunteer, reference=f"x:{round_}:{i}",
                title="巡逻", team=kit.team, category="patrol", day=date.today(),
                hours=2.0, scheduled=2.0, status="approved", points=16,
            )  # fmt: skip
            await Hours.create(
                community=kit.community, volunteer=volunteer, reference=f"p:{round_}:{i}",
                title="送餐", team=kit.team, day=date.today(), hours=1.0, scheduled=1.0,
            )  # fmt: skip
            await Correction.create(entry=entry, hours=3.0, reason="签退晚了")
        await Thanks.create(volunteer=kit.helper, call=call, text="谢谢", by_name="王奶奶")
    kinds = list(services.QUALIFICATIONS)
    await Qualification.get_or_create(
        volunteer=kit.helper, kind=kinds[round_ % len(kinds)], defaults={"expires_on": None}
    )


async def measured(client, path: str) -> list[str]:
    queries = await page_queries(client, BASE + path)
    assert len(queries) <= MOST, (path, len(queries), queries)
    return queries


PAGES = {
    "helper": [
        "",
        "calls/",
        "calls/{call}",
        "calls/new",
        "shifts/",
        "shifts/{shift}/here",
        "register/{helper}",
        "teams/",
        "teams/{team}",
    ],
    "worker": [
        "",
        "calls/",
        "calls/{call}",
        "shifts/",
        "shifts/new",
        "shifts/{shift}",
        "hours/",
        "register/",
        "register/{helper}",
        "teams/",
        "teams/{team}",
        "figures/",
    ],
    "leader": ["hours/", "shifts/{shift}"],
    "resident": ["", "calls/{call}", "shifts/"],
}


@pytest.mark.parametrize("user", list(PAGES))
async def test_every_page_runs_few_queries_whatever_the_data(linli_client, kit, user):
    call = await make_call(
        kit.community, "卫生间渗水", place=kit.building, skill=kit.plumbing, needed=5,
        raised_by=kit.resident,
    )  # fmt: skip
    await services.accept(call.id, kit.helper, now=datetime.now(UTC))
    shift = await make_shift(
        kit.community, "平安巡逻", starts_at=datetime.now(UTC) + timedelta(hours=1)
    )
    await services.sign_up(shift.id, kit.helper, now=datetime.now(UTC))
    ids = {"call": call.id, "shift": shift.id, "helper": kit.helper.id, "team": kit.team.id}
    paths = [path.format(**ids) for path in PAGES[user]]
    await grow(kit, 0, n=1)
    await log_in(linli_client, user)
    few = {path: len(await measured(linli_client, path)) for path in paths}
    await grow(kit, 1, n=3)
    many = {path: len(await measured(linli_client, path)) for path in paths}
    assert many == few
