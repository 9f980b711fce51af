"""Pictures of proposals and progress updates: the demo draws one for most proposals and
every update of the build, stored like a resident's upload; the ideas and designs, the
vote and the progress show them in fixed boxes, lazily where they are lists, and serve
them as PNG."""

import io
import re
from datetime import date

import pytest
from PIL import Image

from linli.kit import Upload, save_image
from linli.testing import log_in, page_queries
from linli_codesign import demo
from linli_codesign.models import DESIGN_KIND, VOTE, Proposal, Update
from linli_codesign.pictures import PICTURES, SIZE, picture
from linli_codesign.testing import move_to

from .conftest import make_participant, make_site

pytestmark = pytest.mark.linli_plugins("codesign")

BASE = "/c/test/codesign"
TITLES = [
    title
    for rows in (demo.CORNER_IDEAS, demo.CORNER_DESIGNS, demo.DOG_DESIGNS, demo.GARDEN_IDEAS)
    for title, _ in rows
] + ["遛狗必须拴绳"]
UPDATES = [body for body, _ in demo.CORNER_UPDATES]


def test_the_demo_s_pictures_are_small_distinct_and_the_same_at_every_build():
    assert set(PICTURES) <= set(TITLES) | set(UPDATES)  # none drawn for nothing
    assert set(UPDATES) <= set(PICTURES)  # before, during, after
    drawn = [picture(key) for key in PICTURES]
    assert drawn == [picture(key) for key in PICTURES]  # the same bytes every time
    assert len(set(drawn)) == len(drawn)
    for data in drawn:
        assert data is not None and len(data) < 1_000
        image = Image.open(io.BytesIO(data))
        assert image.format == "PNG" and image.mode == "P" and image.size == (SIZE, SIZE)
    assert picture("没有画的点子") is None


async def test_the_demo_gives_most_proposals_and_every_update_a_picture(linli_bus, linli_community):
    place = await make_site(linli_community, residents=0)
    for i in range(60):
        await make_participant(
            linli_community, place.b10, f"十栋{i}", born=date(1960 + i % 40, 1, 1)
        )
    await demo.seed(linli_community)
    proposals = await Proposal.filter(project__community_id=linli_community.id)
    updates = await Update.filter(project__community_id=linli_community.id)
    pictured = [row for row in [*proposals, *updates] if row.image_id is not None]
    assert len(updates) == 3 and all(u.image_id for u in updates)
    assert all(p.image_id for p in proposals if p.kind == DESIGN_KIND)
    assert [p.title for p in proposals if p.image_id is None] == ["周末一起来打理"]
    uploads = {u.id: u for u in await Upload.filter(id__in=[r.image_id for r in pictured])}
    for row in pictured:
        upload = uploads[row.image_id]
        assert (upload.content_type, upload.width, upload.height) == ("image/png", SIZE, SIZE)
        key = row.title if isinstance(row, Proposal) else row.body
        assert upload.data == picture(key)  # stored as drawn
        assert upload.community_id == linli_community.id


async def _pictured(site, title: str, kind: str = "idea") -> tuple[Proposal, Upload]:
    upload = await save_image(site.community, picture(title), filename="idea.png")
    proposal = await Proposal.create(
        project=site.project, kind=kind, author=site.residents[1], title=title, image=upload
    )
    return proposal, upload


def _tag(html: str, address: str, attribute: str = "src") -> str:
    (tag,) = re.findall(rf'<img [^>]*\s{attribute}="{re.escape(address)}"[^>]*>', html)
    return tag


async def test_ideas_show_their_picture_lazily_and_its_page_larger(linli_client, site_for):
    site = await site_for("r0")
    idea, upload = await _pictured(site, "架空层做法律角")
    plain = await Proposal.create(
        project=site.project, kind="idea", author=site.residents[2], title="请律师定期坐班"
    )
    await log_in(linli_client, "r0")
    listed = await linli_client.get(f"{BASE}/projects/{site.project.id}/proposals?kind=idea")
    address = f"{BASE}/proposals/{idea.id}/image?v={upload.id}"
    # fetched when it nears the screen (linli.js), a <noscript> copy without script;
    # decorative: the title is beside it
    card = _tag(listed.text, address, "data-linli-src")
    for attribute in ('width="64"', 'height="64"', 'alt=""', 'decoding="async"'):
        assert attribute in card, card
    assert _tag(listed.text.split("<noscript>", 1)[1], address)
    assert f"/proposals/{plain.id}/image" not in listed.text  # none for an idea without
    page = await linli_client.get(f"{BASE}/proposals/{idea.id}")
    big = _tag(page.text, address)
    assert 'width="128"' in big and 'height="128"' in big and 'alt="点子或方案的图片"' in big
    assert f'<a class="cd-picture-link" href="{address}">' in page.text  # opens it whole
    served = await linli_client.get(address)
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/png"
    assert served.content == upload.data == picture("架空层做法律角")


async def test_the_ballot_shows_each_design_s_picture(linli_client, site_for):
    site = await site_for("r0")
    design, upload = await _pictured(site, "方案二:开放客厅", kind=DESIGN_KIND)
    await move_to(site.project, VOTE)
    await log_in(linli_client, "r0")
    ballot = await linli_client.get(f"{BASE}/projects/{site.project.id}/vote")
    tag = _tag(ballot.text, f"{BASE}/proposals/{design.id}/image?v={upload.id}", "data-linli-src")
    assert 'alt=""' in tag and 'width="64"' in tag  # the design's title is beside it


async def test_progress_updates_show_their_photo(linli_client, site_for):
    site = await site_for("r0")
    text = UPDATES[1]
    upload = await save_image(site.community, picture(text), filename="mural.png")
    update = await Update.create(project=site.project, body=text, image=upload)
    address = f"{BASE}/updates/{update.id}/image?v={upload.id}"
    await log_in(linli_client, "r0")
    for path in (f"/projects/{site.project.id}", f"/projects/{site.project.id}/build"):
        page = await linli_client.get(BASE + path)
        tag = _tag(page.text, address, "data-linli-src")
        assert 'alt="进展照片"' in tag and 'width="128"' in tag, (path, tag)
    served = await linli_client.get(address)
    assert served.status_code == 200 and served.headers["content-type"] == "image/png"
    assert served.content == upload.data


async def test_pictures_cost_the_ideas_no_query(linli_client, site_for):
    site = await site_for("r0")
    path = f"{BASE}/projects/{site.project.id}/proposals?kind=idea"
    await log_in(linli_client, "r0")
    await Proposal.create(project=site.project, author=site.residents[1], title="放几张旧桌椅")
    without = len(await page_queries(linli_client, path))
    for title in ("装灯和监控", "留出晾晒区", "墙上画普法漫画"):
        await _pictured(site, title)
    page = await linli_client.get(path)
    assert page.text.count('class="cd-thumb" data-linli-src="') == 3
    assert len(await page_queries(linli_client, path)) == without
