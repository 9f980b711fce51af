"""The database: Tortoise ORM configuration, connection lifetime and migrations.

Core is the Tortoise app ``core``; each plugin adds its own app through the
``linli_tortoise_apps`` hook. Migrations are Tortoise's own and ship inside the packages.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

# Imported for its side effect first: it registers Tortoise's own datetime adapter for
# sqlite3, which ``_utc_text`` below replaces.
import tortoise.backends.sqlite.executor  # noqa: F401
from tortoise import Tortoise, fields
from tortoise.backends.sqlite.client import SqliteClient, translate_exceptions
from tortoise.connection import get_connection
from tortoise.context import require_context
from tortoise.migrations.autodetector import MigrationAutodetector
from tortoise.migrations.executor import MigrationExecutor, PlanStep
from tortoise.migrations.writer import MigrationWriter
from tortoise.queryset import CountQuery, ValuesListQuery

from linli.domain import reads
from linli.domain.identity import passwords
from linli.domain.migration_state import shared_field_filters
from linli.kernel.registry import PluginRegistry
from linli.kernel.settings import Settings, serve_zone

CORE_APP = {
    "models": [
        "linli.kernel.models",
        "linli.domain.hierarchy.models",
        "linli.domain.hierarchy.escalation",
        "linli.domain.identity.models",
        "linli.domain.permissions.models",
        "linli.domain.audit.models",
        "linli.kernel.sessions",
        "linli.domain.uploads",
        "linli.kernel.jobs",
        "linli.domain.notifications.models",
    ],
    "migrations": "linli.migrations",
}


def _utc_text(value: datetime) -> str:
    """How a datetime is written to SQLite: an aware one in UTC, always.

    SQLite keeps datetimes as text and compares them as text. Tortoise writes a new row's
    datetime in UTC, but binds a filter's value (``at__gte=<midnight in Wuhan>``) or an
    updated value in whatever zone it carries, and ``2026-12-04 00:00:00+08:00`` sorts
    after ``2026-12-03 22:30:00+00:00`` although it is the earlier instant. Written in
    UTC, text order is time order. PostgreSQL compares ``timestamptz`` as instants and
    never sees this adapter."""
    if value.utcoffset() is not None:
        value = value.astimezone(UTC)
    return value.isoformat(" ")


sqlite3.register_adapter(datetime, _utc_text)


@translate_exceptions
async def _execute_query(
    self: SqliteClient, query: str, values: list[Any] | None = None
) -> tuple[int, Sequence[Any]]:
    """Tortoise's SQLite ``execute_query``, counting the rows a statement changed with
    the statement's own count (``sqlite3_changes``) instead of the connection's running
    total. The total includes rows that triggers changed — linli's stamps are triggers
    (:mod:`linli.domain.stamps`) — and code that checks that an ``UPDATE … WHERE balance
    >= ?`` touched exactly one row must see 1, not 2."""
    query = query.replace("\x00", "'||CHAR(0)||'")
    async with self.acquire_connection() as connection:
        self.log.debug("%s: %s", query, values)
        cursor = await connection.execute(query, values)
        rows = await cursor.fetchall()
        return max(cursor.rowcount, 0) or len(rows), rows


SqliteClient.execute_query = _execute_query  # type: ignore[method-assign]
reads.install()


class NotMigratedError(RuntimeError):
    """The database lacks migrations the installed code needs."""

    def __init__(self, pending: list[str]) -> None:
        shown = ", ".join(pending[:5]) + (" …" if len(pending) > 5 else "")
        super().__init__(
            f"the database is not up to date ({len(pending)} migration(s) pending: {shown}); "
            "run `linli migrate`"
        )
        self.pending = pending


def connection_url(url: str) -> str:
    """Tortoise's form of a database URL: SQLite gets WAL and a busy timeout."""
    if url.startswith("sqlite://") and "?" not in url:
        return f"{url}?journal_mode=WAL&busy_timeout=5000"
    return url


def tortoise_config(settings: Settings, registry: PluginRegistry) -> dict[str, Any]:
    apps: dict[str, dict[str, Any]] = {"core": dict(CORE_APP)}
    apps.update(registry.tortoise_apps())
    return {
        "connections": {"default": connection_url(settings.database_url)},
        "apps": apps,
        "use_tz": True,
        "timezone": "UTC",
    }


_open_count = 0


async def open_database(settings: Settings, registry: PluginRegistry) -> bool:
    """Initialise Tortoise for this process; returns whether this call did it. Nested
    opens (a test that opens the database, then starts an app on it) share the first
    one's context, which is also responsible for the schema being up to date. The
    first open also chooses the password hasher for the settings' mode."""
    global _open_count
    first = _open_count == 0
    if first:
        passwords.configure(settings)
        serve_zone(settings.zone)
        config = tortoise_config(settings, registry)
        await Tortoise.init(config=config, _enable_global_fallback=True)
    _open_count += 1
    return first


async def close_database() -> None:
    global _open_count
    _open_count -= 1
    if _open_count == 0:
        await Tortoise.close_connections()


@asynccontextmanager
async def database(settings: Settings, registry: PluginRegistry) -> AsyncIterator[None]:
    """Open the database for a command-line task and close it afterwards."""
    await open_database(settings, registry)
    try:
        yield
    finally:
        await close_database()


async def pending_migrations(settings: Settings, registry: PluginRegistry) -> list[str]:
    """Names (``app.migration``) of migrations not yet applied, in the order they would
    run. Expects the database to be open."""
    with shared_field_filters():
        steps: list[PlanStep] = await _executor(settings, registry).plan()
    return [f"{s.migration.app_label}.{s.migration.name}" for s in steps if not s.backward]


def _executor(settings: Settings, registry: PluginRegistry) -> MigrationExecutor:
    apps = tortoise_config(settings, registry)["apps"]
    return MigrationExecutor(get_connection("default"), apps)


async def migrate(
    settings: Settings,
    registry: PluginRegistry,
    *,
    report: Callable[[str], object] | None = None,
) -> list[str]:
    """Apply every pending migration of core and the loaded plugins, dependencies first,
    each in its own transaction. Expects the database to be open; returns what it applied."""
    pending = await pending_migrations(settings, registry)

    def progress(event: str, app_label: str, name: str) -> None:
        if event == "apply_start" and report is not None:
            report(f"{app_label}.{name}")

    with shared_field_filters():
        await _executor(settings, registry).migrate(progress=progress)
    await repair_sqlite_times()
    return pending


async def repair_sqlite_times() -> int:
    """Rewrite in UTC the datetimes that an earlier linli left in another zone on
    SQLite (an updated row kept the zone it was given; see ``_utc_text``), so that text
    order is time order in old rows too. Idempotent, and a no-op on PostgreSQL; returns
    how many values it rewrote. Expects the database to be open."""
    connection = get_connection("default")
    if connection.capabilities.dialect != "sqlite":
        return 0
    context_apps = require_context().apps
    assert context_apps is not None
    fixed = 0
    for model in context_apps.get_models_iterable():
        meta = model._meta
        table, key = _quoted(meta.db_table), _quoted(meta.db_pk_column)
        for name, field in meta.fields_map.items():
            if not isinstance(field, fields.DatetimeField):
                continue
            column = _quoted(field.source_field or name)
            rows = await connection.execute_query_dict(
                f"SELECT {key} AS key, {column} AS value FROM {table} "
                f"WHERE {column} IS NOT NULL AND {column} NOT LIKE '%+00:00'"
            )
            for row in rows:
                value = row["value"]
                moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
                if moment.utcoffset() is None:
                    continue  # naive: no zone to convert from
                await connection.execute_query(
                    f"UPDATE {table} SET {column} = ? WHERE {key} = ?",
                    [_utc_text(moment), row["key"]],
                )
                fixed += 1
    return fixed


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


async def model_changes(settings: Settings, registry: PluginRegistry) -> list[MigrationWriter]:
    """Migrations the models need but that do not exist yet, one writer per app with
    changes (nothing is written). Expects the database to be open."""
    apps = tortoise_config(settings, registry)["apps"]
    with shared_field_filters():
        return await MigrationAutodetector(require_context().apps, apps).changes()


async def ensure_migrated(settings: Settings, registry: PluginRegistry) -> None:
    pending = await pending_migrations(settings, registry)
    if pending:
        raise NotMigratedError(pending)


async def ping() -> bool:
    """Whether the database answers a trivial query."""
    try:
        await get_connection("default").execute_query("SELECT 1")
    except Exception:
        return False
    return True


def one_value_query(query: Any) -> Any:
    """``query`` checked and made ready to be a column of :func:`values_together`: a
    ``.count()``, or a ``.values_list(column, flat=True)`` (limited to its first row).
    Anything else raises ``TypeError``. It may be prepared again (or awaited after)."""
    if isinstance(query, CountQuery):
        pass
    elif isinstance(query, ValuesListQuery) and query._flat:
        # a scalar subquery must yield at most one row (PostgreSQL refuses more)
        query._limit = 1
    else:
        raise TypeError(
            f"a one-value query is a .count() or a .values_list(column, flat=True), "
            f"not {type(query).__name__}"
        )
    # Tortoise remembers the tables a query joined; building it again from scratch
    # would skip the joins of its filters (``body__path__startswith``)
    query._joined_tables = []
    query._choose_db_if_not_chosen()
    query._make_query()
    return query


async def values_together(queries: Sequence[Any], *, prepared: bool = False) -> list[Any]:
    """The value of each one-value query (see :func:`one_value_query`), fetched as the
    columns of one ``SELECT (…), (…), …`` per database connection instead of one round
    trip each: the home's "For you" asks every plugin for its figures at once. A count's
    value is an integer (0 for none), a column's is the database's value or ``None``.
    ``prepared`` says every query has been through :func:`one_value_query` already
    (building a query is a visible share of a page's time)."""
    ready = list(queries) if prepared else [one_value_query(query) for query in queries]
    values: list[Any] = [None] * len(ready)
    by_connection: dict[int, list[int]] = {}
    for index, query in enumerate(ready):
        by_connection.setdefault(id(query._db), []).append(index)
    for indexes in by_connection.values():
        db = ready[indexes[0]]._db
        select = db.query_class.select(*(ready[i].query.as_(f"v{i}") for i in indexes))
        _, rows = await db.execute_query(*select.get_parameterized_sql())
        row = dict(rows[0])
        for i in indexes:
            values[i] = row[f"v{i}"]
    for index, query in enumerate(ready):
        if isinstance(query, CountQuery):
            values[index] = int(values[index] or 0)
    return values
