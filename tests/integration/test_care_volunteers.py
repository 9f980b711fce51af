"""A call for help raised for a resident (一呼百应) is on that resident's care timeline,
through the volunteers' own ``volunteers.call_raised`` and ``volunteers.call_closed``,
for their carers and care staff only; how it ended follows. Neither plugin imports the
other; only this test loads both."""

from datetime import UTC, datetime

import pytest

from linli.kit import Actor, community_root, emit
from linli.testing import form_post, log_in
from linli_care.models import TimelineEntry
from linli_volunteers import services
from linli_volunteers.models import Call
from linli_volunteers.testing import make_call
from tests.plugins.care.conftest import kit  # noqa: F401  (the care world)

pytestmark = pytest.mark.linli_plugins("care", "volunteers")


def test_care_takes_what_the_volunteers_send(linli_registry):
    assert linli_registry.subscription_problems() == []


async def test_a_call_for_her_is_on_her_care_page_for_her_carer_only(linli_app, linli_client, kit):  # noqa: F811
    bus = linli_app.state.site.bus
    await log_in(linli_client, "grid")  # the grid worker of her building raises it for her
    raised = await form_post(
        linli_client, "/c/test/volunteers/calls/new",
        {"title": "卫生间渗水,需要水电工", "urgent": "yes", "resident": "张奶奶",
         "beneficiary": "张奶奶", "address": "3栋601", "phone": "13900009999"},
    )  # fmt: skip
    assert raised.status_code == 200
    await bus.dispatch_due()
    await log_in(linli_client, "carer")
    page = await linli_client.get(f"/c/test/care/people/{kit.elder.id}")
    assert page.status_code == 200
    assert "一呼百应" in page.text and "发出求助: 卫生间渗水,需要水电工" in page.text
    assert "紧急" in page.text and "13900009999" not in page.text
    for outsider in ("volunteer", "resident", "grid10"):
        await log_in(linli_client, outsider)
        hidden = await linli_client.get(f"/c/test/care/people/{kit.elder.id}")
        assert hidden.status_code == 404 and "卫生间渗水" not in hidden.text, outsider
    call = await Call.get()
    await services.close_call(
        call, actor=Actor(account=None), person=await call.raised_by,
        root=await community_root(kit.community), now=datetime.now(UTC), done=True,
    )  # fmt: skip
    await bus.dispatch_due()
    await log_in(linli_client, "carer")
    page = await linli_client.get(f"/c/test/care/people/{kit.elder.id}")
    assert "已结束: 已完成帮助" in page.text


async def test_a_cancelled_call_says_so_and_a_call_for_nobody_is_not_shown(
    linli_app,
    linli_client,
    kit,  # noqa: F811
):
    bus = linli_app.state.site.bus
    call = await make_call(kit.community, "陪同就医", raised_by=kit.carer, for_person=kit.elder)
    await make_call(kit.community, "楼道清理", raised_by=kit.carer)
    await services.close_call(
        call, actor=Actor(account=None), person=kit.carer,
        root=await community_root(kit.community), now=datetime.now(UTC), done=False,
    )  # fmt: skip
    await bus.dispatch_due()
    [entry] = await TimelineEntry.all()
    assert (entry.person_id, entry.kind, entry.resolution) == (kit.elder.id, "call", "cancelled")
    await log_in(linli_client, "carer")
    page = await linli_client.get(f"/c/test/care/people/{kit.elder.id}")
    assert "陪同就医" in page.text and "已取消" in page.text and "楼道清理" not in page.text


async def test_the_same_call_told_twice_is_one_entry(linli_bus, kit):  # noqa: F811
    payload = {
        "call": 41, "beneficiary": kit.elder.id, "skill": "", "category": "",
        "urgent": False, "summary": "帮忙买药", "link": "/c/test/volunteers/calls/41",
    }  # fmt: skip
    await emit("volunteers.call_raised", payload, community=kit.community)
    await emit("volunteers.call_raised", payload, community=kit.community)
    await linli_bus.dispatch_due()
    assert await TimelineEntry.filter(reference="call:41").count() == 1
