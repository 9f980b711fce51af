"""What the volunteers tell, and what they hear.

They emit the core's shared ``service.verified`` when a leader approves hours (source
``volunteers``, reference ``hours:<id>``, or ``hours:<id>:c<correction>`` for corrected
hours, the earlier report then withdrawn with ``service.withdrawn``): the street bank
turns it into points.

They declare two events of their own, so that other features (care's timeline) can
follow a call for help without importing this plugin: ``volunteers.call_raised`` when a
call is raised, and ``volunteers.call_closed`` when it ends (help given, cancelled, or
expired by the night job), each in the transaction of the change. They carry what the
call's public page shows (its title), never the beneficiary's name, address or phone.

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

from linli.kit import Event, event, subscribe
from linli_volunteers import services


@event("volunteers.call_raised", version=1)
class CallRaised(msgspec.Struct):
    """A call for help was raised. ``beneficiary`` is the register's person it is for
    (0 when the call names nobody of the register); ``skill`` the skill's name and
    ``category`` its service category key ("" for a call anyone can answer);
    ``summary`` the call's public title; ``link`` the call's page."""

    call: int
    beneficiary: int
    skill: str
    category: str
    urgent: bool
    summary: str
    link: str


@event("volunteers.call_closed", version=1)
class CallClosed(msgspec.Struct):
    """A call for help ended: ``outcome`` is ``"done"`` (help given), ``"cancelled"``
    or ``"expired"`` (its day passed before all its helpers came forward). An expired
    call its helpers went to anyway may later be closed as ``"done"``."""

    call: int
    beneficiary: int
    outcome: str


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
