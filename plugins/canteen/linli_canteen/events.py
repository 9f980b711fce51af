"""What the canteen tells other plugins, always in the transaction of the change it
reports (so a change that rolls back tells nothing):

- its own ``canteen.delivery_done`` and ``canteen.delivery_undone`` (declared here), for
  any plugin that follows the deliveries themselves;
- the core's shared ``service.verified`` and ``service.withdrawn`` for the volunteer who
  delivered: one task of the ``meal-delivery`` category per delivered order, reference
  ``delivery:<order id>``, taken back when the volunteer undoes the mark. The street
  bank turns them into points, as it does for every other verified service.

- the core's shared ``welfare.concern`` when nobody opened the door (reference
  ``alert:<id>``, level ``help``), and ``welfare.resolved`` when the duty worker resolves
  an alert (or the volunteer withdraws it), with the source and reference of the
  concern the alert came from.

The canteen's list of welfare alerts is the duty worker's one list: it hears
``welfare.concern`` from every other plugin (a carer who found someone needing help)
and makes an alert of it, resolved the same way; ``welfare.resolved`` from another
list closes it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from linli.kit import (
    N_,
    Event,
    ServiceVerified,
    ServiceWithdrawn,
    WelfareConcern,
    WelfareResolved,
    emit,
    event,
    subscribe,
)

DELIVERY_DONE = "canteen.delivery_done"
DELIVERY_UNDONE = "canteen.delivery_undone"
#: Who reports the volunteer's service, and its category for whoever rewards it.
SOURCE = "canteen"
MEAL_DELIVERY = "meal-delivery"
#: Why a delivery's service is withdrawn (a message id a consumer may show).
UNDONE_REASON = N_("Meal delivery undone by the volunteer")


@event(DELIVERY_DONE, version=1)
class DeliveryDone(msgspec.Struct):
    """A volunteer (``volunteer``, a Person id) delivered ``order`` at ``delivered_at``."""

    volunteer: int
    order: int
    delivered_at: datetime


@event(DELIVERY_UNDONE, version=1)
class DeliveryUndone(msgspec.Struct):
    """The volunteer who delivered ``order`` took the mark back within the undo window
    (a mistaken tap). The ``delivery_done`` before it stays emitted: a handler that
    acted on it should take it back. The order may be delivered again later."""

    volunteer: int
    order: int
    undone_at: datetime


def service_reference(order_id: int) -> str:
    """The reference of an order's delivery in ``service.*``: one service per order."""
    return f"delivery:{order_id}"


async def delivered(*, order: int, volunteer: int, community: int, at: datetime) -> None:
    """Tell that ``volunteer`` delivered ``order``: the canteen's own event and the
    volunteer's verified service. Call it in the transaction of the mark."""
    await emit(
        DELIVERY_DONE,
        DeliveryDone(volunteer=volunteer, order=order, delivered_at=at),
        community=community,
    )
    await emit(
        "service.verified",
        ServiceVerified(
            person=volunteer,
            source=SOURCE,
            reference=service_reference(order),
            category=MEAL_DELIVERY,
            tasks=1,
            hours=1.0,
        ),
        community=community,
    )


async def undelivered(*, order: int, volunteer: int, community: int, at: datetime) -> None:
    """Tell that ``volunteer`` took back their "delivered" mark of ``order``: the
    canteen's own event and the withdrawal of the service. Call it in the transaction
    of the undo."""
    await emit(
        DELIVERY_UNDONE,
        DeliveryUndone(volunteer=volunteer, order=order, undone_at=at),
        community=community,
    )
    await emit(
        "service.withdrawn",
        ServiceWithdrawn(
            person=volunteer,
            source=SOURCE,
            reference=service_reference(order),
            reason=UNDONE_REASON,
        ),
        community=community,
    )


def concern_reference(alert: Any) -> tuple[str, str]:
    """The source and reference an alert is known by in ``welfare.*``."""
    if alert.source == SOURCE:
        return SOURCE, f"alert:{alert.id}"
    return alert.source, alert.reference


async def no_answer(alert: Any) -> None:
    """Tell that nobody opened the door (``welfare.concern``), in the alert's
    transaction."""
    await emit(
        "welfare.concern",
        WelfareConcern(
            person=alert.person_id,
            source=SOURCE,
            reference=f"alert:{alert.id}",
            level="help",
            raised_by=alert.raised_by_id or 0,
        ),
        community=alert.community_id,
    )


async def alert_closed(alert: Any, *, note: str) -> None:
    """Tell that an alert was resolved, or withdrawn (``welfare.resolved``)."""
    source, reference = concern_reference(alert)
    await emit(
        "welfare.resolved",
        WelfareResolved(person=alert.person_id, source=source, reference=reference, note=note),
        community=alert.community_id,
    )


class Concern(msgspec.Struct):
    """The canteen's view of ``welfare.concern``."""

    person: int
    source: str
    reference: str
    level: str
    summary: str
    raised_by: int
    link: str


class Resolved(msgspec.Struct):
    """The canteen's view of ``welfare.resolved``."""

    source: str
    reference: str
    note: str


@subscribe("welfare.concern", version=1, payload=Concern, handler="alert_from_elsewhere")
async def alert_from_elsewhere(event: Event) -> None:
    """Another plugin's welfare concern goes on the duty worker's list of alerts."""
    if event.community_id is None:
        return
    from linli_canteen import services

    await services.concern_reported(event.community_id, event.payload, at=event.created_at)


@subscribe("welfare.resolved", version=1, payload=Resolved, handler="resolved_elsewhere")
async def resolved_elsewhere(event: Event) -> None:
    """A concern resolved in another list closes its alert here."""
    if event.community_id is None:
        return
    from linli_canteen import services

    resolved: Resolved = event.payload
    await services.concern_resolved(
        event.community_id,
        source=resolved.source,
        reference=resolved.reference,
        note=resolved.note,
        at=event.created_at,
    )
