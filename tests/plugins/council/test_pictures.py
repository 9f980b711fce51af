"""Need photos: the demo attaches a drawn photo to some needs, stored like a resident's
upload; the needs list, a resident's own needs and a topic show them as thumbnails in
fixed boxes, lazily, and a need's page larger; the photo is served as PNG."""

import io
import re

import pytest
from PIL import Image

from linli.kit import Upload
from linli.testing import log_in, page_queries
from linli_council.demo import NEED_TEXTS, seed
from linli_council.models import Need
from linli_council.pictures import NEEDS, SIZE, need_picture
from linli_council.testing import make_need, make_topic

pytestmark = pytest.mark.linli_plugins("council")

BASE = "/c/test/council"
DARK_STAIRS = "楼道灯坏了很久没人修"


def test_need_photos_are_small_distinct_and_the_same_at_every_build():
    texts = {text for group in NEED_TEXTS.values() for text in group}
    assert set(NEEDS) < texts  # drawn for demo needs, not for every one
    drawn = [need_picture(text) for text in NEEDS]
    assert drawn == [need_picture(text) for text in NEEDS]
    assert len(set(drawn)) == len(drawn)
    for data in drawn:
        assert data is not None and len(data) < 1_000
        image = Image.open(io.BytesIO(data))
        assert image.format == "PNG" and image.mode == "P" and image.size == (SIZE, SIZE)
    assert need_picture("独居老人希望有人定期上门看看") is None  # nothing to photograph


async def test_the_demo_attaches_a_photo_to_some_needs(linli_community, linli_bus):
    await seed(linli_community)
    needs = await Need.filter(community=linli_community)
    pictured = [need for need in needs if need.photo_id is not None]
    assert 0 < len(pictured) < len(needs) / 2  # some needs, as residents attach to some
    assert all(need.text in NEEDS for need in pictured)
    uploads = {u.id: u for u in await Upload.filter(id__in=[n.photo_id for n in pictured])}
    for need in pictured:
        upload = uploads[need.photo_id]
        assert (upload.content_type, upload.width, upload.height) == ("image/png", SIZE, SIZE)
        assert upload.data == need_picture(need.text)  # stored as drawn
        assert upload.community_id == linli_community.id


def _tag(html: str, address: str, attribute: str = "src") -> str:
    (tag,) = re.findall(rf'<img [^>]*\s{attribute}="{re.escape(address)}"[^>]*>', html)
    return tag


async def _with_photo(council, text: str = DARK_STAIRS) -> tuple[Need, Upload]:
    need = await make_need(
        council.community, council.resident, text, category="property",
        by=council.worker, photo=(need_picture(text), "stairs.png"),
    )  # fmt: skip
    return need, await Upload.get(id=need.photo_id)


async def test_the_lists_show_a_need_s_photo_lazily_and_its_page_larger(linli_client, council):
    need, upload = await _with_photo(council)
    plain = await make_need(council.community, council.resident, "夜里狗叫", by=council.worker)
    topic = await make_topic(
        council.community, [need, plain], title="修好楼道灯", node=council.group,
        by=council.member, category="property",
    )  # fmt: skip
    address = f"{BASE}/needs/{need.id}/photo?v={upload.id}"
    await log_in(linli_client, "resident")
    for path in ("/needs/", "/needs/mine", f"/topics/{topic.id}"):
        page = await linli_client.get(BASE + path)
        assert page.status_code == 200, path
        # fetched when it nears the screen (linli.js), a <noscript> copy without
        # script; decorative: the need's text is beside it
        thumb = _tag(page.text, address, "data-linli-src")
        for attribute in ('width="64"', 'height="64"', 'alt=""', 'decoding="async"'):
            assert attribute in thumb, (path, thumb)
        assert _tag(page.text.split("<noscript>", 1)[1], address)
        assert f"/needs/{plain.id}/photo" not in page.text  # none for a need without
    page = await linli_client.get(f"{BASE}/needs/{need.id}")
    big = _tag(page.text, address)
    assert 'width="128"' in big and 'height="128"' in big and 'alt="需求照片"' in big
    assert f'<a class="cn-photo-link" href="{address}">' in page.text  # opens it whole
    served = await linli_client.get(address)
    assert served.status_code == 200 and served.headers["content-type"] == "image/png"
    assert served.content == upload.data == need_picture(DARK_STAIRS)


async def test_photos_cost_the_needs_list_no_query(linli_client, council):
    await make_need(council.community, council.resident, "夜里狗叫", by=council.worker)
    await log_in(linli_client, "resident")
    without = len(await page_queries(linli_client, f"{BASE}/needs/"))
    for text in ("雨天地下室漏水", "单元门禁经常坏", DARK_STAIRS):
        await _with_photo(council, text)
    page = await linli_client.get(f"{BASE}/needs/")
    assert page.text.count('class="cn-thumb" data-linli-src="') == 3
    assert len(await page_queries(linli_client, f"{BASE}/needs/")) == without
