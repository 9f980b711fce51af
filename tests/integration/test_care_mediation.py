"""A mediation case that involves a resident is on that resident's care timeline: its
number only, nothing of its content, for care staff only (that a resident is party to a
dispute is what mediation keeps confidential: not even their carer learns it); then that
it ended. Through the mediation's ``mediation.case_opened`` and ``mediation.case_closed``;
neither plugin imports the other, only this test loads both."""

import pytest

from linli.kit import emit, load_actor
from linli.testing import log_in, make_account, make_person
from linli_care.models import TimelineEntry
from linli_mediation import services
from linli_mediation.testing import make_case, make_mediator, make_studio
from tests.plugins.care.conftest import kit  # noqa: F401  (the care world)

pytestmark = pytest.mark.linli_plugins("care", "mediation")
SECRET = "楼上漏水,张奶奶情绪低落(内部记录)"


def test_care_takes_what_the_mediation_sends(linli_registry):
    assert linli_registry.subscription_problems() == []


async def test_a_case_shows_its_number_and_nothing_else(linli_app, linli_client, kit):  # noqa: F811
    bus = linli_app.state.site.bus
    studio = await make_studio(kit.community, "莲姐议事", host="刘莲")
    mediator = await make_mediator(studio, await make_account("lian", kit.community))
    upstairs = await make_person(kit.community, "楼上住户")
    case = await make_case(
        kit.community, mediator, parties=[kit.elder, upstairs], summary="楼上漏水",
        description=SECRET, studio=studio,
    )  # fmt: skip
    await bus.dispatch_due()
    assert await TimelineEntry.filter(source="mediation").count() == 2  # each resident party
    await log_in(linli_client, "carer")
    page = await linli_client.get(f"/c/test/care/people/{kit.elder.id}")
    assert page.status_code == 200 and case.number not in page.text  # the carer: no case
    await log_in(linli_client, "worker")
    page = await linli_client.get(f"/c/test/care/people/{kit.elder.id}")
    assert page.status_code == 200
    assert f"涉及一件调解案件（{case.number}）" in page.text and "调解工作室" in page.text
    for content in ("楼上漏水", SECRET, "楼上住户", "莲姐议事", "漏水"):
        assert content not in page.text
    for outsider in ("volunteer", "resident", "grid10"):
        await log_in(linli_client, outsider)
        hidden = await linli_client.get(f"/c/test/care/people/{kit.elder.id}")
        assert hidden.status_code == 404 and case.number not in hidden.text, outsider
    gate = await services.access_to(await load_actor(mediator), kit.community, case.id)
    await services.apply(gate, "refer", services.StepInput(target="police", reason=SECRET))
    await bus.dispatch_due()
    await log_in(linli_client, "worker")
    page = await linli_client.get(f"/c/test/care/people/{kit.elder.id}")
    assert f"涉及一件调解案件（{case.number}） · 已结束" in page.text
    assert "派出所" not in page.text and SECRET not in page.text


async def test_the_same_case_told_twice_is_one_entry_per_resident(linli_bus, kit):  # noqa: F811
    told = {"case": 9, "number": "2026-0009", "parties": [kit.elder.id, kit.carer.id, 999999]}
    await emit("mediation.case_opened", told, community=kit.community)
    await emit("mediation.case_opened", told, community=kit.community)
    await emit("mediation.case_closed", told, community=kit.community)
    await linli_bus.dispatch_due()
    entries = await TimelineEntry.filter(source="mediation").order_by("person_id")
    assert [e.person_id for e in entries] == sorted([kit.elder.id, kit.carer.id])
    assert all(e.resolved_at is not None and e.summary == "2026-0009" for e in entries)
