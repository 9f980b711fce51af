"""The default theme's menu on a 375-px phone: it opens without script and marks the
current service. (That every page fits the phone in both languages and modes, with
44-px targets and the elder switch on the first screen, is checked by
test_accessibility_browser.py.) Plain ``def`` tests (see conftest.py)."""

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
