"""Backup and restore of an instance: its database (uploads live in it, see
:mod:`linli.domain.uploads`) and its secret key, in one ``.tar.gz`` with a manifest.

The archive holds ``manifest.json`` (linli and plugin versions, the migrations applied,
when it was made), the database (``database.sqlite3`` made with SQLite's online backup,
or ``database.pgdump`` in ``pg_dump``'s custom format) and ``secret_key``. Sessions and
login throttles (``core_stored_value``) are left out, and a restore clears the target's
(in Redis too): nobody stays logged in across a restore, and nobody can log in with a
session copied from a backup.

The functions here raise :class:`BackupError` with one line for an operator; the
``linli backup`` and ``linli restore`` commands (:mod:`linli.cli.backup`) drive them.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit

import msgspec
from tortoise.connection import get_connection
from tortoise.migrations.loader import MigrationLoader
from tortoise.migrations.recorder import MigrationRecorder

from linli import __version__
from linli.domain import db
from linli.kernel.registry import PluginRegistry
from linli.kernel.sessions import make_store
from linli.kernel.settings import SECRET_FILE, Settings

FORMAT = 1
MANIFEST = "manifest.json"
SECRET = "secret_key"
MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
#: Tables whose rows are never carried: sessions and login throttles.
NOT_CARRIED = ("core_stored_value",)

Kind = Literal["sqlite", "postgresql"]


class BackupError(Exception):
    """A backup or restore cannot go on; the message says why and what to do."""


class Manifest(msgspec.Struct, kw_only=True):
    """What a backup holds, written first in the archive."""

    format: int
    linli_version: str
    plugins: dict[str, str]
    #: ``app.migration`` names applied in the backed-up database, in applied order.
    migrations: list[str]
    database: Kind
    created_at: str
    secret_included: bool
    not_carried: list[str]


def database_kind(url: str) -> Kind:
    return "sqlite" if url.startswith("sqlite://") else "postgresql"


def sqlite_path(url: str) -> Path:
    """The file of a ``sqlite://`` URL (Tortoise's form: ``sqlite:///abs/path``)."""
    return Path(url.removeprefix("sqlite://").split("?", 1)[0])


def postgres_command(tool: str, url: str) -> tuple[list[str], dict[str, str]]:
    """The start of a ``pg_dump``/``pg_restore`` command line for ``url`` and its
    environment. The connection goes through ``PG*`` variables, so a password never
    shows in the process list, and Tortoise's own query options (``maxsize``) are
    dropped. Refuses when the tool is not on PATH."""
    path = shutil.which(tool)
    if path is None:
        raise BackupError(
            f"{tool} is not on PATH: install the PostgreSQL client tools (the server's "
            "major version or newer, e.g. apt install postgresql-client) and try again"
        )
    parts = urlsplit(url)
    env = {**os.environ}
    for variable, value in (
        ("PGHOST", parts.hostname),
        ("PGPORT", str(parts.port) if parts.port else None),
        ("PGUSER", unquote(parts.username) if parts.username else None),
        ("PGPASSWORD", unquote(parts.password) if parts.password else None),
    ):
        if value:
            env[variable] = value
    return [path, "--dbname", unquote(parts.path.lstrip("/"))], env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tool = Path(command[0]).name
        detail = (done.stderr.strip() or done.stdout.strip()).splitlines()
        raise BackupError(f"{tool} failed: {detail[0] if detail else done.returncode}")


async def applied_migrations() -> list[str]:
    """The migrations recorded in the open database, in the order they were applied."""
    keys = await MigrationRecorder(get_connection("default")).applied_migrations()
    return [f"{key.app_label}.{key.name}" for key in keys]


def known_migrations(settings: Settings, registry: PluginRegistry) -> set[str]:
    """The migrations the installed core and plugins ship (no database needed)."""
    apps = db.tortoise_config(settings, registry)["apps"]
    loader = MigrationLoader(apps, recorder=None)  # type: ignore[arg-type]  # reads files only
    loader.load_disk()
    return {f"{key.app_label}.{key.name}" for key in loader.disk_migrations}


async def is_empty() -> bool:
    """Whether the open database holds no community and no account (a fresh instance,
    migrated or not)."""
    connection = get_connection("default")
    for table in ("core_community", "core_account"):
        try:
            rows = await connection.execute_query_dict(f"SELECT 1 AS found FROM {table} LIMIT 1")
        except Exception:  # no such table yet: nothing to lose
            continue
        if rows:
            return False
    return True


def write_backup(
    settings: Settings, registry: PluginRegistry, target: Path, migrations: list[str]
) -> Manifest:
    """Write the archive to ``target`` (mode 0600: it holds the secret and personal
    data). The database is copied while the instance may keep serving."""
    kind = database_kind(settings.database_url)
    secret_path = settings.instance_dir / SECRET_FILE
    manifest = Manifest(
        format=FORMAT,
        linli_version=__version__,
        plugins={name: p.manifest.version for name, p in registry.loaded.items()},
        migrations=migrations,
        database=kind,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        secret_included=secret_path.exists(),
        not_carried=list(NOT_CARRIED),
    )
    with tempfile.TemporaryDirectory(prefix="linli-backup-") as work:
        dump = Path(work) / MEMBERS[kind]
        if kind == "sqlite":
            _dump_sqlite(sqlite_path(settings.database_url), dump)
        else:
            command, env = postgres_command("pg_dump", settings.database_url)
            excluded = [f"--exclude-table-data={table}" for table in NOT_CARRIED]
            _run([*command, "--format=custom", "--no-owner", *excluded, "--file", str(dump)], env)
        partial = target.with_name(target.name + ".part")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with (
            os.fdopen(descriptor, "wb") as handle,
            tarfile.open(fileobj=handle, mode="w:gz") as tar,
        ):
            _add_bytes(tar, MANIFEST, json.dumps(msgspec.to_builtins(manifest), indent=2))
            tar.add(dump, arcname=dump.name, filter=_private)
            if manifest.secret_included:
                _add_bytes(tar, SECRET, secret_path.read_text(encoding="utf-8"))
        partial.replace(target)
    return manifest


def _dump_sqlite(source: Path, dump: Path) -> None:
    if not source.exists():
        raise BackupError(f"no database at {source}; check database_url in linli.toml")
    with (
        _closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as origin,
        _closing(sqlite3.connect(dump)) as copy,
    ):
        origin.backup(copy)
        for table in NOT_CARRIED:
            copy.execute(f"DELETE FROM {table}")
        copy.commit()
        copy.execute("VACUUM")  # the deleted sessions leave no trace in free pages


class _closing:
    """``contextlib.closing`` for sqlite3 connections (whose own ``with`` only commits)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def __enter__(self) -> sqlite3.Connection:
        return self.connection

    def __exit__(self, *_: object) -> None:
        self.connection.close()


def _private(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
    return info


def _add_bytes(tar: tarfile.TarFile, name: str, text: str) -> None:
    data = text.encode("utf-8")
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o600, int(datetime.now(UTC).timestamp())
    tar.addfile(info, io.BytesIO(data))


class Backup:
    """An archive opened for restoring: its manifest, and its members unpacked into a
    temporary folder (only the members linli writes; nothing else is extracted)."""

    def __init__(self, file: Path, folder: Path) -> None:
        try:
            with tarfile.open(file, mode="r:gz") as tar:
                manifest_data = _member(tar, MANIFEST)
                if manifest_data is None:
                    raise BackupError(f"{file} is not a linli backup (no {MANIFEST})")
                try:
                    self.manifest = msgspec.json.decode(manifest_data, type=Manifest)
                except msgspec.ValidationError as exc:
                    raise BackupError(f"{file}: the manifest is not readable ({exc})") from exc
                if self.manifest.format != FORMAT:
                    raise BackupError(
                        f"{file} is in backup format {self.manifest.format}; this linli "
                        f"reads format {FORMAT}: restore it with the linli that made it"
                    )
                self.database = folder / MEMBERS[self.manifest.database]
                data = _member(tar, self.database.name)
                if data is None:
                    raise BackupError(f"{file} has no {self.database.name}; it is incomplete")
                self.database.write_bytes(data)
                secret = _member(tar, SECRET)
                self.secret = secret.decode("utf-8").strip() if secret else ""
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise BackupError(f"{file} cannot be read as a backup: {exc}") from exc

    def check_fits(self, settings: Settings, registry: PluginRegistry) -> None:
        """Refuse, before anything is changed, a backup this instance cannot take."""
        kind = database_kind(settings.database_url)
        if kind != self.manifest.database:
            raise BackupError(
                f"this backup holds a {self.manifest.database} database and this instance "
                f"uses {kind}: restore it into an instance on {self.manifest.database}"
            )
        unknown = [
            m for m in self.manifest.migrations if m not in known_migrations(settings, registry)
        ]
        if unknown:
            shown = ", ".join(unknown[:5]) + (" …" if len(unknown) > 5 else "")
            raise BackupError(
                f"the backup's database has migrations this installation does not have "
                f"({shown}): install the linli and plugin versions it was made with "
                f"(linli {self.manifest.linli_version}; see its manifest) and try again"
            )


def _member(tar: tarfile.TarFile, name: str) -> bytes | None:
    try:
        info = tar.getmember(name)
    except KeyError:
        return None
    handle = tar.extractfile(info) if info.isfile() else None
    return handle.read() if handle is not None else None


async def drop_tables() -> None:
    """Empty the open PostgreSQL database before a forced restore: every table in the
    current schema goes, so no table of a plugin the backup does not know is left to
    collide with a migration."""
    connection = get_connection("default")
    rows = await connection.execute_query_dict(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
    )
    for row in rows:
        name = '"' + row["tablename"].replace('"', '""') + '"'
        await connection.execute_script(f"DROP TABLE IF EXISTS {name} CASCADE")


def restore_database(settings: Settings, backup: Backup) -> None:
    """Replace the instance's database by the backup's (the database is closed)."""
    if backup.manifest.database == "sqlite":
        target = sqlite_path(settings.database_url)
        target.parent.mkdir(parents=True, exist_ok=True)
        with (
            _closing(sqlite3.connect(backup.database)) as origin,
            _closing(sqlite3.connect(target)) as copy,
        ):
            origin.backup(copy)
        return
    command, env = postgres_command("pg_restore", settings.database_url)
    # --clean --if-exists: what the backup holds replaces what a migrated instance already
    # has (its tables, and the stamps' trigger function, which DROP TABLE leaves)
    _run(
        [
            *command,
            "--no-owner",
            "--no-privileges",
            "--clean",
            "--if-exists",
            "--exit-on-error",
            str(backup.database),
        ],
        env,
    )


def write_secret(settings: Settings, secret: str) -> None:
    """Put the backup's secret key in the instance folder (mode 0600)."""
    path = settings.instance_dir / SECRET_FILE
    partial = path.with_name(path.name + ".part")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(secret + "\n")
    partial.replace(path)


async def forget_sessions(settings: Settings) -> None:
    """Drop every session and login throttle of the instance: the database's rows and,
    with ``redis_url``, the keys in Redis."""
    store = make_store(settings)
    try:
        await store.delete_all()
    finally:
        shutdown = getattr(store, "_shutdown", None)
        if shutdown is not None:
            await shutdown()
