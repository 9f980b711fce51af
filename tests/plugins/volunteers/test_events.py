"""What 一呼百应 tells other features about calls for help (issue 21): one
``volunteers.call_raised`` when a call is raised, one ``volunteers.call_closed`` when it
ends (help given, cancelled, expired by the night job), in the transaction of the change,
with the resident it is for when one is named and never the beneficiary's name, address
or phone. A refused or rolled-back action tells nothing."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from tortoise.transactions import in_transaction

from linli.kit import Actor, community_root
from linli.testing import emitted_events, form_post, log_in, make_person, run_jobs
from linli_volunteers import services
from linli_volunteers.models import Call
from linli_volunteers.testing import make_call

pytestmark = pytest.mark.linli_plugins("volunteers")
ZONE = ZoneInfo("Asia/Shanghai")
BASE = "/c/test/volunteers/"


async def raised() -> list[dict]:
    return [payload for _, payload in await emitted_events("volunteers.call_raised")]


async def closed() -> list[dict]:
    return [payload for _, payload in await emitted_events("volunteers.call_closed")]


async def close(kit, call: Call, *, done: bool) -> int:
    return await services.close_call(
        call, actor=Actor(account=None), person=kit.resident,
        root=await community_root(kit.community), now=datetime.now(UTC), done=done,
    )  # fmt: skip


async def test_a_call_for_a_resident_is_announced_once_without_private_details(kit):
    call = await make_call(
        kit.community, "独居老人卫生间渗水", skill=kit.plumbing, urgent=True,
        raised_by=kit.resident, for_person=kit.resident,
    )  # fmt: skip
    assert await raised() == [
        {
            "call": call.id, "beneficiary": kit.resident.id, "skill": "水电维修",
            "category": "skills", "urgent": True, "summary": "独居老人卫生间渗水",
            "link": f"/c/test/volunteers/calls/{call.id}",
        }
    ]  # fmt: skip
    text = str(await emitted_events())
    assert "王奶奶" not in text and "601" not in text and "13900009999" not in text


async def test_a_call_for_nobody_of_the_register_says_beneficiary_zero(kit):
    await make_call(kit.community, "帮忙搬米")
    [payload] = await raised()
    assert (payload["beneficiary"], payload["skill"], payload["category"]) == (0, "", "")


async def test_a_refused_or_rolled_back_call_announces_nothing(kit):
    with pytest.raises(services.Refusal):
        await make_call(kit.community, "   ", for_person=kit.resident)
    with pytest.raises(RuntimeError):
        async with in_transaction():
            await make_call(kit.community, raised_by=kit.resident, for_person=kit.resident)
            raise RuntimeError("the page failed after the call was made")
    assert await Call.all().count() == 0
    assert await emitted_events() == []


@pytest.mark.parametrize(("done", "outcome"), [(True, "done"), (False, "cancelled")])
async def test_closing_a_call_announces_its_outcome_once(kit, done, outcome):
    call = await make_call(kit.community, raised_by=kit.resident, for_person=kit.resident)
    await close(kit, call, done=done)
    with pytest.raises(services.CallNotOpen):
        await close(kit, call, done=done)  # a double click: refused, nothing told again
    assert await closed() == [{"call": call.id, "beneficiary": kit.resident.id, "outcome": outcome}]


async def test_a_refused_close_announces_nothing(kit):
    call = await make_call(kit.community, raised_by=await make_person(kit.community, "邻居"))
    with pytest.raises(services.NotAllowed):
        await close(kit, call, done=True)  # the resident did not raise it
    assert await closed() == []


async def test_the_night_job_announces_each_expired_call_once(kit, linli_registry):
    today = datetime.now(ZONE).date()
    yesterday = today - timedelta(days=1)
    starts = datetime.combine(yesterday, time(10), tzinfo=ZONE)
    lapsing = await make_call(kit.community, starts_at=starts, for_person=kit.resident)
    await make_call(kit.community, "今天的求助", starts_at=datetime.combine(today, time(20), ZONE))
    await run_jobs(linli_registry, datetime.combine(today, time(3), ZONE))
    await run_jobs(linli_registry, datetime.combine(today, time(3, 5), ZONE))
    assert await closed() == [
        {"call": lapsing.id, "beneficiary": kit.resident.id, "outcome": "expired"}
    ]


async def test_a_resident_raises_a_call_for_themselves(linli_client, kit):
    await log_in(linli_client, "resident")
    page = await form_post(
        linli_client, f"{BASE}calls/new", {"title": "帮忙换灯泡", "for_me": "yes"}
    )
    assert page.status_code == 200
    form = await linli_client.get(f"{BASE}calls/new")
    assert 'name="for_me"' in form.text and 'name="resident"' not in form.text
    [payload] = await raised()
    assert payload["beneficiary"] == kit.resident.id


async def test_only_who_may_act_for_a_resident_names_one(linli_client, kit):
    await log_in(linli_client, "resident")
    refused = await form_post(
        linli_client, f"{BASE}calls/new", {"title": "帮忙换灯泡", "resident": "王师傅"}
    )
    assert refused.status_code == 403
    assert await Call.all().count() == 0 and await raised() == []
    await log_in(linli_client, "worker")
    assert 'name="resident"' in (await linli_client.get(f"{BASE}calls/new")).text
    unknown = await form_post(
        linli_client, f"{BASE}calls/new", {"title": "帮忙换灯泡", "resident": "#999999"}
    )
    assert unknown.status_code == 400 and "没有与此姓名或电话相符的居民" in unknown.text
    named = await form_post(
        linli_client, f"{BASE}calls/new", {"title": "帮忙换灯泡", "resident": "张阿姨"}
    )
    assert named.status_code == 200
    [payload] = await raised()
    assert payload["beneficiary"] == kit.resident.id
    assert (await Call.get(id=payload["call"])).beneficiary_person_id == kit.resident.id
