"""First paint on a cheap phone's slow network: how long a resident waits for a page's
first words, and how many bytes a first visit costs.

The profile is the one issue 18 measured on: 400 ms of latency on every request, 400
kbit/s down and up, and a CPU four times slower than this machine's (Chromium's network
and CPU emulation). A visit is *cold*: an empty cache and no cookie saying the browser
has been here (logged-in pages keep only the session). For each page it reports the
first contentful paint (FCP, from the browser's own Paint Timing), the server's part of
it (the time to the answer's first byte, less the emulated latency), the bytes
transferred (compressed, headers included) and the requests made before the first
paint.

    uv run python -m tests.bench.firstpaint                 # builds a demo in a temporary folder
    uv run python -m tests.bench.firstpaint --instance DIR  # any instance holding the demo

It needs Debian's Chromium (``/usr/bin/chromium``). ``tests/e2e/test_first_paint_browser.py``
checks the same pages' bytes and their single round trip in every CI run; the timing is
measured here, not asserted in a test.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, sync_playwright

CHROMIUM = "/usr/bin/chromium"
LATENCY_MS = 400
KBIT_PER_S = 400
CPU_SLOWDOWN = 4
PHONE = {"width": 375, "height": 740}
PASSWORD = "linli-demo"

#: (label, path under the community, the demo account that sees it or None)
PAGES: list[tuple[str, str, str | None]] = [
    ("community home", "/", None),
    ("community home, resident", "/", "resident"),
    ("street bank catalogue", "/streetbank/catalogue", "resident"),
    ("canteen menu", "/canteen/menu", "resident"),
    ("council needs list", "/council/needs", "resident"),
    ("delivery run", "/canteen/runs/", "meal_volunteer"),
]


@dataclass
class FirstPaint:
    label: str
    path: str
    status: int
    fcp_ms: float
    server_ms: float
    bytes: int
    requests_before_paint: list[str]
    requests: list[str]


def log_in(context: BrowserContext, base: str, username: str) -> None:
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    page.close()


def measure(context: BrowserContext, url: str, label: str = "") -> FirstPaint:
    """Open ``url`` cold on the slow profile in ``context`` (which may hold a session)."""
    context.clear_cookies(name="linli_css")
    page = context.new_page()
    page.set_viewport_size(PHONE)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.clearBrowserCache")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    throughput = KBIT_PER_S * 1000 / 8
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": LATENCY_MS,
            "downloadThroughput": throughput,
            "uploadThroughput": throughput,
        },
    )
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    sizes: dict[str, int] = {}
    names: dict[str, str] = {}
    cdp.on(
        "Network.requestWillBeSent",
        lambda e: names.__setitem__(e["requestId"], e["request"]["url"]),
    )
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]),
    )
    response = page.goto(url, wait_until="load")
    page.wait_for_timeout(200)  # late answers (a widget's fragment) are counted too
    timing: dict[str, Any] = page.evaluate(
        """() => {
            const paint = performance.getEntriesByName('first-contentful-paint')[0];
            const nav = performance.getEntriesByType('navigation')[0];
            const fcp = paint ? paint.startTime : -1;
            const before = performance.getEntriesByType('resource')
                .filter((r) => r.startTime < fcp).map((r) => r.name);
            return {fcp, ttfb: nav.responseStart - nav.requestStart, before};
        }"""
    )
    cdp.detach()
    page.close()
    return FirstPaint(
        label=label,
        path=url,
        status=response.status if response else 0,
        fcp_ms=round(timing["fcp"]),
        server_ms=round(max(timing["ttfb"] - LATENCY_MS, 0)),
        bytes=sum(sizes.values()),
        requests_before_paint=timing["before"],
        requests=[names.get(key, key) for key in sizes],
    )


def measure_pages(browser: Browser, base: str, community: str) -> list[FirstPaint]:
    results = []
    contexts: dict[str | None, BrowserContext] = {}
    try:
        for label, path, account in PAGES:
            if account not in contexts:
                contexts[account] = browser.new_context(locale="zh-CN")
                if account:
                    log_in(contexts[account], base, account)
            results.append(measure(contexts[account], f"{base}/c/{community}{path}", label))
    finally:
        for context in contexts.values():
            context.close()
    return results


def _serve(instance: Path, port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "linli", "--instance", str(instance), "serve"]
    server = subprocess.Popen([*command, "--port", str(port)])
    for _ in range(600):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("linli did not start")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.firstpaint", description=__doc__)
    parser.add_argument("--instance", type=Path, help="an instance holding the demo community")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--community", default="jianghanli")
    parser.add_argument("--json", type=Path, help="write the results there")
    args = parser.parse_args(argv)
    instance = args.instance
    if instance is None:
        instance = Path(tempfile.mkdtemp(prefix="linli-firstpaint-"))
        demo = [sys.executable, "-m", "linli", "demo", "--folder", str(instance), "--no-serve"]
        subprocess.run(demo, check=True)
    server = _serve(instance, args.port)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            results = measure_pages(browser, f"http://127.0.0.1:{args.port}", args.community)
            browser.close()
    finally:
        server.terminate()
        server.wait()
    profile = f"{LATENCY_MS} ms latency, {KBIT_PER_S} kbit/s, CPU {CPU_SLOWDOWN}x slower"
    print(f"cold visits, {profile}, 375 px wide\n")
    print("| page | FCP ms | server ms | KB transferred | requests before paint |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for r in results:
        print(
            f"| {r.label} | {r.fcp_ms:.0f} | {r.server_ms:.0f} | {r.bytes / 1000:.1f} "
            f"| {len(r.requests_before_paint)} |"
        )
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2))


if __name__ == "__main__":
    main()
