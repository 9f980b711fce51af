"""Acceptance 4: the weekly round-table lists what is new, overdue and waiting for a
decision, grouped by body; its decisions are written back onto the requests; the
agenda and minutes print; attendance shows cross-appointments. The demo's round-table
of this week lists the right items."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from linli.testing import form_post, log_in, make_account, make_place
from linli_requests import services
from linli_requests.demo import seed
from linli_requests.models import AgendaItem, Attendee, Meeting, Request, Update
from linli_requests.testing import make_request, move

pytestmark = pytest.mark.linli_plugins("requests")

BASE = "/c/test/requests"
TUESDAY = date(2026, 3, 10)  # the default meeting day
WEEK_BEFORE = datetime(2026, 3, 5, 2, 0, tzinfo=UTC)


async def agenda_world(world):
    """new: a leak from last week (property) and a broken door (community); overdue:
    a street light from a month ago never fixed; waiting: a quarrel put on the
    round-table (community); and two that do not belong: a fixed leak from a month ago,
    a leak reported after the meeting day."""
    with time_machine.travel(WEEK_BEFORE, tick=False):
        new = await make_request(world.community, world.resident, "leak", by=world.resident_account)
        bin_ = await make_request(
            world.community, world.neighbour, "other", by=world.neighbour_account
        )
        # answered in time: new, not overdue
        await move(new, "in_progress", by=world.worker)
        await move(bin_, "in_progress", by=world.worker)
    with time_machine.travel(WEEK_BEFORE - timedelta(days=30), tick=False):
        late = await make_request(
            world.community, world.resident, "streetlight", by=world.resident_account
        )
        fixed = await make_request(
            world.community, world.resident, "leak", by=world.resident_account
        )
        waiting = await make_request(
            world.community, world.neighbour, "neighbour", by=world.neighbour_account
        )
    await move(fixed, "fixed", by=world.worker)
    await services.work(
        waiting,
        services.Change(awaiting_decision=True, public_note="提交周周碰"),
        actor=await world.actor(world.worker),
    )
    with time_machine.travel(datetime(2026, 3, 10, 8, 0, tzinfo=UTC), tick=False):
        after = await make_request(
            world.community, world.resident, "leak", by=world.resident_account
        )
    return new, bin_, late, fixed, waiting, after


async def test_the_round_table_lists_new_overdue_and_waiting_by_body(client, world):
    new, bin_, late, fixed, waiting, after = await agenda_world(world)
    await log_in(client, "secretary")
    opened = await form_post(client, f"{BASE}/meetings/", {"held_on": TUESDAY.isoformat()})
    assert opened.status_code == 200
    meeting = await Meeting.get(held_on=TUESDAY)
    reasons = dict(await AgendaItem.filter(meeting=meeting).values_list("request_id", "reason"))
    assert reasons == {new.id: "new", bin_.id: "new", late.id: "overdue", waiting.id: "waiting"}
    page = opened.text
    assert "1 overdue" in page and "2 new" in page and "1 waiting for a decision" in page
    # grouped by body: the property company's items together, the community's apart
    property_at = page.index("<h2>江汉里物业</h2>")
    # within a body: waiting, then overdue, then new
    assert property_at < page.index(f"#{late.id} ") < page.index(f"#{new.id} ")
    assert page.index(f"#{bin_.id} ") < property_at
    assert f"#{fixed.id} " not in page and f"#{after.id} " not in page
    # opening it again adds nothing
    again = await form_post(client, f"{BASE}/meetings/", {"held_on": TUESDAY.isoformat()})
    assert again.status_code == 200 and await AgendaItem.filter(meeting=meeting).count() == 4


async def test_a_decision_is_written_back_onto_the_request(client, world):
    _new, _bin, late, _fixed, waiting, _after = await agenda_world(world)
    meeting = await services.meeting_for(world.community, TUESDAY)
    item = await AgendaItem.get(meeting=meeting, request_id=late.id)
    await log_in(client, "secretary")
    due = (date.today() + timedelta(days=7)).isoformat()
    bad = await form_post(
        client,
        f"{BASE}/meetings/{meeting.id}/items/{item.id}",
        {"decision": "", "owner": str(world.staff.id), "due_on": due},
    )
    assert bad.status_code == 400 and "Write the decision." in bad.text
    done = await form_post(
        client,
        f"{BASE}/meetings/{meeting.id}/items/{item.id}",
        {"decision": "物业本周更换灯具", "owner": str(world.staff.id), "due_on": due},
    )
    assert done.status_code == 200 and "物业本周更换灯具" in done.text
    late = await Request.get(id=late.id)
    assert late.assignee_id == world.staff.id and late.expected_on.isoformat() == due
    assert not services.is_overdue(late, services.now_utc())
    update = await Update.filter(request_id=late.id).order_by("-id").first()
    assert update.kind == "decision" and update.public_note == "物业本周更换灯具"
    # the resident sees the decision on their request
    await log_in(client, "resident")
    assert "物业本周更换灯具" in (await client.get(f"{BASE}/{late.id}")).text
    # the waiting one no longer waits once decided
    item = await AgendaItem.get(meeting=meeting, request_id=waiting.id)
    await log_in(client, "secretary")
    await form_post(
        client, f"{BASE}/meetings/{meeting.id}/items/{item.id}", {"decision": "社区调解"}
    )
    assert not (await Request.get(id=waiting.id)).awaiting_decision
    # a forged item of another meeting
    other = await services.meeting_for(world.community, TUESDAY + timedelta(days=7))
    forged = await form_post(
        client, f"{BASE}/meetings/{other.id}/items/{item.id}", {"decision": "x"}
    )
    assert forged.status_code == 404


async def test_attendance_shows_both_sides_and_the_cross_appointment(client, world):
    meeting = await services.meeting_for(world.community, TUESDAY)
    await log_in(client, "worker")
    for who in ("secretary", "staff", "物业经理老刘"):
        page = await form_post(client, f"{BASE}/meetings/{meeting.id}/attendees", {"who": who})
        assert page.status_code == 200
    secretary, staff, guest = await Attendee.filter(meeting=meeting).order_by("id")
    assert (
        secretary.name == "王书记" and secretary.cross_appointed and secretary.side == "community"
    )
    assert staff.side == "property" and not staff.cross_appointed
    assert guest.account_id is None and guest.side == "other"
    printable = await client.get(f"{BASE}/meetings/{meeting.id}/print")
    assert printable.status_code == 200
    assert "cross-appointed" in printable.text and "王书记" in printable.text
    assert "Record the decision" not in printable.text
    # named as the register names them, never by their logins
    assert "<li>secretary ·" not in printable.text and "<li>王书记 ·" in printable.text
    await form_post(client, f"{BASE}/meetings/{meeting.id}/minutes", {"minutes": "逐项过了诉求"})
    assert "逐项过了诉求" in (await client.get(f"{BASE}/meetings/{meeting.id}/print")).text


async def test_the_demo_round_table_of_this_week(client, linli_community):
    await seed(linli_community)
    weekday = (await services.settings_of(linli_community)).meeting_weekday
    today = datetime.now(services.DEFAULT_ZONE).date()
    held_on = services.meeting_day(today, weekday)
    meeting = await Meeting.get(community=linli_community, held_on=held_on)
    start = services.day_start(held_on - timedelta(days=7))
    end = services.day_start(held_on)
    live = Request.filter(community=linli_community, duplicate_of_id__isnull=True)
    expected_new = set(
        await live.filter(created_at__gte=start, created_at__lt=end).values_list("id", flat=True)
    )
    expected_overdue = set(
        await live.filter(services.overdue_q(end), created_at__lt=end).values_list("id", flat=True)
    )
    items = await AgendaItem.filter(meeting=meeting).values_list("request_id", "reason")
    listed = {
        reason: {r for r, why in items if why == reason} for reason in ("new", "overdue", "waiting")
    }
    waiting = set(
        await live.filter(awaiting_decision=True, status_type="open").values_list("id", flat=True)
    )
    assert expected_overdue and listed["waiting"] == waiting
    assert listed["overdue"] == expected_overdue - waiting
    assert listed["new"] == expected_new - waiting - expected_overdue
    # earlier round-tables' decisions show on their requests
    decided = await AgendaItem.filter(
        meeting__community=linli_community, decided_at__isnull=False
    ).first()
    assert await Update.filter(
        request_id=decided.request_id, kind="decision", public_note=decided.decision
    ).exists()


async def test_a_decision_cannot_name_someone_outside_the_body(client, world):
    _new, _bin, late, _fixed, _waiting, _after = await agenda_world(world)
    meeting = await services.meeting_for(world.community, TUESDAY)
    item = await AgendaItem.get(meeting=meeting, request_id=late.id)
    await log_in(client, "secretary")
    for owner in (str(world.grid.id), "987654"):
        refused = await form_post(
            client,
            f"{BASE}/meetings/{meeting.id}/items/{item.id}",
            {"decision": "x", "owner": owner},
        )
        assert refused.status_code == 400
        assert "does not work for the responsible body" in refused.text
    assert (await AgendaItem.get(id=item.id)).decided_at is None


async def test_attendance_and_decisions_name_people_not_logins(client, world):
    """A round-table's paper names people: an account by its person's name in the
    register, staff without a record by the name the worker writes beside the login
    (their roles still come from the login), the person in charge of a decision by
    name. The logins ("staff", "secretary") are printed nowhere."""
    _new, _bin, late, _fixed, _waiting, _after = await agenda_world(world)
    meeting = await services.meeting_for(world.community, TUESDAY)
    await log_in(client, "worker")
    await form_post(client, f"{BASE}/meetings/{meeting.id}/attendees", {"who": "secretary"})
    await form_post(
        client, f"{BASE}/meetings/{meeting.id}/attendees", {"who": "staff", "name": "周经理"}
    )
    secretary, staff = await Attendee.filter(meeting=meeting).order_by("id")
    assert (secretary.name, staff.name) == ("王书记", "周经理")
    assert staff.account_id == world.staff.id and staff.side == "property" and staff.roles
    item = await AgendaItem.get(meeting=meeting, request_id=late.id)
    await log_in(client, "secretary")
    page = await client.get(f"{BASE}/meetings/{meeting.id}")
    assert f'<option value="{world.secretary.id}">王书记</option>' in page.text
    await form_post(
        client,
        f"{BASE}/meetings/{meeting.id}/items/{item.id}",
        {"decision": "物业本周更换灯具", "owner": str(world.secretary.id)},
    )
    printable = (await client.get(f"{BASE}/meetings/{meeting.id}/print")).text
    assert "<li>王书记 ·" in printable and "<li>周经理 ·" in printable
    assert "in charge: 王书记" in printable
    for login in ("secretary", "staff"):
        assert f">{login} " not in printable and f": {login}" not in printable


async def test_the_demo_round_tables_write_down_the_staff_by_name(client, linli_community):
    company = await make_place(linli_community, "property_company", "江汉里物业", code="property")
    await make_account("community_worker", linli_community, "community_worker")
    await make_account("committee_secretary", linli_community, "committee_secretary")
    await make_account("property_staff", linli_community, ("property_staff", company))
    await seed(linli_community)
    names = await Attendee.filter(meeting__community=linli_community).values_list("name", flat=True)
    assert names and set(names) == {"刘书记", "物业周经理", "王社工"}
