""" "小事党小组商议、难事党支部协调、大事党委统筹": each party level sees the topics waiting
at its level, acts on them, and raises them to the level above; an action is offered only
to those who may take it, and refusals keep their statuses (403 without the right, 409 at
the top)."""

import pytest

from linli.testing import form_post, log_in, make_account
from linli_council import testing as builders
from linli_council.models import NOT_FEASIBLE, PROPOSED, Topic

pytestmark = pytest.mark.linli_plugins("council")

COUNCIL = "/c/test/council"
ESCALATE_FORM = "/escalate"
MANAGE_SECTION = "Move the topic on"


async def _topic(council, title="楼道堆物清理"):
    need = await builders.make_need(
        council.community, council.resident, title, category="environment", by=council.worker
    )
    return await builders.make_topic(
        council.community, [need], title=title, category="environment",
        node=council.group, place=council.b10, by=council.worker,
    )  # fmt: skip


async def _party_accounts(council):
    """The demo's party roles, granted as the demo grants them."""
    await make_account(
        "leader", council.community,
        ("party_group_leader", council.group), ("party_group_leader", council.b10),
    )  # fmt: skip
    await make_account("branch", council.community, ("branch_secretary", council.branch))
    await make_account("secretary", council.community, ("committee_secretary", council.committee))


async def _page(client, topic):
    page = await client.get(f"{COUNCIL}/topics/{topic.id}")
    assert page.status_code == 200
    return page.text


async def test_a_topic_walks_up_the_party_levels_over_http(client, council):
    topic = await _topic(council)
    await _party_accounts(council)
    url = f"{COUNCIL}/topics/{topic.id}/escalate"

    # a council member may run topics but not escalate: no form, and 403 if posted
    await log_in(client, "member")
    assert ESCALATE_FORM not in await _page(client, topic)
    assert (await form_post(client, url, {"reason": "x"})).status_code == 403

    # the building group's leader finds it waiting, can act on it and raise it
    await log_in(client, "leader")
    work = await client.get(f"{COUNCIL}/worklist")
    assert work.status_code == 200
    assert "楼道堆物清理" in work.text and "At this level since" in work.text
    assert "To be put on a meeting" in work.text
    text = await _page(client, topic)
    assert ESCALATE_FORM in text and MANAGE_SECTION in text
    silent = await form_post(client, url, {"reason": "  "})
    assert silent.status_code == 400 and 'id="reason-error"' in silent.text
    raised = await form_post(client, url, {"reason": "涉及整个二期的楼道"})
    assert raised.status_code == 200 and "The topic was raised to 二期党支部" in raised.text
    assert (await Topic.get(id=topic.id)).node_id == council.branch.id
    # ... and then no longer acts on it
    text = await _page(client, topic)
    assert ESCALATE_FORM not in text and MANAGE_SECTION not in text
    assert (await form_post(client, url, {"reason": "再上"})).status_code == 403
    state = await form_post(
        client, f"{COUNCIL}/topics/{topic.id}/state", {"state": NOT_FEASIBLE, "text": "x"}
    )
    assert state.status_code == 403
    assert "楼道堆物清理" not in (await client.get(f"{COUNCIL}/worklist")).text

    # the estate branch's secretary finds it and raises it to the committee
    await log_in(client, "branch")
    assert "楼道堆物清理" in (await client.get(f"{COUNCIL}/worklist")).text
    assert ESCALATE_FORM in await _page(client, topic)
    raised = await form_post(client, url, {"reason": "需要物业公司和社区统筹"})
    assert raised.status_code == 200
    assert (await Topic.get(id=topic.id)).node_id == council.committee.id

    # the committee: waiting there, acted on, and the top (no form; 409 if posted)
    await log_in(client, "secretary")
    assert "楼道堆物清理" in (await client.get(f"{COUNCIL}/worklist")).text
    text = await _page(client, topic)
    assert ESCALATE_FORM not in text and MANAGE_SECTION in text
    top = await form_post(client, url, {"reason": "再上"})
    assert top.status_code == 409 and "already at the top level" in top.text
    assert (await Topic.get(id=topic.id)).node_id == council.committee.id
    assert (await Topic.get(id=topic.id)).state == PROPOSED


async def test_the_worklist_is_for_those_who_work_on_topics(client, council):
    await log_in(client, "resident")
    assert (await client.get(f"{COUNCIL}/worklist")).status_code == 403
    assert "Waiting for me" not in (await client.get(f"{COUNCIL}/")).text
