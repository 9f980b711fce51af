"""The default theme on a 375-px phone: the menu opens without script and marks the
current service; the elder home's tiles are the services this phone visited most; and a
data table (the register, the street bank's ledger, a resident's points) becomes one
card per row, each value with its column's label, rather than scrolling sideways in its
box. (That every page fits the phone in both languages and modes, with 44-px targets
and the elder switch on the first screen, is checked by test_accessibility_browser.py.)
Plain ``def`` tests (see conftest.py)."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}
HOME = "/c/jianghanli/"


def log_in(page: Page, username: str) -> None:
    page.set_viewport_size(PHONE)
    page.goto("/login")
    page.get_by_label("用户名或手机号").fill(username)
    page.get_by_label("密码").fill("linli-demo")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".account-name")).to_be_visible()


def test_the_menu_opens_without_script_and_marks_the_current_service(browser, demo_server):
    context = browser.new_context(
        base_url=demo_server.base_url, java_script_enabled=False, viewport=PHONE
    )
    try:
        page = context.new_page()
        log_in(page, "resident")  # a form: no script needed
        page.goto(HOME + "canteen/menu")
        nav = page.locator(".site-nav")
        expect(nav).to_be_hidden()
        page.get_by_text("菜单", exact=True).click()
        expect(nav).to_be_visible()
        expect(nav.locator("[aria-current]")).to_have_text("幸福食堂")
        header = page.locator(".site-header").bounding_box()
        assert header is not None and header["height"] < 130, header
    finally:
        context.close()


def test_the_elder_home_shows_the_services_this_phone_visited_most(page: Page):
    log_in(page, "resident")
    page.context.add_cookies([{"name": "linli_elder", "value": "1", "url": page.url}])
    page.goto(HOME)
    tiles = page.locator(".services").first.locator(".card-link")
    everything = page.locator("section[aria-labelledby=services] .card-link")
    usual = [link.get_attribute("href") for link in everything.all()]
    assert len(usual) > 6, usual

    def shown() -> list[str | None]:
        return [link.get_attribute("href") for link in tiles.all()]

    assert shown() == [*usual[:6], "#services"]  # a first visit: the usual order
    most, next_most = usual[-1], usual[-2]  # two services beyond the first six
    for href, times in ((most, 3), (next_most, 2)):
        for _ in range(times):
            page.goto(href)  # the service's first page (its start page sends on)
            expect(page.locator("main[data-linli-service]")).to_be_attached()
    page.goto(HOME)
    # the two visited take the last two seats; every tile in its usual place
    assert shown() == [*usual[:4], next_most, most, "#services"]
    kept = {c["name"]: c for c in page.context.cookies()}["linli_use"]
    counts = dict(entry.split(".") for entry in kept["value"].split("|"))
    assert counts == {most.split("/")[-2]: "3", next_most.split("/")[-2]: "2"}, kept
    assert kept["sameSite"] == "Lax" and kept["path"] == "/" and kept["expires"] > 0
    # on a 320-px phone the tiles stay large and nothing scrolls sideways
    page.set_viewport_size({"width": 320, "height": 800})
    for tile in tiles.all():
        box = tile.bounding_box()
        assert box is not None and box["width"] >= 60 and box["height"] >= 60, box
    assert page.evaluate(
        "() => document.scrollingElement.scrollWidth <= document.documentElement.clientWidth"
    )
    # "All services" leads to every service, further down the same page
    page.get_by_role("link", name="全部服务").click()
    expect(page).to_have_url(re.compile("#services$"))
    expect(page.locator("#services")).to_be_in_viewport()


def test_the_count_stays_small_and_what_is_used_now_comes_first_again(page: Page):
    """The script keeps twelve services at most in under 300 bytes, and past 99 visits
    halves every count (the server ignores a cookie it could not have written)."""
    page.goto(HOME)
    others = [f"service_{i:02d}_with_a_long_name.{i}" for i in range(1, 15)]
    page.context.add_cookies(
        [{"name": "linli_use", "value": "|".join(["council.99", *others]), "url": page.url}]
    )
    page.goto(HOME + "council/")  # a service anyone may open
    expect(page.locator("main[data-linli-service=council]")).to_be_attached()
    value = {c["name"]: c["value"] for c in page.context.cookies()}["linli_use"]
    counts = dict(entry.split(".") for entry in value.split("|"))
    assert len(value) < 300 and len(counts) <= 12, value
    assert counts["council"] == "50"  # 100 visits, halved with the others
    assert all(int(count) >= 1 for count in counts.values())  # a count halved to 0 goes
    kept = sorted(int(count) for name, count in counts.items() if name != "council")
    halved = sorted(i // 2 for i in range(1, 15) if i // 2)
    assert len(kept) >= 6 and kept == halved[-len(kept) :], value  # the most used stay


#: Data tables read on a phone, with who reads them.
TABLES = (
    ("community_worker", HOME + "register/"),
    ("community_worker", HOME + "streetbank/worker/ledger"),
    ("resident", HOME + "streetbank/me"),
)

#: How the tables of the page fit: what reaches past the screen's right edge, which box
#: around (or inside) a table scrolls sideways, how many body rows are cards, and how
#: many cells of a headed column carry no label.
TABLE_FIT = """
() => {
  const width = document.documentElement.clientWidth;
  const name = (el) => [el.tagName.toLowerCase(), ...el.classList].join('.');
  const wider = [...document.body.querySelectorAll('*')]
    .filter((el) => el.getBoundingClientRect().right > width + 1)
    .map(name);
  const scrolling = [];
  for (const table of document.querySelectorAll('main table')) {
    const inside = [...table.querySelectorAll('*')];
    for (let el = table; el && el.tagName !== 'MAIN'; el = el.parentElement) inside.push(el);
    for (const el of inside) {
      const scrolls = ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
      if (scrolls && el.scrollWidth > el.clientWidth + 1) scrolling.push(name(el));
    }
  }
  const rows = [...document.querySelectorAll('main table tbody tr')];
  // a cell of a column with a heading (a column of buttons has none) and no label
  const unlabelled = [...document.querySelectorAll('main table tbody td')].filter((td) => {
    const heading = td.closest('table').querySelectorAll('thead th')[td.cellIndex];
    return heading && heading.textContent.trim() && !td.dataset.label;
  });
  return {
    wider: wider.slice(0, 5),
    scrolling: scrolling.slice(0, 5),
    rows: rows.length,
    cards: rows.filter((row) => getComputedStyle(row).display === 'block').length,
    unlabelled: unlabelled.length,
  };
}
"""


@pytest.mark.parametrize(("language", "elder"), [("zh_CN", False), ("en", True)])
def test_data_tables_become_cards_on_a_phone_without_script(browser, demo_server, language, elder):
    for username, address in TABLES:
        context = browser.new_context(
            base_url=demo_server.base_url, java_script_enabled=False, viewport=PHONE
        )
        try:
            page = context.new_page()
            log_in(page, username)
            context.add_cookies(
                [
                    {"name": "linli_lang", "value": language, "url": demo_server.base_url},
                    {
                        "name": "linli_elder",
                        "value": "1" if elder else "0",
                        "url": demo_server.base_url,
                    },
                ]
            )
            page.goto(address)
            fit = page.evaluate(TABLE_FIT)
            where = f"{address} ({username}, {language}{', elder' if elder else ''})"
            assert fit["rows"] > 0, f"{where}: no table rows to look at"
            assert fit["wider"] == [], f"{where}: wider than the screen: {fit['wider']}"
            assert fit["scrolling"] == [], f"{where}: scrolls sideways: {fit['scrolling']}"
            assert fit["cards"] == fit["rows"], (
                f"{where}: {fit['rows'] - fit['cards']} rows stay rows"
            )
            assert fit["unlabelled"] == 0, f"{where}: {fit['unlabelled']} values without a label"
        finally:
            context.close()
