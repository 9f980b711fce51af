"""``linli makemigrations``: for developers of the core and of plugins."""

from __future__ import annotations

import click

from linli.domain import db


@click.command("makemigrations")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if a migration is missing.")
@click.pass_obj
def makemigrations(instance: object, check: bool) -> None:
    """Write the migrations that model changes of the core and the loaded plugins need
    (in each app's own migrations package), dependencies included."""
    from linli.cli import Instance

    assert isinstance(instance, Instance)

    async def task() -> list[str]:
        writers = await db.model_changes(instance.settings, instance.registry)
        if check:
            return [f"{writer.app_label}: {writer.name}" for writer in writers]
        return [str(writer.write()) for writer in writers]

    found = instance.run(task, check_migrated=False)
    if not found:
        click.echo("no changes: every model matches its migrations")
        return
    for line in found:
        click.echo(f"missing migration for {line}" if check else f"wrote {line}")
    if check:
        raise SystemExit(1)
