"""The test kit's databases: every test starts from a migrated database that holds no
rows, for the plugin set it asked for.

The first time a plugin set is asked for, the kit migrates a *template* database for it;
that is the only migration the set costs a test run. Parallel workers (pytest-xdist) share
the templates: the first worker to need one makes it under a file lock, and the others
wait for it and use it.

- **SQLite**: each test gets its own copy of the template file (a file copy costs about a
  millisecond).
- **PostgreSQL**: creating and dropping a database per test costs a few hundred
  milliseconds under load, so the kit keeps a *pool* of databases per plugin set, each
  made once from the template. Before a database is handed to a test the kit resets it
  to the template's state in two round trips: it finds the tables that hold rows and the
  sequences that were used, deletes those rows (children before parents) and restarts
  those sequences. A database whose schema or migration history a test changed, or that
  cannot be reset (a lock held by a stray connection), is dropped and made again, so
  the guarantee is the same as a fresh copy's. A plugin set whose migrations insert rows
  is never reset: each of its tests gets a fresh copy, as before.
"""

from __future__ import annotations

import contextlib
import graphlib
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from tortoise.connection import get_connection
from tortoise.migrations.executor import MigrationExecutor, MigrationTarget

from linli.domain import db
from linli.domain.migration_state import shared_field_filters
from linli.kernel.registry import PluginRegistry
from linli.kernel.settings import Settings, load_settings

MIGRATIONS_TABLE = "tortoise_migrations"
#: Tables a reset leaves as they are: they belong to the schema, not to the data (the
#: stamps are rows the migrations made, which the triggers raise).
SCHEMA_TABLES = frozenset({MIGRATIONS_TABLE, "core_stamp"})
#: A test database's commits do not wait for the disk (a crash would lose the last few
#: commits of a database that is thrown away anyway): a commit then costs 0.1 ms instead
#: of 0.3–1.5 ms on this project's machines, and tests commit often.
NO_WAIT_FOR_DISK = "ALTER DATABASE %s SET synchronous_commit = off"
#: Names every PostgreSQL database of one test run (all its workers) starts with.
RUN_VARIABLE = "LINLI_TEST_RUN"

try:
    import fcntl
except ImportError:  # Windows: no sharing between workers, each makes its own
    fcntl = None  # type: ignore[assignment]


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (shared by the worker processes of a run)."""
    if fcntl is None:
        yield
        return
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run_prefix() -> str:
    """``linli_<run>``: the prefix of this run's PostgreSQL databases. The run id comes
    from ``LINLI_TEST_RUN`` (set once by the controlling process, inherited by its
    workers) so that one sweep at the end drops everything the run made."""
    run = os.environ.setdefault(RUN_VARIABLE, uuid.uuid4().hex[:8])
    return f"linli_{run}"


def settings_for_test(
    folder: Path, database_url: str, plugin_names: list[str], **extra: object
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


async def migrate_to(
    settings: Settings, registry: PluginRegistry, target: str | None = None
) -> None:
    """Bring the open database to the migration ``target`` (``"<app>.<migration>"``),
    undoing the later ones or applying the missing ones, or up to date without one. A
    test of a data migration goes back to the migration before it, writes rows the old
    way, and migrates: the kit gives the next test a fresh copy."""
    if target is None:
        await db.migrate(settings, registry)
        return
    app, _, name = target.partition(".")
    apps = db.tortoise_config(settings, registry)["apps"]
    executor = MigrationExecutor(get_connection("default"), apps)
    with shared_field_filters():
        await executor.migrate([MigrationTarget(app_label=app, name=name)])


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _name_of(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


@dataclass
class _Template:
    """A migrated template and what resetting a copy of it needs to know."""

    name: str  # a file path on SQLite, a database name on PostgreSQL
    tables: list[str] = field(default_factory=list)  # children before parents
    sequences: list[str] = field(default_factory=list)  # unused in the template
    relations: int = 0
    migrations: int = 0
    reusable: bool = False
    free: list[str] = field(default_factory=list)  # pooled databases not in use

    def describe(self) -> str:
        return json.dumps({k: v for k, v in asdict(self).items() if k != "free"})


class TestDatabases:
    """Migrated databases for tests, one template per plugin set (see the module)."""

    __test__ = False  # not a test class, whatever pytest thinks of the name

    def __init__(self, folder: Path, server_url: str | None) -> None:
        """``folder`` holds the templates (SQLite) and the locks: give every worker of
        a run the same one to share the templates."""
        self.folder = folder
        self.server_url = server_url
        self.templates: dict[tuple[str, ...], _Template] = {}
        self.prefix = run_prefix()
        self._owner: dict[str, tuple[str, ...]] = {}  # pooled database -> its plugin set

    async def copy(self, plugins: list[str], test_folder: Path) -> str:
        """The URL of a migrated database without rows for ``plugins``; give it back
        with :meth:`release`."""
        key = tuple(sorted(plugins))
        template = self.templates.get(key)
        if template is None:
            template = await self._shared_template(key)
            self.templates[key] = template
        if self.server_url is None:
            target = test_folder / "linli.sqlite3"
            shutil.copyfile(template.name, target)
            return f"sqlite://{target}"
        if template.reusable:
            while template.free:
                name = template.free.pop()
                if await self._reset(name, template):
                    return _with_database(self.server_url, name)
                await self._admin(f"DROP DATABASE IF EXISTS {_quoted(name)} WITH (FORCE)")
                self._owner.pop(name, None)
        name = f"{self.prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        with _locked(self._lock_of(template)):  # never while another worker makes it
            await self._admin(f"CREATE DATABASE {_quoted(name)} TEMPLATE {_quoted(template.name)}")
        await self._admin(NO_WAIT_FOR_DISK % _quoted(name))
        if template.reusable:
            self._owner[name] = key
        return _with_database(self.server_url, name)

    async def release(self, url: str) -> None:
        """Give back a database from :meth:`copy`: pooled ones wait for the next test,
        the others are dropped (a SQLite copy goes with the test's folder)."""
        if self.server_url is None:
            return
        name = _name_of(url)
        key = self._owner.get(name)
        if key is not None:
            self.templates[key].free.append(name)
        else:
            await self._admin(f"DROP DATABASE IF EXISTS {_quoted(name)} WITH (FORCE)")

    async def close(self, *, templates: bool = True) -> None:
        """Drop the pooled databases this object made, and the templates unless other
        workers may still need them (PostgreSQL)."""
        if self.server_url is None:
            return
        names = list(self._owner)
        if templates:
            names += [t.name for t in self.templates.values()]
        for name in names:
            await self._admin(f"DROP DATABASE IF EXISTS {_quoted(name)} WITH (FORCE)")
        self._owner.clear()
        self.templates.clear()

    def _lock_of(self, template: _Template) -> Path:
        return self.folder / f"{Path(template.name).stem}.lock"

    async def _shared_template(self, key: tuple[str, ...]) -> _Template:
        """The template of ``key``: made by whichever worker needs it first."""
        digest = hashlib.sha1("|".join(key).encode()).hexdigest()[:8]
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.server_url is None:
            template = _Template(str(self.folder / f"template-{digest}.sqlite3"))
        else:
            template = _Template(f"{self.prefix}_tpl_{digest}")
        described = self.folder / f"{Path(template.name).stem}.json"
        with _locked(self._lock_of(template)):
            if described.exists():
                return _Template(**json.loads(described.read_text(encoding="utf-8")))
            await self._create_template(key, template)
            described.write_text(template.describe(), encoding="utf-8")
        return template

    async def _create_template(self, key: tuple[str, ...], template: _Template) -> None:
        if self.server_url is None:
            url = f"sqlite://{template.name}"
        else:
            await self._admin(f"DROP DATABASE IF EXISTS {_quoted(template.name)} WITH (FORCE)")
            await self._admin(f"CREATE DATABASE {_quoted(template.name)}")
            await self._admin(NO_WAIT_FOR_DISK % _quoted(template.name))
            url = _with_database(self.server_url, template.name)
        settings = settings_for_test(self.folder, url, list(key))
        registry = PluginRegistry.discover(settings)
        await db.open_database(settings, registry)
        try:
            await db.migrate(settings, registry)
        finally:
            await db.close_database()
        if self.server_url is not None:
            await self._inspect(template)

    async def _inspect(self, template: _Template) -> None:
        """Learn the template's tables, foreign keys and sequences, and whether a copy
        of it can be reset by deleting rows."""
        assert self.server_url is not None
        connection = await asyncpg.connect(self._dsn(template.name))
        try:
            tables = [
                row["relname"]
                for row in await connection.fetch(
                    "SELECT relname FROM pg_class "
                    "WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p')"
                )
            ]
            edges = await connection.fetch(
                "SELECT conrelid::regclass::text AS child, confrelid::regclass::text AS parent "
                "FROM pg_constraint WHERE contype = 'f' "
                "AND connamespace = 'public'::regnamespace"
            )
            template.sequences = [
                row["sequencename"]
                for row in await connection.fetch(
                    "SELECT sequencename FROM pg_sequences "
                    "WHERE schemaname = 'public' AND last_value IS NULL"
                )
            ]
            template.relations = await connection.fetchval(_RELATIONS)
            template.migrations = await connection.fetchval(
                f"SELECT count(*) FROM {_quoted(MIGRATIONS_TABLE)}"
            )
            data_tables = [t for t in tables if t not in SCHEMA_TABLES]
            seeded = await connection.fetch(_rows_query(data_tables))
        finally:
            await connection.close()
        parents: dict[str, set[str]] = {t: set() for t in tables if t not in SCHEMA_TABLES}
        for edge in edges:
            child, parent = edge["child"].strip('"'), edge["parent"].strip('"')
            if child != parent and parent in parents and child in parents:
                parents[parent].add(child)  # a parent's rows go after its children's
        try:
            template.tables = list(graphlib.TopologicalSorter(parents).static_order())
        except graphlib.CycleError:
            return  # tables that refer to each other: fresh copies instead
        template.reusable = not seeded

    async def _reset(self, name: str, template: _Template) -> bool:
        """Bring a pooled database back to the template's state; ``False`` if it cannot
        be (then the caller drops it)."""
        try:
            connection = await asyncpg.connect(self._dsn(name))
        except (OSError, asyncpg.PostgresError):
            return False
        try:
            state = await connection.fetchrow(
                f"SELECT ({_RELATIONS}) AS relations, "
                f"(SELECT count(*) FROM {_quoted(MIGRATIONS_TABLE)}) AS migrations, "
                "ARRAY(SELECT sequencename::text FROM pg_sequences "
                "WHERE schemaname = 'public' AND last_value IS NOT NULL) AS used, "
                f"ARRAY({_rows_query(template.tables)}) AS dirty"
            )
            if (state["relations"], state["migrations"]) != (
                template.relations,
                template.migrations,
            ):
                return False
            dirty = set(state["dirty"])
            used = [s for s in state["used"] if s in template.sequences]
            if not dirty and not used:
                return True
            statements = ["SET LOCAL lock_timeout = '2s'"]
            statements += [f"DELETE FROM {_quoted(t)}" for t in template.tables if t in dirty]
            if used:
                restarts = ", ".join(f"setval({_literal(s)}, 1, false)" for s in used)
                statements.append(f"SELECT {restarts}")
            async with connection.transaction():
                await connection.execute(";\n".join(statements))
            return True
        except asyncpg.PostgresError:
            return False
        finally:
            await connection.close()

    def _dsn(self, name: str) -> str:
        assert self.server_url is not None
        server = self.server_url.replace("asyncpg://", "postgres://", 1).split("?")[0]
        return _with_database(server, name)

    async def _admin(self, statement: str) -> None:
        assert self.server_url is not None
        connection = await asyncpg.connect(self._dsn(_name_of(self.server_url)))
        try:
            await connection.execute(statement)
        finally:
            await connection.close()


async def sweep(server_url: str) -> None:
    """Drop every PostgreSQL database of this run, whichever worker made it: the
    controlling process calls it once the workers are done."""
    dsn = server_url.replace("asyncpg://", "postgres://", 1).split("?")[0]
    connection = await asyncpg.connect(dsn)
    try:
        rows = await connection.fetch(
            "SELECT datname FROM pg_database WHERE starts_with(datname, $1)", f"{run_prefix()}_"
        )
        for row in rows:
            name = _quoted(row["datname"])
            await connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        await connection.close()


_RELATIONS = "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _rows_query(tables: list[str]) -> str:
    """A query naming those of ``tables`` that hold at least one row."""
    if not tables:
        return "SELECT NULL::text WHERE false"
    return " UNION ALL ".join(
        f"SELECT {_literal(t)}::text WHERE EXISTS (SELECT 1 FROM {_quoted(t)})" for t in tables
    )
