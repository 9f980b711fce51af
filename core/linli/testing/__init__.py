"""linli's test kit, for the core's own tests and for plugin authors alike.

Installed as a pytest plugin (entry point ``pytest11``), so its fixtures are available in
any project that installs linli. See ``docs/plugins.md`` ("Testing") for a worked example
and for what is shared between tests and what each test gets fresh:

- :mod:`linli.testing.databases`: a migrated database without rows for every test;
- :mod:`linli.testing.apps`: one web app per plugin set, shared, put back after each test;
- :mod:`linli.testing.builders`: people, places, households and accounts in one call.

Set ``LINLI_TEST_DATABASE_URL`` to a PostgreSQL database (``postgres://user@host:5432/test``)
to run the suite there; the kit creates and drops its own databases beside it.
"""

from __future__ import annotations

import html
import logging
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from httpx import AsyncClient, Response

from linli.domain.enablement import disable as disable_plugin
from linli.domain.enablement import enable as enable_plugin
from linli.kernel.i18n import missing_translations, placeholder_mismatches
from linli.kernel.models import OutboxEvent
from linli.testing.apps import TestApps
from linli.testing.builders import (
    TEST_PASSWORD,
    grant_role,
    make_account,
    make_community,
    make_household,
    make_person,
    make_place,
    make_resident,
    password_hash,
)
from linli.testing.databases import TestDatabases, migrate_to, settings_for_test
from linli.web.app import CSRF_COOKIE

TEST_DATABASE_VARIABLE = "LINLI_TEST_DATABASE_URL"

__all__ = [
    "TEST_DATABASE_VARIABLE",
    "TEST_PASSWORD",
    "TestApps",
    "TestDatabases",
    "cli_command",
    "count_queries",
    "disable_plugin",
    "emitted_events",
    "enable_plugin",
    "for_you",
    "forget_pages",
    "form_post",
    "grant_role",
    "log_in",
    "make_account",
    "make_community",
    "make_household",
    "make_person",
    "make_place",
    "make_resident",
    "migrate_to",
    "missing_translations",
    "notifications_of",
    "page_queries",
    "password_hash",
    "placeholder_mismatches",
    "python_command",
    "run_jobs",
    "settings_for_test",
    "without_tokens",
]


@dataclass(frozen=True)
class ShownItem:
    """An item of "For you" as the home shows it (see :func:`for_you`)."""

    title: str
    value: str
    note: str
    href: str
    urgent: bool


_FOR_YOU_ITEM = re.compile(
    r'<a class="card-link for-you-item( urgent)?" href="([^"]*)">\s*'
    r'<span class="card-title">(.*?)</span>'
    r'(?:<span class="for-you-value">(.*?)</span>)?'
    r'(?:<span class="card-meta">(.*?)</span>)?',
    re.S,
)


async def for_you(client: AsyncClient, community: str = "test") -> dict[str, ShownItem]:
    """What "For you" (为您) shows the client's visitor at the top of the community's
    home, by title; to test a plugin's ``linli_home_items``::

        items = await for_you(client)
        assert items["My points"].value == "120"

    .. versionadded:: 2.2
    """
    page = await client.get(f"/c/{community}/")
    assert page.status_code == 200, f"/c/{community}/: {page.status_code}"
    found = {}
    for urgent, href, title, value, note in _FOR_YOU_ITEM.findall(page.text):
        item = ShownItem(
            html.unescape(title),
            html.unescape(value),
            html.unescape(note),
            html.unescape(href),
            bool(urgent),
        )
        found[item.title] = item
    return found


_SQL_VERBS = {"SELECT", "INSERT", "UPDATE", "DELETE", "WITH"}


class _QueryLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.queries: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        words = message.split(None, 1)
        if words and words[0].upper() in _SQL_VERBS:
            self.queries.append(message)


@contextmanager
def count_queries() -> Iterator[list[str]]:
    """Collect the SQL statements run inside the block, to prove that a page makes a
    constant number of queries however much data there is::

        with count_queries() as queries:
            await client.get("/c/test/notes/")
        assert len(queries) == 3
    """
    logger = logging.getLogger("tortoise.db_client")
    handler = _QueryLog()
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        yield handler.queries
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


async def page_queries(
    client: AsyncClient, path: str, *, status: int = 200, **kwargs: Any
) -> list[str]:
    """The SQL statements a page runs on a worker that has served it before: the page
    is fetched once (the worker then holds the community, the visitor's grants and the
    cached widgets, as a busy site's workers do), then rendered once more with the
    statements counted (the rendered page the worker kept is forgotten first: what is
    counted is the page's own work, not serving it again). ``status`` is the status
    both answers must have::

        assert len(await page_queries(client, "/c/test/notes/")) <= 8
    """
    first = await client.get(path, **kwargs)
    assert first.status_code == status, f"{path}: {first.status_code}"
    forget_pages(client)  # the page's own queries, not those of serving it kept
    with count_queries() as queries:
        again = await client.get(path, **kwargs)
    assert again.status_code == status, f"{path}: {again.status_code}"
    return queries


def forget_pages(client: AsyncClient) -> None:
    """Make the application behind ``client`` forget the pages it keeps rendered
    (:mod:`linli.web.page_cache`), so that the next request renders its page: for a
    test that counts a page's own queries."""
    app = getattr(getattr(client, "_transport", None), "app", None)
    site = app.state.get("site") if app is not None else None
    if site is not None and site.pages is not None:
        site.pages.forget_pages()


_TOKENS = re.compile(r'(csrftoken"\s*:\s*"|name="(?:_csrf_token|request_key)" value=")[^"]*')


def without_tokens(text: str) -> str:
    """A page's HTML with what is random in every answer blanked: the CSRF token (masked
    afresh each time) and a form's request key. Compare two pages with it."""
    return _TOKENS.sub(r"\1", text)


async def form_post(client: AsyncClient, url: str, data: dict[str, Any], **kwargs: Any) -> Response:
    """POST a form the way a browser does: with the CSRF token from the cookie that
    any earlier GET set (one is made first if the client has none yet)."""
    if CSRF_COOKIE not in client.cookies:
        await client.get("/healthz")
    token = client.cookies.get(CSRF_COOKIE, "")
    return await client.post(url, data={**data, "_csrf_token": token}, **kwargs)


async def log_in(client: AsyncClient, username: str, password: str = TEST_PASSWORD) -> Response:
    """Log ``client`` in through the real login form; later requests carry the session."""
    response = await form_post(client, "/login", {"login": username, "password": password})
    assert response.status_code == 200, f"login of {username} failed: {response.status_code}"
    return response


_AT_CLOCK = """
import sys
from datetime import datetime

import time_machine

instant = datetime.fromisoformat(sys.argv.pop(1))
code = sys.argv.pop(1)
sys.argv[0] = "-c"
with time_machine.travel(instant, tick=True):
    exec(compile(code, "<linli.testing>", "exec"), {"__name__": "__main__"})
"""


def python_command(code: str) -> list[str]:
    """A command line that runs Python ``code`` in another process at this process's
    clock: when a test moved the clock (``--linli-clock``, ``time_machine.travel``), the
    other process starts at the same instant, so what it writes is as old as the test's
    rows and what it reads is judged at the test's time (a grant made by the test has
    started). Arguments appended to the list reach ``code`` as ``sys.argv[1:]``."""
    try:
        from time_machine import escape_hatch
    except ImportError:
        travelling = False
    else:
        travelling = escape_hatch.is_travelling()
    if not travelling:
        return [sys.executable, "-c", code]
    return [sys.executable, "-c", _AT_CLOCK, datetime.now(UTC).isoformat(), code]


def cli_command() -> list[str]:
    """The start of a command line that runs the ``linli`` command in another process
    (``[*cli_command(), "migrate"]``), at this process's clock (see ``python_command``)."""
    return python_command('from linli.cli import main\nmain(prog_name="linli")')


async def emitted_events(name: str | None = None) -> list[tuple[str, dict[str, Any]]]:
    """The domain events written to the outbox so far (optionally only those called
    ``name``), oldest first, as ``(name, payload)``: what a test asserts a service or a
    page emitted, whether or not the events were delivered yet."""
    query = OutboxEvent.all().order_by("created_at")
    if name is not None:
        query = query.filter(name=name)
    return [(row.name, row.payload) for row in await query]


async def run_jobs(registry: Any, now: datetime | None = None) -> int:
    """Run what the background worker would run at ``now`` (default: the test's clock,
    which ``time_machine`` may have moved): the due scheduled jobs of ``registry``'s
    plugins and the core's, then the sending of due notifications. Returns how many job
    runs completed."""
    from linli.domain.notifications.services import Notifier
    from linli.kernel.jobs import Scheduler

    notifier = Notifier(registry)
    done = await Scheduler(registry, extra=[notifier.digest_job()]).run_due(now)
    await notifier.pump(now)
    return done


async def notifications_of(recipient: Any) -> list[dict[str, Any]]:
    """The notifications told to an account or a person so far, oldest first, each as
    ``{"kind", "subject", "values", "link", "urgency", "read"}``: what a test asserts a
    service or a job told whom."""
    from linli.domain.identity.models import Account
    from linli.domain.notifications.models import Notification

    field = "account_id" if isinstance(recipient, Account) else "person_id"
    rows = (
        await Notification.filter(**{field: recipient.id})
        .order_by("id")
        .values("kind", "subject", "values", "link", "urgency", "read_at")
    )
    return [{**row, "read": row.pop("read_at") is not None} for row in rows]
