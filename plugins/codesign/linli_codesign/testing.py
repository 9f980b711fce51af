"""Builders for tests of codesign, and of plugins and communities that build on it:
projects, and a project put straight into the stage a test is about. Residents who
take part come from ``linli.testing`` (``make_resident`` in a flat of the project's
place), accounts with its ``TEST_PASSWORD``::

    from linli_codesign.testing import make_project, move_to

    project = await make_project(community, "10栋法治架空层", place=building, by=worker)
    await move_to(project, VOTE)
"""

from __future__ import annotations

from typing import Any

from linli.kit import Account, Community, Node, load_actor
from linli_codesign import services
from linli_codesign.models import Project

__all__ = ["make_project", "move_to"]


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
