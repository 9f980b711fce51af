"""Screenshots of the demo for the README and the docs: the style page and each demo
role's home, on a phone (375 px), in normal and in elder mode (长辈版), in Chinese;
and the anonymous home in English. Each is the first screen a person sees (375 × 812),
as a PNG in this folder, named ``<who>-<mode>.png``.

    uv run python docs/screenshots/make.py                 # serves a new demo in a temporary folder
    uv run python docs/screenshots/make.py --url http://127.0.0.1:8000   # a demo already running

It needs Debian's Chromium (``/usr/bin/chromium``) and the Chinese font the demo uses
(``fonts-wqy-microhei``). Run it after a change to how pages look, and commit the PNGs.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 375, "height": 812}
PASSWORD = "linli-demo"
COMMUNITY = "/c/jianghanli/"
#: Who is shown: None is a visitor who has not logged in.
WHO: list[str | None] = [
    None,
    "resident",
    "volunteer",
    "meal_volunteer",
    "community_worker",
    "grid_worker",
    "party_group_leader",
    "property_staff",
    "merchant_operator",
    "mediator",
    "administrator",
]
MODES = {"normal": "0", "elder": "1"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@contextmanager
def demo() -> Iterator[str]:
    """A new demo served from a temporary folder, stopped at the end."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="linli-screenshots-") as folder:
        command = [sys.executable, "-m", "linli", "demo", "--folder", folder]
        server = subprocess.Popen([*command, "--port", str(port)])
        try:
            deadline = time.monotonic() + 300
            while not _answers(url):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("the demo did not start")
                time.sleep(0.5)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=30)


def shoot(browser: Browser, url: str, who: str | None, mode: str, language: str) -> Path:
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, locale="zh-CN")
    try:
        host = url.split("//")[1].split(":")[0]
        cookies = [
            {"name": "linli_elder", "value": MODES[mode], "domain": host, "path": "/"},
            {"name": "linli_lang", "value": language, "domain": host, "path": "/"},
        ]
        context.add_cookies(cookies)  # type: ignore[arg-type]
        page = context.new_page()
        if who:
            page.goto(f"{url}/login")
            page.fill("input[name=login]", who)
            page.fill("input[name=password]", PASSWORD)
            page.click("main form button[type=submit]")
            page.wait_for_load_state()
        page.goto(f"{url}{COMMUNITY}")
        page.wait_for_load_state("networkidle")
        suffix = "" if language == "zh_CN" else "-en"
        path = HERE / f"{who or 'visitor'}-{mode}{suffix}.png"
        page.screenshot(path=str(path))
        return path
    finally:
        context.close()


def shoot_style(browser: Browser, url: str, mode: str) -> Path:
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, locale="zh-CN")
    try:
        host = url.split("//")[1].split(":")[0]
        cookie = {"name": "linli_elder", "value": MODES[mode], "domain": host, "path": "/"}
        context.add_cookies([cookie])  # type: ignore[list-item]
        page = context.new_page()
        page.goto(f"{url}/style")
        path = HERE / f"style-{mode}.png"
        page.screenshot(path=str(path), full_page=True)
        return path
    finally:
        context.close()


def make(url: str) -> list[Path]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        made = [shoot_style(browser, url, mode) for mode in MODES]
        for who in WHO:
            made += [shoot(browser, url, who, mode, "zh_CN") for mode in MODES]
        made += [shoot(browser, url, None, mode, "en") for mode in MODES]
        browser.close()
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a demo already running (else one is served)")
    args = parser.parse_args()
    if args.url:
        made = make(args.url.rstrip("/"))
    else:
        with demo() as url:
            made = make(url)
    for path in made:
        print(path.relative_to(HERE.parent.parent))


if __name__ == "__main__":
    main()
