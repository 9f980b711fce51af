"""Acceptance 5 of the volunteers: the volunteer's phone page on a 375-px-wide screen, in
real Chromium against ``linli demo``: it lists the calls for help near them (the demo's
leaking bathroom among them) and, once they accept one, today's tasks hold it and its
page shows the address. Nothing scrolls sideways; the main button is big and on screen.
Plain ``def`` tests (see conftest.py)."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

VOLUNTEERS = "/c/jianghanli/volunteers/"
PHONE = {"width": 375, "height": 740}


def log_in(page: Page, username: str) -> None:
    page.set_viewport_size(PHONE)
    page.goto("/login")
    page.get_by_label("用户名或手机号").fill(username)
    page.get_by_label("密码").fill("linli-demo")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".account-name")).to_be_visible()


def expect_no_sideways_scroll(page: Page) -> None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1] == PHONE["width"], widths


def test_the_volunteer_answers_a_call_near_them_on_a_phone(page: Page):
    log_in(page, "volunteer")
    page.goto(VOLUNTEERS)
    expect(page.locator("main h1")).to_have_text("我的任务")
    expect(page.get_by_role("heading", name="身边的求助")).to_be_visible()
    call = page.locator(".vo-card", has_text="独居老人卫生间渗水").first
    expect(call).to_be_visible()
    expect_no_sideways_scroll(page)
    go = call.get_by_role("button", name="我去帮忙")
    expect(go).to_be_visible()
    box = go.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert box["height"] >= 40, box  # big enough for an old finger
    go.click()
    expect(page.locator(".flash")).to_be_visible()
    expect(page.locator("#beneficiary")).to_contain_text("13900001234")
    expect_no_sideways_scroll(page)
    page.goto(VOLUNTEERS)
    today = page.locator(".vo-today")
    expect(today.locator(".vo-call", has_text="独居老人卫生间渗水")).to_be_visible()
    expect_no_sideways_scroll(page)
