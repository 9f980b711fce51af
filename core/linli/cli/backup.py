"""``linli backup`` and ``linli restore``: the whole instance in one archive (see
:mod:`linli.domain.backup` and docs/operations.md)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import click

from linli.domain import db
from linli.domain.backup import (
    Backup,
    BackupError,
    applied_migrations,
    database_kind,
    drop_tables,
    forget_sessions,
    is_empty,
    restore_database,
    sqlite_path,
    write_backup,
    write_secret,
)

if TYPE_CHECKING:
    from linli.cli import Instance


def _instance(obj: object) -> Instance:
    from linli.cli import Instance  # late: linli.cli imports this module

    assert isinstance(obj, Instance)
    return obj


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def backup(obj: object, file: Path) -> None:
    """Write the database (uploads included) and the secret key to FILE (.tar.gz, mode
    0600) while the instance keeps serving. Sessions and login throttles are left out.
    PostgreSQL needs pg_dump on PATH."""
    instance = _instance(obj)
    settings = instance.settings
    url = settings.database_url
    if database_kind(url) == "sqlite" and not sqlite_path(url).exists():
        raise click.ClickException(
            f"no database at {sqlite_path(url)}; check database_url in linli.toml"
        )
    migrations = instance.run(applied_migrations, check_migrated=False)
    try:
        manifest = write_backup(settings, instance.registry, file.resolve(), migrations)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"backup written to {file}")
    click.echo(
        f"  linli {manifest.linli_version}, {manifest.database}, {len(migrations)} migrations"
    )
    plugins = ", ".join(f"{name} {version}" for name, version in manifest.plugins.items())
    click.echo(f"  plugins: {plugins or 'none'}")
    if not manifest.secret_included:
        click.echo(
            "warning: the secret key comes from LINLI_SECRET_KEY, not the instance folder; "
            "it is not in the backup: keep it with the backup yourself",
            err=True,
        )


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--force",
    is_flag=True,
    help="Replace the data of an instance that already has communities or accounts.",
)
@click.pass_obj
def restore(obj: object, file: Path, force: bool) -> None:
    """Restore a backup made by `linli backup` into this instance: its database (on the
    same kind of database the backup was made on) and its secret key; then apply the
    migrations of the installed linli. Refuses an instance holding data unless --force.
    Everyone logs in again afterwards. PostgreSQL needs pg_restore on PATH."""
    from linli.cli import Instance

    current = _instance(obj)
    with tempfile.TemporaryDirectory(prefix="linli-restore-") as work:
        try:
            archive = Backup(file, Path(work))
        except BackupError as exc:
            raise click.ClickException(str(exc)) from exc
        # The backup's secret is the instance's from now on; a fresh folder may not
        # have one yet, which production settings would refuse.
        instance = (
            Instance(current.folder, secret_key=archive.secret) if archive.secret else current
        )
        settings, registry = instance.settings, instance.registry
        try:
            archive.check_fits(settings, registry)
            if not instance.run(is_empty, check_migrated=False) and not force:
                raise BackupError(
                    f"the instance in {settings.instance_dir} already has communities or "
                    "accounts; restore into a fresh instance, or pass --force to replace them"
                )
            if archive.manifest.database == "postgresql":
                instance.run(drop_tables, check_migrated=False)
            restore_database(settings, archive)
        except BackupError as exc:
            raise click.ClickException(str(exc)) from exc
    if archive.secret:
        write_secret(settings, archive.secret)

    async def finish() -> list[str]:
        applied = await db.migrate(settings, registry, report=lambda m: click.echo(f"applying {m}"))
        await forget_sessions(settings)
        return applied

    applied = instance.run(finish, check_migrated=False)
    manifest = archive.manifest
    click.echo(f"restored {file} (made {manifest.created_at} by linli {manifest.linli_version})")
    click.echo(f"{len(applied)} migration(s) applied" if applied else "database up to date")
    if not archive.secret:
        click.echo(
            "warning: the backup holds no secret key; the instance keeps its own",
            err=True,
        )
