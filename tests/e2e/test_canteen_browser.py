"""Acceptance 4 of the canteen: the volunteer's run page and the resident's order page
on a cheap phone's 375-px-wide screen, in real Chromium against ``linli demo``: nothing
scrolls sideways, and the main buttons are visible, inside the screen and work. Plain
``def`` tests (see conftest.py)."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

CANTEEN = "/c/jianghanli/canteen"
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


def expect_on_screen(page: Page, locator) -> None:
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert box["height"] >= 40, box  # big enough for an old finger


def test_the_volunteer_marks_stops_on_a_phone(page: Page):
    log_in(page, "meal_volunteer")
    page.goto(f"{CANTEEN}/runs/")
    expect(page.locator("main h1")).to_have_text("我的送餐路线")
    stops = page.locator(".ct-stop")
    expect(stops.first).to_be_visible()
    expect_no_sideways_scroll(page)
    first = stops.first
    stop_id = first.get_attribute("id")
    delivered = first.get_by_role("button", name="已送达")
    no_answer = first.get_by_role("button", name="无人应门")
    expect_on_screen(page, delivered)
    expect_on_screen(page, no_answer)
    delivered.click()
    # a mark asks first, on a page that fits the phone, then says it is done
    confirm = page.get_by_role("button", name="是的，已送达")
    expect_on_screen(page, confirm)
    expect_no_sideways_scroll(page)
    confirm.click()
    expect(page.locator(".flash")).to_be_visible()
    expect(page.locator(f"#{stop_id} .ct-status")).to_have_text("已送达")
    second = page.locator(".ct-stop.ct-placed").first
    second_id = second.get_attribute("id")
    second.get_by_role("button", name="无人应门").click()
    page.get_by_role("button", name="是的，无人应门").click()
    expect(page.locator(f"#{second_id} .ct-status")).to_have_text("无人应门")
    expect_no_sideways_scroll(page)


def test_the_resident_orders_a_meal_on_a_phone(page: Page):
    log_in(page, "canteen_diner")
    monday = date.today() - timedelta(days=date.today().weekday()) + timedelta(days=7)
    page.goto(f"{CANTEEN}/menu?week={monday.isoformat()}")
    expect(page.locator("main h1")).to_have_text("本周菜单")
    expect_no_sideways_scroll(page)
    order_link = page.locator(".ct-menu a.ct-order-link").first
    expect(order_link).to_have_text("订餐")
    expect_on_screen(page, order_link)
    order_link.click()
    expect(page).to_have_url(re.compile(r"/canteen/order/\d+$"))
    expect(page.locator("main h1")).to_have_text("订餐")
    expect(page.locator(".ct-breakdown")).to_contain_text("您自付")
    expect_no_sideways_scroll(page)
    delivery = page.get_by_label(re.compile("送到家"))
    expect_on_screen(page, page.locator("label.ct-choice", has=delivery))
    delivery.check()
    submit = page.get_by_role("button", name=re.compile("订餐，自付"))
    expect_on_screen(page, submit)
    submit.click()
    expect(page).to_have_url(re.compile(r"/canteen/orders\?placed=\d+(#order-\d+)?$"))
    expect(page.locator("main")).to_contain_text("已下单")
    expect(page.locator(".ct-new")).to_contain_text("送餐")
    expect_no_sideways_scroll(page)
    cancel = page.locator(".ct-new").get_by_role("button", name="取消这一餐")
    expect_on_screen(page, cancel)
