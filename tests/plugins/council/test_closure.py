"""The closure figure cannot be inflated: a topic is resolved only when its action
items are done or waived with a public reason; minutes wait for the meeting's day (in
the community's time zone); the needs ranking groups by building and no page shows a
neighbour's flat."""

from datetime import UTC, date, datetime, timedelta

import pytest

from linli.testing import form_post, log_in, make_account, make_resident
from linli_council import services
from linli_council import testing as builders
from linli_council.models import DECIDED, IN_ACTION, RESOLVED, AgendaItem, Meeting, Topic

pytestmark = pytest.mark.linli_plugins("council")

COUNCIL = "/c/test/council"


async def _decided_topic(council):
    need = await builders.make_need(
        council.community, council.resident, "电梯异响", category="lift", by=council.worker
    )
    topic = await builders.make_topic(
        council.community, [need], title="电梯维保", category="lift", node=council.group,
        by=council.worker,
    )  # fmt: skip
    return await builders.advance_topic(topic, DECIDED, by=council.worker)


async def test_a_topic_with_an_open_action_item_is_not_resolved(client, council):
    topic = await _decided_topic(council)
    later = (date.today() + timedelta(days=20)).isoformat()
    await log_in(client, "member")
    added = await form_post(
        client, f"{COUNCIL}/topics/{topic.id}/actions",
        {"text": "更换曳引机", "owner": "物业周经理", "due_on": later},
    )  # fmt: skip
    assert added.status_code == 200 and "Action item added." in added.text
    state_url = f"{COUNCIL}/topics/{topic.id}/state"
    refused = await form_post(client, state_url, {"state": RESOLVED, "confirmed": "yes"})
    assert (
        refused.status_code == 409 and "action items of this topic are still open" in refused.text
    )
    assert (await Topic.get(id=topic.id)).state == IN_ACTION
    # asking for confirmation already says no
    asked = await form_post(client, state_url, {"state": RESOLVED})
    assert asked.status_code == 409
    figures = await services.figures(council.community, date.today().year, today=date.today())
    assert figures.resolved == 0

    # waived with a public reason, the item no longer holds the topic open
    action = (await topic.actions.all())[0]
    no_reason = await form_post(client, f"{COUNCIL}/actions/{action.id}/waive", {"reason": " "})
    assert no_reason.status_code == 400 and 'id="reason-error"' in no_reason.text
    waived = await form_post(
        client, f"{COUNCIL}/actions/{action.id}/waive", {"reason": "电梯整体更换,列入明年计划"}
    )
    assert waived.status_code == 200 and "Action item waived" in waived.text
    closed = await form_post(client, state_url, {"state": RESOLVED, "confirmed": "yes"})
    assert closed.status_code == 200
    assert (await Topic.get(id=topic.id)).state == RESOLVED
    # the reason is public
    client.cookies.clear()
    client.cookies.set("linli_lang", "en")
    page = await client.get(f"{COUNCIL}/topics/{topic.id}")
    assert "电梯整体更换,列入明年计划" in page.text and "Action item waived" in page.text


async def test_a_done_action_item_lets_the_topic_close_and_a_second_press_changes_nothing(
    client, council
):
    topic = await _decided_topic(council)
    action = await services.add_action(
        topic, text="贴维保公示", owner="物业", due_on=date.today(),
        actor=await council.actor(council.worker),
    )  # fmt: skip
    await log_in(client, "member")
    done = await form_post(client, f"{COUNCIL}/actions/{action.id}/done", {})
    assert done.status_code == 200 and "Action item marked done." in done.text
    again = await form_post(client, f"{COUNCIL}/actions/{action.id}/done", {})
    assert again.status_code == 200 and "already closed; nothing changed" in again.text
    await services.move_topic(
        await Topic.get(id=topic.id), RESOLVED, actor=await council.actor(council.member)
    )
    assert (await Topic.get(id=topic.id)).state == RESOLVED


async def test_minutes_wait_for_the_meetings_day(client, council):
    worker = await council.actor(council.worker)
    ahead = date.today() + timedelta(days=6)
    meeting = await services.create_meeting(
        council.community, title="下周例会", held_on=ahead, actor=worker
    )
    need = await builders.make_need(
        council.community, council.resident, "楼道灯", category="property", by=council.worker
    )
    topic = await builders.make_topic(
        council.community, [need], title="楼道灯", category="property", node=council.group,
        by=council.worker,
    )  # fmt: skip
    await services.schedule(meeting, topic, actor=worker)
    item = await AgendaItem.get(meeting_id=meeting.id)
    await log_in(client, "worker")
    page = await client.get(f"{COUNCIL}/meetings/{meeting.id}")
    assert "Save the minutes" not in page.text and "Approve and publish" not in page.text
    written = await form_post(
        client, f"{COUNCIL}/meetings/{meeting.id}/minutes/{item.id}", {"minutes": "提前写好"}
    )
    assert written.status_code == 409 and ahead.isoformat() in written.text
    assert "提前写好" in written.text  # the input is kept
    approved = await form_post(
        client, f"{COUNCIL}/meetings/{meeting.id}/approve", {"confirmed": "yes"}
    )
    assert approved.status_code == 409
    assert (await AgendaItem.get(id=item.id)).minutes == ""
    assert (await Meeting.get(id=meeting.id)).minutes_status == "draft"


async def test_the_meetings_day_is_the_communitys_day(council):
    """17:00 UTC on 1 March is already 2 March in Wuhan: a meeting on 2 March may be
    minuted then, and not at 15:00 UTC (23:00 in Wuhan on 1 March)."""
    worker = await council.actor(council.worker)
    meeting = await services.create_meeting(
        council.community, title="三月例会", held_on=date(2026, 3, 2), actor=worker
    )
    with pytest.raises(services.MeetingNotYetHeld):
        services.check_held(meeting, at=datetime(2026, 3, 1, 15, 0, tzinfo=UTC))
    services.check_held(meeting, at=datetime(2026, 3, 1, 17, 0, tzinfo=UTC))


async def test_the_ranking_groups_by_building_and_no_page_shows_a_flat(client, council):
    await make_resident(council.community, council.b10, "赵阿姨", username="zhao", flat="601室")
    await log_in(client, "zhao")
    sent = await form_post(
        client, f"{COUNCIL}/needs/", {"text": "楼下电动车乱停", "category": "parking", "place": ""}
    )
    assert sent.status_code == 200 and "Your need was sent" in sent.text
    # the author sees their flat with its building
    assert "10栋 601室" in sent.text
    await builders.make_need(
        council.community, council.neighbour, "电动车挡道", category="parking",
        place=council.b10, by=council.worker,
    )  # fmt: skip
    # neighbours see the building only
    await log_in(client, "neighbour")
    needs = await client.get(f"{COUNCIL}/needs/")
    # the flat's name, not a bare "601": that may be part of a random token on the page
    assert "10栋" in needs.text and "601室" not in needs.text
    # the ranking counts both needs for building 10, and shows no flat
    await log_in(client, "worker")
    ranking = await client.get(f"{COUNCIL}/needs/ranking")
    assert "601室" not in ranking.text
    rows = await services.ranking(council.community)
    assert [(r.category, r.place, r.needs) for r in rows] == [("parking", "江汉里二期 10栋", 2)]
    # the community may rank by estate instead (its administrator sets it)
    await make_account("admin", council.community, "administrator")
    await log_in(client, "admin")
    settings = "/c/test/admin/plugins/council/settings"
    saved = await form_post(client, settings, {"closure_target": "80", "ranking_level": "estate"})
    assert saved.status_code == 200 and "Settings saved." in saved.text
    rows = await services.ranking(council.community)
    assert [(r.place, r.needs) for r in rows] == [("江汉里二期", 2)]
    bad = await form_post(client, settings, {"closure_target": "80", "ranking_level": "flat"})
    assert bad.status_code == 400 and 'id="ranking_level-error"' in bad.text
