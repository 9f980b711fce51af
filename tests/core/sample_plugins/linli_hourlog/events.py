"""The hour log's events: what they emit, and what they listen to."""

from __future__ import annotations

import msgspec

from linli.kit import Event, event, subscribe


@event("hourlog.hours_logged", version=1)
class HoursLogged(msgspec.Struct):
    hours_id: int
    person: int
    hours: float


class NoteSeen(msgspec.Struct):
    """The hour log's view of the sample plugin's ``sample.note_added``."""

    note_id: int


#: Notes whose event reached the hour log (tests read it).
SEEN: list[int] = []


@subscribe("sample.note_added", version=1, payload=NoteSeen)
async def remember_note(event: Event) -> None:
    SEEN.append(event.payload.note_id)
