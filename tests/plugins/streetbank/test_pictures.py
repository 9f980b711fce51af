"""Catalogue pictures: the demo gives every item one, stored like an upload; the
catalogue's own route serves it to whoever may see the catalogue, and the catalogue and
the item's page show it in a fixed box without a query more."""

import re

import pytest

from linli.kit import Upload, save_image
from linli.testing import log_in, make_account, page_queries
from linli_streetbank import services
from linli_streetbank.demo import ITEMS as DEMO_ITEMS
from linli_streetbank.demo import seed
from linli_streetbank.models import CatalogueItem
from linli_streetbank.pictures import ITEMS, item_picture

pytestmark = pytest.mark.linli_plugins("streetbank")

BASE = "/c/test/streetbank"


def test_every_demo_item_is_drawn_small_and_the_same_at_every_build():
    assert {row[0] for row in DEMO_ITEMS} == set(ITEMS)
    pictures = [item_picture(title, category) for title, category, *_ in DEMO_ITEMS]
    assert all(len(p) < 1_000 for p in pictures)
    assert pictures == [item_picture(title, category) for title, category, *_ in DEMO_ITEMS]
    # an item the demo does not know is drawn by its category
    assert item_picture("新的服务", "repair") == item_picture("家电检修一次", "repair")


async def test_the_demo_stores_a_picture_for_every_item(linli_community):
    await seed(linli_community)
    items = await CatalogueItem.filter(community=linli_community)
    assert len(items) == len(DEMO_ITEMS)
    assert all(item.photo_id is not None for item in items)
    uploads = {u.id: u for u in await Upload.filter(id__in=[i.photo_id for i in items])}
    for item in items:
        upload = uploads[item.photo_id]
        assert upload.content_type == "image/png" and (upload.width, upload.height) == (112, 112)
        assert upload.data == item_picture(item.title, item.category)
    drawn = {item_picture(item.title, item.category) for item in items}
    assert len(uploads) == len(drawn) < len(items)  # one upload per distinct picture


async def _with_picture(bank, item: CatalogueItem) -> Upload:
    upload = await save_image(
        bank.community, item_picture(item.title, item.category), filename="item.png"
    )
    await services.save_item(
        bank.community, item=item, partner_id=item.partner_id, title=item.title,
        price=item.price, category=item.category, photo_id=upload.id,
    )  # fmt: skip
    return upload


def _img(html: str, photo_id: int, attribute: str = "src") -> str:
    address = f"{BASE}/catalogue/photos/{photo_id}"
    (tag,) = re.findall(rf'<img [^>]*\s{attribute}="{address}"[^>]*>', html)
    return tag


async def test_the_catalogue_and_the_item_page_show_the_picture(linli_client, bank):
    upload = await _with_picture(bank, bank.item)
    await log_in(linli_client, "zhang")
    catalogue = await linli_client.get(f"{BASE}/catalogue")
    # fetched when it nears the screen (linli.js), a <noscript> copy without script
    card = _img(catalogue.text, upload.id, "data-linli-src")
    for attribute in ('width="56"', 'height="56"', 'alt=""', 'decoding="async"'):
        assert attribute in card, card
    assert _img(catalogue.text, upload.id) in catalogue.text.split("<noscript>", 1)[1]
    page = await linli_client.get(f"{BASE}/catalogue/{bank.item.id}")
    big = _img(page.text, upload.id)
    assert 'width="112"' in big and 'height="112"' in big and 'alt=""' in big
    photo = await linli_client.get(re.search(r'data-linli-src="([^"]+)"', card).group(1))
    assert photo.status_code == 200
    assert photo.headers["content-type"] == "image/png"
    assert photo.headers["cache-control"] == "private, max-age=86400"
    assert photo.headers["x-content-type-options"] == "nosniff"
    assert photo.content == upload.data


async def test_an_item_without_a_picture_shows_none_and_its_address_is_not_found(
    linli_client, bank
):
    await log_in(linli_client, "zhang")
    catalogue = await linli_client.get(f"{BASE}/catalogue")
    assert "sb-thumb" not in catalogue.text
    assert (await linli_client.get(f"{BASE}/catalogue/photos/99999")).status_code == 404
    # an upload of this community that no item shows is not served here
    other = await save_image(
        bank.community, item_picture("理发一次", "household"), filename="x.png"
    )
    assert (await linli_client.get(f"{BASE}/catalogue/photos/{other.id}")).status_code == 404


async def test_an_image_link_still_shows_when_there_is_no_upload(linli_client, bank):
    await services.save_item(
        bank.community, item=bank.item, partner_id=bank.partner.id, title=bank.item.title,
        price=bank.item.price, image="/static/streetbank/haircut.png",
    )  # fmt: skip
    await log_in(linli_client, "zhang")
    catalogue = await linli_client.get(f"{BASE}/catalogue")
    assert 'src="/static/streetbank/haircut.png"' in catalogue.text


async def test_only_those_who_may_see_the_catalogue_see_its_pictures(linli_client, bank):
    upload = await _with_picture(bank, bank.item)
    address = f"{BASE}/catalogue/photos/{upload.id}"
    anonymous = await linli_client.get(address, follow_redirects=False)
    assert anonymous.status_code == 303
    await make_account("outsider", bank.community)
    await log_in(linli_client, "outsider")
    refused = await linli_client.get(address)
    catalogue = await linli_client.get(f"{BASE}/catalogue")
    assert refused.status_code == catalogue.status_code != 200  # refused like the catalogue
    assert not refused.headers["content-type"].startswith("image/")


async def test_pictures_cost_the_catalogue_no_query(linli_client, bank):
    await log_in(linli_client, "zhang")
    without = len(await page_queries(linli_client, f"{BASE}/catalogue"))
    await _with_picture(bank, bank.item)
    for i in range(5):
        item = await services.save_item(
            bank.community, partner_id=bank.partner.id, title=f"商品{i}", price=5
        )
        await _with_picture(bank, item)
    page = await linli_client.get(f"{BASE}/catalogue")
    assert page.text.count('data-linli-src="') == 6
    assert len(await page_queries(linli_client, f"{BASE}/catalogue")) == without


async def test_a_worker_gives_an_item_a_picture_from_the_catalogue_form(linli_client, bank):
    await log_in(linli_client, "worker")
    token = linli_client.cookies.get("linli_csrf")
    form = {
        "partner": str(bank.partner.id), "title": bank.item.title, "price": "10",
        "category": "household", "active": "on", "_csrf_token": token,
    }  # fmt: skip
    edit = f"{BASE}/worker/catalogue?edit={bank.item.id}"
    picture = item_picture("理发一次", "household")
    saved = await linli_client.post(edit, data=form, files={"photo": ("cut.png", picture)})
    assert saved.status_code == 200
    item = await CatalogueItem.get(id=bank.item.id)
    upload = await Upload.get(id=item.photo_id)
    assert upload.data == picture and upload.created_by_id is not None
    page = await linli_client.get(edit)
    assert f'src="{BASE}/catalogue/photos/{upload.id}"' in page.text
    # saved again without a file, the item keeps its picture
    await linli_client.post(edit, data=form, files={"photo": ("", b"")})
    assert (await CatalogueItem.get(id=bank.item.id)).photo_id == upload.id
    # a file that is not a picture is refused on the form, and nothing changes
    forged = await linli_client.post(
        edit, data={**form, "price": "99"}, files={"photo": ("cut.png", b"%PDF-1.4 no")}
    )
    assert forged.status_code == 400 and 'aria-invalid="true"' in forged.text
    assert (await CatalogueItem.get(id=bank.item.id)).price == 10
