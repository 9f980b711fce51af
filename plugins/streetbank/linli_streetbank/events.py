"""What the street bank hears: one kind of fact, whoever reports it.

A person's voluntary service verified by whoever organised it — a canteen delivery, a
co-built project's hours, the volunteers' register — arrives as the core's shared
``service.verified``; a service reported by mistake is taken back with
``service.withdrawn``.

What it tells in return, so that whoever reported a service can show what it earned
without importing the street bank: ``streetbank.points_credited`` when a reported
service is credited, ``streetbank.points_withdrawn`` when its credit is reversed, both
with the reporter's own ``source`` and ``reference`` (emitted in the transaction of the
credit or the reversal). Services a worker records by hand are not announced.
"""

from __future__ import annotations

import msgspec

from linli.kit import Event, event, subscribe
from linli_streetbank import services


@event("streetbank.points_credited", version=1)
class PointsCredited(msgspec.Struct):
    """Points credited to ``person`` for the service ``source`` reported as
    ``reference`` (``service.verified``)."""

    person: int
    source: str
    reference: str
    points: int


@event("streetbank.points_withdrawn", version=1)
class PointsWithdrawn(msgspec.Struct):
    """The ``points`` credited for a reported service taken back, because its
    reporter withdrew it (``service.withdrawn``)."""

    person: int
    source: str
    reference: str
    points: int


class VerifiedService(msgspec.Struct):
    """The street bank's view of ``service.verified``: the fields it reads. ``category``
    is the key of one of the community's service categories; ``hours`` count in a
    category paid per hour, ``tasks`` in one paid per task."""

    person: int
    source: str
    reference: str
    category: str
    hours: float
    tasks: int


class WithdrawnService(msgspec.Struct):
    """The street bank's view of ``service.withdrawn``."""

    person: int
    source: str
    reference: str


def _community(event: Event) -> int:
    if event.community_id is None:
        raise ValueError(f"{event.name} needs a community")
    return event.community_id


@subscribe("service.verified", version=1, payload=VerifiedService, handler="credit_service")
async def credit_service(event: Event) -> None:
    """Credit the points of a verified service, at most once while it stands (see
    :func:`~linli_streetbank.services.credit_service`)."""
    service: VerifiedService = event.payload
    await services.credit_service(
        _community(event),
        person_id=service.person,
        source=service.source,
        reference=service.reference,
        category_key=service.category,
        hours=service.hours,
        tasks=service.tasks,
        event_id=str(event.id),
        now=event.created_at,
    )


@subscribe("service.withdrawn", version=1, payload=WithdrawnService, handler="withdraw_service")
async def withdraw_service(event: Event) -> None:
    """Reverse the points a withdrawn service earned, once (see
    :func:`~linli_streetbank.services.withdraw_service`)."""
    service: WithdrawnService = event.payload
    await services.withdraw_service(
        _community(event),
        person_id=service.person,
        source=service.source,
        reference=service.reference,
        event_id=str(event.id),
        now=event.created_at,
    )
