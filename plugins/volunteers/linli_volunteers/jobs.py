"""一呼百应's scheduled jobs (community time, Asia/Shanghai by default), each run once
per slot and community:

- 03:00 — calls for help of the days before that were never filled are closed as
  expired, and whoever raised each is told;
- 09:00 — volunteers whose qualification expires within 30 days are warned, with the
  leaders of their teams (once per expiry date);
- 18:00 — everyone signed up for a shift tomorrow is reminded.
"""

from __future__ import annotations

from datetime import timedelta

from linli.kit import JobCall, job


@job("volunteers.expire_calls", cron="0 3 * * *", catch_up=False)
async def expire_calls(call: JobCall) -> None:
    """Close yesterday's (and older) calls that nobody filled; a missed night is made up
    by the next, which closes them too."""
    from linli_volunteers import services

    await services.expire_calls(call.community, call.slot.date(), now=call.now, zone=call.zone)


@job("volunteers.qualification_warnings", cron="0 9 * * *", catch_up=False)
async def warn_qualifications(call: JobCall) -> None:
    """Warn of qualifications expiring within 30 days that nobody was warned of yet."""
    from linli_volunteers import services

    await services.warn_qualifications(call.community, call.slot.date())


@job("volunteers.shift_reminders", cron="0 18 * * *", catch_up=False)
async def remind_shifts(call: JobCall) -> None:
    """Remind the volunteers signed up for tomorrow's shifts; a missed evening is not
    made up (its shifts may have started)."""
    from linli_volunteers import services

    await services.remind_shifts(
        call.community, call.slot.date() + timedelta(days=1), zone=call.zone
    )
