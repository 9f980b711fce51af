"""The requests plugin's scheduled jobs: the reporters of a fixed request are asked "is
it really fixed?" the community's days after it was fixed (once, a one-off job put on
the calendar when it is fixed); every morning each body's staff hear of its requests
that became overdue (once each time one does); the Open311 rate-limit counters of past
minutes are cleared every hour."""

from __future__ import annotations

from datetime import timedelta

from linli.kit import JobCall, job


@job("requests.ask_confirmation")
async def ask_confirmation(call: JobCall) -> None:
    """Ask the reporters of a fixed request whether it is really fixed. A request
    reopened, closed or confirmed meanwhile (or fixed again later, with a later date)
    asks nobody."""
    from linli_requests import services

    await services.ask_confirmation(call.community, call.payload["request"], at=call.now)


@job("requests.overdue", cron="0 8 * * *", catch_up=False)
async def tell_overdue(call: JobCall) -> None:
    """Every morning at 08:00: tell each body's staff of its requests that became
    overdue since they were last told (each request once per time it becomes overdue)."""
    from linli_requests import services

    await services.tell_overdue(call.community, at=call.now)


@job("requests.api_hits", cron="17 * * * *", catch_up=False)
async def clear_api_hits(call: JobCall) -> None:
    """Every hour: forget the rate-limit counters of minutes long past."""
    from linli_requests import services

    await services.clear_api_hits(call.now - timedelta(hours=1))
