"""Acceptance 1: who sees a case, through HTTP. A visitor who may not see a case gets
exactly what they get for a case that does not exist; a party sees the agreement but
never the mediators' notes; lists, search and counts leak nothing."""

import re
from urllib.parse import quote

import pytest

from linli.kit import create_community
from linli.testing import (
    count_queries,
    enable_plugin,
    forget_pages,
    form_post,
    log_in,
    make_account,
    without_tokens,
)
from linli_mediation import services
from linli_mediation.models import Case

pytestmark = pytest.mark.linli_plugins("mediation")

BASE = "/c/test/mediation"
NOTES = "张阿姨情绪激动,内部记录勿外传"


async def _agreed_case(world):
    case = await world.open()
    gate = await world.access(world.mediator_a, case)
    await services.apply(gate, "start")
    await services.add_session(
        gate, held_on=case.opened_at.date(), place="枫桥式架空层", notes=NOTES,
        attendees="张、李", next_steps="内部:再约物业",
    )  # fmt: skip
    await services.apply(
        gate, "agree", services.StepInput(facts="防水层老化", terms="两周内修好防水层")
    )
    return case


async def _same_as_missing(client, case_id, suffix=""):
    """The response for the case, and for an id that no case has, with the ids
    swapped: they must be identical."""
    seen = await client.get(f"{BASE}/cases/{case_id}{suffix}")
    missing_id = case_id + 1000
    missing = await client.get(f"{BASE}/cases/{missing_id}{suffix}")
    assert seen.status_code == missing.status_code == 404
    assert without_tokens(seen.text) == without_tokens(missing.text).replace(
        str(missing_id), str(case_id)
    )
    return seen


@pytest.mark.parametrize("username", ["wang", "fan", "barber", "worker"])
async def test_outsiders_see_no_trace_of_the_case(linli_client, world, username):
    case = await _agreed_case(world)
    await log_in(linli_client, username)
    page = await _same_as_missing(linli_client, case.id)
    assert "漏水" not in page.text and case.number not in page.text
    await _same_as_missing(linli_client, case.id, "/agreement")
    listing = await linli_client.get(f"{BASE}/?q=漏水")
    nothing = await linli_client.get(f"{BASE}/?q=无关")
    assert listing.status_code == 200
    # the same page, the same count, no rows: only the echoed search differs
    assert without_tokens(listing.text) == without_tokens(nothing.text).replace(
        "无关", "漏水"
    ).replace(quote("无关"), quote("漏水"))
    assert case.number not in listing.text
    refused = await form_post(linli_client, f"{BASE}/cases/{case.id}/step", {"action": "close"})
    missing = await form_post(
        linli_client, f"{BASE}/cases/{case.id + 1000}/step", {"action": "close"}
    )
    assert refused.status_code == missing.status_code == 404
    assert (await Case.get(id=case.id)).status == "agreement"


async def test_a_party_sees_the_agreement_but_not_the_notes(linli_client, world):
    case = await _agreed_case(world)
    await log_in(linli_client, "li")
    page = await linli_client.get(f"{BASE}/cases/{case.id}")
    assert page.status_code == 200
    assert "两周内修好防水层" in page.text  # the agreement
    assert "枫桥式架空层" in page.text  # the session's place and date
    assert NOTES not in page.text and "内部:再约物业" not in page.text
    assert "张、李" not in page.text  # who attended: internal
    printable = await linli_client.get(f"{BASE}/cases/{case.id}/agreement")
    assert printable.status_code == 200 and "两周内修好防水层" in printable.text
    listing = await linli_client.get(f"{BASE}/")
    assert case.number in listing.text
    # a party may not take steps
    refused = await form_post(linli_client, f"{BASE}/cases/{case.id}/step", {"action": "follow_up"})
    assert refused.status_code == 403
    assert (await Case.get(id=case.id)).status == "agreement"


async def test_the_assigned_mediator_and_the_supervisor_see_the_notes(linli_client, world):
    case = await _agreed_case(world)
    for username in ("lian", "boss"):
        await log_in(linli_client, username)
        page = await linli_client.get(f"{BASE}/cases/{case.id}")
        assert page.status_code == 200 and NOTES in page.text, username


async def test_view_all_reaches_only_down_from_its_node(world):
    case = await world.open()
    at_b11 = await make_account("b11", world.community, ("mediation_supervisor", world.b11))
    at_branch = await make_account(
        "branch", world.community, ("mediation_supervisor", world.branch)
    )
    with pytest.raises(services.CaseNotFound):
        await world.access(at_b11, case)
    assert (await world.access(at_branch, case)).overseer
    for account, expected in ((at_b11, []), (at_branch, [case.id])):
        actor = await world.actor(account)
        seen = await services.visible_cases(actor, world.community).values_list("id", flat=True)
        assert list(seen) == expected


async def test_another_communitys_case_is_not_found(linli_client, world, linli_registry):
    other = await create_community("other", "别的社区", linli_registry)
    await enable_plugin(other, "mediation", linli_registry)
    case = await world.open()
    await log_in(linli_client, "lian")
    assert (await linli_client.get(f"{BASE}/cases/{case.id}")).status_code == 200
    assert (await linli_client.get(f"/c/other/mediation/cases/{case.id}")).status_code == 404


async def test_attachments_only_through_the_checked_route(linli_client, world):
    case = await _agreed_case(world)
    gate = await world.access(world.mediator_a, case)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    internal = await services.add_attachment(gate, data=pdf, filename="notes.pdf", title="内部")
    shared = await services.add_attachment(
        gate, data=pdf, filename="plan.pdf", title="维修方案", shared=True
    )
    url = f"{BASE}/cases/{case.id}/attachments"
    await log_in(linli_client, "lian")
    assert (await linli_client.get(f"{url}/{internal.id}")).content == pdf
    await log_in(linli_client, "li")
    assert (await linli_client.get(f"{url}/{shared.id}")).content == pdf
    assert (await linli_client.get(f"{url}/{internal.id}")).status_code == 404
    await log_in(linli_client, "wang")
    assert (await linli_client.get(f"{url}/{shared.id}")).status_code == 404


async def test_uploading_a_forged_file_is_refused(linli_client, world):
    case = await _agreed_case(world)
    await log_in(linli_client, "lian")
    await linli_client.get(f"{BASE}/cases/{case.id}")
    response = await linli_client.post(
        f"{BASE}/cases/{case.id}/attachments",
        files={"file": ("leak.pdf", b"MZ not a pdf at all", "application/pdf")},
        data={"title": "x"},
        headers={"x-csrftoken": linli_client.cookies.get("linli_csrf")},
    )
    assert response.status_code == 400
    assert await case.attachments.all().count() == 0


async def test_the_case_list_makes_a_constant_number_of_queries(linli_client, world):
    await world.open()
    await log_in(linli_client, "boss")
    await linli_client.get(f"{BASE}/")
    await linli_client.get(f"{BASE}/widget")
    forget_pages(linli_client)
    with count_queries() as few:
        assert (await linli_client.get(f"{BASE}/")).status_code == 200
    with count_queries() as few_widget:
        await linli_client.get(f"{BASE}/widget")
    for n in range(25):
        await world.open(summary=f"第{n}件", studio=world.studio_b)
    with count_queries() as many:
        page = await linli_client.get(f"{BASE}/")
    with count_queries() as many_widget:
        await linli_client.get(f"{BASE}/widget")
    assert "26" in page.text
    assert len(many) == len(few)
    assert len(many_widget) == len(few_widget)


@pytest.mark.parametrize("username", ["wang", "fan", "barber", "worker"])
async def test_a_hidden_case_costs_the_same_queries_as_a_missing_one(linli_client, world, username):
    """Timing: the gate runs the same statements (with the ids swapped) for a case the
    visitor may not see and for one that does not exist."""
    case = await _agreed_case(world)
    await log_in(linli_client, username)
    with count_queries() as hidden:
        await linli_client.get(f"{BASE}/cases/{case.id}")
    missing_id = case.id + 1000
    with count_queries() as missing:
        await linli_client.get(f"{BASE}/cases/{missing_id}")
    assert len(hidden) == len(missing)
    assert [_shape(query) for query in hidden] == [_shape(query) for query in missing]


def _shape(query: str) -> str:
    """A statement without its values (ids, the clock)."""
    return re.sub(r"'[^']*'|\d+", "?", query)
