"""The canteen's scheduled jobs: standing orders are placed every morning before the
cut-off, and an unanswered door ("无人应门") that nobody resolved is brought back to the
worker on duty after 2 hours and escalated to everyone who handles alerts after 24."""

from __future__ import annotations

from datetime import timedelta

from linli.kit import JobCall, Person, RoleAt, job, notify, schedule

#: When the duty worker is reminded, and when the alert goes to all who handle alerts.
REMIND_AFTER = timedelta(hours=2)
ESCALATE_AFTER = timedelta(hours=24)


@job("canteen.standing_orders", cron="0 6 * * *", catch_up=False)
async def place_standing_orders(call: JobCall) -> None:
    """Every morning at 06:00 (before any cut-off) the day's standing orders become
    orders; a missed morning is not made up (its meals are past)."""
    from linli_canteen import services

    await services.place_standing_orders(
        call.community, call.slot.date(), now=call.now, zone=call.zone
    )


async def schedule_alert_reminders(alert_id: int, community_id: int, raised_at: object) -> None:
    """Put the reminder and the escalation of a new alert on the calendar (in the
    transaction that raises it)."""
    from datetime import datetime

    assert isinstance(raised_at, datetime)
    for stage, after in (("remind", REMIND_AFTER), ("escalate", ESCALATE_AFTER)):
        await schedule(
            remind_alert,
            at=raised_at + after,
            community=community_id,
            payload={"alert": alert_id, "stage": stage},
            key=f"alert:{alert_id}:{stage}",
        )


@job("canteen.alert_reminder")
async def remind_alert(call: JobCall) -> None:
    """Tell the duty worker (the nearest who handles alerts at the home) that the alert
    is still open, or — at the escalation — everyone who handles alerts there. An alert
    resolved or withdrawn meanwhile tells nobody."""
    from linli_canteen.models import WelfareAlert
    from linli_canteen.notifications import ALERT_ESCALATED, ALERT_UNRESOLVED

    alert = await WelfareAlert.get_or_none(id=call.payload["alert"]).select_related("node")
    if alert is None or alert.resolved_at is not None:
        return
    person = await Person.get(id=alert.person_id)
    escalate = call.payload.get("stage") == "escalate"
    after = ESCALATE_AFTER if escalate else REMIND_AFTER
    await notify(
        RoleAt(alert.node, permission="canteen.alert.handle", nearest=not escalate),
        ALERT_ESCALATED if escalate else ALERT_UNRESOLVED,
        subject=person.name,
        values={"hours": str(int(after.total_seconds() // 3600))},
        link=f"/c/{call.community.slug}/canteen/alerts/",
        community=call.community,
    )
