"""Acceptance 2: an overdue visit is on the overdue list and reminds the carer, once
per overdue period; "needs help" raises an alert the duty worker sees, and nobody
else. A form sent twice is one visit."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from linli.testing import emitted_events, form_post, log_in, notifications_of, run_jobs
from linli_care import services
from linli_care.models import FollowUp, Member, Visit

pytestmark = pytest.mark.linli_plugins("care")

WUHAN = ZoneInfo("Asia/Shanghai")
BASE = "/c/test/care/"


async def test_an_overdue_visit_is_listed_and_reminds_the_carer_once(
    linli_client, linli_registry, kit
):
    member = await Member.get(person=kit.elder)
    due = member.due_on
    await log_in(linli_client, "grid")
    page = await linli_client.get(BASE + "overdue/")
    assert page.status_code == 200 and "张奶奶" not in page.text  # not yet
    later = datetime.combine(due + timedelta(days=2), datetime.min.time(), WUHAN)
    with time_machine.travel(later.replace(hour=9, minute=1), tick=False):
        page = await linli_client.get(BASE + "overdue/")
        assert "张奶奶" in page.text and "刘党员" in page.text
        await run_jobs(linli_registry)
        await run_jobs(linli_registry)
    with time_machine.travel(later.replace(hour=9, minute=1) + timedelta(days=1), tick=False):
        await run_jobs(linli_registry)  # the next morning: same overdue period, no reminder
    told = await notifications_of(kit.carer_account)
    assert [n["kind"] for n in told] == ["care.visit_overdue"]
    assert told[0]["subject"] == "张奶奶" and told[0]["values"]["day"] == due.isoformat()
    # grid 10 is not the duty worker there: the list is empty for them
    await log_in(linli_client, "grid10")
    assert "张奶奶" not in (await linli_client.get(BASE + "overdue/")).text


async def test_the_oldest_overdue_comes_first(linli_client, kit):
    await Member.filter(person=kit.elder).update(due_on=datetime(2026, 1, 10).date())
    from linli.testing import make_resident

    other, _ = await make_resident(
        kit.community, kit.building, "钱爷爷", born=datetime(1930, 1, 1).date(), tags=["独居"]
    )
    await services.recompute(kit.community, services.local_day(services.now_utc()))
    await Member.filter(person=other).update(due_on=datetime(2026, 1, 5).date())
    await log_in(linli_client, "worker")
    page = await linli_client.get(BASE + "overdue/")
    assert page.text.index("钱爷爷") < page.text.index("张奶奶")


async def test_needs_help_alerts_the_duty_worker_and_nobody_else(linli_client, kit):
    await log_in(linli_client, "carer")
    form = await linli_client.get(f"{BASE}visit/{kit.elder.id}")
    assert form.status_code == 200 and "<script" not in form.text.split("<main")[-1]
    token = form.text.split('name="token" value="')[1].split('"')[0]
    sent = await form_post(
        linli_client,
        f"{BASE}visit/{kit.elder.id}",
        {"token": token, "outcome": "help", "mode": "visit", "note": "摔倒了,腿疼"},
    )
    assert sent.status_code == 200 and "值班" in sent.text
    assert [n["kind"] for n in await notifications_of(kit.grid)] == ["care.needs_help"]
    for nobody in (kit.grid10, kit.carer_account):
        assert await notifications_of(nobody) == []
    [(_, concern)] = await emitted_events("welfare.concern")
    assert concern["source"] == "care" and concern["level"] == "help"
    assert "腿疼" not in str(concern)  # health details stay in care
    await log_in(linli_client, "grid")
    page = await linli_client.get(BASE + "followups/")
    assert "张奶奶" in page.text and "摔倒了" in page.text
    for user, status in (("grid10", 200), ("carer", 403), ("volunteer", 403), ("resident", 403)):
        await log_in(linli_client, user)
        page = await linli_client.get(BASE + "followups/")
        assert page.status_code == status, user
        assert "张奶奶" not in page.text, user
    # resolved by the duty worker
    await log_in(linli_client, "grid")
    followup = await FollowUp.get(person=kit.elder)
    done = await form_post(
        linli_client, f"{BASE}followups/{followup.id}/resolve", {"note": "已送医"}
    )
    assert done.status_code == 200
    assert (await FollowUp.get(id=followup.id)).resolved_at is not None
    assert len(await emitted_events("welfare.resolved")) == 1


async def test_a_form_sent_twice_is_one_visit(linli_client, kit):
    await log_in(linli_client, "carer")
    data = {"token": services.new_token(), "outcome": "well", "mode": "phone"}
    first = await form_post(linli_client, f"{BASE}visit/{kit.elder.id}", data)
    again = await form_post(linli_client, f"{BASE}visit/{kit.elder.id}", data)
    assert first.status_code == again.status_code == 200
    assert "已记录过" in again.text or "already" in again.text
    assert await Visit.filter(person=kit.elder).count() == 1
    member = await Member.get(person=kit.elder)
    assert member.last_seen == services.local_day(services.now_utc())


async def test_concerns_raise_a_follow_up_without_an_alert(linli_client, kit):
    await log_in(linli_client, "carer")
    data = {"token": services.new_token(), "outcome": "concerns", "mode": "visit"}
    await form_post(linli_client, f"{BASE}visit/{kit.elder.id}", data)
    assert await FollowUp.filter(person=kit.elder, level="concern").count() == 1
    assert await emitted_events("welfare.concern") == []
    assert await notifications_of(kit.grid) == []


async def test_bad_input_changes_nothing(linli_client, kit):
    await log_in(linli_client, "carer")
    data = {"token": services.new_token(), "outcome": "maybe", "mode": "visit"}
    page = await form_post(linli_client, f"{BASE}visit/{kit.elder.id}", data)
    assert page.status_code == 400 and 'id="outcome-error"' in page.text
    assert await Visit.all().count() == 0
