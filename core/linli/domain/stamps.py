"""Stamps: version numbers that database triggers raise whenever certain tables change.

The core's ``site`` stamp covers what every request needs (communities, enabled plugins
and their settings, roles, grants, accounts, places); a plugin may stamp its own tables
under its name, so that the core can keep its dashboard widget's figures until they
change (:class:`linli.kernel.plugins.Widget`, ``cached=True``). Triggers, not
application code, raise the number: every write counts, whoever makes it (another
worker, a command, a bulk update, ``psql``), and a rolled-back write raises nothing.

A plugin stamps its tables in a migration::

    from linli.kit import stamp_tables

    class Migration(migrations.Migration):
        dependencies = [("core", "0005_site_stamp"), ("notes", "0001_initial")]
        operations = [stamp_tables("notes", ["notes_note", "notes_comment"])]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tortoise.migrations import operations as ops

SITE = "site"


def _columns(tables: Sequence[str] | Mapping[str, str]) -> dict[str, str]:
    return dict(tables) if isinstance(tables, Mapping) else dict.fromkeys(tables, "")


def trigger_statements(dialect: str, stamp: str, table: str, columns: str = "") -> list[str]:
    """The statements that make every insert and delete on ``table``, and every update
    (of ``columns``, a comma-separated list, when given), raise ``stamp``."""
    update = f"UPDATE OF {columns}" if columns else "UPDATE"
    if dialect == "postgres":
        return [
            f"CREATE TRIGGER {table}_stamp_{stamp} AFTER INSERT OR DELETE OR {update} "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION core_bump_stamp('{stamp}')"
        ]
    bump = f"UPDATE core_stamp SET version = version + 1 WHERE name = '{stamp}'"
    return [
        f"CREATE TRIGGER {table}_stamp_{stamp}_{event.split()[0].lower()} AFTER {event} "
        f"ON {table} BEGIN {bump}; END"
        for event in ("INSERT", "DELETE", update)
    ]


def drop_statements(dialect: str, stamp: str, table: str) -> list[str]:
    if dialect == "postgres":
        return [f"DROP TRIGGER IF EXISTS {table}_stamp_{stamp} ON {table}"]
    return [
        f"DROP TRIGGER IF EXISTS {table}_stamp_{stamp}_{event}"
        for event in ("insert", "delete", "update")
    ]


async def add_stamp(client: Any, stamp: str, tables: Sequence[str] | Mapping[str, str]) -> None:
    """Create ``stamp`` (if new) and the triggers on ``tables`` that raise it."""
    dialect = client.capabilities.dialect
    await client.execute_query(
        "INSERT INTO core_stamp (name, version) SELECT $1, 0 WHERE NOT EXISTS "
        "(SELECT 1 FROM core_stamp WHERE name = $1)".replace("$1", "'" + stamp + "'")
    )
    for table, columns in _columns(tables).items():
        for statement in trigger_statements(dialect, stamp, table, columns):
            await client.execute_script(statement)


async def drop_stamp(client: Any, stamp: str, tables: Sequence[str] | Mapping[str, str]) -> None:
    dialect = client.capabilities.dialect
    for table in _columns(tables):
        for statement in drop_statements(dialect, stamp, table):
            await client.execute_script(statement)
    await client.execute_query(f"DELETE FROM core_stamp WHERE name = '{stamp}'")


def stamp_tables(stamp: str, tables: Sequence[str] | Mapping[str, str]) -> ops.RunPython:
    """A migration operation: ``tables`` raise ``stamp`` (the plugin's name) from now on;
    undone, the triggers and the stamp go. ``tables`` may map a table to the columns
    whose update counts (``{"notes_note": "title, body"}``)."""
    if not stamp.replace("_", "").isalnum() or not stamp.islower():
        raise ValueError(f"stamp {stamp!r}: lowercase letters, digits and _ only")
    names = _columns(tables)
    for table in names:
        if not table.replace("_", "").isalnum():
            raise ValueError(f"table {table!r}: letters, digits and _ only")

    async def forward(apps: Any, schema_editor: Any) -> None:
        await add_stamp(schema_editor.client, stamp, names)

    async def backward(apps: Any, schema_editor: Any) -> None:
        await drop_stamp(schema_editor.client, stamp, names)

    return ops.RunPython(forward, backward)


#: Tables whose changes never make a page stale: the stamps themselves.
UNSTAMPED_READS = frozenset({"core_stamp"})


async def coverage(client: Any) -> dict[str, frozenset[str]]:
    """Every table of the database, with the stamps that every insert, update and
    delete of it raises (a stamp raised only by some columns' updates does not count):
    read from the database's own catalogue, so it says what the migrations made."""
    dialect = client.capabilities.dialect
    full: dict[str, set[str]] = {}
    if dialect == "postgres":
        _, tables = await client.execute_query(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        )
        _, triggers = await client.execute_query(
            "SELECT t.tgname, c.relname, t.tgattr::text = '' FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
        )
        names = [str(row[0]) for row in tables]
        for name, table, whole in triggers:
            stamp = _stamp_of(str(name), str(table))
            if stamp and whole:
                full.setdefault(str(table), set()).add(stamp)
    else:
        _, tables = await client.execute_query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        _, triggers = await client.execute_query(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'"
        )
        names = [str(row[0]) for row in tables]
        events: dict[tuple[str, str], set[str]] = {}
        for name, table, sql in triggers:
            stamp, _, event = (_stamp_of(str(name), str(table)) or "").rpartition("_")
            if stamp and (event != "update" or "UPDATE OF" not in str(sql).upper()):
                events.setdefault((str(table), stamp), set()).add(event)
        for (table, stamp), seen in events.items():
            if seen == {"insert", "delete", "update"}:
                full.setdefault(table, set()).add(stamp)
    return {table: frozenset(full.get(table, ())) for table in names}


def _stamp_of(trigger: str, table: str) -> str | None:
    prefix = f"{table}_stamp_"
    return trigger[len(prefix) :] if trigger.startswith(prefix) else None
