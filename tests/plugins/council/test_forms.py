"""Every council form answers a refusal with the form again (message beside the field,
input kept, the refusal's status); every write says it was done; closing a topic and
approving minutes ask first; places show their building and sort as people count; the
plugin tells what switching it off would stop."""

import re
from datetime import date, timedelta

import pytest

from linli.kit import Consequence
from linli.testing import form_post, log_in, make_place
from linli_council import linli_disable_consequences, services
from linli_council import testing as builders
from linli_council.models import DECIDED, DISCUSSED, ActionItem, Meeting, Need, Topic

pytestmark = pytest.mark.linli_plugins("council")

COUNCIL = "/c/test/council"


async def _topic(council, state=None):
    need = await builders.make_need(
        council.community, council.resident, "快递堆门口", category="other", by=council.worker
    )
    topic = await builders.make_topic(
        council.community, [need], title="快递柜", category="other", node=council.group,
        by=council.worker,
    )  # fmt: skip
    if state is not None:
        await builders.advance_topic(topic, state, by=council.worker)
    return topic


async def _meeting(council, held_on=None):
    return await services.create_meeting(
        council.community, title="例会", held_on=held_on or date.today(),
        actor=await council.actor(council.worker),
    )  # fmt: skip


def _refused_in_place(response, status, field, *kept):
    assert response.status_code == status, response.status_code
    assert 'class="error-summary"' in response.text
    assert f'id="{field}-error"' in response.text, field
    for value in kept:
        assert value in response.text, value


async def test_a_refused_form_on_a_page_of_several_forms_shows_the_refusal_in_that_form(
    client, council
):
    """An action item with a date that is no date: the topic's page again (400), the
    message beside the date of the action form only, what was typed kept in that form,
    the topic's other forms (moving it, raising it) left empty, and nothing added."""
    topic = await _topic(council, DECIDED)
    await log_in(client, "worker")
    refused = await form_post(
        client, f"{COUNCIL}/topics/{topic.id}/actions",
        {"text": "加装快递柜雨棚", "owner": "物业周经理", "due_on": "月底"},
    )  # fmt: skip
    assert refused.status_code == 400
    assert 'class="error-summary"' in refused.text
    forms = re.findall(r"<form .*?</form>", refused.text, re.S)
    assert len(forms) > 2  # the action form, the moves, the escalation
    [form] = [form for form in forms if 'class="field-error"' in form]
    assert f"/topics/{topic.id}/actions" in form
    assert 'id="due_on-error"' in form and 'aria-invalid="true"' in form
    assert 'value="加装快递柜雨棚"' in form and 'value="物业周经理"' in form
    assert all("加装快递柜雨棚" not in other for other in forms if other != form)
    assert await ActionItem.filter(topic_id=topic.id).count() == 0
    assert (await Topic.get(id=topic.id)).state == DECIDED


async def test_a_refused_meeting_keeps_what_was_typed(client, council):
    await log_in(client, "worker")
    refused = await form_post(
        client, f"{COUNCIL}/meetings/",
        {"title": "十二月例会", "held_on": "下周三", "location": "党群服务中心"},
    )  # fmt: skip
    assert refused.status_code == 400
    assert '<p class="field-error" id="held_on-error">Enter the date as YYYY-MM-DD.</p>' in (
        refused.text
    )
    assert 'value="十二月例会"' in refused.text and 'value="党群服务中心"' in refused.text
    assert 'value="下周三"' in refused.text
    assert await Meeting.all().count() == 0


async def test_topic_forms_answer_with_the_form_again(client, council):
    need = await builders.make_need(
        council.community, council.resident, "路灯不亮", category="property", by=council.worker
    )
    await log_in(client, "worker")
    made = await form_post(
        client, f"{COUNCIL}/topics",
        {"needs": str(need.id), "title": " ", "summary": "夜里很黑", "category": "property",
         "node": str(council.group.id)},
    )  # fmt: skip
    _refused_in_place(made, 400, "title", "夜里很黑")
    assert await Topic.all().count() == 0

    topic = await _topic(council, DISCUSSED)
    decided = await form_post(client, f"{COUNCIL}/topics/{topic.id}/decide", {"decision": ""})
    _refused_in_place(decided, 400, "decision")
    closing = await form_post(
        client, f"{COUNCIL}/topics/{topic.id}/state", {"state": "not_feasible", "text": " "}
    )
    _refused_in_place(closing, 400, "text")
    await services.decide(topic, "装快递柜", actor=await council.actor(council.worker))
    action = await form_post(
        client, f"{COUNCIL}/topics/{topic.id}/actions",
        {"text": "联系快递柜公司", "owner": "物业", "due_on": "next week"},
    )  # fmt: skip
    _refused_in_place(action, 400, "due_on", "联系快递柜公司", 'value="物业"')
    assert (await Topic.get(id=topic.id)).state == DECIDED


async def test_need_forms_answer_with_the_form_again(client, council):
    await log_in(client, "resident")
    empty = await form_post(
        client, f"{COUNCIL}/needs/", {"text": " ", "category": "pets", "place": ""}
    )
    _refused_in_place(empty, 400, "text")
    assert '<option value="pets" selected>' in empty.text
    await log_in(client, "worker")
    unknown = await form_post(
        client, f"{COUNCIL}/needs/",
        {"text": "楼道堆物", "category": "environment", "for_person": "查无此人"},
    )  # fmt: skip
    _refused_in_place(unknown, 400, "for_person", "楼道堆物", "查无此人")
    assert await Need.all().count() == 0
    need = await builders.make_need(
        council.community, council.resident, "遛狗不牵绳", category="pets", by=council.worker
    )
    merge = await form_post(client, f"{COUNCIL}/needs/{need.id}/merge", {"into": "abc"})
    _refused_in_place(merge, 400, "into")
    # a worker without a register entry is told why they cannot back a need
    backed = await form_post(client, f"{COUNCIL}/needs/{need.id}/support", {})
    assert backed.status_code == 400 and "Only residents back needs" in backed.text
    assert "Me too" not in backed.text  # nor is the button offered to them


async def test_meeting_forms_answer_with_the_form_again(client, council):
    await log_in(client, "worker")
    made = await form_post(
        client, f"{COUNCIL}/meetings/", {"title": "十二月例会", "held_on": "someday"}
    )
    _refused_in_place(made, 400, "held_on", "十二月例会")
    meeting = await _meeting(council)
    url = f"{COUNCIL}/meetings/{meeting.id}"
    agenda = await form_post(client, f"{url}/agenda", {"topic": "987654"})
    _refused_in_place(agenda, 400, "topic", "987654")
    guest = await form_post(
        client, f"{url}/attendees", {"name": "陈律师", "kind": "alien", "note": "法律援助"}
    )
    _refused_in_place(guest, 400, "kind", "陈律师", "法律援助")
    await services.schedule(
        meeting, await _topic(council), actor=await council.actor(council.worker)
    )
    item = (await meeting.agenda.all())[0]
    minutes = await form_post(client, f"{url}/minutes/{item.id}", {"minutes": " "})
    _refused_in_place(minutes, 400, "minutes")
    approve = await form_post(client, f"{url}/approve", {})
    assert (
        approve.status_code == 400
        and "Write the minutes of every agenda item first" in approve.text
    )


async def test_every_write_says_it_was_done(client, council):
    await log_in(client, "worker")
    made = await form_post(
        client, f"{COUNCIL}/meetings/", {"title": "一月例会", "held_on": date.today().isoformat()}
    )
    assert "Meeting planned." in made.text
    meeting = await services.create_meeting(
        council.community, title="二月例会", held_on=date.today(),
        actor=await council.actor(council.worker),
    )  # fmt: skip
    url = f"{COUNCIL}/meetings/{meeting.id}"
    topic = await _topic(council)
    assert (
        "Topic put on the agenda."
        in (await form_post(client, f"{url}/agenda", {"topic": str(topic.id)})).text
    )
    assert (
        "Attendee added."
        in (
            await form_post(client, f"{url}/attendees", {"name": "刘书记", "kind": "party_member"})
        ).text
    )
    item = (await meeting.agenda.all())[0]
    assert (
        "Minutes saved."
        in (await form_post(client, f"{url}/minutes/{item.id}", {"minutes": "同意安装"})).text
    )
    decided = await form_post(client, f"{COUNCIL}/topics/{topic.id}/decide", {"decision": "安装"})
    assert "Decision recorded." in decided.text
    await log_in(client, "neighbour")
    need = await builders.make_need(
        council.community, council.resident, "晾衣架", category="other", by=council.worker
    )
    assert (
        "You back this need now."
        in (await form_post(client, f"{COUNCIL}/needs/{need.id}/support", {})).text
    )


async def test_closing_a_topic_and_approving_minutes_ask_first(client, council):
    topic = await _topic(council, DECIDED)
    await log_in(client, "worker")
    asked = await form_post(client, f"{COUNCIL}/topics/{topic.id}/state", {"state": "resolved"})
    assert asked.status_code == 200
    assert 'name="confirmed" value="yes"' in asked.text and "cannot be opened again" in asked.text
    assert (await Topic.get(id=topic.id)).state == DECIDED
    done = await form_post(
        client, f"{COUNCIL}/topics/{topic.id}/state", {"state": "resolved", "confirmed": "yes"}
    )
    assert done.status_code == 200 and "The topic is now “Closed as resolved”." in done.text


async def test_places_show_their_building_and_sort_naturally(client, council):
    await make_place(council.community, "building", "2栋", parent=council.estate)
    await log_in(client, "worker")
    form = await client.get(f"{COUNCIL}/needs/new")
    text = form.text
    assert (
        text.index("江汉里二期 2栋<")
        < text.index("江汉里二期 10栋<")
        < text.index("江汉里二期 11栋<")
    )
    # the worker sees a resident's flat with its building
    need = await builders.make_need(
        council.community, council.resident, "阳台漏水", category="property", by=council.worker
    )
    page = await client.get(f"{COUNCIL}/needs/{need.id}")
    assert "江汉里二期 10栋 张阿姨家" in page.text


@pytest.mark.linli_plugins("council", "canteen")
async def test_the_chinese_pages_use_the_councils_own_words(linli_client, council):
    """The canteen's catalogue says 订餐 for "Order" and 名称 for "Name": the council's
    pages keep their own words."""
    client = linli_client
    client.cookies.set("linli_lang", "zh_CN")
    await log_in(client, "worker")
    needs = await client.get(f"{COUNCIL}/needs/")
    assert "排序" in needs.text and "订餐" not in needs.text
    meeting = await _meeting(council)
    page = await client.get(f"{COUNCIL}/meetings/{meeting.id}")
    assert "姓名" in page.text and "名称" not in page.text


async def test_switching_the_council_off_says_what_would_stop(council):
    topic = await _topic(council, DECIDED)
    await services.add_action(
        topic, text="装柜", owner="物业", due_on=date.today(),
        actor=await council.actor(council.worker),
    )  # fmt: skip
    await builders.make_need(
        council.community, council.neighbour, "垃圾桶满", category="environment", by=council.worker
    )
    await _meeting(council, date.today() + timedelta(days=3))
    consequences = linli_disable_consequences(community=council.community)
    assert all(isinstance(c, Consequence) for c in consequences)
    counts = {c.message: await c.count(council.community) for c in consequences}
    assert counts == {
        "%(count)s open topics would no longer be followed up": 1,
        "%(count)s residents' needs are waiting for the council": 1,
        "%(count)s open action items would no longer be tracked": 1,
        "%(count)s planned council meetings would lose their page": 1,
    }
