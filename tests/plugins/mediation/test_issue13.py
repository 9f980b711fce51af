"""Issue 13, as a resident and a mediator meet it on the pages: the other party a
resident names by door number only is kept, staff add and correct parties, an agreement
needs every party's answer; refused forms come back filled in; closing asks first;
dates, places and the dashboard's cut-off in the site's terms."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from linli.testing import form_post, log_in, make_place
from linli_mediation import services
from linli_mediation.models import Case, Party, Signature

pytestmark = pytest.mark.linli_plugins("mediation")

BASE = "/c/test/mediation"
SHANGHAI = ZoneInfo("Asia/Shanghai")
#: the core's full error page, which a refused form must never answer with
ERROR_PAGE = "无法理解这个请求"


async def _request(world, **fields):
    actor = await world.actor(world.zhang_account)
    values = {"summary": "楼上噪音", "category": "noise"} | fields
    return await services.request_mediation(world.community, actor, **values)


async def _in_mediation(world, case=None):
    case = case or await world.open()
    gate = await world.access(world.mediator_a, case)
    await services.apply(gate, "start")
    await services.add_session(gate, held_on=date(2026, 5, 1))
    return case, gate


# ----------------------------------------------------------------------------- 5: parties


async def test_the_other_side_known_by_door_number_only_is_kept(linli_client, world):
    await log_in(linli_client, "zhang")
    page = await form_post(linli_client, f"{BASE}/request", {
        "summary": "楼上漏水", "category": "leak", "other_contact": "10栋1单元401",
    })  # fmt: skip
    assert page.status_code == 200 and "10栋1单元401" in page.text
    case = await Case.get(summary="楼上漏水")
    parties = await Party.filter(case_id=case.id).order_by("id")
    assert [(p.person_id, p.name, p.contact, p.side) for p in parties] == [
        (world.zhang.id, "张阿姨", "", "applicant"),
        (None, "", "10栋1单元401", "respondent"),
    ]


async def test_intake_keeps_a_party_given_by_contact_only(linli_client, world):
    await log_in(linli_client, "lian")
    page = await form_post(linli_client, f"{BASE}/new", {
        "summary": "电动车挡道", "category": "parking", "party_1": f"#{world.zhang.id}",
        "contact_2": "13912345678",
    })  # fmt: skip
    assert page.status_code == 200 and "13912345678" in page.text
    case = await Case.get(summary="电动车挡道")
    assert await Party.filter(case_id=case.id, contact="13912345678", name="").exists()


async def test_mediators_add_and_correct_parties_and_residents_cannot(linli_client, world):
    case = await _request(world, other_contact="11-1-101")
    boss = await world.access(world.supervisor, case)
    await services.assign(boss, world.mediator_a)
    url = f"{BASE}/cases/{case.id}"

    await log_in(linli_client, "zhang")  # a party may not change the parties
    refused = await form_post(linli_client, f"{url}/parties", {"who": "王大爷"})
    assert refused.status_code == 403 and ERROR_PAGE not in refused.text
    assert await Party.filter(case_id=case.id).count() == 2

    await log_in(linli_client, "lian")
    page = await linli_client.get(url)
    assert "添加当事人" in page.text and "修改当事人" in page.text
    added = await form_post(linli_client, f"{url}/parties", {
        "who": f"#{world.wang.id}", "contact": "", "side": "respondent",
    })  # fmt: skip
    assert added.status_code == 200 and "已添加当事人" in added.text and "王大爷" in added.text
    twice = await form_post(linli_client, f"{url}/parties", {"who": f"#{world.wang.id}"})
    assert twice.status_code == 400 and "此人已是本案当事人" in twice.text
    # the party known by door number only turns out to be Li, of the register
    other = await Party.get(case_id=case.id, contact="11-1-101")
    edited = await form_post(linli_client, f"{url}/parties/{other.id}", {
        "who": f"#{world.li.id}", "contact": "11-1-101", "side": "respondent",
    })  # fmt: skip
    assert edited.status_code == 200 and "当事人信息已保存" in edited.text
    other = await Party.get(id=other.id)
    assert (other.person_id, other.name) == (world.li.id, "李师傅")
    # Li now sees the case as a party
    assert (await world.access(world.li_account, case)).party is not None
    empty = await form_post(linli_client, f"{url}/parties/{other.id}", {"who": "", "contact": ""})
    assert empty.status_code == 400 and "请填写当事人的姓名" in empty.text


async def test_an_agreement_needs_two_parties_and_each_ones_answer(linli_client, world):
    lonely = await _request(world)  # the resident did not know who the other side is
    boss = await world.access(world.supervisor, lonely)
    await services.assign(boss, world.mediator_a)
    gate = await world.access(world.mediator_a, lonely)
    await services.apply(gate, "accept")
    await services.apply(gate, "start")
    with pytest.raises(services.MissingRecords):
        await services.apply(gate, "agree", services.StepInput(facts="f", terms="t"))

    case, gate = await _in_mediation(world)
    await log_in(linli_client, "lian")
    url = f"{BASE}/cases/{case.id}"
    agreed = await form_post(
        linli_client, f"{url}/step", {"action": "agree", "facts": "漏水", "terms": "修好"}
    )
    assert agreed.status_code == 200 and "请逐一登记各方当事人签字或拒签" in agreed.text
    zhang, li = await Party.filter(case_id=case.id).order_by("id")
    signed = await form_post(linli_client, f"{url}/signatures", {"party": str(zhang.id)})
    assert signed.status_code == 200 and "已登记签字" in signed.text
    # one signature of two: the case does not go on, and the page says who is missing
    early = await form_post(linli_client, f"{url}/step", {"action": "follow_up"})
    assert early.status_code == 409 and "李师傅" in early.text and ERROR_PAGE not in early.text
    assert (await Case.get(id=case.id)).status == "agreement"
    refusal = await form_post(linli_client, f"{url}/signatures", {
        "party": str(li.id), "answer": "refused", "note": "不同意赔偿数额",
    })  # fmt: skip
    assert refusal.status_code == 200 and "已登记拒签" in refusal.text
    assert "拒绝签字" in refusal.text and "不同意赔偿数额" in refusal.text
    assert (await Signature.get(party_id=li.id)).refused
    moved = await form_post(linli_client, f"{url}/step", {"action": "follow_up"})
    assert moved.status_code == 200 and "已转入回访" in moved.text
    # a party who answered is not edited under their signature
    locked = await form_post(linli_client, f"{url}/parties/{li.id}", {"who": "别人"})
    assert locked.status_code == 400 and (await Party.get(id=li.id)).name == "李师傅"


async def test_the_host_sees_requests_to_her_studio_before_assignment(linli_client, world):
    case = await _request(world, studio=world.studio_a, summary="请莲姐调解")
    await log_in(linli_client, "lian")  # mediator_a is the host of studio A
    listing = await linli_client.get(f"{BASE}/")
    assert "请莲姐调解" in listing.text
    page = await linli_client.get(f"{BASE}/cases/{case.id}")
    assert page.status_code == 200 and "尚未指派调解员" in page.text
    board = await services.dashboard(
        await world.actor(world.mediator_a), world.community,
        today=datetime.now(SHANGHAI).date(), zone=SHANGHAI,
    )  # fmt: skip
    assert board is not None and board.open_count == 1
    await log_in(linli_client, "fan")  # another studio's host does not
    assert "请莲姐调解" not in (await linli_client.get(f"{BASE}/")).text
    assert (await linli_client.get(f"{BASE}/cases/{case.id}")).status_code == 404
    # once the supervisor gave it to Fan and Fan accepted, it is Fan's
    await services.assign(await world.access(world.supervisor, case), world.mediator_b)
    await services.apply(await world.access(world.mediator_b, case), "accept")
    with pytest.raises(services.CaseNotFound):
        await world.access(world.mediator_a, case)


# ----------------------------------------------------------------------------- 3: forms


async def test_a_refused_request_comes_back_filled_in(linli_client, world):
    await log_in(linli_client, "wang")
    page = await form_post(linli_client, f"{BASE}/request", {
        "summary": "  ", "category": "noise", "description": "半夜拖椅子", "other_name": "楼上",
    })  # fmt: skip
    assert page.status_code == 400 and ERROR_PAGE not in page.text
    assert 'id="summary-error"' in page.text and "请用几句话说明纠纷的内容" in page.text
    assert "半夜拖椅子" in page.text and 'value="楼上"' in page.text
    too_long = await form_post(
        linli_client,
        f"{BASE}/request",
        {"summary": "x", "category": "noise", "other_name": "长" * 65},
    )
    assert too_long.status_code == 400 and 'id="other_name-error"' in too_long.text
    assert await Case.all().count() == 0


async def test_a_refused_intake_comes_back_filled_in(linli_client, world):
    await log_in(linli_client, "lian")
    page = await form_post(linli_client, f"{BASE}/new", {
        "summary": "狗叫", "category": "pets", "party_1": "#987654", "party_2": "楼下",
        "description": "每天早上五点",
    })  # fmt: skip
    assert page.status_code == 400 and ERROR_PAGE not in page.text
    assert 'id="party_1-error"' in page.text and 'value="狗叫"' in page.text
    assert "每天早上五点" in page.text and 'value="楼下"' in page.text
    alone = await form_post(
        linli_client, f"{BASE}/new", {"summary": "狗叫", "category": "pets", "party_1": "甲"}
    )
    assert alone.status_code == 400 and 'id="party_2-error"' in alone.text


async def test_refused_case_forms_come_back_filled_in(linli_client, world):
    case, _ = await _in_mediation(world)
    await log_in(linli_client, "lian")
    url = f"{BASE}/cases/{case.id}"
    cases = [
        ("sessions", {"held_on": "明天", "notes": "谈了很久"}, 400, "session-held_on", "谈了很久"),
        ("step", {"action": "agree", "facts": "漏水", "terms": ""}, 400,
         "step-agree-terms", "漏水"),
        ("step", {"action": "not_resolved", "reason": ""}, 400, "step-not_resolved-reason", ""),
        ("escalate", {"reason": " "}, 400, "escalate-reason", ""),
        ("step", {"action": "refer", "target": "moon", "reason": "违法"}, 400,
         "step-refer-target", "违法"),
        ("step", {"action": "close"}, 409, "", ""),
    ]  # fmt: skip
    for path, data, status, field, kept in cases:
        page = await form_post(linli_client, f"{url}/{path}", data)
        assert page.status_code == status, (path, data)
        assert ERROR_PAGE not in page.text and "error-summary" in page.text
        if field:
            assert f'id="{field}-error"' in page.text, field
        assert kept in page.text
    await log_in(linli_client, "boss")
    page = await form_post(linli_client, f"{url}/assign", {"mediator": "nobody"})
    assert page.status_code == 400 and 'id="assign-mediator-error"' in page.text
    no_file = await linli_client.post(
        f"{url}/attachments",
        files={"file": ("", b"", "application/octet-stream")},
        data={"title": "照片"},
        headers={"x-csrftoken": linli_client.cookies.get("linli_csrf")},
    )
    assert no_file.status_code == 400 and 'id="doc-file-error"' in no_file.text
    assert 'value="照片"' in no_file.text
    assert (await Case.get(id=case.id)).status == "in_mediation"


async def test_a_bad_year_on_the_figures_page_comes_back_with_the_form(linli_client, world):
    await log_in(linli_client, "boss")
    page = await linli_client.get(f"{BASE}/figures?year=1")
    assert page.status_code == 400 and ERROR_PAGE not in page.text
    assert 'id="year-error"' in page.text and 'value="1"' in page.text


async def test_a_double_click_on_accept_says_already_done(linli_client, world):
    case = await _request(world)
    await services.assign(await world.access(world.supervisor, case), world.mediator_b)
    await log_in(linli_client, "fan")
    url = f"{BASE}/cases/{case.id}"
    first = await form_post(linli_client, f"{url}/step", {"action": "accept"})
    again = await form_post(linli_client, f"{url}/step", {"action": "accept"})
    assert first.status_code == 200 and "已受理。" in first.text
    assert again.status_code == 200 and "已经办过了" in again.text and "“已受理”" in again.text
    assert [t.action for t in await case.transitions.all()] == ["request", "accept"]


# ----------------------------------------------------------------------------- 9: close


async def _ready_to_close(world):
    case, gate = await _in_mediation(world)
    await services.apply(gate, "not_resolved", services.StepInput(reason="分歧太大"))
    await services.apply(gate, "follow_up")
    return case


async def test_closing_asks_first_and_then_says_it_is_closed(linli_client, world):
    case = await _ready_to_close(world)
    await log_in(linli_client, "lian")
    url = f"{BASE}/cases/{case.id}"
    ask = await form_post(linli_client, f"{url}/step", {"action": "close", "reason": "已回访"})
    assert ask.status_code == 200 and f"确定结案 {case.number} 吗" in ask.text
    assert "结案后不能重新打开" in ask.text and 'name="confirmed" value="yes"' in ask.text
    assert 'name="reason" value="已回访"' in ask.text
    assert (await Case.get(id=case.id)).status == "follow_up"  # nothing happened yet
    closed = await form_post(
        linli_client, f"{url}/step", {"action": "close", "reason": "已回访", "confirmed": "yes"}
    )
    assert closed.status_code == 200 and "已结案。" in closed.text
    stored = await Case.get(id=case.id)
    assert stored.status == "closed"
    assert (await case.transitions.all().order_by("-id").first()).reason == "已回访"


async def test_a_case_that_may_not_close_is_refused_before_the_question(linli_client, world):
    case = await world.open()
    gate = await world.access(world.mediator_a, case)
    await services.apply(gate, "start")
    await services.apply(gate, "not_resolved", services.StepInput(reason="r"))
    await services.apply(gate, "follow_up")  # no session recorded
    await log_in(linli_client, "lian")
    page = await form_post(linli_client, f"{BASE}/cases/{case.id}/step", {"action": "close"})
    assert page.status_code == 409 and "确定结案" not in page.text
    assert "error-summary" in page.text and "至少" in page.text
    assert (await Case.get(id=case.id)).status == "follow_up"


# ----------------------------------------------------------------------------- 10: display


async def test_the_accepted_date_shows_only_once_accepted(linli_client, world):
    case = await _request(world, studio=world.studio_a)
    await log_in(linli_client, "zhang")
    page = await linli_client.get(f"{BASE}/cases/{case.id}")
    assert "申请日期" in page.text and "受理日期" not in page.text
    await services.assign(await world.access(world.supervisor, case), world.mediator_a)
    await services.apply(await world.access(world.mediator_a, case), "accept")
    page = await linli_client.get(f"{BASE}/cases/{case.id}")
    assert "申请日期" in page.text and "受理日期" in page.text


async def test_places_show_with_their_building_in_natural_order(linli_client, world):
    await make_place(world.community, "building", "2栋", parent=world.estate)
    case = await world.open()
    await log_in(linli_client, "lian")
    form = (await linli_client.get(f"{BASE}/new")).text
    assert form.index("江汉里二期 2栋<") < form.index("江汉里二期 10栋<")
    assert form.index("江汉里二期 10栋<") < form.index("江汉里二期 11栋<")
    page = await linli_client.get(f"{BASE}/cases/{case.id}")
    assert "江汉里二期 10栋 10-1-301" in page.text


async def test_the_assign_button_says_指派(linli_client, world, linli_registry):
    catalogues = linli_registry.catalogues
    assert catalogues.translate("zh_CN", "Assign to the case", "mediation") == "指派"
    case = await _request(world)
    await log_in(linli_client, "boss")
    page = await linli_client.get(f"{BASE}/cases/{case.id}")
    assert ">指派</button>" in page.text and "安排" not in page.text


# ----------------------------------------------------------------------------- hook, zone


async def test_disabling_mediation_names_the_open_cases(world, linli_registry):
    await world.open()
    closed = await world.open(summary="已结")
    await Case.filter(id=closed.id).update(status="closed")
    results = linli_registry.pm.hook.linli_disable_consequences(community=world.community)
    (consequence,) = [c for found in results for c in found]
    assert await consequence.count(world.community) == 1
    chinese = linli_registry.catalogues.translate("zh_CN", consequence.message, "mediation")
    assert chinese % {"count": 1} == "1 件未结案件将无法再打开"


async def test_the_late_cut_off_starts_at_local_midnight(linli_client, world):
    # opened at 00:10 Shanghai time on 2 May (16:10 UTC on 1 May); on 1 June at 00:20
    # it has been open 30 days and 10 minutes of local days: not past a 30-day limit
    opened = datetime(2026, 5, 2, 0, 10, tzinfo=SHANGHAI)
    await world.open(now=opened.astimezone(UTC))
    board = await services.dashboard(
        await world.actor(world.mediator_a), world.community, today=date(2026, 6, 1),
        zone=SHANGHAI,
    )  # fmt: skip
    assert board.past_limit_count == 0
    board = await services.dashboard(
        await world.actor(world.mediator_a), world.community, today=date(2026, 6, 2),
        zone=SHANGHAI,
    )  # fmt: skip
    assert board.past_limit_count == 1
    with time_machine.travel(datetime(2026, 6, 1, 0, 20, tzinfo=SHANGHAI), tick=False):
        await log_in(linli_client, "lian")
        widget = await linli_client.get(f"{BASE}/widget")
    assert "超期未结：0" in widget.text


async def test_figures_count_a_year_in_the_sites_zone(world):
    # 00:30 on New Year's Day in Shanghai is still the old year in UTC
    await world.open(now=datetime(2026, 1, 1, 0, 30, tzinfo=SHANGHAI).astimezone(UTC))
    data = await services.figures(world.community, 2026, zone=SHANGHAI)
    assert data.total == 1 and data.by_month[0] == "<3"
    assert (await services.figures(world.community, 2025, zone=SHANGHAI)).total == 0
    with pytest.raises(TypeError):  # no silent default to UTC: the caller names the zone
        await services.figures(world.community, 2026)  # type: ignore[call-arg]
