"""The council on the core's demo register: the party accounts the core's demo makes run
the council's escalation chain. (It needs the core's demo register, which is not part of
the plugin API, hence its place among the integration tests.)"""

import pytest

from linli.domain.demo import DEMO_PASSWORD, build_demo_register
from linli.kit import Node
from linli.testing import form_post, log_in
from linli_council.demo import seed
from linli_council.models import NOT_FEASIBLE, PROPOSED, Topic

pytestmark = pytest.mark.linli_plugins("council")

COUNCIL = "/c/test/council"


@pytest.fixture
def client(linli_client):
    """The test client, reading pages in English (message ids are English)."""
    linli_client.cookies.set("linli_lang", "en")
    return linli_client


async def test_the_demo_roles_run_the_chain_end_to_end(client, linli_community, linli_registry):
    """On the demo register: building 10's party group leader raises a waiting topic to
    the Phase II branch, its secretary to the community committee, which cannot go
    higher and closes it."""
    await build_demo_register(linli_community, linli_registry)
    await seed(linli_community)
    group = await Node.get(community_id=linli_community.id, code="party-b10")
    branch = await Node.get(community_id=linli_community.id, code="party-2")
    committee = await Node.get(id=branch.parent_id)
    topic = await Topic.filter(node_id=group.id, state=PROPOSED).first()
    assert topic is not None
    url = f"{COUNCIL}/topics/{topic.id}"

    await log_in(client, "party_group_leader", DEMO_PASSWORD)
    assert topic.title in (await client.get(f"{COUNCIL}/worklist")).text
    assert (await form_post(client, f"{url}/escalate", {"reason": "跨楼栋"})).status_code == 200
    assert (await Topic.get(id=topic.id)).node_id == branch.id

    await log_in(client, "branch_secretary", DEMO_PASSWORD)
    assert topic.title in (await client.get(f"{COUNCIL}/worklist")).text
    assert (await form_post(client, f"{url}/escalate", {"reason": "全社区"})).status_code == 200
    assert (await Topic.get(id=topic.id)).node_id == committee.id

    await log_in(client, "committee_secretary", DEMO_PASSWORD)
    assert topic.title in (await client.get(f"{COUNCIL}/worklist")).text
    assert (await form_post(client, f"{url}/escalate", {"reason": "再上"})).status_code == 409
    closed = await form_post(
        client,
        f"{url}/state",
        {"state": NOT_FEASIBLE, "text": "道路红线内无法拓宽", "confirmed": "yes"},
    )
    assert closed.status_code == 200
    assert (await Topic.get(id=topic.id)).state == NOT_FEASIBLE
