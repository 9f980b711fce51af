"""Scheduled jobs (issue 17, acceptance 2): each slot runs exactly once, in one process
or in three racing against one PostgreSQL; missed slots are caught up or skipped; a
failure is retried with back-off and listed; a one-off job scheduled in a rolled-back
transaction never runs."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from tortoise.transactions import in_transaction

from linli.kernel.jobs import Job, JobCall, JobRun, Scheduler, failed_runs, job, schedule
from linli.testing import TEST_DATABASE_VARIABLE, python_command

ZONE = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 3, 2, 8, 0, 30, tzinfo=ZONE)


def minute(n: int) -> datetime:
    return (START + timedelta(minutes=n)).astimezone(UTC)


def test_slots_catch_up_or_take_the_latest():
    every = Job("test.every", _noop, cron="*/10 * * * *")
    late = START.replace(hour=9, minute=5)
    assert every.slots(None, late, ZONE) == [START.replace(hour=9, minute=0, second=0)]
    since = START.replace(hour=8, minute=30, second=0)
    assert [s.minute for s in every.slots(since, late, ZONE)] == [40, 50, 0]
    skip = Job("test.skip", _noop, cron="*/10 * * * *", catch_up=False)
    assert [s.minute for s in skip.slots(since, late, ZONE)] == [0]
    assert skip.slots(START.replace(hour=9, minute=0, second=0), late, ZONE) == []
    with pytest.raises(ValueError):
        Job("test.bad", _noop, cron="every day")


async def _noop(call: JobCall) -> None:
    return None


async def test_each_slot_runs_once_and_missed_ones_are_caught_up(linli_community):
    ran: list[datetime] = []

    async def tick(call: JobCall) -> None:
        ran.append(call.slot)

    scheduler = Scheduler(None, extra=[Job("core.tick", tick, cron="* * * * *")], zone=ZONE)
    assert await scheduler.run_due(minute(0)) == 1
    assert await scheduler.run_due(minute(0)) == 0  # the same slot again: nothing
    assert await scheduler.run_due(minute(3)) == 3  # down for two minutes: caught up
    assert [slot.minute for slot in ran] == [0, 1, 2, 3]
    assert await JobRun.filter(job="core.tick").count() == 4


async def test_a_failure_is_retried_with_back_off_and_listed(linli_community):
    calls = []

    async def flaky(call: JobCall) -> None:
        calls.append(call.now)
        if len(calls) < 3:
            raise RuntimeError("the printer is out of paper")

    scheduler = Scheduler(None, extra=[Job("core.flaky", flaky, cron="0 8 * * *")], zone=ZONE)
    assert await scheduler.run_due(minute(0)) == 0
    [failed] = await failed_runs()
    assert failed.state == "pending" and "out of paper" in failed.last_error
    assert await scheduler.run_due(minute(0) + timedelta(seconds=5)) == 0  # not yet
    assert await scheduler.run_due(minute(0) + timedelta(seconds=11)) == 0  # 2nd attempt fails
    assert (await JobRun.get(id=failed.id)).attempts == 2
    assert await scheduler.retry() == 1  # `linli jobs retry`
    assert await failed_runs() == []
    assert len(calls) == 3


async def test_a_one_off_job_scheduled_in_a_rolled_back_change_never_runs(linli_community):
    ran = []

    @job("core.once")
    async def once(call: JobCall) -> None:
        ran.append(call.payload)

    scheduler = Scheduler(None, extra=[once.__linli_job__], zone=ZONE)  # type: ignore[attr-defined]
    with pytest.raises(RuntimeError):
        async with in_transaction():
            await schedule(once, at=minute(5), community=linli_community, payload={"n": 1})
            raise RuntimeError
    await schedule(once, at=minute(5), community=linli_community, payload={"n": 2}, key="k")
    await schedule(once, at=minute(5), community=linli_community, payload={"n": 2}, key="k")
    assert await scheduler.run_due(minute(4)) == 0
    assert await scheduler.run_due(minute(6)) == 1
    assert await scheduler.run_due(minute(7)) == 0
    assert ran == [{"n": 2}]


RACER = """
import asyncio, json, sys, time
from datetime import datetime, timedelta, UTC
from zoneinfo import ZoneInfo
from tortoise import Tortoise
from linli.domain import db
from linli.kernel.jobs import Job, JobRun, Scheduler
from linli.kernel.models import OutboxEvent
import uuid

url, start_at, base = sys.argv[1], float(sys.argv[2]), datetime.fromisoformat(sys.argv[3])

async def tick(call):
    slot = {"slot": call.slot.isoformat()}
    await OutboxEvent.create(
        id=uuid.uuid4(), name="test.tick", payload=slot, state="done", next_attempt_at=call.now
    )
    await asyncio.sleep(0.02)  # widen the window in which another worker could race

async def main():
    config = {"connections": {"default": url}, "apps": {"core": db.CORE_APP}, "use_tz": True,
              "timezone": "UTC"}
    await Tortoise.init(config=config)
    scheduler = Scheduler(None, extra=[Job("core.tick", tick, cron="* * * * *")],
                          zone=ZoneInfo("Asia/Shanghai"))
    time.sleep(max(0.0, start_at - time.time()))
    done = 0
    for n in range(5):  # five minutes of a frozen clock, a tick every few seconds
        for second in (0, 10, 20):
            done += await scheduler.run_due(base + timedelta(minutes=n, seconds=second))
    print(json.dumps([done, time.time() - start_at]))
    await Tortoise.close_connections()

asyncio.run(main())
"""


@pytest.mark.skipif(
    not os.environ.get(TEST_DATABASE_VARIABLE, "").startswith(("postgres", "asyncpg")),
    reason="three worker processes need PostgreSQL (SQLite allows one writing process)",
)
async def test_three_workers_against_one_postgresql_run_each_slot_once(
    linli_community, linli_database_url
):
    from linli.kernel.models import OutboxEvent

    start_at = time.time() + 5
    base = minute(0).isoformat()
    workers = [
        await asyncio.create_subprocess_exec(
            *python_command(RACER),
            linli_database_url,
            str(start_at),
            base,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(3)
    ]
    outputs = [await worker.communicate() for worker in workers]
    for worker, (_out, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err.decode()[-2000:]
    done = [json.loads(out)[0] for out, _ in outputs]
    late = [json.loads(out)[1] for out, _ in outputs]
    assert sum(done) == 5, (done, late)  # five slots, run once each, by whichever worker won
    slots = await OutboxEvent.filter(name="test.tick").values_list("payload", flat=True)
    assert sorted(p["slot"] for p in slots) == sorted({p["slot"] for p in slots})
    assert len(slots) == 5
    assert await JobRun.filter(job="core.tick", state="done").count() == 5
