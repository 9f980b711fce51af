"""``linli worker`` (events, scheduled jobs and notifications apart from the web
workers) and ``linli jobs failed|retry``."""

from __future__ import annotations

import asyncio
from typing import Any

import click

from linli.domain import db
from linli.domain.notifications.services import failed_dispatches
from linli.domain.worker import Background, run_worker
from linli.kernel.events import EventBus
from linli.kernel.jobs import failed_runs


@click.command("worker")
@click.option("--once", is_flag=True, help="Run what is due now, then exit (for cron or a check).")
@click.pass_obj
def worker(instance: Any, once: bool) -> None:
    """Deliver domain events, run scheduled jobs and send notifications, apart from the
    web workers (set jobs_in_web = false in linli.toml for `linli serve` then). Several
    workers, on one machine or several, may run against one PostgreSQL: each job runs
    once per slot."""
    settings = instance.settings
    registry = instance.registry

    async def run() -> None:
        bus = EventBus(registry)
        background = Background.of(registry, settings)
        bus.activate()
        try:
            async with db.database(settings, registry):
                await db.ensure_migrated(settings, registry)
                if once:
                    await bus.dispatch_due()
                    await background.tick()
                    return
                click.echo(f"worker of {instance.folder}: {len(background.scheduler.jobs)} jobs")
                await run_worker(bus, background, settings)
        finally:
            bus.deactivate()

    try:
        asyncio.run(run())
    except db.NotMigratedError as exc:
        raise click.ClickException(str(exc)) from exc
    except KeyboardInterrupt:
        pass


@click.group("jobs")
def jobs() -> None:
    """Inspect and retry scheduled jobs (and messages) that failed."""


@jobs.command("failed")
@click.pass_obj
def jobs_failed(instance: Any) -> None:
    """List job runs that failed (given up, or waiting for a retry), and messages a
    channel could not send."""

    async def task() -> tuple[list[Any], list[Any]]:
        return await failed_runs(), await failed_dispatches()

    runs, dispatches = instance.run(task)
    if not runs and not dispatches:
        click.echo("no failed jobs")
    for row in runs:
        first = row.last_error.strip().splitlines()[-1] if row.last_error else ""
        click.echo(
            f"{row.id}\t{row.job}\tcommunity={row.community_id}\t{row.slot.isoformat()}\t"
            f"{row.state}\tattempts={row.attempts}\t{first}"
        )
    for row in dispatches:
        first = row.last_error.strip().splitlines()[-1] if row.last_error else ""
        click.echo(
            f"message {row.id}\t{row.channel}\t{row.state}\tattempts={row.attempts}\t{first}"
        )


@jobs.command("retry")
@click.argument("run_ids", nargs=-1, type=int)
@click.pass_obj
def jobs_retry(instance: Any, run_ids: tuple[int, ...]) -> None:
    """Run the given failed job runs again now (all failed runs if none are given)."""

    async def task() -> int:
        background = Background.of(instance.registry, instance.settings)
        return await background.scheduler.retry(list(run_ids) or None)

    click.echo(f"{instance.run(task)} run(s) done")
