"""The council's events: the one it emits, and the one it listens to.

Kept apart from the models and services so that declaring them imports nothing heavy;
the handler reaches the services when an event arrives.
"""

from __future__ import annotations

import msgspec

from linli.kit import Event, event, subscribe


@event("council.project_requested", version=1)
class ProjectRequested(msgspec.Struct):
    """Payload of ``council.project_requested``: a decision asks for a co-built project.
    ``place`` is a place node id (who takes part); ``topic_url`` the topic's public page."""

    topic: int
    title: str
    place: int | None
    summary: str
    topic_url: str


class ProjectCreated(msgspec.Struct):
    """The council's view of ``codesign.project_created``: the fields it reads."""

    project: int
    topic: int | None
    title: str
    url: str


@subscribe("codesign.project_created", version=1, payload=ProjectCreated, handler="note_project")
async def note_project_started(event: Event) -> None:
    """Note the co-built project on its topic's timeline (once per project)."""
    from linli_council import services

    if event.community_id is None:
        return
    payload: ProjectCreated = event.payload
    await services.record_project_started(
        event.community_id,
        project=payload.project,
        topic_id=payload.topic,
        title=payload.title,
        url=payload.url,
    )
