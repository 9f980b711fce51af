"""Mediation on plugin API 2, as visitors meet it: the tabs built from its sections,
refused forms answered by linli beside their field, and the parties of the register
found by register number or phone only."""

import pytest

from linli.kit import Person
from linli.testing import form_post, log_in, without_tokens
from linli_mediation import services
from linli_mediation.models import Attachment, Case, Party, Session

pytestmark = pytest.mark.linli_plugins("mediation")

BASE = "/c/test/mediation"


def _tabs(page: str) -> str:
    start = page.index('<nav class="section-tabs"')
    return page[start : page.index("</nav>", start)]


@pytest.mark.parametrize(
    ("username", "shown", "hidden"),
    [
        ("zhang", ["案件", "申请调解"], ["受理案件", "统计"]),
        ("lian", ["案件", "申请调解", "受理案件"], ["统计"]),
        ("boss", ["案件", "申请调解", "受理案件", "统计"], []),
    ],
)
async def test_the_tabs_follow_what_the_visitor_may_do(
    linli_client, world, username, shown, hidden
):
    await log_in(linli_client, username)
    page = await linli_client.get(f"{BASE}/")
    assert page.status_code == 200
    assert f'href="{BASE}/"' in page.text  # the link in the navigation
    tabs = _tabs(page.text)
    assert [label for label in shown if f">{label}</a>" in tabs] == shown
    assert [label for label in hidden if f">{label}</a>" in tabs] == []
    assert f'<a href="{BASE}/" aria-current="page">案件</a>' in tabs


async def test_a_case_page_marks_the_cases_tab(linli_client, world):
    case = await world.open()
    await log_in(linli_client, "lian")
    page = await linli_client.get(f"{BASE}/cases/{case.id}")
    assert f'<a href="{BASE}/" aria-current="page">案件</a>' in _tabs(page.text)


async def test_a_refused_session_comes_back_beside_its_field_with_what_was_typed(
    linli_client, world
):
    case = await world.open()
    await services.apply(await world.access(world.mediator_a, case), "start")
    await log_in(linli_client, "lian")
    page = await form_post(
        linli_client,
        f"{BASE}/cases/{case.id}/sessions",
        {"held_on": "下周三", "place": "枫桥式架空层", "notes": "双方都来了"},
    )
    assert page.status_code == 400
    assert 'class="error-summary"' in page.text and 'href="#session-held_on"' in page.text
    assert '<p class="field-error" id="session-held_on-error">' in page.text
    assert 'id="session-place"' in page.text and 'value="枫桥式架空层"' in page.text
    assert ">双方都来了</textarea>" in page.text
    # only the refused form is filled in again: the escalation form stays empty
    assert 'id="escalate-reason" name="reason" required maxlength="1000" value=""' in page.text
    assert await Session.filter(case_id=case.id).count() == 0


async def test_a_refused_file_is_told_beside_the_file_field(linli_client, world):
    case = await world.open()
    await log_in(linli_client, "lian")
    page = await linli_client.post(
        f"{BASE}/cases/{case.id}/attachments",
        files={"file": ("notes.txt", b"just words", "text/plain")},
        data={"title": "谈话记录"},
        headers={"x-csrftoken": linli_client.cookies.get("linli_csrf")},
    )
    assert page.status_code == 400
    assert 'id="doc-file-error"' in page.text and 'value="谈话记录"' in page.text
    assert await Attachment.filter(case_id=case.id).count() == 0


async def test_a_hidden_case_refuses_a_form_with_the_404_page(linli_client, world):
    case = await world.open()
    await log_in(linli_client, "fan")  # a mediator of the other studio
    hidden = await form_post(linli_client, f"{BASE}/cases/{case.id}/sessions", {"held_on": "x"})
    missing = await form_post(linli_client, f"{BASE}/cases/987654/sessions", {"held_on": "x"})
    assert hidden.status_code == missing.status_code == 404
    assert without_tokens(hidden.text) == without_tokens(missing.text).replace(
        "987654", str(case.id)
    )
    assert await Session.filter(case_id=case.id).count() == 0


async def test_a_party_is_a_resident_by_register_number_or_phone_never_by_name(linli_client, world):
    await Person.filter(id=world.li.id).update(phone="13800001111")
    await log_in(linli_client, "lian")
    form = {"summary": "楼道堆物", "category": "other", "party_1": f"#{world.zhang.id}"}
    named = await form_post(linli_client, f"{BASE}/new", form | {"party_2": "李师傅"})
    assert named.status_code == 200
    by_name = await Party.get(name="李师傅")
    assert by_name.person_id is None  # someone outside the register, by the name typed
    li = await world.actor(world.li_account)
    assert await services.visible_cases(li, world.community).count() == 0

    by_phone = await form_post(
        linli_client, f"{BASE}/new", form | {"summary": "又堆了", "party_2": "13800001111"}
    )
    assert by_phone.status_code == 200
    case = await Case.get(summary="又堆了")
    assert await Party.filter(case_id=case.id, person_id=world.li.id).exists()

    # an unknown phone is someone outside the register too
    outside = await form_post(
        linli_client, f"{BASE}/new", form | {"summary": "外卖车", "party_2": "13900002222"}
    )
    assert outside.status_code == 200
    assert await Party.filter(name="13900002222", person_id=None).exists()


async def test_a_phone_shared_by_two_residents_asks_for_the_register_number(linli_client, world):
    await Person.filter(id__in=[world.li.id, world.wang.id]).update(phone="13800001111")
    await log_in(linli_client, "lian")
    page = await form_post(linli_client, f"{BASE}/new", {
        "summary": "楼道堆物", "category": "other", "party_1": f"#{world.zhang.id}",
        "party_2": "13800001111",
    })  # fmt: skip
    assert page.status_code == 400 and 'id="party_2-error"' in page.text
    assert 'value="13800001111"' in page.text
    assert await Case.all().count() == 0
