import pytest

from linli.testing import form_post, log_in
from linli_requests.models import Request, Update
from linli_requests.testing import category

pytestmark = pytest.mark.linli_plugins("requests")
BASE = "/c/test/requests"


async def test_pages_answer(client, world):
    await log_in(client, "resident")
    leak = await category(world.community, "leak")
    for path in ("/", "/new", f"/new?category={leak.id}", "/mine"):
        page = await client.get(BASE + path)
        assert page.status_code == 200, (path, page.text[-2000:])
    page = await form_post(
        client,
        BASE + "/",
        {
            "category": leak.id,
            "description": "楼顶漏水",
            "attribute[floor]": "6",
            "attribute[where]": "roof",
        },
    )
    assert page.status_code == 200, page.text[-3000:]
    matter = await Request.get()
    assert await Update.filter(request_id=matter.id).count() == 1
    await log_in(client, "worker")
    for path in (
        "/work/triage",
        "/work/open",
        f"/{matter.id}",
        "/meetings",
        "/figures",
        "/categories",
        f"/categories/{leak.id}",
    ):
        page = await client.get(BASE + path)
        assert page.status_code == 200, (path, page.text[-3000:])
    page = await form_post(client, BASE + "/meetings/", {"held_on": "2026-12-01"})
    assert page.status_code == 200, page.text[-3000:]
    page = await client.get(BASE + "/open311/v2/requests.json")
    assert page.status_code == 200, page.text
