"""Request photos: the demo attaches a drawn photo to some requests (found on a walk or
reported online, never taken on the phone), stored like a resident's upload; the lists
show them as thumbnails in fixed boxes, lazily, and a request's page larger; the photo
is served as PNG to whoever may see the request, for a query or two."""

import io
import re

import pytest
from PIL import Image

from linli.kit import Upload
from linli.testing import log_in, page_queries
from linli_requests.demo import TEXTS, seed
from linli_requests.models import Request
from linli_requests.pictures import REQUESTS, SIZE, request_picture
from linli_requests.testing import make_request

pytestmark = pytest.mark.linli_plugins("requests")

BASE = "/c/test/requests"
LEAK = "楼顶漏水,下雨天屋里滴水"


def test_request_photos_are_small_distinct_and_the_same_at_every_build():
    texts = {text for group in TEXTS.values() for text in group}
    # drawn for demo requests (and the demo resident's own light), not for every one
    assert set(REQUESTS) - texts == {"单元门口的灯不亮"}
    assert texts - set(REQUESTS)
    drawn = [request_picture(text) for text in REQUESTS]
    assert drawn == [request_picture(text) for text in REQUESTS]
    assert len(set(drawn)) == len(drawn)
    for data in drawn:
        assert data is not None and len(data) < 1_000
        image = Image.open(io.BytesIO(data))
        assert image.format == "PNG" and image.mode == "P" and image.size == (SIZE, SIZE)
    assert request_picture("楼上装修噪音太大,晚上十点还在施工") is None  # a noise


async def test_the_demo_attaches_a_photo_to_some_requests(linli_community):
    await seed(linli_community)
    matters = await Request.filter(community=linli_community)
    pictured = [m for m in matters if m.photo_id is not None]
    assert 0 < len(pictured) < len(matters) / 2  # some of them
    assert all(m.channel in ("online", "walk") for m in pictured)  # not on the phone
    assert all(m.description in REQUESTS for m in pictured)
    uploads = {u.id: u for u in await Upload.filter(id__in=[m.photo_id for m in pictured])}
    for matter in pictured:
        upload = uploads[matter.photo_id]
        assert (upload.content_type, upload.width, upload.height) == ("image/png", SIZE, SIZE)
        assert upload.data == request_picture(matter.description)  # stored as drawn


def _tag(html: str, address: str, attribute: str = "src") -> str:
    (tag,) = re.findall(rf'<img [^>]*\s{attribute}="{re.escape(address)}"[^>]*>', html)
    return tag


async def _with_photo(world, text: str = LEAK) -> tuple[Request, Upload]:
    matter = await make_request(
        world.community, world.resident, by=world.resident_account, description=text,
        photo=(request_picture(text), "leak.png"),
    )  # fmt: skip
    return matter, await Upload.get(id=matter.photo_id)


async def test_the_lists_show_a_request_s_photo_lazily_and_its_page_larger(client, world):
    matter, upload = await _with_photo(world)
    plain = await make_request(world.community, world.resident, by=world.resident_account)
    address = f"{BASE}/{matter.id}/photo?v={upload.id}"
    for account, path in (("resident", "/"), ("resident", "/mine"), ("staff", "/work/open")):
        await log_in(client, account)
        page = await client.get(BASE + path)
        assert page.status_code == 200, path
        # fetched when it nears the screen (linli.js), a <noscript> copy without
        # script; decorative: the category and the text are beside it
        thumb = _tag(page.text, address, "data-linli-src")
        for attribute in ('width="64"', 'height="64"', 'alt=""', 'decoding="async"'):
            assert attribute in thumb, (path, thumb)
        assert _tag(page.text.split("<noscript>", 1)[1], address)
        assert f"/{plain.id}/photo" not in page.text  # none for a request without
    page = await client.get(f"{BASE}/{matter.id}")
    big = _tag(page.text, address)
    assert 'width="128"' in big and 'height="128"' in big and 'alt="Photo of the problem"' in big
    assert f'<a class="rq-photo-link" href="{address}">' in page.text  # opens it whole
    served = await client.get(address)
    assert served.status_code == 200 and served.headers["content-type"] == "image/png"
    assert served.content == upload.data == request_picture(LEAK)


async def test_a_photo_costs_a_query_or_two_and_the_list_none(client, world):
    await make_request(world.community, world.resident, by=world.resident_account)
    await log_in(client, "resident")
    without = len(await page_queries(client, f"{BASE}/"))
    matters = [(await _with_photo(world, text))[0] for text in (LEAK, "电梯按钮失灵")]
    page = await client.get(f"{BASE}/")
    assert page.text.count('class="rq-thumb" data-linli-src="') == 2
    assert len(await page_queries(client, f"{BASE}/")) == without
    # the photo's own address checks who may see the request and reads the upload,
    # nothing of what its page shows to those who handle it
    await log_in(client, "staff")
    photo = await page_queries(client, f"{BASE}/{matters[0].id}/photo")
    page = await page_queries(client, f"{BASE}/{matters[0].id}")
    assert len(photo) < len(page) and sum("core_upload" in q for q in photo) == 1
