"""What the canteen tells other plugins, always in the transaction of the change it
reports (so a change that rolls back tells nothing):

- its own ``canteen.delivery_done`` and ``canteen.delivery_undone`` (declared here), for
  any plugin that follows the deliveries themselves;
- the core's shared ``service.verified`` and ``service.withdrawn`` for the volunteer who
  delivered: one task of the ``meal-delivery`` category per delivered order, reference
  ``delivery:<order id>``, taken back when the volunteer undoes the mark. The street
  bank turns them into points, as it does for every other verified service.

The canteen listens to no event.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from linli.kit import N_, ServiceVerified, ServiceWithdrawn, emit, event

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
