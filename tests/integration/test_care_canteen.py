"""The duty worker has one list of welfare alerts. A carer's "needs help" reaches the
canteen's alert list through the core's shared ``welfare.concern``, is resolved there
the same way as a door nobody opened, and closes care's follow-up
(``welfare.resolved``); the canteen's "no answer" is on the person's care timeline.
Neither plugin imports the other; only this test loads both."""

import pytest

from linli.kit import WelfareConcern, emit
from linli.testing import form_post, log_in
from linli_care.models import FollowUp, TimelineEntry
from linli_care.testing import make_visit
from tests.plugins.care.conftest import kit  # noqa: F401  (the care world)

pytestmark = pytest.mark.linli_plugins("care", "canteen")


def test_each_takes_what_the_other_sends(linli_registry):
    assert linli_registry.subscription_problems() == []


async def test_needs_help_is_on_the_duty_workers_one_list(linli_app, linli_client, kit):  # noqa: F811
    await make_visit(kit.community, kit.elder, kit.carer_account, outcome="help", note="摔倒")
    bus = linli_app.state.site.bus
    await bus.dispatch_due()
    await log_in(linli_client, "grid")
    alerts = await linli_client.get("/c/test/canteen/alerts/")
    assert alerts.status_code == 200
    assert "张奶奶" in alerts.text and "需要帮助" in alerts.text and "关爱" in alerts.text
    assert "摔倒" not in alerts.text  # the health detail stays with care
    for user in ("grid10", "carer", "volunteer"):
        await log_in(linli_client, user)
        page = await linli_client.get("/c/test/canteen/alerts/")
        assert "张奶奶" not in page.text, user
    await log_in(linli_client, "grid")
    alert_id = alerts.text.split('action="/c/test/canteen/alerts/')[1].split("/")[0]
    done = await form_post(
        linli_client, f"/c/test/canteen/alerts/{alert_id}/resolve", {"note": "已联系家属"}
    )
    assert done.status_code == 200
    await bus.dispatch_due()
    followup = await FollowUp.get(person=kit.elder)
    assert followup.resolved_at is not None and followup.resolution == "已联系家属"
    care_list = await linli_client.get("/c/test/care/followups/")
    assert "张奶奶" not in care_list.text


async def test_the_canteens_no_answer_is_on_the_care_timeline(linli_app, linli_client, kit):  # noqa: F811
    await emit(
        "welfare.concern",
        WelfareConcern(person=kit.elder.id, source="canteen", reference="alert:7", level="help"),
        community=kit.community,
    )
    await linli_app.state.site.bus.dispatch_due()
    entry = await TimelineEntry.get(person=kit.elder)
    assert (entry.source, entry.reference) == ("canteen", "alert:7")
    await log_in(linli_client, "carer")
    page = await linli_client.get(f"/c/test/care/people/{kit.elder.id}")
    assert "来自社区其他服务" in page.text and "幸福食堂" in page.text
