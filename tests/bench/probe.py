"""What the benchmark learns in-process, before any load: each page's status, SQL
statement count and size, and a logged-in session for each demo account.

The app is the one ``linli serve`` runs (``create_app`` on the instance's settings),
driven through httpx's ASGI transport with its lifespan running, so a statement counted
here is one the served page makes. Sessions live in the database, so the cookies made
here are valid for the served app as well.

Every request is a returning visitor's: it carries the cookie saying the stylesheets are
cached (``linli.web.styles``), so pages link them instead of carrying them inline. A
visitor's first page is measured by ``tests.bench.firstpaint``."""

from __future__ import annotations

import asyncio
import gzip
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
from litestar import Litestar

from linli.kernel.models import OutboxEvent
from linli.kernel.settings import load_settings
from linli.testing import count_queries
from linli.web.app import CSRF_COOKIE, create_app
from linli.web.auth import SESSION_COOKIE
from linli.web.styles import FIRST_VISIT_COOKIE

from .pages import DEMO_PASSWORD, Page, find_ids

BASE_URL = "http://bench.local"

#: what every measured request sends besides its session: the stylesheets are cached
RETURNING = f"{FIRST_VISIT_COOKIE}=1"


def cookie_header(session: str) -> str:
    """The ``Cookie`` header of a returning visitor with this session cookie (or none)."""
    return f"{session}; {RETURNING}" if session else RETURNING


@dataclass(frozen=True)
class Probe:
    """One page as a single request sees it (after one warm-up request)."""

    url: str
    status: int
    queries: int
    bytes: int
    gzip_bytes: int
    location: str = ""


@dataclass(frozen=True)
class Probed:
    probes: dict[str, Probe]
    #: a ``Cookie`` header value per demo account
    cookies: dict[str, str]


@asynccontextmanager
async def _running(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    started, stopping = asyncio.Event(), asyncio.Event()

    async def lifespan() -> None:
        async with app.lifespan():
            started.set()
            await stopping.wait()

    task = asyncio.create_task(lifespan())
    waiter = asyncio.create_task(started.wait())
    await asyncio.wait([task, waiter], return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        waiter.cancel()
        task.result()
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    try:
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
            yield client
    finally:
        stopping.set()
        await task


async def _log_in(client: httpx.AsyncClient, account: str) -> str:
    """Log in through the real form (GET /login for the CSRF cookie, POST the form) and
    return the session cookie's value."""
    client.cookies.clear()
    await client.get("/login")
    token = client.cookies.get(CSRF_COOKIE, "")
    response = await client.post(
        "/login",
        data={"login": account, "password": DEMO_PASSWORD, "_csrf_token": token},
    )
    session = client.cookies.get(SESSION_COOKIE)
    if response.status_code != 303 or not session:
        raise SystemExit(
            f"could not log in as {account!r} (status {response.status_code}): "
            "is this a demo instance (`linli demo` or `linli seed-demo`)?"
        )
    return str(session)


async def _probe(client: httpx.AsyncClient, url: str, cookie: str) -> Probe:
    headers = {"Cookie": cookie_header(cookie)}
    client.cookies.clear()
    await client.get(url, headers=headers)  # warm-up: templates compiled, caches filled
    client._transport.app.state.site.pages.forget_pages()  # type: ignore[attr-defined]
    with count_queries() as queries:
        response = await client.get(url, headers=headers)
    body = response.content
    return Probe(
        url=url,
        status=response.status_code,
        queries=len(queries),
        bytes=len(body),
        gzip_bytes=len(gzip.compress(body, compresslevel=6)),
        location=response.headers.get("location", ""),
    )


#: How long the benchmark waits for a new demo's events to be delivered.
EVENTS_TIMEOUT = 600


async def _events_delivered() -> None:
    """Wait until the app has delivered the events a new demo leaves in its outbox (the
    hours its volunteers reported, credited by the street bank): while they are being
    delivered, the pages share the machine with them, the queries counted include
    theirs, and every credit changes the tables a cached widget sums."""
    for waited in range(EVENTS_TIMEOUT):
        due = OutboxEvent.filter(state="pending", next_attempt_at__lte=datetime.now(UTC))
        if not await due.exists():
            return
        if waited == 0:
            print("waiting for the demo's events to be delivered …", flush=True)
        await asyncio.sleep(1)
    raise SystemExit(f"the demo's events are still pending after {EVENTS_TIMEOUT} s")


async def probe_pages(instance: Path, slug: str, pages: list[Page]) -> Probed:
    # count_queries turns the ORM's statement log on: keep it off the terminal
    logging.getLogger("tortoise").propagate = False
    logging.getLogger("httpx").setLevel(logging.WARNING)
    app = create_app(load_settings(instance))
    async with _running(app) as client:
        await _events_delivered()
        ids = await find_ids(slug)
        cookies: dict[str, str] = {}
        for account in sorted({page.account for page in pages if page.account}):
            cookies[account] = f"{SESSION_COOKIE}={await _log_in(client, account)}"
        probes = {}
        for page in pages:
            cookie = cookies.get(page.account, "") if page.account else ""
            probes[page.key] = await _probe(client, page.url(slug, ids), cookie)
    return Probed(probes=probes, cookies=cookies)
