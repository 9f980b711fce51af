"""Read aloud (朗读) in a real browser: the button appears only where the browser can
speak, a tap reads the page's main content (not the menu or the footer) in the page's
language block by block, marking the block being read, and a second tap stops.

Headless Chromium may have no voices, so ``window.speechSynthesis`` is replaced before
the page's scripts run by a stand-in that records what it is asked to say. One page for
the module; plain ``def`` tests (see conftest.py)."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import DemoServer

pytestmark = pytest.mark.browser

HOME = "/c/jianghanli/"

#: A speech synthesis that says nothing and remembers everything it was asked.
FAKE_SPEECH = """
window.linliSpeech = { spoken: [], cancelled: 0 };
class FakeUtterance {
  constructor(text) { this.text = text; this.lang = ""; this.rate = 1; }
}
const fake = {
  speaking: false,
  pending: false,
  speak(utterance) { window.linliSpeech.spoken.push(utterance); },
  cancel() { window.linliSpeech.cancelled += 1; },
  getVoices() { return []; },
};
Object.defineProperty(window, "speechSynthesis", { configurable: true, get: () => fake });
window.SpeechSynthesisUtterance = FakeUtterance;
"""
NO_SPEECH = """
Object.defineProperty(window, "speechSynthesis", { configurable: true, get: () => undefined });
"""
SPOKEN = "() => window.linliSpeech.spoken.map(({ text, lang, rate }) => ({ text, lang, rate }))"


@pytest.fixture(scope="module")
def speaking_page(browser: Browser, demo_server: DemoServer) -> Iterator[Page]:
    context = browser.new_context(base_url=demo_server.base_url, locale="zh-CN")
    context.add_init_script(FAKE_SPEECH)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(HOME)
    try:
        yield page
    finally:
        context.close()
    assert not errors, errors


def test_the_button_is_shown_only_where_the_browser_can_speak(
    speaking_page: Page, browser: Browser, demo_server: DemoServer
):
    expect(speaking_page.get_by_role("button", name="朗读")).to_be_visible()
    mute = browser.new_context(base_url=demo_server.base_url, locale="zh-CN")
    try:
        mute.add_init_script(NO_SPEECH)
        page = mute.new_page()
        page.goto(HOME)
        expect(page.locator("[data-linli-read-aloud]")).to_be_hidden()
        expect(page.locator("[data-linli-read-aloud]")).to_have_count(1)
    finally:
        mute.close()


def _read(page: Page) -> list[dict[str, str | float]]:
    """Tap the button on a page that is not reading; what it was asked to say."""
    button = page.locator("[data-linli-read-aloud]")
    if button.get_attribute("data-reading") is not None:
        button.click()
    page.evaluate("() => { window.linliSpeech.spoken = []; }")
    button.click()
    expect(button).to_have_text("停止朗读")
    return page.evaluate(SPOKEN)


def test_a_tap_reads_the_main_content_in_the_pages_language(speaking_page: Page):
    spoken = _read(speaking_page)
    texts = [said["text"] for said in spoken]
    assert texts[0] == "江汉里社区", texts[:3]  # the page's title first
    assert "街坊们好！这里是我们社区提供的服务。" in texts
    assert {said["lang"] for said in spoken} == {"zh-CN"}
    everything = " ".join(texts)
    assert "修改密码" not in everything and "菜单" not in everything  # the menu is skipped
    assert "语言" not in everything  # and so is the footer
    assert "朗读" not in everything  # and the button itself
    # the block being read is marked for the eye
    speaking_page.evaluate("() => window.linliSpeech.spoken[0].onstart()")
    expect(speaking_page.locator("main h1")).to_have_class("linli-reading")


def test_a_second_tap_stops_reading(speaking_page: Page):
    _read(speaking_page)
    before = speaking_page.evaluate("() => window.linliSpeech.cancelled")
    button = speaking_page.locator("[data-linli-read-aloud]")
    button.click()
    assert speaking_page.evaluate("() => window.linliSpeech.cancelled") == before + 1
    expect(button).to_have_text("朗读")
    expect(speaking_page.locator(".linli-reading")).to_have_count(0)
    # what the stopped reading still reports is ignored
    speaking_page.evaluate("() => window.linliSpeech.spoken.at(-1).onend()")
    expect(button).to_have_text("朗读")


def test_when_the_reading_ends_the_button_is_ready_again(speaking_page: Page):
    spoken = _read(speaking_page)
    assert len(spoken) > 3
    button = speaking_page.locator("[data-linli-read-aloud]")
    speaking_page.evaluate("() => window.linliSpeech.spoken.at(-1).onend()")
    expect(button).to_have_text("朗读")
    expect(speaking_page.locator(".linli-reading")).to_have_count(0)


def test_an_english_page_in_large_text_is_read_in_english_more_slowly(
    browser: Browser, demo_server: DemoServer
):
    context = browser.new_context(base_url=demo_server.base_url, locale="en-GB")
    try:
        context.add_init_script(FAKE_SPEECH)
        context.add_cookies(
            [
                {"name": name, "value": value, "url": demo_server.base_url}
                for name, value in (("linli_lang", "en"), ("linli_elder", "1"))
            ]
        )
        page = context.new_page()
        page.goto(HOME)
        page.get_by_role("button", name="Read aloud").click()
        expect(page.locator("[data-linli-read-aloud]")).to_have_text("Stop reading")
        spoken = page.evaluate(SPOKEN)
        assert spoken[0]["text"] == "Jianghanli Community"
        assert {said["lang"] for said in spoken} == {"en"}
        assert {said["rate"] for said in spoken} == {0.85}
        # in large text the call button is part of the home page's content
        assert any("Call the community" in said["text"] for said in spoken)
    finally:
        context.close()
