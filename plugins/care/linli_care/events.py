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
  closes care's follow-up, or the timeline entry;
- ``volunteers.call_raised`` and ``volunteers.call_closed`` (一呼百应): a call for help
  raised for a resident is on their timeline, then how it ended;
- ``mediation.case_opened`` and ``mediation.case_closed``: that a mediation case (its
  number, nothing of its content) involves the resident, then that it ended.

Care reads them through views of its own below and imports neither plugin: without
them nothing arrives. The timeline is shown only to the person's carers and care staff.
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


class CallRaised(msgspec.Struct):
    """Care's view of ``volunteers.call_raised``."""

    call: int
    beneficiary: int
    urgent: bool
    summary: str


class CallClosed(msgspec.Struct):
    """Care's view of ``volunteers.call_closed``."""

    call: int
    beneficiary: int
    outcome: str


class Case(msgspec.Struct):
    """Care's view of ``mediation.case_opened`` and ``mediation.case_closed``."""

    case: int
    number: str
    parties: list[int]


@subscribe("volunteers.call_raised", version=1, payload=CallRaised, handler="call_raised")
async def call_raised(event: Event) -> None:
    """A call for help raised for a resident goes on their care timeline."""
    raised: CallRaised = event.payload
    if event.community_id is None:
        return
    await services.call_raised(
        event.community_id, call=raised.call, person_id=raised.beneficiary,
        urgent=raised.urgent, summary=raised.summary, at=event.created_at,
    )  # fmt: skip


@subscribe("volunteers.call_closed", version=1, payload=CallClosed, handler="call_closed")
async def call_closed(event: Event) -> None:
    """The call ended: its timeline entry says how."""
    closed: CallClosed = event.payload
    if event.community_id is None or closed.beneficiary <= 0:
        return
    await services.call_closed(
        event.community_id, call=closed.call, outcome=closed.outcome, at=event.created_at
    )


@subscribe("mediation.case_opened", version=1, payload=Case, handler="case_opened")
async def case_opened(event: Event) -> None:
    """A mediation case involves residents: on each one's timeline, number only."""
    case: Case = event.payload
    if event.community_id is None:
        return
    await services.case_opened(
        event.community_id, case=case.case, number=case.number, parties=case.parties,
        at=event.created_at,
    )  # fmt: skip


@subscribe("mediation.case_closed", version=1, payload=Case, handler="case_closed")
async def case_closed(event: Event) -> None:
    """The mediation case ended: its timeline entries are marked closed."""
    case: Case = event.payload
    if event.community_id is None:
        return
    await services.case_closed(
        event.community_id, case=case.case, number=case.number, parties=case.parties,
        at=event.created_at,
    )  # fmt: skip
