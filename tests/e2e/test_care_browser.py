"""The carer's visit page on a 375-px-wide phone, in real Chromium against ``linli
demo``, with JavaScript switched off: the demo's volunteer looks after three elders
living alone; they open one and log "seen, doing well" with one tap. Nothing scrolls
sideways; the four buttons are big and on screen. Plain ``def`` tests (see
conftest.py)."""

import pytest
from playwright.sync_api import Browser, expect

pytestmark = pytest.mark.browser

CARE = "/c/jianghanli/care/"
PHONE = {"width": 375, "height": 740}


def test_a_carer_logs_a_visit_on_a_phone_without_javascript(browser: Browser, demo_server):
    context = browser.new_context(
        base_url=demo_server.base_url, locale="zh-CN", java_script_enabled=False,
        viewport=PHONE,
    )  # fmt: skip
    page = context.new_page()
    try:
        page.goto("/login")
        page.get_by_label("用户名或手机号").fill("volunteer")
        page.get_by_label("密码").fill("linli-demo")
        page.get_by_role("button", name="登录").click()
        page.goto(CARE)
        expect(page.locator("main h1")).to_have_text("我的走访")
        first = page.locator(".cr-card .cr-big").first
        name = first.inner_text()
        first.click()
        expect(page.locator("main h1")).to_contain_text(name)
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1] == PHONE["width"], widths
        buttons = page.locator(".cr-outcome")
        assert buttons.count() == 4
        for index in range(4):
            box = buttons.nth(index).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
            assert box["height"] >= 48, box  # big enough for an old finger
        page.get_by_role("button", name="见到了，状况良好").click()
        expect(page.locator(".flash")).to_contain_text(name)
    finally:
        context.close()
