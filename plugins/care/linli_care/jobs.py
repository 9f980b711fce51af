"""Care's scheduled jobs: every night the groups are recomputed (a birthday may cross a
group's age), and every morning the carers of people whose visit is overdue are
reminded, once per overdue period."""

from __future__ import annotations

from linli.kit import JobCall, job


@job("care.recompute", cron="30 0 * * *", catch_up=False)
async def recompute_groups(call: JobCall) -> None:
    """At 00:30 the groups follow the register again (a birthday crossing 80)."""
    from linli_care import services

    await services.recompute(call.community, call.slot.date())


@job("care.overdue_reminders", cron="0 9 * * *", catch_up=False)
async def remind_overdue(call: JobCall) -> None:
    """At 09:00 each carer of a person whose visit is overdue is told, once for each
    due day missed."""
    from linli_care import services

    await services.remind_overdue(call.community, call.slot.date(), call.now)
