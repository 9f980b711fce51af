"""Builders for tests of codesign, and of plugins and communities that build on it:
residents who may take part in a building's projects, projects, and a project put
straight into the stage a test is about.

They are built on :mod:`linli.testing`'s builders (accounts get its ``TEST_PASSWORD``)
and on :mod:`linli_codesign.services`::

    from linli_codesign.testing import make_participant, make_project, move_to

    project = await make_project(community, "10栋法治架空层", place=building, by=worker)
    person, account = await make_participant(community, building, "居民0", username="r0")
    await move_to(project, VOTE)
"""

from __future__ import annotations

from datetime import date
from typing import Any

from linli.hierarchy.models import Node
from linli.identity.models import Account, Person
from linli.models import Community
from linli.permissions.services import load_actor
from linli.testing import make_resident
from linli_codesign import services
from linli_codesign.models import Project

__all__ = ["PARTICIPANT_BORN", "make_participant", "make_project", "move_to"]

#: A participant's birth date unless a test says otherwise: an adult for any project.
PARTICIPANT_BORN = date(1970, 5, 1)


async def make_participant(
    community: Community,
    building: Node,
    name: str,
    *,
    born: date = PARTICIPANT_BORN,
    username: str | None = None,
    flat: str | None = None,
) -> tuple[Person, Account | None]:
    """A resident living in a flat of ``building`` (a new household node, coded
    ``flat`` or ``<building's code>-<person id>``), who may therefore take part in the
    projects of any place around it; with an account (and no role: taking part needs
    none) if ``username`` is given."""
    return await make_resident(
        community, building, name, username=username, roles=(), flat=flat, born=born
    )


async def make_project(
    community: Community,
    title: str,
    *,
    place: Node | None = None,
    by: Account | None = None,
    **fields: Any,
) -> Project:
    """A project for ``place`` (the whole community by default) in its first stage,
    created by ``by`` if given; ``fields`` go to
    :func:`~linli_codesign.services.create_project` (``dates``, ``min_age`` …)."""
    actor = await load_actor(by) if by is not None else None
    return await services.create_project(community, title=title, place=place, actor=actor, **fields)


async def move_to(project: Project, stage: str) -> Project:
    """Put ``project`` in ``stage`` directly, without the steps and events on the way
    (for tests of what one stage allows)."""
    await Project.filter(id=project.id).update(stage=stage)
    project.stage = stage
    return project
