"""The background work of an instance: delivering domain events, running scheduled jobs
and sending notifications. ``linli worker`` runs it on its own, apart from the web
workers; ``linli serve`` and ``linli demo`` run it inside the web process (the embedded
default), unless the setting ``jobs_in_web`` is false."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime

from linli.domain.notifications.services import Notifier
from linli.kernel.events import EventBus
from linli.kernel.jobs import Scheduler
from linli.kernel.registry import PluginRegistry
from linli.kernel.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Background:
    scheduler: Scheduler
    notifier: Notifier

    @classmethod
    def of(cls, registry: PluginRegistry, settings: Settings) -> Background:
        notifier = Notifier(registry, language=settings.default_language, zone=settings.zone)
        scheduler = Scheduler(registry, extra=[notifier.digest_job()], zone=settings.zone)
        return cls(scheduler, notifier)

    async def tick(self, now: datetime | None = None) -> None:
        """Run the jobs that are due, then send the messages that are due."""
        await self.scheduler.run_due(now)
        await self.notifier.pump(now)

    async def run_forever(self, poll_seconds: float) -> None:
        while True:
            try:
                await self.tick()
            except Exception:
                log.exception("background work failed; trying again at the next sweep")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.scheduler._wake.wait(), timeout=poll_seconds)
            self.scheduler._wake.clear()


async def run_worker(bus: EventBus, background: Background, settings: Settings) -> None:
    """Deliver events and run jobs until cancelled (``linli worker``)."""
    await asyncio.gather(
        bus.run_forever(settings.event_poll_seconds),
        background.run_forever(settings.job_poll_seconds),
    )
