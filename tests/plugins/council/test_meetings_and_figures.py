"""Meetings: agenda, attendees, minutes that residents of the covered place read only
after approval; the closure-rate figure against the community's target."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from linli.testing import form_post, log_in, make_account
from linli_council import services
from linli_council.models import (
    APPROVED,
    DISCUSSED,
    NOT_FEASIBLE,
    PROPOSED,
    RESOLVED,
    AgendaItem,
    Meeting,
    Topic,
)
from linli_council.testing import make_need, make_topic

pytestmark = pytest.mark.linli_plugins("council")

SETTINGS = "/c/test/admin/plugins/council/settings"

MEETINGS = "/c/test/council/meetings/"


async def _topic(council, title="电梯维修"):
    need = await make_need(
        council.community, council.resident, title, category="lift", by=council.worker
    )
    return await make_topic(
        council.community,
        [need],
        title=title,
        category="lift",
        node=council.group,
        by=council.worker,
    )


async def _held_meeting(client, council, place):
    """A meeting for ``place`` planned, prepared and minuted through the pages."""
    topic = await _topic(council)
    await log_in(client, "member")
    made = await form_post(
        client,
        MEETINGS,
        {
            "title": "十月例会",
            "held_on": "2026-10-25",
            "location": "党群服务中心",
            "place": str(place.id),
        },
    )
    assert made.status_code == 200
    meeting = await Meeting.get(title="十月例会")
    url = f"{MEETINGS}{meeting.id}"
    assert (await form_post(client, f"{url}/agenda", {"topic": str(topic.id)})).status_code == 200
    assert (await Topic.get(id=topic.id)).state == "scheduled"
    lawyer = await form_post(
        client, f"{url}/attendees", {"name": "陈律师", "kind": "guest", "note": "法律援助中心"}
    )
    assert lawyer.status_code == 200
    item = await AgendaItem.get(meeting_id=meeting.id)
    minuted = await form_post(
        client, f"{url}/minutes/{item.id}", {"minutes": "物业承诺两周内修复电梯"}
    )
    assert minuted.status_code == 200
    assert (await Topic.get(id=topic.id)).state == DISCUSSED
    return meeting


async def test_minutes_reach_residents_of_the_place_only_after_approval(client, council):
    meeting = await _held_meeting(client, council, council.b10)
    url = f"{MEETINGS}{meeting.id}"
    # before approval: the resident of building 10 does not read them
    await log_in(client, "resident")
    page = await client.get(url)
    assert page.status_code == 200
    assert "物业承诺两周内修复电梯" not in page.text and "陈律师" not in page.text
    # a member may not approve; the worker may
    await log_in(client, "member")
    assert (await form_post(client, f"{url}/approve", {})).status_code == 403
    await log_in(client, "worker")
    asked = await form_post(client, f"{url}/approve", {})
    assert asked.status_code == 200 and "cannot be changed any more" in asked.text
    assert (await Meeting.get(id=meeting.id)).minutes_status != APPROVED
    approved = await form_post(client, f"{url}/approve", {"confirmed": "yes"})
    assert approved.status_code == 200 and "Minutes approved and published." in approved.text
    assert (await Meeting.get(id=meeting.id)).minutes_status == APPROVED
    again = await form_post(client, f"{url}/approve", {"confirmed": "yes"})
    assert again.status_code == 409
    # after: building 10 reads them, building 11 does not
    await log_in(client, "resident")
    page = await client.get(url)
    assert "物业承诺两周内修复电梯" in page.text and "陈律师" in page.text
    await log_in(client, "neighbour")
    page = await client.get(url)
    assert "物业承诺两周内修复电梯" not in page.text
    # and the minutes cannot change any more
    item = await AgendaItem.get(meeting_id=meeting.id)
    await log_in(client, "member")
    late = await form_post(client, f"{url}/minutes/{item.id}", {"minutes": "改写"})
    assert late.status_code == 400
    assert (await AgendaItem.get(id=item.id)).minutes == "物业承诺两周内修复电梯"


async def test_whole_community_minutes_reach_every_resident_and_not_anonymous(client, council):
    meeting = await _held_meeting(client, council, council.estate)
    await services.approve_minutes(meeting, actor=await council.actor(council.worker))
    await log_in(client, "neighbour")
    assert "物业承诺两周内修复电梯" in (await client.get(f"{MEETINGS}{meeting.id}")).text
    client.cookies.clear()
    anonymous = await client.get(f"{MEETINGS}{meeting.id}", follow_redirects=False)
    assert anonymous.status_code == 303


async def test_minutes_need_text_for_every_topic_before_approval(council):
    worker = await council.actor(council.worker)
    meeting = await services.create_meeting(
        council.community, title="空会", held_on=date(2026, 3, 1), actor=worker
    )
    with pytest.raises(services.CouncilError):
        await services.approve_minutes(meeting, actor=worker)
    await services.schedule(meeting, await _topic(council), actor=worker)
    with pytest.raises(services.CouncilError):
        await services.approve_minutes(meeting, actor=worker)
    with pytest.raises(services.CouncilError):
        await services.schedule(meeting, await Topic.first(), actor=worker)  # twice


async def test_bad_meeting_input_is_refused(client, council):
    await log_in(client, "member")
    no_date = await form_post(client, MEETINGS, {"title": "例会", "held_on": "someday"})
    assert no_date.status_code == 400 and "YYYY-MM-DD" in no_date.text
    meeting = await services.create_meeting(
        council.community,
        title="例会",
        held_on=date(2026, 3, 1),
        actor=await council.actor(council.member),
    )
    guest = await form_post(
        client, f"{MEETINGS}{meeting.id}/attendees", {"name": "x", "kind": "alien"}
    )
    assert guest.status_code == 400
    topic = await form_post(client, f"{MEETINGS}{meeting.id}/agenda", {"topic": "987654"})
    assert topic.status_code == 400
    assert await Meeting.all().count() == 1


async def _topics_in(council, year: int, states: list[str]) -> None:
    await Topic.bulk_create(
        [
            Topic(
                community_id=council.community.id,
                title=f"t{i}",
                category=category,
                node_id=council.group.id,
                state=state,
                created_at=datetime(year, 3, 1, tzinfo=UTC) + timedelta(days=i),
            )
            for i, (state, category) in enumerate(
                (state, "lift" if i % 2 else "parking") for i, state in enumerate(states)
            )
        ]
    )


async def test_the_closure_rate_is_the_share_of_this_years_topics_resolved(client, council):
    this_year = date.today().year
    await _topics_in(council, this_year, [RESOLVED] * 7 + [NOT_FEASIBLE, PROPOSED, DISCUSSED])
    await _topics_in(council, this_year - 1, [PROPOSED] * 5)  # last year's do not count
    figures = await services.figures(council.community, this_year, today=date.today())
    assert figures.total == 10 and figures.resolved == 7
    assert figures.rate == Decimal("0.700")
    assert figures.target == Decimal("0.8") and not figures.on_target
    assert figures.by_category == [("lift", 5, 3), ("parking", 5, 4)]
    page = await client.get("/c/test/council/figures")
    assert "70%" in page.text and "target 80%" in page.text
    # the community's administrator lowers its target to 70%: now on target
    await make_account("admin", council.community, "administrator")
    await log_in(client, "admin")
    saved = await form_post(client, SETTINGS, {"closure_target": "70"})
    assert saved.status_code == 200 and "Settings saved." in saved.text
    assert "target 70%" in (await client.get("/c/test/council/figures")).text
    figures = await services.figures(council.community, this_year, today=date.today())
    assert figures.target == Decimal("0.700") and figures.on_target


def test_the_rate_is_exact():
    assert services.closure_rate(0, 0) == Decimal(0)
    assert services.closure_rate(4, 5) == Decimal("0.800")
    assert services.closure_rate(2, 3) == Decimal("0.667")
    assert services.closure_rate(20, 25) >= Decimal("0.8")


async def test_setting_the_target_needs_an_administrator(client, council):
    for who in ("member", "worker"):
        await log_in(client, who)
        refused = await form_post(client, SETTINGS, {"closure_target": "50"})
        assert refused.status_code == 403
        await form_post(client, "/logout", {})
    await make_account("admin", council.community, "administrator")
    await log_in(client, "admin")
    for bad in ("150", "0", "abc", "0.8"):
        response = await form_post(client, SETTINGS, {"closure_target": bad})
        assert response.status_code == 400
        assert "Enter a whole number from 1 to 100." in response.text
    assert (await services.settings_of(council.community)).closure_target == 80


async def test_the_dashboard_widget_and_person_section_render(client, council):
    await make_account("boss", council.community, "committee_secretary")
    await log_in(client, "boss")
    home = await client.get("/c/test/")
    assert home.status_code == 200
    assert "of this year's topics closed as resolved" in home.text
    person = await client.get(f"/c/test/register/people/{council.resident.id}")
    assert person.status_code == 200
    assert "0 needs raised, 0 needs backed" in person.text
