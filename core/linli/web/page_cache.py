"""Rendered pages kept in each worker's memory until what they were made of changes.

A page is the same bytes for the same visitor until the database changes under it or
the clock moves on. So each worker keeps the pages it rendered, and serves one again —
without running its handler, its queries or its template — when the same request comes
while nothing it was made of has changed:

- **What it was made of** is recorded while it renders (:mod:`linli.domain.reads`):
  every statement the page ran and every stamp under which the worker's memory gave it
  something. A page is kept only when *every* table its statements name is covered by a
  stamp (:mod:`linli.domain.stamps`: triggers raise it on every insert, update and
  delete, whoever writes), and it is served again only while those stamps stand. A page
  that reads a table no stamp covers, or that writes, is never kept.
- **The same request** is the same path and query string, the same cookies (language,
  elder mode, the stylesheets' cookie…), the same session data (who is logged in, a
  message waiting to be shown), the same htmx headers, host and ``Accept-Language``.
- **The clock**: a page is kept until the end of the minute it was rendered in at most
  (pages show times to the minute, days change at midnight), or until a grant it
  depended on starts or ends.
- Only a whole ``200`` HTML answer without cookies of its own is kept: not a first
  visit's page (its inline stylesheets come with a cookie), not one that consumed a
  message from the session, not a redirect or an error.

The CSRF token is the one thing on a page that must differ on every answer (see
:mod:`linli.web.csrf`): the page renders a placeholder of the token's length, and the
placeholder is replaced by a freshly masked token in every answer, kept or not.

Permission checks run before a page is rendered, and the visitor's grants are covered
by the ``site`` stamp and their own start and end: a page kept for a visitor is served
again only to the same session while its grants stand unchanged. A handler opts out with
``opt={NO_PAGE_CACHE: True}``; ``page_cache_mb = 0`` turns the cache off.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, cast

from litestar.types import ASGIApp, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState
from tortoise import connections

from linli.domain import reads, stamps
from linli.domain.site_cache import Versions
from linli.web.auth import SESSION_COOKIE
from linli.web.csrf import CSRF_COOKIE
from linli.web.site import ELDER_COOKIE, USE_COOKIE, cache_versions
from linli.web.styles import inline_sources

log = logging.getLogger("linli.web")

#: A handler's ``opt`` key: its pages are never kept (``opt={NO_PAGE_CACHE: True}``).
NO_PAGE_CACHE = "linli_no_page_cache"
#: The header a kept page is answered with (``hit``), or a page that could be kept
#: (``miss``); absent when a page cannot be kept.
CACHE_HEADER = b"x-linli-page"
#: The longest page kept.
MAX_PAGE_BYTES = 512 * 1024
_MASKED_TOKEN_LENGTH = 256


@dataclass(frozen=True, slots=True)
class Page:
    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes
    #: The stamps the page was made under, with their versions then.
    stamps: tuple[tuple[str, int], ...]
    #: When it stops holding (seconds since the epoch).
    until: float
    #: Whether it holds one-time keys' stand-ins (:func:`linli.domain.reads.one_time_key`).
    keys: bool = False

    def holds(self, versions: Versions, now: float) -> bool:
        return now < self.until and all(versions.get(name) == seen for name, seen in self.stamps)


class PageStore:
    """The pages one worker keeps, the least recently served forgotten first once they
    take more than ``max_bytes``."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._pages: OrderedDict[tuple[Any, ...], Page] = OrderedDict()
        self._bytes = 0
        #: The pages being rendered now: a crowd asking for one waits for one rendering.
        self.rendering: dict[tuple[Any, ...], asyncio.Event] = {}
        #: Every table of the database and the stamps covering it (read once).
        self.coverage: dict[str, frozenset[str]] | None = None
        self.tables: frozenset[str] = frozenset()

    def get(self, key: tuple[Any, ...], versions: Versions, now: float) -> Page | None:
        page = self._pages.get(key)
        if page is None:
            return None
        if not page.holds(versions, now):
            self._drop(key)
            return None
        self._pages.move_to_end(key)
        return page

    def put(self, key: tuple[Any, ...], page: Page) -> None:
        self._drop(key)
        self._pages[key] = page
        self._bytes += len(page.body)
        while self._bytes > self.max_bytes and self._pages:
            self._drop(next(iter(self._pages)))

    def _drop(self, key: tuple[Any, ...]) -> None:
        page = self._pages.pop(key, None)
        if page is not None:
            self._bytes -= len(page.body)

    def forget_pages(self) -> None:
        self._pages.clear()
        self._bytes = 0

    def clear(self) -> None:
        """Forget every page and what the database's tables are (the test kit swaps the
        database under a running application)."""
        self.forget_pages()
        self.coverage = None

    def __len__(self) -> int:
        return len(self._pages)

    async def load_coverage(self) -> None:
        if self.coverage is None:
            self.coverage = await stamps.coverage(connections.get("default"))
            self.tables = frozenset(self.coverage)

    def stamps_of(self, recorded: reads.Reads) -> set[str] | None:
        """The stamps covering every table ``recorded`` names, or ``None`` when one
        is not covered."""
        assert self.coverage is not None
        needed = set(recorded.stamps)
        bare = []
        for table in recorded.tables(self.tables) - stamps.UNSTAMPED_READS:
            covering = self.coverage[table]
            if covering:
                needed.add(min(covering))
            else:
                bare.append(table)
        if bare:
            log.debug("page not kept: no stamp covers %s", ", ".join(sorted(bare)))
            return None
        return needed


#: Headers besides the cookies and htmx's that may change a page.
_VARY = frozenset({b"host", b"accept-language"})


#: Cookies a page is not made of: the session's (its data is part of the key instead:
#: two visitors with the same data see the same page) and the CSRF token's (written
#: into each answer afresh). Without them, anonymous visitors share their pages.
_UNSEEN_COOKIES = (f"{SESSION_COOKIE}=".encode(), f"{CSRF_COOKIE}=".encode())
#: The visit counts ``linli.js`` keeps (they change on every visit to a service) shape
#: only the elder home, and only in elder mode: outside it they are not part of the key.
_USE = f"{USE_COOKIE}=".encode()
_ELDER = f"{ELDER_COOKIE}=1".encode()


def _cookies(header: bytes) -> bytes:
    unseen = _UNSEEN_COOKIES if _ELDER in header else (*_UNSEEN_COOKIES, _USE)
    if not any(cookie in header for cookie in unseen):
        return header
    parts = (part.strip() for part in header.split(b";"))
    return b"; ".join(part for part in parts if part and not part.startswith(unseen))


def _key(scope: Scope) -> tuple[Any, ...]:
    """What makes two requests the same page: path, query, cookies, session data, htmx
    headers, host and the languages the browser asks for."""
    cookie = b""
    vary = []
    for name, value in scope["headers"]:
        if name == b"cookie":
            cookie = _cookies(value)
        elif name.startswith(b"hx-") or name in _VARY:
            vary.append((name, value))
    return (
        scope["path"],
        scope["query_string"],
        scope["scheme"],
        cookie,
        _session_data(scope),
        tuple(vary),
    )


def _session_data(scope: Scope) -> str:
    session = scope.get("session")
    return repr(sorted(session.items())) if isinstance(session, dict) else ""


class PageCacheMiddleware:
    """Serves kept pages, and keeps those that may be (see the module's description)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._placeholder = secrets.token_hex(_MASKED_TOKEN_LENGTH // 2).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        handler = scope.get("route_handler")
        site = scope["litestar_app"].state.site
        store: PageStore | None = site.pages
        state = ScopeState.from_scope(scope)
        token = state.csrf_token
        if (
            scope.get("method") != "GET"
            or store is None
            or store.max_bytes <= 0
            or not isinstance(token, str)
            or len(token) != _MASKED_TOKEN_LENGTH
            or (handler is not None and handler.opt.get(NO_PAGE_CACHE))
        ):
            await self.app(scope, receive, send)
            return
        connection = scope["litestar_app"].request_class(scope=scope, receive=receive)
        versions = await cache_versions(connection)
        key = _key(scope)
        now = time.time()
        page = store.get(key, versions, now)
        busy = store.rendering.get(key) if page is None else None
        if busy is not None:  # the same page is being rendered: serve what it keeps
            await busy.wait()
            page = store.get(key, versions, now)
        if page is not None:
            await _answer(send, page, token.encode(), self._placeholder, hit=True)
            return
        done = asyncio.Event()
        mine = store.rendering.setdefault(key, done) is done
        try:
            await self._render(scope, receive, send, store, key, versions, now, token)
        finally:
            if mine:
                del store.rendering[key]
                done.set()

    async def _render(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        store: PageStore,
        key: tuple[Any, ...],
        versions: Versions,
        now: float,
        token: str,
    ) -> None:
        state = ScopeState.from_scope(scope)
        site = scope["litestar_app"].state.site
        await store.load_coverage()
        session_before = key[4]
        state.csrf_token = self._placeholder.decode()
        started: dict[str, Any] = {}
        chunks: list[bytes] = []
        streaming: list[bool] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                started.update(message)
            elif message["type"] != "http.response.body" or streaming:
                await send(message)
            else:
                chunks.append(message.get("body", b""))
                if message.get("more_body", False):  # a streamed answer: passed on, not kept
                    streaming.append(True)
                    await send(_start(started))
                    await send(_body(b"".join(chunks), more=True))

        with reads.recording() as recorded:
            await self.app(scope, receive, capture)
        if streaming:
            return
        body = b"".join(chunks)
        kept = _keepable(started, body, scope, session_before) and not recorded.wrote()
        needed = store.stamps_of(recorded) if kept else None
        stored = False
        if needed is not None:
            needed.add(stamps.SITE)
            fresh = site.cache.versions
            if all(name in versions and fresh.get(name) == versions[name] for name in needed):
                until = (now // 60 + 1) * 60
                if recorded.expires is not None:
                    until = min(until, recorded.expires.timestamp())
                page = Page(
                    status=int(started["status"]),
                    headers=tuple(started.get("headers", ())),
                    body=body,
                    stamps=tuple(sorted((name, versions[name]) for name in needed)),
                    until=until,
                    keys=recorded.keys > 0,
                )
                store.put(key, page)
                stored = True
        answer = Page(
            status=int(started.get("status", 500)),
            headers=tuple(started.get("headers", ())),
            body=body,
            stamps=(),
            until=0,
            keys=recorded.keys > 0,
        )
        await _answer(
            send, answer, token.encode(), self._placeholder, hit=False if stored else None
        )


def _keepable(started: dict[str, Any], body: bytes, scope: Scope, session_before: str) -> bool:
    if started.get("status") != 200 or len(body) > MAX_PAGE_BYTES:
        return False
    content_type = b""
    for name, value in started.get("headers", ()):
        if name == b"set-cookie":
            return False
        if name == b"content-type":
            content_type = value
    if not content_type.startswith(b"text/html") or inline_sources(scope):
        return False  # a first visit's page: its styles inline, a cookie to say so
    return _session_data(scope) == session_before  # a page that took a message is not kept


def _start(started: dict[str, Any], headers: Any = None) -> Message:
    return cast(
        Message,
        {
            "type": "http.response.start",
            "status": started["status"],
            "headers": started.get("headers", []) if headers is None else headers,
        },
    )


def _body(body: bytes, *, more: bool = False) -> Message:
    return cast(Message, {"type": "http.response.body", "body": body, "more_body": more})


async def _answer(
    send: Send, page: Page, token: bytes, placeholder: bytes, *, hit: bool | None
) -> None:
    body = page.body.replace(placeholder, token)
    if page.keys:
        body = reads.fill_keys(body)
    headers = [(k, v) for k, v in page.headers if k not in (b"content-length", CACHE_HEADER)]
    headers.append((b"content-length", str(len(body)).encode()))
    if hit is not None:
        headers.append((CACHE_HEADER, b"hit" if hit else b"miss"))
    await send(_start({"status": page.status}, headers))
    await send(_body(body))
