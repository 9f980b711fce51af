"""Icons and paper in a real browser: the elder-mode home's tiles each draw their icon
(from the sprite, in the accent colour) on a 320-px phone, and a printed page is the
content alone, black on white. One page for the module, logged in as a resident. Plain
``def`` tests (see conftest.py)."""

from collections.abc import Iterator
from io import BytesIO

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import DemoServer

pytestmark = pytest.mark.browser

HOME = "/c/jianghanli/"
NARROW = {"width": 320, "height": 800}


@pytest.fixture(scope="module")
def resident(browser: Browser, demo_server: DemoServer) -> Iterator[tuple[Page, list[str]]]:
    context = browser.new_context(base_url=demo_server.base_url, viewport=NARROW)
    failed: list[str] = []
    context.on(
        "response",
        lambda r: (
            failed.append(f"{r.request.method} {r.url} -> {r.status}") if r.status >= 400 else None
        ),
    )
    page = context.new_page()
    page.goto("/login")
    page.locator("#login").fill("resident")
    page.locator("#password").fill("linli-demo")
    page.locator("#password").press("Enter")
    expect(page.locator(".account-name")).to_be_visible()
    context.add_cookies([{"name": "linli_elder", "value": "1", "url": demo_server.base_url}])
    try:
        yield page, failed
    finally:
        context.close()


def _drawn(png: bytes) -> int:
    """How many pixels of a screenshot are the elder mode's accent red (#8c0000)."""
    raw = Image.open(BytesIO(png)).convert("RGB").tobytes()
    pixels = zip(raw[0::3], raw[1::3], raw[2::3], strict=True)
    return sum(1 for r, g, b in pixels if r > 100 and g < 60 and b < 60)


def test_every_elder_home_tile_draws_its_icon(resident):
    page, failed = resident
    page.goto(HOME)
    tiles = page.locator(".services .card-link")
    assert tiles.count() >= 5
    for i in range(tiles.count()):
        tile = tiles.nth(i)
        icon = tile.locator("svg.icon")
        box, title = icon.bounding_box(), tile.locator(".card-title").bounding_box()
        assert box is not None and title is not None
        assert box["height"] >= 40, box  # a large icon, above the words
        if tile.get_attribute("href") == "#services":  # "All services": a row, icon beside
            assert box["x"] + box["width"] <= title["x"] + 1
        else:
            assert box["y"] + box["height"] <= title["y"] + 1
        assert tile.bounding_box()["height"] >= 60
        assert _drawn(icon.screenshot()) > 40, tile.inner_text()  # the sprite's symbol drew
    scroll, width = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= width
    assert failed == []  # the sprite, the favicon and the logo all answered


def test_a_printed_page_is_its_content_in_black_on_white(resident):
    page, failed = resident
    page.goto(HOME)
    page.emulate_media(media="print")
    try:
        for hidden in (".site-header", ".site-footer", ".elder-switch", ".menu"):
            expect(page.locator(hidden).first).to_be_hidden()
        expect(page.locator("main h1")).to_be_visible()
        colours = page.evaluate(
            "() => [getComputedStyle(document.body).backgroundColor,"
            " getComputedStyle(document.querySelector('main h1')).color,"
            " getComputedStyle(document.querySelector('main .card-link')).breakInside]"
        )
        assert colours == ["rgb(255, 255, 255)", "rgb(0, 0, 0)", "avoid"]
        assert len(page.pdf(format="A4")) > 1000
    finally:
        page.emulate_media(media="screen")
    expect(page.locator(".site-header")).to_be_visible()
    assert failed == []
