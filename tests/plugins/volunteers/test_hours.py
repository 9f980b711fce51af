"""Acceptance 2, 3 and 4 through the pages: approving hours verifies the service once, a
volunteer never approves their own; the beneficiary's address and phone reach only the
assigned volunteers while the call is open; an expired certificate refuses a sign-up."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from linli.kit import Event
from linli.testing import emitted_events, form_post, log_in
from linli_volunteers import events, services
from linli_volunteers.models import Correction, Hours, Qualification, Signup, Volunteer
from linli_volunteers.testing import make_call, make_shift

pytestmark = pytest.mark.linli_plugins("volunteers")

BASE = "/c/test/volunteers/"


async def entry_of(kit, volunteer, status="pending"):
    return await Hours.create(
        community=kit.community, volunteer=volunteer, reference=f"shift:{volunteer.id}",
        title="助老送餐", team=kit.team, category="meal-delivery", day=date(2026, 3, 16),
        hours=2.0, scheduled=2.0, status=status,
    )  # fmt: skip


async def test_approving_twice_verifies_once(linli_client, kit):
    entry = await entry_of(kit, kit.helper)
    await log_in(linli_client, "worker")
    first = await form_post(linli_client, f"{BASE}hours/{entry.id}/approve", {})
    assert first.status_code == 200 and "服务时长已通过" in first.text
    again = await form_post(linli_client, f"{BASE}hours/{entry.id}/approve", {})
    assert again.status_code == 200 and "已经审核过了" in again.text
    verified = await emitted_events("service.verified")
    assert verified == [
        (
            "service.verified",
            {"person": kit.helper.person_id, "source": "volunteers",
             "reference": f"hours:{entry.id}", "category": "meal-delivery", "hours": 2.0,
             "tasks": 1, "note": "助老送餐"},
        )
    ]  # fmt: skip
    refused = await form_post(linli_client, f"{BASE}hours/{entry.id}/decline", {})
    assert refused.status_code == 409
    assert (await Hours.get(id=entry.id)).status == "approved"


async def test_declined_and_pending_hours_verify_nothing(linli_client, kit):
    declined = await entry_of(kit, kit.helper)
    await entry_of(kit, kit.neighbour)
    await log_in(linli_client, "leader")
    page = await form_post(linli_client, f"{BASE}hours/{declined.id}/decline", {})
    assert page.status_code == 200 and "未通过" in page.text
    assert await emitted_events("service.verified") == []


async def test_a_volunteer_cannot_approve_their_own_hours(linli_client, kit):
    own = await entry_of(kit, kit.leader)
    await log_in(linli_client, "leader")
    page = await linli_client.get(f"{BASE}hours/")
    assert f"hours-{own.id}" not in page.text  # not offered
    refused = await form_post(linli_client, f"{BASE}hours/{own.id}/approve", {})
    assert refused.status_code == 403 and "不能审核自己的服务时长" in refused.text
    assert (await Hours.get(id=own.id)).status == "pending"
    assert await emitted_events("service.verified") == []


async def test_a_volunteer_who_leads_nothing_cannot_approve(linli_client, kit):
    entry = await entry_of(kit, kit.neighbour)
    await log_in(linli_client, "helper")
    refused = await form_post(linli_client, f"{BASE}hours/{entry.id}/approve", {})
    assert refused.status_code == 403
    forged = await form_post(linli_client, f"{BASE}hours/999999/approve", {})
    assert forged.status_code == 404
    assert await emitted_events("service.verified") == []


async def test_the_address_and_phone_reach_only_the_assigned_while_open(linli_client, kit):
    call = await make_call(kit.community, needed=1, skill=kit.plumbing, place=kit.building)
    url = f"{BASE}calls/{call.id}"
    await log_in(linli_client, "helper")
    before = await linli_client.get(url)
    assert "13900009999" not in before.text and "3栋2单元601室" not in before.text
    accepted = await form_post(linli_client, url + "/accept", {})
    assert "13900009999" in accepted.text and "3栋2单元601室" in accepted.text
    await log_in(linli_client, "neighbour")  # not assigned: the call was for one
    other = await linli_client.get(url)
    assert "13900009999" not in other.text and "3栋2单元601室" not in other.text
    late = await form_post(linli_client, url + "/accept", {})
    assert late.status_code == 409 and "人手已经够了" in late.text
    await log_in(linli_client, "worker")
    closed = await form_post(linli_client, url + "/close", {"done": "yes"})
    assert closed.status_code == 200 and "13900009999" in closed.text  # the worker sees
    await log_in(linli_client, "helper")
    after = await linli_client.get(url)
    assert "13900009999" not in after.text and "3栋2单元601室" not in after.text
    assert await Hours.filter(volunteer=kit.helper, reference=f"call:{call.id}").count() == 1


async def test_an_expired_certificate_refuses_the_sign_up(linli_client, kit):
    starts = datetime.now(UTC) + timedelta(days=3)
    shift = await make_shift(
        kit.community, "食堂帮厨", starts_at=starts, requires="health-certificate"
    )
    await Qualification.create(
        volunteer=kit.helper, kind="health-certificate", expires_on=date(2025, 12, 31)
    )
    await log_in(linli_client, "helper")
    refused = await form_post(linli_client, f"{BASE}shifts/{shift.id}/signup", {})
    assert refused.status_code == 403
    assert "需要有效的健康证。你的健康证已于" in refused.text and "2025-12-31" in refused.text
    assert await Signup.filter(shift=shift).count() == 0
    await log_in(linli_client, "neighbour")  # none at all
    missing = await form_post(linli_client, f"{BASE}shifts/{shift.id}/signup", {})
    assert missing.status_code == 403 and "名册上没有你的证书记录" in missing.text
    await Qualification.filter(volunteer=kit.helper).update(
        expires_on=services.local_day(starts)
    )  # the shift's own day
    await log_in(linli_client, "helper")
    done = await form_post(linli_client, f"{BASE}shifts/{shift.id}/signup", {})
    assert done.status_code == 200 and "报名成功" in done.text


async def test_overlapping_shifts_are_refused_and_close_ones_warned(linli_client, kit):
    start = datetime.now(UTC) + timedelta(days=2)
    first = await make_shift(kit.community, "平安巡逻", starts_at=start)
    overlapping = await make_shift(kit.community, "助老送餐", starts_at=start + timedelta(hours=1))
    close = await make_shift(kit.community, "环境整治", starts_at=start + timedelta(hours=2.5))
    await log_in(linli_client, "helper")
    await form_post(linli_client, f"{BASE}shifts/{first.id}/signup", {})
    refused = await form_post(linli_client, f"{BASE}shifts/{overlapping.id}/signup", {})
    assert refused.status_code == 409 and "你在这个时间已报名“平安巡逻”" in refused.text
    warned = await form_post(linli_client, f"{BASE}shifts/{close.id}/signup", {})
    assert warned.status_code == 200 and "请注意时间" in warned.text
    twice = await form_post(linli_client, f"{BASE}shifts/{close.id}/signup", {})
    assert twice.status_code == 409
    assert await Signup.filter(volunteer=kit.helper).count() == 2


async def test_check_in_and_out_by_the_code_makes_pending_hours(linli_client, kit):
    shift = await make_shift(kit.community, starts_at=datetime.now(UTC) + timedelta(minutes=1))
    await services.sign_up(shift.id, kit.helper, now=datetime.now(UTC))
    await log_in(linli_client, "helper")
    wrong = await form_post(linli_client, f"{BASE}shifts/{shift.id}/here", {"code": "x"})
    assert wrong.status_code == 403
    url = f"{BASE}shifts/{shift.id}/here"
    assert (await form_post(linli_client, url, {"code": shift.code})).status_code == 200
    out = await form_post(linli_client, url, {"code": shift.code})
    assert "等待队长审核" in out.text
    entry = await Hours.get(volunteer=kit.helper)
    assert (entry.status, entry.scheduled, entry.hours) == ("pending", 2.0, 0.25)


async def test_service_verified_elsewhere_puts_its_volunteer_on_the_register(kit, linli_bus):
    newcomer = kit.resident
    payload = events.Verified(
        person=newcomer.id, source="canteen", reference="delivery:7", category="meal-delivery",
        hours=1.0, tasks=1, note="",
    )  # fmt: skip
    event = Event(id=uuid.uuid4(), name="service.verified", community_id=kit.community.id,
                  payload=payload, created_at=datetime.now(UTC))  # fmt: skip
    await events.count_service(event)
    await events.count_service(event)  # delivered twice: counted once
    volunteer = await Volunteer.get(person=newcomer)
    assert await volunteer.memberships.filter(team=kit.team).exists()
    [entry] = await Hours.filter(volunteer=volunteer)
    assert (entry.status, entry.external, entry.reference) == (
        "approved",
        True,
        "canteen:delivery:7",
    )
    withdrawn = events.Withdrawn(person=newcomer.id, source="canteen", reference="delivery:7",
                                 reason="undone")  # fmt: skip
    await events.uncount_service(
        Event(id=uuid.uuid4(), name="service.withdrawn", community_id=kit.community.id,
              payload=withdrawn, created_at=datetime.now(UTC))
    )  # fmt: skip
    assert (await Hours.get(id=entry.id)).status == "declined"
    assert await emitted_events("service.verified") == []  # not rewarded a second time


async def test_approved_hours_are_corrected_by_request_never_changed(linli_client, kit):
    entry = await entry_of(kit, kit.helper, status="approved")
    await log_in(linli_client, "helper")
    asked = await form_post(
        linli_client, f"{BASE}hours/{entry.id}/correction", {"hours": "3", "reason": "签退晚了"}
    )
    assert asked.status_code == 200 and "更正申请已提交" in asked.text
    [correction] = await Correction.all()
    own = await form_post(linli_client, f"{BASE}corrections/{correction.id}", {"approve": "yes"})
    assert own.status_code == 403
    await log_in(linli_client, "leader")
    page = await linli_client.get(f"{BASE}hours/")
    assert f"correction-{correction.id}" in page.text
    await form_post(linli_client, f"{BASE}corrections/{correction.id}", {"approve": "yes"})
    await form_post(linli_client, f"{BASE}corrections/{correction.id}", {"approve": "yes"})
    kept = await Hours.get(id=entry.id)
    assert (kept.hours, kept.corrected, kept.status) == (2.0, 3.0, "approved")
    assert [p["reference"] for _, p in await emitted_events("service.withdrawn")] == [
        f"hours:{entry.id}"
    ]
    assert [(p["reference"], p["hours"]) for _, p in await emitted_events("service.verified")] == [
        (f"hours:{entry.id}:c{correction.id}", 3.0)
    ]
    assert await Hours.filter(volunteer=kit.helper).count() == 1  # nothing deleted or added


async def test_the_leader_checks_a_volunteer_in_and_out_from_the_roster(linli_client, kit):
    shift = await make_shift(kit.community, starts_at=datetime.now(UTC) + timedelta(minutes=1))
    await services.sign_up(shift.id, kit.helper, now=datetime.now(UTC))
    signup = await Signup.get(shift=shift)
    await log_in(linli_client, "helper")
    assert (await linli_client.get(f"{BASE}shifts/{shift.id}")).status_code == 403
    await log_in(linli_client, "leader")
    roster = await linli_client.get(f"{BASE}shifts/{shift.id}")
    assert roster.status_code == 200 and "王师傅" in roster.text and "<svg" in roster.text
    assert f"here?code={shift.code}" in roster.text
    url = f"{BASE}shifts/{shift.id}/check/{signup.id}"
    assert "王师傅 已签到" in (await form_post(linli_client, url, {})).text
    assert "等待审核" in (await form_post(linli_client, url, {})).text
    assert (await form_post(linli_client, url, {})).status_code == 200
    assert await Hours.filter(volunteer=kit.helper, reference=f"shift:{shift.id}").count() == 1
