"""The events of participatory design: the one it emits, and the council's it listens to.

Confirmed hours are reported with the core's shared ``service.verified`` (see
:func:`linli_codesign.services.decide_contribution`), so whoever rewards volunteers'
time (the street bank) credits them without knowing this plugin.
"""

from __future__ import annotations

import msgspec

from linli.kit import Event, event, subscribe


@event("codesign.project_created", version=1)
class ProjectCreated(msgspec.Struct):
    """A co-built project was created, by a worker or for a council topic (``topic``);
    ``url`` is the project's page."""

    project: int
    topic: int | None
    title: str
    url: str


class ProjectRequested(msgspec.Struct):
    """The council's ``council.project_requested`` as this plugin reads it: a decision
    of ``topic`` asks for a co-built project at the place node ``place``."""

    topic: int
    title: str
    place: int | None = None
    summary: str = ""
    topic_url: str = ""


@subscribe(
    "council.project_requested", version=1, payload=ProjectRequested, handler="create_project"
)
async def create_requested_project(event: Event) -> None:
    """Create the project a council topic asked for, once per topic."""
    from linli_codesign import services  # here: the services import this module's payloads

    if event.community_id is None:
        raise ValueError("council.project_requested needs a community")
    await services.project_from_topic(event.community_id, event.payload)
