"""linli's test kit, for the core's own tests and for plugin authors alike.

Installed as a pytest plugin (entry point ``pytest11``), so its fixtures are available in
any project that installs linli. See ``docs/plugins.md`` for a worked example.

Each test gets a fresh database that is already migrated: the first test of a plugin set
migrates a template database once, and every test then starts from a copy of it (a file
copy on SQLite, ``CREATE DATABASE … TEMPLATE`` on PostgreSQL). Set
``LINLI_TEST_DATABASE_URL`` to a PostgreSQL database (``postgres://user@host:5432/test``)
to run the suite there; the kit creates and drops its own databases beside it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from httpx import AsyncClient, Response

from linli import db
from linli.communities import community_root
from linli.hierarchy.models import Node
from linli.identity.models import Account, Person
from linli.identity.services import create_account
from linli.models import Community, OutboxEvent
from linli.permissions.models import Role
from linli.permissions.services import grant
from linli.registry import PluginRegistry
from linli.settings import Settings, load_settings
from linli.web.app import CSRF_COOKIE

TEST_DATABASE_VARIABLE = "LINLI_TEST_DATABASE_URL"

__all__ = [
    "TEST_DATABASE_VARIABLE",
    "TemplateDatabases",
    "count_queries",
    "emitted_events",
    "form_post",
    "log_in",
    "make_account",
    "settings_for_test",
]

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


def settings_for_test(
    folder: Path, database_url: str, plugin_names: list[str], **extra: Any
) -> Settings:
    """Settings of a test instance: test mode, the given database and plugins, events
    delivered only when the test asks (``await bus.dispatch_due()``)."""
    return load_settings(
        folder,
        env={},
        mode="test",
        database_url=database_url,
        load_plugins=list(plugin_names),
        dispatch_in_background=False,
        **extra,
    )


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


class TemplateDatabases:
    """Creates one migrated template database per plugin set and hands out copies."""

    def __init__(self, folder: Path, server_url: str | None) -> None:
        self.folder = folder
        self.server_url = server_url
        self.templates: dict[tuple[str, ...], str] = {}
        self.prefix = f"linli_{os.getpid()}_{uuid.uuid4().hex[:6]}"

    async def copy(self, plugins: list[str], test_folder: Path) -> str:
        """The URL of a new, migrated database for ``plugins``."""
        key = tuple(sorted(plugins))
        template = self.templates.get(key)
        if template is None:
            template = await self._create_template(key)
            self.templates[key] = template
        if self.server_url is None:
            target = test_folder / "linli.sqlite3"
            shutil.copyfile(template, target)
            return f"sqlite://{target}"
        name = f"{self.prefix}_{uuid.uuid4().hex[:10]}"
        await self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{Path(template).name}"')
        return _with_database(self.server_url, name)

    async def drop(self, url: str) -> None:
        if self.server_url is not None:
            name = urlsplit(url).path.lstrip("/")
            await self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    async def drop_templates(self) -> None:
        if self.server_url is not None:
            for template in self.templates.values():
                await self._admin(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')

    async def _create_template(self, key: tuple[str, ...]) -> str:
        digest = hashlib.sha1("|".join(key).encode()).hexdigest()[:8]
        if self.server_url is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / f"template-{digest}.sqlite3"
            url = f"sqlite://{path}"
            template = str(path)
        else:
            template = f"{self.prefix}_tpl_{digest}"
            await self._admin(f'CREATE DATABASE "{template}"')
            url = _with_database(self.server_url, template)
        settings = settings_for_test(self.folder, url, list(key))
        registry = PluginRegistry.discover(settings)
        await db.open_database(settings, registry)
        try:
            await db.migrate(settings, registry)
        finally:
            await db.close_database()
        return template

    async def _admin(self, statement: str) -> None:
        assert self.server_url is not None
        dsn = self.server_url.replace("asyncpg://", "postgres://", 1).split("?")[0]
        connection = await asyncpg.connect(dsn)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()


async def form_post(client: AsyncClient, url: str, data: dict[str, Any], **kwargs: Any) -> Response:
    """POST a form the way a browser does: with the CSRF token from the cookie that
    any earlier GET set (one is made first if the client has none yet)."""
    if CSRF_COOKIE not in client.cookies:
        await client.get("/healthz")
    token = client.cookies.get(CSRF_COOKIE, "")
    return await client.post(url, data={**data, "_csrf_token": token}, **kwargs)


TEST_PASSWORD = "neighbour-2026"


async def make_account(
    username: str,
    community: Community,
    *roles: str | tuple[str, Node],
    person: Person | None = None,
    password: str = TEST_PASSWORD,
) -> Account:
    """An account holding ``roles`` in ``community``: each a role key (granted at the
    community's own place node) or ``(role key, node)``."""
    account = await create_account(username, password, person=person)
    root = await community_root(community)
    for entry in roles:
        key, node = (entry, root) if isinstance(entry, str) else entry
        role = await Role.get(community=community, key=key)
        await grant(account, role, node)
    return account


async def log_in(client: AsyncClient, username: str, password: str = TEST_PASSWORD) -> Response:
    """Log ``client`` in through the real login form; later requests carry the session."""
    response = await form_post(client, "/login", {"login": username, "password": password})
    assert response.status_code == 200, f"login of {username} failed: {response.status_code}"
    return response


async def emitted_events(name: str | None = None) -> list[tuple[str, dict[str, Any]]]:
    """The domain events written to the outbox so far (optionally only those called
    ``name``), oldest first, as ``(name, payload)``: what a test asserts a service or a
    page emitted, whether or not the events were delivered yet."""
    query = OutboxEvent.all().order_by("created_at")
    if name is not None:
        query = query.filter(name=name)
    return [(row.name, row.payload) for row in await query]
