"""Builders for tests of mediation, and of plugins and communities that build on it:
studios with their rooms and hosts, mediators, and cases taken in between parties.

They are built on :mod:`linli.testing`'s builders (accounts get its ``TEST_PASSWORD``)
and on :mod:`linli_mediation.services`, so a case is opened through intake, with its
history, its level and the conflict-of-interest check::

    from linli_mediation.testing import make_case, make_mediator, make_studio

    studio = await make_studio(community, "莲姐议事", host="刘莲")
    mediator = await make_mediator(community, studio, "lian")
    case = await make_case(community, mediator, parties=[zhang, li], place=flat)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from linli.hierarchy.models import Node
from linli.identity.models import Account, Person
from linli.models import Community
from linli.permissions.services import load_actor
from linli.testing import make_account, make_person, make_place
from linli_mediation import services
from linli_mediation.models import Case, Studio

__all__ = ["make_case", "make_mediator", "make_studio"]


async def make_studio(
    community: Community,
    name: str,
    *,
    host: str | Person | None = None,
    room: str | None = None,
    parent: Node | None = None,
    **fields: Any,
) -> Studio:
    """A studio called ``name`` in its own room: a facility node named ``room`` (by
    default ``<name>工作室``) under ``parent`` (by default the community's own node).
    ``host`` is the host mediator, a person or the name of a new one; ``fields`` go to
    :func:`~linli_mediation.services.create_studio` (``opening_hours``, ``specialties``)."""
    node = await make_place(community, "facility", room or f"{name}工作室", parent=parent)
    if isinstance(host, str):
        host = await make_person(community, host)
    return await services.create_studio(community, name=name, node=node, host=host, **fields)


async def make_mediator(
    community: Community, studio: Studio, username: str, *, person: Person | None = None
) -> Account:
    """An account holding the ``mediator`` role at ``studio``'s room, for ``person``
    (by default the studio's host)."""
    if person is None and studio.host_id is not None:
        person = await Person.get(id=studio.host_id)
    room = await Node.get(id=studio.node_id)
    return await make_account(username, community, ("mediator", room), person=person)


async def make_case(
    community: Community,
    by: Account,
    *,
    parties: Iterable[Person | services.PartyInput],
    summary: str = "楼上漏水到楼下",
    category: str = "leak",
    place: Node | None = None,
    **fields: Any,
) -> Case:
    """A case taken in by ``by`` (a mediator, who is assigned it, or a community worker)
    at ``place``. Of the ``parties``, a person of the register is the applicant if
    first and a respondent otherwise; a :class:`~linli_mediation.services.PartyInput`
    is taken as it is. ``fields`` go to :func:`~linli_mediation.services.open_case`
    (``studio``, ``mediator``, ``now`` …)."""
    inputs = [
        party
        if isinstance(party, services.PartyInput)
        else services.PartyInput(person=party, side="respondent" if i else "applicant")
        for i, party in enumerate(parties)
    ]
    return await services.open_case(
        community,
        await load_actor(by),
        summary=summary,
        category=category,
        place=place,
        parties=inputs,
        **fields,
    )
