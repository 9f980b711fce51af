"""The payload of the event the council emits (kept apart from the models so that the
hook declaring it imports nothing heavy)."""

from __future__ import annotations

import msgspec


class ProjectRequested(msgspec.Struct):
    """Payload of ``council.project_requested``: a decision asks for a co-built project.
    ``place`` is a place node id (who takes part); ``topic_url`` the topic's public page."""

    topic: int
    title: str
    place: int | None
    summary: str
    topic_url: str
