"""The default theme on a 375-px phone, as a resident and a community worker see it, in
Chinese and English, normal and elder mode (长辈版): on the home page and the start page
of every service in the menu, nothing scrolls sideways, the elder switch is on the first
screen, and every control is a target of 44 px (60 px in elder mode). Links inside a
sentence are exempt, as WCAG 2.5.8 exempts inline targets. Plain ``def`` tests (see
conftest.py)."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}
HOME = "/c/jianghanli/"
MODES = [("zh_CN", False), ("zh_CN", True), ("en", False), ("en", True)]

#: Every visible control smaller than the target, except a link within running text.
SMALL_TARGETS = """
(least) => {
  const small = [];
  for (const el of document.querySelectorAll(
      'a[href], button, input:not([type=hidden]), select, textarea, summary')) {
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    if (el.classList.contains('skip-link')) continue;
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    const parent = el.parentElement;
    const inline = el.tagName === 'A' && parent
      && parent.innerText.trim() !== el.innerText.trim() && style.display === 'inline';
    if (inline) continue;
    if (box.height < least - 0.5) {
      const text = (el.innerText || el.value || '').trim().slice(0, 24);
      const size = `${Math.round(box.width)}x${Math.round(box.height)}`;
      small.push(`${el.tagName.toLowerCase()} "${text}" ${size}`);
    }
  }
  return small;
}
"""


def log_in(page: Page, username: str) -> None:
    page.set_viewport_size(PHONE)
    page.goto("/login")
    page.get_by_label("用户名或手机号").fill(username)
    page.get_by_label("密码").fill("linli-demo")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".account-name")).to_be_visible()


def service_pages(page: Page) -> list[str]:
    page.goto(HOME)
    links = page.locator(".site-nav a[data-plugin]")
    return [HOME, *(links.nth(i).get_attribute("href") for i in range(links.count()))]


def problems_on(page: Page, path: str, elder: bool) -> list[str]:
    page.goto(path)
    found = []
    scroll, width = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    if scroll > width:
        found.append(f"scrolls sideways by {scroll - width} px")
    switch = page.locator(".elder-switch").bounding_box()
    if switch is None or switch["y"] + switch["height"] > PHONE["height"]:
        found.append(f"the elder switch is not on the first screen: {switch}")
    least = 60 if elder else 44
    found += page.evaluate(SMALL_TARGETS, least)
    return found


@pytest.mark.parametrize("username", ["resident", "community_worker"])
def test_every_service_fits_a_phone_in_both_languages_and_modes(page: Page, username: str):
    log_in(page, username)
    paths = service_pages(page)
    assert len(paths) > 4, paths
    report = {}
    site = page.url.split("/c/")[0] + "/"
    for language, elder in MODES:
        page.context.add_cookies(
            [
                {"name": "linli_lang", "value": language, "url": site},
                {"name": "linli_elder", "value": "1" if elder else "0", "url": site},
            ]
        )
        for path in paths:
            found = problems_on(page, path, elder)
            if found:
                report[f"{language}{' elder' if elder else ''} {path}"] = found
    assert report == {}


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
