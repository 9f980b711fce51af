"""What care tells other plugins, and what it hears.

Care emits the core's shared ``welfare.concern`` when a carer finds someone who needs
help (source ``care``, reference ``visit:<id>``), and ``welfare.resolved`` when the
duty worker resolves that follow-up on care's own list. It declares no event of its
own.

It hears:

- ``register.changed`` (the core): the people whose record changed are put in, or
  taken out of, the care groups their age and tags now match;
- ``welfare.concern`` from every other source (the canteen's "nobody opened the
  door" …): an entry on the person's care timeline;
- ``welfare.resolved``: a concern resolved in another list (the canteen's alerts)
  closes care's follow-up, or the timeline entry.
"""

from __future__ import annotations

import msgspec

from linli.kit import Event, subscribe
from linli_care import services


class Changed(msgspec.Struct):
    """Care's view of ``register.changed``."""

    people: list[int]


class Concern(msgspec.Struct):
    """Care's view of ``welfare.concern``."""

    person: int
    source: str
    reference: str
    level: str
    summary: str
    link: str


class Resolved(msgspec.Struct):
    """Care's view of ``welfare.resolved``."""

    source: str
    reference: str
    note: str


#: Beyond this many people a change recomputes the whole community (one pass).
WHOLE = 500


@subscribe("register.changed", version=1, payload=Changed, handler="regroup")
async def regroup(event: Event) -> None:
    """The register changed: recompute the groups of those people."""
    if event.community_id is None:
        return
    people: list[int] = event.payload.people
    await services.recompute(
        event.community_id,
        services.local_day(services.now_utc()),
        people if len(people) <= WHOLE else None,
    )


@subscribe("welfare.concern", version=1, payload=Concern, handler="on_timeline")
async def on_timeline(event: Event) -> None:
    """A concern another plugin reported goes on the person's care timeline."""
    if event.community_id is None:
        return
    await services.concern_elsewhere(event.community_id, event.payload, at=event.created_at)


@subscribe("welfare.resolved", version=1, payload=Resolved, handler="close_concern")
async def close_concern(event: Event) -> None:
    """A concern resolved elsewhere is closed here too."""
    if event.community_id is None:
        return
    resolved: Resolved = event.payload
    await services.resolved_elsewhere(
        event.community_id,
        source=resolved.source,
        reference=resolved.reference,
        note=resolved.note,
        now=event.created_at,
    )
