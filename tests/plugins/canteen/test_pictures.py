"""Dish pictures: the demo gives every dish one, stored like a worker's upload; it is
served as a PNG with caching, and the menu shows it in a fixed box, lazily, without a
query more."""

import re

import pytest

from linli.kit import Upload, save_image
from linli.testing import log_in, page_queries
from linli_canteen import demo, services
from linli_canteen.models import Dish
from linli_canteen.pictures import DISHES, dish_picture

pytestmark = pytest.mark.linli_plugins("canteen")

BASE = "/c/test/canteen"


def test_every_demo_dish_has_its_own_small_picture_the_same_at_every_build():
    names = [row[0] for row in demo.DISHES]
    assert set(names) == set(DISHES)
    pictures = [dish_picture(name) for name in names]
    assert all(p is not None and len(p) < 1_500 for p in pictures)
    assert len(set(pictures)) == len(names)  # no two dishes look the same
    assert pictures == [dish_picture(name) for name in names]
    assert dish_picture("不在菜单上的菜") is None


async def test_the_demo_stores_a_picture_for_every_dish(kit):
    await services.Canteen.filter(id=kit.canteen.id).delete()
    await demo.seed(kit.community)
    dishes = await Dish.filter(community_id=kit.community.id, name__in=list(DISHES))
    assert len(dishes) == len(DISHES)
    uploads = {u.id: u for u in await Upload.filter(id__in=[d.photo_id for d in dishes])}
    for dish in dishes:
        upload = uploads[dish.photo_id]
        assert (upload.content_type, upload.kind) == ("image/png", "image")
        assert (upload.width, upload.height) == (128, 128)
        assert upload.data == dish_picture(dish.name)  # stored as drawn: deterministic
        assert upload.community_id == kit.community.id


async def _with_picture(kit, dish: Dish) -> Upload:
    upload = await save_image(kit.community, dish_picture("鱼糕"), filename="fish-cake.png")
    await Dish.filter(id=dish.id).update(photo_id=upload.id)
    return upload


async def test_the_menu_shows_the_picture_in_a_fixed_box_and_serves_it(linli_client, kit):
    upload = await _with_picture(kit, kit.dish)
    await log_in(linli_client, "zhang")
    menu = await linli_client.get(f"{BASE}/menu?week={kit.item.day.isoformat()}")
    assert menu.status_code == 200
    # fetched when it nears the screen (linli.js), a <noscript> copy without script
    address = rf'"{BASE}/dishes/{kit.dish.id}/photo[^"]*"'
    (tag,) = re.findall(rf"<img [^>]*data-linli-src={address}[^>]*>", menu.text)
    for attribute in ('width="64"', 'height="64"', 'alt=""', 'decoding="async"'):
        assert attribute in tag, tag
    assert re.search(rf"<noscript><img [^>]*\ssrc={address}", menu.text)
    src = re.search(r'data-linli-src="([^"]+)"', tag).group(1)
    assert src.endswith(f"?v={upload.id}")  # a new picture is a new address: no stale cache
    photo = await linli_client.get(src)
    assert photo.status_code == 200
    assert photo.headers["content-type"] == "image/png"
    assert photo.headers["cache-control"] == "private, max-age=86400"
    assert photo.headers["x-content-type-options"] == "nosniff"
    assert photo.content == upload.data
    # a dish without a picture shows none, and its address answers 404
    assert f"/dishes/{kit.peanut_dish.id}/photo" not in menu.text
    missing = await linli_client.get(f"{BASE}/dishes/{kit.peanut_dish.id}/photo")
    assert missing.status_code == 404


async def test_pictures_cost_the_menu_no_query(linli_client, kit):
    await log_in(linli_client, "zhang")
    path = f"{BASE}/menu?week={kit.item.day.isoformat()}"
    without = len(await page_queries(linli_client, path))
    await _with_picture(kit, kit.dish)
    await _with_picture(kit, kit.peanut_dish)
    page = await linli_client.get(path)
    assert page.text.count('class="ct-photo"') >= 2
    assert len(await page_queries(linli_client, path)) == without
