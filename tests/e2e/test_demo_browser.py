"""The real ``linli demo``, served by a subprocess and used in headless Chromium: the
home page, the default theme, the language switch and the elder-friendly mode, each
remembered across a reload. Plain ``def`` tests: Playwright's sync API must not meet
pytest-asyncio's event loop (see conftest.py)."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

COMMUNITY_PATH = "/c/jianghanli/"
NAME_ZH, NAME_EN = "江汉里社区", "Jianghanli Community"
LEAD_ZH = "街坊们好！这里是我们社区提供的服务。"
LEAD_EN = "Welcome, neighbours. Here is what our community offers."
STANDARD_SIZE, ELDER_SIZE = "17px", "24px"  # the default theme's root font sizes
ELDER = re.compile(r"(^|\s)elder(\s|$)")
ON_COMMUNITY_PAGE = re.compile(r"/c/jianghanli/$")


def computed(page: Page, selector: str, prop: str) -> str:
    return page.locator(selector).evaluate(
        "(element, prop) => getComputedStyle(element).getPropertyValue(prop)", prop
    )


def expect_chinese(page: Page) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator(".site-name")).to_have_text(NAME_ZH)
    expect(page.locator("main h1")).to_have_text(NAME_ZH)
    expect(page.locator("main")).to_contain_text(LEAD_ZH)
    expect(page.get_by_role("button", name="中文")).to_be_disabled()


def expect_english(page: Page) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".site-name")).to_have_text(NAME_EN)
    expect(page.locator("main h1")).to_have_text(NAME_EN)
    expect(page.locator("main")).to_contain_text(LEAD_EN)
    expect(page.locator("main")).not_to_contain_text(LEAD_ZH)
    expect(page.get_by_role("button", name="English")).to_be_disabled()
    expect(page.get_by_role("button", name="中文")).to_be_enabled()


def expect_standard_size(page: Page) -> None:
    expect(page.locator("html")).not_to_have_class(ELDER)
    expect(page.locator("html")).to_have_css("font-size", STANDARD_SIZE)
    expect(page.locator('button[name="elder"]')).to_have_attribute("value", "on")


def expect_elder_mode(page: Page) -> None:
    expect(page.locator("html")).to_have_class(ELDER)
    expect(page.locator("html")).to_have_css("font-size", ELDER_SIZE)
    expect(page.locator('button[name="elder"]')).to_have_attribute("value", "off")


def test_home_leads_to_the_demo_community_in_chinese_with_the_theme(page: Page):
    page.goto("/")
    expect(page).to_have_url(re.compile(re.escape(COMMUNITY_PATH) + "$"))
    expect(page).to_have_title(NAME_ZH)
    expect_chinese(page)
    # The default theme's stylesheet is applied: the header is painted, text is sized.
    background = computed(page, ".site-header", "background-color")
    assert background not in ("", "transparent", "rgba(0, 0, 0, 0)"), background
    expect_standard_size(page)
    # linli.js (deferred) has run; htmx is not fetched by a page that sends no htmx request
    expect(page.locator("[data-linli-fragment]").first).not_to_have_text("")
    assert page.evaluate("typeof window.htmx") == "undefined"


def test_language_switch_to_english_is_remembered(page: Page):
    page.goto(COMMUNITY_PATH)
    expect_chinese(page)

    page.get_by_role("button", name="English").click()
    expect(page).to_have_url(ON_COMMUNITY_PAGE)
    expect_english(page)
    expect(page).to_have_title(NAME_EN)

    page.reload()
    expect_english(page)
    page.goto("/")  # and on a fresh visit through the home page
    expect_english(page)

    page.get_by_role("button", name="中文").click()
    expect_chinese(page)
    page.reload()
    expect_chinese(page)


def test_elder_mode_enlarges_the_text_and_is_remembered(page: Page):
    page.goto(COMMUNITY_PATH)
    expect_standard_size(page)
    standard_header = computed(page, ".site-header", "background-color")

    page.locator('button[name="elder"][value="on"]').click()
    expect(page).to_have_url(ON_COMMUNITY_PAGE)
    expect_elder_mode(page)
    # The high-contrast palette is in force too (a darker accent behind the header).
    assert computed(page, ".site-header", "background-color") != standard_header
    expect_chinese(page)  # the language is untouched

    page.reload()
    expect_elder_mode(page)

    page.locator('button[name="elder"][value="off"]').click()
    expect_standard_size(page)
    page.reload()
    expect_standard_size(page)


def test_preference_forms_return_to_the_address_they_were_sent_from(page: Page):
    page.goto(COMMUNITY_PATH)
    expect(page.locator('form[action="/prefs/language"] input[name="next"]')).to_have_value(
        COMMUNITY_PATH, timeout=1000
    )


def test_a_demo_account_from_the_home_page_logs_in(page: Page):
    page.goto(COMMUNITY_PATH)
    expect(page.locator("#for-you")).to_have_count(0)  # nobody logged in: nothing is theirs
    page.get_by_role("link", name="演示账号：用任一角色登录看看").click()
    expect(page.locator("main h1")).to_have_text("演示账号")
    page.get_by_role("link", name="community_worker", exact=True).click()
    expect(page.get_by_label("用户名或手机号")).to_have_value("community_worker")
    page.get_by_label("密码").fill("linli-demo")
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(ON_COMMUNITY_PAGE)
    expect(page.locator(".account-name")).to_have_text("community_worker")
    # the worker's home starts with their worklists
    expect(page.locator("#for-you")).to_have_text("为您")
    expect(page.locator(".for-you-item").first).to_be_visible()
    page.locator(".site-nav").get_by_role("link", name="居民底册").click()
    expect(page.locator("main h1")).to_contain_text("居民底册")
