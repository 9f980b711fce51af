"""The Content-Security-Policy in real Chromium: htmx pages still swap, the print button
prints through the static script, and the browser reports no refused script or style.
Plain ``def`` tests (see conftest.py)."""

import re

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

pytestmark = pytest.mark.browser

COMMUNITY = "/c/jianghanli"


def log_in(page: Page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("用户名或手机号").fill(username)
    page.get_by_label("密码").fill("linli-demo")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".account-name")).to_be_visible()


def watch_refusals(page: Page) -> list[str]:
    """Console messages in which the browser refused something under the policy."""
    refused: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Refused" in message.text:
            refused.append(message.text)

    page.on("console", note)
    page.on("pageerror", lambda error: refused.append(str(error)))
    return refused


def test_the_live_search_swaps_under_the_policy(page: Page):
    """The catalogue's filter refreshes the list as the resident types (linli.js, the
    same HX-Request the server answers with the list alone), with no htmx fetched."""
    refused = watch_refusals(page)
    log_in(page, "resident")
    page.goto(f"{COMMUNITY}/streetbank/catalogue")
    with page.expect_request(lambda r: r.headers.get("hx-request") == "true") as sent:
        page.locator("input[name=q]").press_sequentially("zzz-nothing-matches")
    assert "q=zzz-nothing-matches" in sent.value.url
    expect(page).to_have_url(re.compile(r"q=zzz-nothing-matches"))
    assert page.evaluate("typeof window.htmx") == "undefined"
    assert refused == []


def test_htmx_opens_the_tree_under_the_policy(page: Page):
    """A page that sends htmx requests (the admin tree) gets htmx, which works under
    the policy: opening a node swaps its children in."""
    refused = watch_refusals(page)
    log_in(page, "administrator")
    page.goto(f"{COMMUNITY}/admin/trees")
    assert page.evaluate("typeof window.htmx") == "object"
    with page.expect_request(lambda r: r.headers.get("hx-request") == "true"):
        page.locator("main details summary").first.click()
    assert refused == []


def test_the_print_button_prints_without_inline_script(page: Page):
    refused = watch_refusals(page)
    log_in(page, "community_worker")
    page.goto(f"{COMMUNITY}/canteen/manage/kitchen")
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    page.get_by_role("button", name="打印").click()
    assert page.evaluate("window.printed") == 1
    assert refused == []
