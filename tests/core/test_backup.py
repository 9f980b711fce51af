"""Backup and restore, the demo as a complete instance and demo data in any instance:
the ``linli`` command run as a real process, on SQLite or on the PostgreSQL server of
``LINLI_TEST_DATABASE_URL``."""

import json
import os
import sqlite3
import subprocess
import tarfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import click
import pytest

from linli.cli import demo_folder
from linli.kernel.settings import load_settings, write_instance
from linli.testing import cli_command, python_command, without_tokens

SERVER_URL = os.environ.get("LINLI_TEST_DATABASE_URL", "")
ON_POSTGRES = SERVER_URL.startswith("postgres")
#: Pages compared between an instance and its restored copy, as a staff member sees them.
PAGES = (
    "/c/jianghanli/",
    "/c/jianghanli/streetbank/",
    "/c/jianghanli/mediation/",
    "/c/jianghanli/council/",
    "/c/jianghanli/codesign/",
    "/c/jianghanli/register/",
    "/c/jianghanli/admin/roles",
)
FETCH = """
import asyncio, json, sys

import httpx

from linli import create_app
from linli.kernel.settings import load_settings
from linli.testing import log_in

folder, login, *paths = sys.argv[1:]
# Like for like: the demo instance would otherwise show its demo panel.
app = create_app(load_settings(folder, mode="production"))


async def main():
    async with app.lifespan():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://linli", follow_redirects=True
        ) as client:
            await log_in(client, login, "linli-demo")
            pages = {}
            for path in paths:
                page = await client.get(path)
                pages[path] = [page.status_code, page.text]
    print(json.dumps(pages))


asyncio.run(main())
"""


def linli(*args: object, instance: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``linli`` in another process, without the test run's ``LINLI_*`` settings."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("LINLI_")}
    command = cli_command() + (["--instance", str(instance)] if instance else [])
    return subprocess.run(
        [*command, *map(str, args)], capture_output=True, text=True, env=env, timeout=300
    )


def ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def psql(url: str, statement: str) -> str:
    """Run one statement with ``psql`` on the database of ``url``; its rows as text."""
    server = urlsplit(url)
    command = ["psql", "-X", "-q", "-tA", "-h", server.hostname or "127.0.0.1"]
    command += ["-p", str(server.port or 5432), "-U", server.username or "postgres"]
    command += ["-d", server.path.lstrip("/"), "-c", statement]
    env = {**os.environ, "PGPASSWORD": server.password or ""}
    return subprocess.run(command, check=True, env=env, capture_output=True, text=True).stdout


@pytest.fixture
def new_database(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """Makes the URL of a fresh, empty database: a new PostgreSQL database on the test
    server (dropped afterwards), or "" for SQLite in the instance folder."""
    made: list[str] = []

    def make(label: str) -> str:
        if not ON_POSTGRES:
            return ""
        name = f"linli_ops_{label}_{uuid.uuid4().hex[:8]}"
        psql(SERVER_URL, f'CREATE DATABASE "{name}"')
        made.append(name)
        server = urlsplit(SERVER_URL)
        return urlunsplit(server._replace(path=f"/{name}", query=""))

    yield make
    for name in made:
        psql(SERVER_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pages_of(folder: Path) -> dict[str, tuple[int, str]]:
    """The PAGES of an instance as ``administrator`` sees them, through the ASGI client
    in another process (one Tortoise database per process); the random tokens of each
    response (CSRF, a form's request key) blanked."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("LINLI_")}
    done = subprocess.run(
        [*python_command(FETCH), str(folder), "administrator", *PAGES],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    pages = json.loads(ok(done))
    return {path: (status, without_tokens(text)) for path, (status, text) in pages.items()}


def stored_values(folder: Path) -> int:
    """Rows of sessions and login throttles in an instance's database."""
    url = load_settings(folder, env={}).database_url
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite://")) as connection:
            return connection.execute("SELECT count(*) FROM core_stored_value").fetchone()[0]
    return int(psql(url, "SELECT count(*) FROM core_stored_value"))


def test_backup_restores_into_a_fresh_instance(tmp_path, new_database):
    source, target = tmp_path / "demo", tmp_path / "restored"
    ok(linli("demo", "--folder", source, "--no-serve", "--database-url", new_database("a")))
    # ``linli --instance <demo folder>`` works on the demo's own database (it once opened
    # a new, empty linli.sqlite3 beside it)
    verified = ok(linli("streetbank", "verify", instance=source))
    assert "ledger OK" in verified and not verified.startswith("0 entries")
    assert "jianghanli" in ok(linli("community", "list", instance=source))
    assert not (source / "linli.sqlite3").exists()
    before = pages_of(source)  # logs in: a session row now exists
    assert {path: status for path, (status, _) in before.items()} == dict.fromkeys(PAGES, 200)
    assert stored_values(source) > 0

    archive = tmp_path / "backups" / "linli.tar.gz"
    archive.parent.mkdir()
    said = ok(linli("backup", archive, instance=source))
    assert "backup written" in said
    assert archive.stat().st_mode & 0o077 == 0  # it holds the secret and personal data
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    kind = "postgresql" if ON_POSTGRES else "sqlite"
    assert names[0] == "manifest.json" and "secret_key" in names
    assert manifest["database"] == kind and manifest["plugins"]["streetbank"]
    assert "core.0001_initial" in manifest["migrations"]

    created = ok(linli("init", "--database-url", new_database("b"), instance=target))
    assert "config:" in created
    restored = ok(linli("restore", archive, instance=target))
    assert "restored" in restored
    assert "ledger OK" in ok(linli("streetbank", "verify", instance=target))
    assert (target / "secret_key").read_text() == (source / "secret_key").read_text()
    assert stored_values(target) == 0  # nobody is logged in by a restore
    assert pages_of(target) == before

    # a second restore would overwrite what is there now: refused, then forced
    again = linli("restore", archive, instance=target)
    assert again.returncode == 1
    assert "already has communities or accounts" in again.stderr
    assert "--force" in again.stderr
    ok(linli("restore", "--force", archive, instance=target))
    assert "ledger OK" in ok(linli("streetbank", "verify", instance=target))


def test_restore_refuses_what_is_not_a_backup_or_does_not_fit(tmp_path, new_database):
    instance = tmp_path / "instance"
    ok(linli("init", "--database-url", new_database("c"), instance=instance))
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive")
    refused = linli("restore", junk, instance=instance)
    assert refused.returncode == 1 and "cannot be read as a backup" in refused.stderr

    # an archive of the other kind of database, and one made by a newer linli
    kind = "postgresql" if ON_POSTGRES else "sqlite"
    other = "sqlite" if ON_POSTGRES else "postgresql"
    newer = ["core.0001_initial", "core.9999_from_the_future"]
    for database, migrations, expected in (
        (other, [], f"holds a {other} database"),
        (kind, newer, "core.9999_from_the_future"),
    ):
        archive = tmp_path / f"{database}.tar.gz"
        member = tmp_path / ("database.pgdump" if database == "postgresql" else "database.sqlite3")
        member.write_bytes(b"")
        manifest = tmp_path / "manifest.json"
        manifest.write_text(
            json.dumps(
                {
                    "format": 1,
                    "linli_version": "9.9.9",
                    "plugins": {},
                    "migrations": migrations,
                    "database": database,
                    "created_at": "2026-12-04T00:00:00+00:00",
                    "secret_included": False,
                    "not_carried": ["core_stored_value"],
                }
            )
        )
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(manifest, arcname="manifest.json")
            tar.add(member, arcname=member.name)
        refused = linli("restore", archive, instance=instance)
        assert refused.returncode == 1, refused.stdout
        assert expected in refused.stderr
    assert not (instance / "linli.sqlite3").exists()  # refused before anything was opened


@pytest.mark.skipif(not ON_POSTGRES, reason="pg_dump is needed on PostgreSQL only")
def test_backup_on_postgres_needs_pg_dump_on_path(tmp_path, new_database):
    instance = tmp_path / "instance"
    # unmigrated: the tool is looked for before anything is read
    ok(linli("init", "--database-url", new_database("d"), instance=instance))
    env = {key: value for key, value in os.environ.items() if not key.startswith("LINLI_")}
    env["PATH"] = str(tmp_path)  # no pg_dump there
    done = subprocess.run(
        [*cli_command(), "--instance", str(instance), "backup", str(tmp_path / "b.tar.gz")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 1
    assert "pg_dump is not on PATH" in done.stderr
    assert not (tmp_path / "b.tar.gz").exists()


def test_an_earlier_demo_folder_is_completed(tmp_path):
    folder = tmp_path / "demo"
    write_instance(folder)  # what `linli demo` wrote before: the database left unnamed
    url = demo_folder(folder)
    assert url == f"sqlite://{folder / 'demo.sqlite3'}"
    settings = load_settings(folder, env={})
    assert settings.database_url == url and settings.mode == "demo"
    config = (folder / "linli.toml").read_text()
    assert demo_folder(folder) == url and (folder / "linli.toml").read_text() == config
    with pytest.raises(click.ClickException, match="choose another --folder"):
        demo_folder(folder, "postgres://linli@127.0.0.1:5432/other")


def _row_counts(folder: Path) -> dict[str, int]:
    """Rows of every table of an instance's database."""
    url = load_settings(folder, env={}).database_url
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite://")) as connection:
            tables = [
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            ]
            return {
                t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables
            }
    query = (
        "SELECT string_agg(format('%s=%s', table_name, (xpath('/row/c/text()', "
        "query_to_xml(format('SELECT count(*) AS c FROM %I', table_name), false, true, "
        "'')))[1]::text), ',') FROM information_schema.tables WHERE table_schema = 'public'"
    )
    pairs = (item.split("=") for item in psql(url, query).strip().split(","))
    return {table: int(count) for table, count in pairs}


def test_seed_demo_fills_any_instance_once(tmp_path, new_database):
    instance = tmp_path / "instance"
    ok(linli("init", "--database-url", new_database("f"), instance=instance))
    ok(linli("migrate", instance=instance))
    refused = linli("seed-demo", instance=instance)
    assert refused.returncode == 1 and "production mode" in refused.stderr
    assert _row_counts(instance)["core_account"] == 0

    seeded = ok(linli("seed-demo", "--yes", instance=instance))
    assert "demo account administrator / linli-demo" in seeded
    counts = _row_counts(instance)
    assert counts["core_person"] > 4000 and counts["streetbank_entry"] > 0
    ok(linli("seed-demo", "--yes", instance=instance))
    assert _row_counts(instance) == counts
    assert "ledger OK" in ok(linli("streetbank", "verify", instance=instance))
