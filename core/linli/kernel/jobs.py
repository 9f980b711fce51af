"""Scheduled jobs: recurring (cron-like, in the community's time zone) and one-off
delayed, run **exactly once per slot** by however many workers share one database.

A plugin declares a job with :func:`job` in its ``jobs.py``::

    @job("streetbank.expire_vouchers", cron="5 0 * * *")
    async def expire(call: JobCall) -> None: ...

and a one-off job is a job without ``cron``, put on the calendar with :func:`schedule`
inside the transaction of the change that asks for it (nothing is scheduled for a
rolled-back change).

How exactly-once is kept: every run is a :class:`JobRun` row, unique on (job, community,
slot, key). A recurring slot is claimed by *inserting* its row, in the same transaction
as the job's work: the work and the record that it was done commit together or not at
all, and a second worker's insert waits on the unique index and then fails, so it skips
the slot. A one-off job (or a failed slot waiting for its retry) is a ``pending`` row,
claimed by a conditional ``UPDATE … WHERE state = 'pending' AND attempts = n`` in the
work's transaction: only one worker's update matches. The same holds on SQLite, where one
process serves. The database is the only coordinator; no lock service, no clock
agreement beyond each machine's wall clock.

Failed runs are retried with back-off (10 s · 2^(attempt-1)) and given up after
:data:`MAX_ATTEMPTS`; ``linli jobs failed`` lists them and ``linli jobs retry`` queues
them again, as ``linli events`` does for events.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import traceback
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

from croniter import croniter  # type: ignore[import-untyped]
from tortoise import fields
from tortoise.exceptions import IntegrityError
from tortoise.functions import Max
from tortoise.models import Model
from tortoise.transactions import in_transaction

from linli.kernel.models import Community, PluginState

if TYPE_CHECKING:
    from linli.kernel.registry import PluginRegistry

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
FIRST_RETRY = timedelta(seconds=10)
#: At most this many missed slots of one job are caught up after downtime (the latest).
CATCH_UP_LIMIT = 100
#: The mark :func:`job` leaves on the function it declares.
JOB_MARK = "__linli_job__"

PENDING, DONE, FAILED = "pending", "done", "failed"


class JobRun(Model):
    """One run of a job in one community at one slot: the record that makes it once.

    ``key`` tells apart one-off runs scheduled for the same instant (recurring slots have
    ``""``)."""

    id = fields.IntField(primary_key=True)
    job = fields.CharField(max_length=128)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "core.Community", related_name="job_runs", on_delete=fields.CASCADE
    )
    community_id: int
    slot = fields.DatetimeField()
    key = fields.CharField(max_length=128, default="")
    payload = fields.JSONField[dict[str, Any]](default=dict)
    state = fields.CharField(max_length=16, default=PENDING, db_index=True)
    attempts = fields.IntField(default=0)
    last_error = fields.TextField(default="")
    next_attempt_at = fields.DatetimeField(null=True, db_index=True)
    finished_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "core_job_run"
        unique_together = (("job", "community", "slot", "key"),)
        indexes = (("community_id",),)


@dataclass(frozen=True)
class JobCall:
    """What a job receives: the community it runs for, its slot (an aware time in the
    community's zone), the payload a one-off job was scheduled with, and the zone."""

    job: str
    community: Community
    slot: datetime
    payload: dict[str, Any]
    zone: ZoneInfo
    now: datetime


@dataclass(frozen=True)
class Job:
    """A job a plugin declares (see :func:`job`). ``cron`` is a five-field cron
    expression in the community's time zone (``"30 6 * * *"``: every day at 06:30);
    without it the job runs only when :func:`schedule` puts it on the calendar.
    ``catch_up``: after downtime, run every missed slot (oldest first), or only the
    latest.

    .. versionadded:: 2.1
    """

    name: str
    run: Callable[[JobCall], Awaitable[None]]
    cron: str | None = None
    catch_up: bool = True
    plugin: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if "." not in self.name or len(self.name) > 128:
            raise ValueError(f"job name {self.name!r} must be '<plugin>.<what>'")
        if self.cron is not None and not croniter.is_valid(self.cron):
            raise ValueError(f"job {self.name!r}: {self.cron!r} is not a cron expression")

    def slots(self, since: datetime | None, now: datetime, zone: ZoneInfo) -> list[datetime]:
        """The slots to run at ``now``: those after ``since`` (all of them when catching
        up, else the latest), or only the latest when the job never ran."""
        if self.cron is None:
            return []
        local_now = now.astimezone(zone).replace(second=0, microsecond=0)
        latest = croniter(self.cron, local_now + timedelta(seconds=1)).get_prev(datetime)
        if since is None or not self.catch_up:
            return [latest] if since is None or latest > since else []
        missed: list[datetime] = []
        walker = croniter(self.cron, latest)
        moment = latest
        while moment > since and len(missed) < CATCH_UP_LIMIT:
            missed.append(moment)
            moment = walker.get_prev(datetime)
        return sorted(missed)


_F = TypeVar("_F", bound=Callable[[JobCall], Awaitable[None]])


def job(name: str, *, cron: str | None = None, catch_up: bool = True) -> Callable[[_F], _F]:
    """Declare the function below as the job ``name`` (``<plugin>.<what>``), in the
    plugin's ``jobs.py``; see :class:`Job`.

    .. versionadded:: 2.1
    """

    def mark(run: _F) -> _F:
        setattr(run, JOB_MARK, Job(name, run, cron=cron, catch_up=catch_up))
        return run

    return mark


def job_of(function: Callable[..., Any] | Job | str) -> str:
    """The job name of a declared job function (or of a :class:`Job`, or a name)."""
    if isinstance(function, str):
        return function
    if isinstance(function, Job):
        return function.name
    declared = getattr(function, JOB_MARK, None)
    if not isinstance(declared, Job):
        raise ValueError(f"{function!r} is not declared with linli.kit.job")
    return declared.name


def _now() -> datetime:
    return datetime.now(UTC)


async def schedule(
    what: Callable[..., Any] | Job | str,
    *,
    at: datetime,
    community: Community | int,
    payload: dict[str, Any] | None = None,
    key: str = "",
) -> JobRun:
    """Run the one-off job ``what`` at ``at`` (an aware time) for ``community``. Call it
    inside the transaction of the change that asks for it. Scheduling the same
    (job, community, at, key) again returns the run already on the calendar.

    .. versionadded:: 2.1
    """
    if at.tzinfo is None:
        raise ValueError("schedule(at=...) needs an aware datetime")
    name = job_of(what)
    community_id = community.id if isinstance(community, Community) else community
    key = key or uuid.uuid4().hex
    found = await JobRun.get_or_none(job=name, community_id=community_id, slot=at, key=key)
    if found is not None:
        return found
    return await JobRun.create(
        job=name,
        community_id=community_id,
        slot=at,
        key=key,
        payload=payload or {},
        next_attempt_at=at,
    )


async def unschedule(
    what: Callable[..., Any] | Job | str, *, community: Community | int, key: str
) -> int:
    """Take a one-off job that has not run yet off the calendar; returns how many."""
    community_id = community.id if isinstance(community, Community) else community
    return await JobRun.filter(
        job=job_of(what), community_id=community_id, key=key, state=PENDING, attempts=0
    ).delete()


class Scheduler:
    """Runs the jobs of the loaded plugins (and the core's own, given as ``extra``)
    in the communities where each job's plugin is enabled."""

    def __init__(
        self,
        registry: PluginRegistry | None,
        *,
        extra: list[Job] | None = None,
        zone: ZoneInfo | None = None,
    ) -> None:
        from linli.kernel.settings import current_zone

        declared = registry.jobs() if registry is not None else []
        self.jobs: dict[str, Job] = {j.name: j for j in [*(extra or []), *declared]}
        self._zone = zone
        self._current_zone = current_zone
        self._wake = asyncio.Event()

    @property
    def zone(self) -> ZoneInfo:
        return self._zone or self._current_zone()

    def nudge(self) -> None:
        self._wake.set()

    async def run_forever(self, poll_seconds: float = 15.0) -> None:
        """Run due jobs at least every ``poll_seconds`` (and when nudged)."""
        while True:
            try:
                await self.run_due()
            except Exception:
                log.exception("running due jobs failed; trying again at the next sweep")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=poll_seconds)
            self._wake.clear()

    async def _communities(self) -> dict[int, tuple[Community, set[str]]]:
        communities = {c.id: (c, set[str]()) for c in await Community.all()}
        for community_id, plugin in await PluginState.filter(enabled=True).values_list(
            "community_id", "plugin"
        ):
            if community_id in communities:
                communities[community_id][1].add(plugin)
        return communities

    @staticmethod
    def _runs_in(job: Job, enabled: set[str]) -> bool:
        return job.plugin in ("", "core") or job.plugin in enabled

    async def run_due(self, now: datetime | None = None) -> int:
        """Run every recurring slot that has come and every pending one-off or retry
        whose time has come; returns how many runs this process completed."""
        now = now or _now()
        communities = await self._communities()
        done = 0
        for job in self.jobs.values():
            if job.cron is None:
                continue
            last = {
                row["community_id"]: row["last"]
                for row in await JobRun.filter(job=job.name, key="")
                .annotate(last=Max("slot"))
                .group_by("community_id")
                .values("community_id", "last")
            }
            for community_id, (community, enabled) in communities.items():
                if not self._runs_in(job, enabled):
                    continue
                for slot in job.slots(last.get(community_id), now, self.zone):
                    done += await self._run_slot(job, community, slot, now)
        done += await self._run_pending(communities, now)
        return done

    def _call(
        self, job: Job, community: Community, slot: datetime, payload: dict[str, Any], now: datetime
    ) -> JobCall:
        return JobCall(job.name, community, slot.astimezone(self.zone), payload, self.zone, now)

    async def _run_slot(self, job: Job, community: Community, slot: datetime, now: datetime) -> int:
        try:
            async with in_transaction():
                await JobRun.create(
                    job=job.name,
                    community_id=community.id,
                    slot=slot,
                    state=DONE,
                    attempts=1,
                    finished_at=now,
                )
                await job.run(self._call(job, community, slot, {}, now))
            return 1
        except IntegrityError:
            if await JobRun.exists(job=job.name, community_id=community.id, slot=slot, key=""):
                return 0  # another worker ran this slot
            error = traceback.format_exc()
        except Exception:
            error = traceback.format_exc()
        log.error("job %s failed for community %s at %s:\n%s", job.name, community.id, slot, error)
        with contextlib.suppress(IntegrityError):
            # a failed slot waits for its retry as a pending run (unless another
            # worker has run it meanwhile)
            await JobRun.create(
                job=job.name,
                community_id=community.id,
                slot=slot,
                state=PENDING,
                attempts=1,
                last_error=error,
                next_attempt_at=now + FIRST_RETRY,
            )
        return 0

    async def _run_pending(
        self, communities: dict[int, tuple[Community, set[str]]], now: datetime
    ) -> int:
        due = (
            await JobRun.filter(state=PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .limit(200)
        )
        done = 0
        for row in due:
            job = self.jobs.get(row.job)
            found = communities.get(row.community_id)
            if job is None or found is None or not self._runs_in(job, found[1]):
                # not loaded here, or its plugin is off in that community: look again later
                await JobRun.filter(id=row.id, state=PENDING, attempts=row.attempts).update(
                    next_attempt_at=now + timedelta(hours=1)
                )
                continue
            done += await self._run_claimed(job, found[0], row, now)
        return done

    async def _run_claimed(self, job: Job, community: Community, row: JobRun, now: datetime) -> int:
        claim = {"id": row.id, "state": PENDING, "attempts": row.attempts}
        try:
            async with in_transaction():
                claimed = await JobRun.filter(**claim).update(
                    state=DONE, attempts=row.attempts + 1, finished_at=now, last_error=""
                )
                if not claimed:
                    return 0  # another worker took it
                await job.run(self._call(job, community, row.slot, row.payload, now))
            return 1
        except Exception:
            error = traceback.format_exc()
        log.error("job %s (run %s) failed:\n%s", job.name, row.id, error)
        attempts = row.attempts + 1
        await JobRun.filter(**claim).update(
            attempts=attempts,
            last_error=error,
            state=FAILED if attempts >= MAX_ATTEMPTS else PENDING,
            next_attempt_at=now + FIRST_RETRY * 2 ** (attempts - 1),
        )
        return 0

    async def retry(self, run_ids: list[int] | None = None) -> int:
        """Put failed (or waiting) runs back in the queue now and run them."""
        now = _now()
        query = JobRun.filter(state__in=(FAILED, PENDING), last_error__not="")
        if run_ids:
            query = query.filter(id__in=run_ids)
        await query.update(state=PENDING, attempts=0, next_attempt_at=now)
        return await self._run_pending(await self._communities(), now)


async def failed_runs(limit: int = 100) -> list[JobRun]:
    """Runs that failed: given up, and those waiting for a retry."""
    return (
        await JobRun.filter(last_error__not="")
        .exclude(state=DONE)
        .order_by("-created_at")
        .limit(limit)
    )
