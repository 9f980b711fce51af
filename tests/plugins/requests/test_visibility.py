"""Acceptance 3: a resident sees their own requests and public ones, never another
resident's private request or name; property staff see only the requests routed to
their body; each page refuses the wrong person."""

import pytest

from linli.testing import count_queries, form_post, log_in, make_account
from linli_requests.models import Request, Update
from linli_requests.testing import make_request

pytestmark = pytest.mark.linli_plugins("requests")

BASE = "/c/test/requests"


async def requests_of(world):
    """A public leak of the resident (property), the neighbour's private quarrel
    (community) and the neighbour's public street light (property), a thrown-object
    report (police)."""
    leak = await make_request(
        world.community,
        world.resident,
        "leak",
        by=world.resident_account,
        description="张阿姨家楼顶漏水",
    )
    quarrel = await make_request(
        world.community,
        world.neighbour,
        "neighbour",
        by=world.neighbour_account,
        description="楼上装修太吵",
    )
    light = await make_request(
        world.community,
        world.neighbour,
        "streetlight",
        by=world.neighbour_account,
        description="路灯不亮",
    )
    thrown = await make_request(
        world.community,
        world.neighbour,
        "thrown",
        by=world.neighbour_account,
        description="有人扔烟头",
    )
    return leak, quarrel, light, thrown


async def test_a_resident_sees_their_own_and_public_requests_never_names(client, world):
    leak, quarrel, light, _thrown = await requests_of(world)
    await log_in(client, "resident")
    index = await client.get(f"{BASE}/")
    assert index.status_code == 200
    assert f"#{leak.id} " in index.text and f"#{light.id} " in index.text
    assert f"#{quarrel.id} " not in index.text and "楼上装修太吵" not in index.text
    assert "李大爷" not in index.text  # the neighbour reported the light: never named
    page = await client.get(f"{BASE}/{light.id}")
    assert page.status_code == 200 and "路灯不亮" in page.text and "李大爷" not in page.text
    assert "Work on it" not in page.text
    assert (await client.get(f"{BASE}/{quarrel.id}")).status_code == 404
    mine = await client.get(f"{BASE}/mine")
    assert f"#{leak.id} " in mine.text and f"#{light.id} " not in mine.text
    # the neighbour sees their own private request; the resident's flat is not shown
    await log_in(client, "neighbour")
    assert (await client.get(f"{BASE}/{quarrel.id}")).status_code == 200
    page = await client.get(f"{BASE}/{leak.id}")
    assert "张阿姨" not in page.text.replace("张阿姨家楼顶漏水", "")


async def test_property_staff_see_only_their_bodys_requests(client, world):
    leak, quarrel, light, thrown = await requests_of(world)
    await Update.create(
        request_id=quarrel.id, kind="note", private_note="双方情绪激动", at=quarrel.created_at
    )
    await log_in(client, "staff")
    work = await client.get(f"{BASE}/work/open")
    assert work.status_code == 200
    assert f"#{leak.id} " in work.text and f"#{light.id} " in work.text
    assert f"#{quarrel.id} " not in work.text and f"#{thrown.id} " not in work.text
    page = await client.get(f"{BASE}/{leak.id}")
    assert "Work on it" in page.text and "张阿姨" in page.text  # the reporter, to call back
    for hidden in (quarrel, thrown):
        assert (await client.get(f"{BASE}/{hidden.id}")).status_code == 404
        refused = await form_post(client, f"{BASE}/{hidden.id}/work", {"priority": "1"})
        assert refused.status_code == 404
    assert (await Request.get(id=thrown.id)).priority == 2
    # the community worker sees all, private notes included
    await log_in(client, "worker")
    work = await client.get(f"{BASE}/work/open")
    assert all(f"#{m.id} " in work.text for m in (leak, quarrel, light, thrown))
    assert "双方情绪激动" in (await client.get(f"{BASE}/{quarrel.id}")).text


async def test_routing_a_request_away_takes_it_out_of_the_staffs_sight(client, world):
    leak, *_ = await requests_of(world)
    await log_in(client, "worker")
    moved = await form_post(
        client,
        f"{BASE}/{leak.id}/work",
        {"version": "0", "body": str(world.root.id), "public_note": "转社区"},
    )
    assert moved.status_code == 200 and "转社区" in moved.text
    await log_in(client, "staff")
    assert (await client.get(f"{BASE}/{leak.id}")).status_code == 404


async def test_each_page_refuses_the_wrong_person(client, world):
    leak, quarrel, *_ = await requests_of(world)
    await make_account("nobody", world.community)  # no person, no grant
    staff_pages = ["/work/open", "/work/triage", f"/{quarrel.id}"]
    meeting_pages = ["/meetings/", "/figures", "/categories"]
    await log_in(client, "resident")
    for path in ("/work/open", "/meetings/", "/figures", "/categories", f"/{quarrel.id}"):
        assert (await client.get(BASE + path)).status_code in (403, 404), path
    for path, data in (
        (f"/{leak.id}/work", {"priority": "1"}),
        (f"/{leak.id}/merge", {"into": str(quarrel.id)}),
        ("/meetings/", {"held_on": "2026-12-01"}),
        ("/categories", {"code": "x", "name": "x"}),
        ("/clients", {"name": "x"}),
    ):
        assert (await form_post(client, BASE + path, data)).status_code in (403, 404), path
    await log_in(client, "staff")  # property staff: no catalogue
    assert (await client.get(f"{BASE}/categories")).status_code == 403
    await log_in(client, "grid")  # a grid worker takes requests in, works on none
    assert (await client.get(f"{BASE}/new")).status_code == 200
    for path in staff_pages + meeting_pages:
        assert (await client.get(BASE + path)).status_code in (403, 404), path
    await log_in(client, "nobody")
    for path in ("/", "/new", "/mine", f"/{leak.id}"):
        assert (await client.get(BASE + path)).status_code in (403, 404), path
    client.cookies.clear()
    client.cookies.set("linli_lang", "en")
    anonymous = await client.get(f"{BASE}/{leak.id}", follow_redirects=False)
    assert anonymous.status_code == 303 and "/login" in anonymous.headers["location"]
    assert await Request.filter(priority=1).count() == 0


async def test_list_pages_cost_the_same_whatever_the_rows(client, world):
    await requests_of(world)
    await log_in(client, "worker")
    counts = []
    for _ in range(2):
        with count_queries() as queries:
            assert (await client.get(f"{BASE}/work/open")).status_code == 200
        counts.append(len(queries))
        for _ in range(6):
            await make_request(
                world.community, world.resident, "garbage", by=world.resident_account
            )
    assert counts[0] == counts[1] and counts[0] <= 8, counts
    await log_in(client, "resident")
    with count_queries() as queries:
        assert (await client.get(f"{BASE}/")).status_code == 200
    assert len(queries) <= 8, [str(q) for q in queries]
