"""Builders for tests of the council, and of plugins and communities that build on it:
needs raised for residents, topics made of them, and a topic walked along the usual
path to the state a test starts from.

They are built on :mod:`linli_council.services`, so a need has its first supporter and
a topic its timeline, as when the council's pages make them; ``by`` is the account
whose permissions each step uses. People and accounts come from :mod:`linli.testing`::

    from linli_council.testing import advance_topic, make_need, make_topic

    need = await make_need(community, resident, "电动车乱停", by=worker)
    topic = await make_topic(community, [need], title="规范电动车停放", node=group, by=member)
    await advance_topic(topic, DECIDED, by=member)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from linli.kit import Account, Community, Node, Person, load_actor
from linli_council import services
from linli_council.models import DECIDED, DISCUSSED, IN_ACTION, RESOLVED, SCHEDULED, Need, Topic

__all__ = ["DECISION", "PATH", "advance_topic", "make_need", "make_topic"]

#: The usual path of a topic after it is proposed, which :func:`advance_topic` walks.
PATH = (SCHEDULED, DISCUSSED, DECIDED, IN_ACTION, RESOLVED)
#: The decision :func:`advance_topic` records unless told otherwise.
DECISION = "划定停放区"


async def make_need(
    community: Community,
    author: Person,
    text: str,
    *,
    by: Account,
    category: str = "parking",
    place: Node | None = None,
    **fields: Any,
) -> Need:
    """A need of ``author`` (its first supporter), raised by ``by``: the author's own
    account, or a worker's raising it on the author's behalf. ``fields`` go to
    :func:`~linli_council.services.raise_need` (``photo``, ``at``)."""
    return await services.raise_need(
        community,
        author=author,
        text=text,
        category=category,
        place_id=place.id if place is not None else None,
        actor=await load_actor(by),
        **fields,
    )


async def make_topic(
    community: Community,
    needs: Iterable[Need],
    *,
    title: str,
    node: Node,
    by: Account,
    category: str = "parking",
    place: Node | None = None,
    **fields: Any,
) -> Topic:
    """A proposed topic made of ``needs``, owned at the level ``node`` (a party
    committee, branch or group) and about ``place`` if given, made by ``by``.
    ``fields`` go to :func:`~linli_council.services.create_topic` (``summary``, ``at``)."""
    return await services.create_topic(
        community,
        need_ids=[need.id for need in needs],
        title=title,
        category=category,
        node_id=node.id,
        place_id=place.id if place is not None else None,
        actor=await load_actor(by),
        **fields,
    )


async def advance_topic(
    topic: Topic, state: str, *, by: Account, decision: str = DECISION
) -> Topic:
    """Walk a proposed ``topic`` along :data:`PATH` up to ``state``, each step by
    ``by`` (deciding on ``decision``, without a co-built project)."""
    actor = await load_actor(by)
    for step in PATH[: PATH.index(state) + 1]:
        if step == DECIDED:
            await services.decide(topic, decision, actor=actor)
        else:
            await services.move_topic(topic, step, actor=actor)
    return topic
