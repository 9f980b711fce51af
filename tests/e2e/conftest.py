"""Fixtures of the browser tests: the real ``linli demo`` served by a subprocess, and
Debian's Chromium driven through Playwright's sync API.

Playwright's own browser downloads are never used: the tests launch ``/usr/bin/chromium``
(Debian's package ``chromium``). Without it the tests are skipped, unless
``LINLI_REQUIRE_BROWSER=1`` is set (as CI does), where they fail instead.

The sync API runs its own event loop and marks it as the running loop of the main
thread while it is alive, so an ``async def`` test or fixture must never run while it is
open. Keep browser tests plain ``def`` functions; the Playwright fixtures are
module-scoped, so they are stopped before the next module's tests run.
"""

from __future__ import annotations

import fcntl
import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Response, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
REQUIRE_BROWSER = "LINLI_REQUIRE_BROWSER"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # This machine's network is closed: without these Chromium keeps trying to reach
    # Google's hosts in the background.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Seconds for `linli demo` to migrate, seed and answer /healthz: a bound, not a wait.
# Seeding every bundled plugin on a busy 2-core machine has taken over 90.
START_TIMEOUT = 300.0
STOP_TIMEOUT = 15.0


@pytest.fixture(scope="session")
def chromium_executable() -> Path:
    """Debian's Chromium, or a skip (a failure under ``LINLI_REQUIRE_BROWSER=1``)."""
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    reason = (
        f"browser tests need Debian's Chromium at {CHROMIUM} "
        "(apt-get install chromium); it is missing"
    )
    if os.environ.get(REQUIRE_BROWSER) == "1":
        pytest.fail(f"{reason}, and {REQUIRE_BROWSER}=1 requires it", pytrace=False)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _linli_command() -> list[str]:
    """``python -m linli``, or the ``linli`` script beside this Python if the package
    cannot be run as a module."""
    if importlib.util.find_spec("linli.__main__") is not None:
        return [sys.executable, "-m", "linli"]
    return [str(Path(sys.executable).parent / "linli")]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class DemoServer:
    """A running ``linli demo``; ``url(path)`` builds an address on it."""

    base_url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def _demo_environment() -> dict[str, str]:
    """This environment without ``LINLI_*`` variables, so a developer's settings cannot
    leak into the demo."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("LINLI_")}
    env["PYTHONUNBUFFERED"] = "1"
    return env


@pytest.fixture(scope="session")
def demo_template(chromium_executable: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo instance built once per test run by ``linli demo --no-serve`` — by the first
    worker that needs it, under a lock the other workers wait on — for each module to
    serve a copy of: seeding the demo costs half a minute, copying it a few
    milliseconds, and every module still starts from the same untouched demo."""
    shared = tmp_path_factory.getbasetemp().parent  # one folder for all the run's workers
    folder = shared / "linli-demo-template"
    with (shared / "linli-demo-template.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "built").is_file():
            shutil.rmtree(folder, ignore_errors=True)
            command = [*_linli_command(), "demo", "--no-serve", "--folder", str(folder)]
            done = subprocess.run(
                command,
                env=_demo_environment(),
                capture_output=True,
                text=True,
                timeout=START_TIMEOUT,
            )
            if done.returncode != 0:
                pytest.fail(
                    f"`{' '.join(command)}` exited with code {done.returncode}:\n"
                    f"{done.stdout}\n{done.stderr}",
                    pytrace=False,
                )
            (folder / "built").touch()
    return folder


@pytest.fixture(scope="module")
def demo_server(
    demo_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DemoServer]:
    """``linli demo --folder <tmp> --port <free port>`` in a subprocess, up and healthy,
    on a copy of the run's demo (its database and secret key; the command writes the
    copy's own ``linli.toml``), so what one module's tests change no other module sees.

    Depends on ``chromium_executable`` (through the template) so nothing is started when
    the browser tests are skipped."""
    work = tmp_path_factory.mktemp("linli-demo")
    instance = work / "instance"
    instance.mkdir()
    for name in ("demo.sqlite3", "secret_key"):
        shutil.copy2(demo_template / name, instance / name)
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = work / "demo.log"
    command = [*_linli_command(), "demo", "--folder", str(instance), "--port", str(port)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=work, env=_demo_environment(), stdout=log, stderr=subprocess.STDOUT
        )
    server = DemoServer(base_url, process, log_path)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _healthy(server.url("/healthz")):
            if process.poll() is not None:
                pytest.fail(
                    f"`{' '.join(command)}` exited with code {process.returncode} before "
                    f"answering {server.url('/healthz')}; its output:\n{server.output()}",
                    pytrace=False,
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"`{' '.join(command)}` did not answer {server.url('/healthz')} with "
                    f"200 within {START_TIMEOUT:.0f}s; its output so far:\n{server.output()}",
                    pytrace=False,
                )
            time.sleep(0.2)
        yield server
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=STOP_TIMEOUT)


@pytest.fixture(scope="module")
def browser(chromium_executable: Path) -> Iterator[Browser]:
    """Headless Debian Chromium; one per module."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(chromium_executable), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class PageProblems:
    """What went wrong while a page was used: error answers and script errors."""

    responses: list[str] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.responses or self.scripts)


@pytest.fixture
def page_problems() -> PageProblems:
    return PageProblems()


@pytest.fixture
def page(browser: Browser, demo_server: DemoServer, page_problems: PageProblems) -> Iterator[Page]:
    """A new page in a fresh browser context (no cookies), on the demo's address.

    Any answer of 400 or more (a missing stylesheet or script included) and any
    uncaught script error fail the test at teardown, with the demo's output."""
    context = browser.new_context(base_url=demo_server.base_url, locale="zh-CN")

    def check_response(response: Response) -> None:
        if response.status >= 400:
            page_problems.responses.append(
                f"{response.request.method} {response.url} -> {response.status}"
            )

    context.on("response", check_response)
    page = context.new_page()
    page.on("pageerror", lambda error: page_problems.scripts.append(str(error)))
    try:
        yield page
    finally:
        context.close()
    if page_problems:
        pytest.fail(
            "the browser saw errors:\n"
            + "\n".join([*page_problems.responses, *page_problems.scripts])
            + f"\n\n`linli demo` output:\n{demo_server.output()}",
            pytrace=False,
        )
