"""What the volunteers tell, and what they hear.

They emit the core's shared ``service.verified`` when a leader approves hours (source
``volunteers``, reference ``hours:<id>``, or ``hours:<id>:c<correction>`` for corrected
hours, the earlier report then withdrawn with ``service.withdrawn``): the street bank
turns it into points. They declare no event of their own.

They hear the street bank's ``streetbank.points_credited`` and
``streetbank.points_withdrawn`` for their own services, and keep the points standing on
each hours entry, so that a volunteer's page shows what their hours earned without
importing the street bank (without it, nothing arrives and the page shows no points).

They hear ``service.verified`` and ``service.withdrawn`` from every other source: the
canteen's delivery volunteers and codesign's build contributors are volunteers too. Their
service puts them on the register (one record per person), in the team that serves that
category (a team whose category is ``meal-delivery`` takes the canteen's deliverers),
and counts in their hours, without being rewarded a second time.
"""

from __future__ import annotations

import msgspec

from linli.kit import Event, subscribe
from linli_volunteers import services


class Verified(msgspec.Struct):
    """The volunteers' view of ``service.verified``."""

    person: int
    source: str
    reference: str
    category: str
    hours: float
    tasks: int
    note: str


class Withdrawn(msgspec.Struct):
    """The volunteers' view of ``service.withdrawn``."""

    person: int
    source: str
    reference: str
    reason: str


@subscribe("service.verified", version=1, payload=Verified, handler="count_service")
async def count_service(event: Event) -> None:
    """Count service verified elsewhere on its volunteer's record."""
    service: Verified = event.payload
    if service.source == services.SOURCE or event.community_id is None:
        return
    await services.record_outside_service(
        event.community_id,
        person_id=service.person,
        source=service.source,
        reference=service.reference,
        category=service.category,
        hours=service.hours,
        tasks=service.tasks,
        day=services.local_day(event.created_at),
        title=service.note or service.category,
    )


@subscribe("service.withdrawn", version=1, payload=Withdrawn, handler="uncount_service")
async def uncount_service(event: Event) -> None:
    """A service verified elsewhere was taken back: it no longer counts."""
    service: Withdrawn = event.payload
    if service.source == services.SOURCE or event.community_id is None:
        return
    await services.withdraw_outside_service(
        event.community_id,
        person_id=service.person,
        source=service.source,
        reference=service.reference,
        reason=service.reason,
    )


class Points(msgspec.Struct):
    """The volunteers' view of ``streetbank.points_credited`` and
    ``streetbank.points_withdrawn``."""

    person: int
    source: str
    reference: str
    points: int


@subscribe("streetbank.points_credited", version=1, payload=Points, handler="count_points")
async def count_points(event: Event) -> None:
    """Points the street bank credited for hours of this register."""
    credited: Points = event.payload
    if credited.source != services.SOURCE or event.community_id is None:
        return
    await services.record_points(event.community_id, credited.reference, credited.points)


@subscribe("streetbank.points_withdrawn", version=1, payload=Points, handler="uncount_points")
async def uncount_points(event: Event) -> None:
    """Points the street bank took back (corrected hours are withdrawn, then verified
    again under a new reference)."""
    withdrawn: Points = event.payload
    if withdrawn.source != services.SOURCE or event.community_id is None:
        return
    await services.record_points(event.community_id, withdrawn.reference, -withdrawn.points)
