"""Builders for tests of mediation, and of plugins and communities that build on it:
studios with their rooms and hosts, mediators, and cases taken in between parties.

They are built on :mod:`linli_mediation.services`, so a case is opened through intake,
with its history, its level and the conflict-of-interest check. Accounts come from the
test's own builders (``linli.testing.make_account``), to log in with::

    from linli.testing import make_account
    from linli_mediation.testing import make_case, make_mediator, make_studio

    studio = await make_studio(community, "莲姐议事", host="刘莲")
    lian = await make_mediator(studio, await make_account("lian", community))
    case = await make_case(community, lian, parties=[zhang, li], place=flat)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from linli.kit import (
    Account,
    Community,
    Node,
    Person,
    add_node,
    community_root,
    grant_role,
    load_actor,
)
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
    node = await add_node(
        kind="facility",
        name=room or f"{name}工作室",
        parent=parent or await community_root(community),
    )
    if isinstance(host, str):
        host = await Person.create(community=community, name=host)
    return await services.create_studio(community, name=name, node=node, host=host, **fields)


async def make_mediator(studio: Studio, account: Account) -> Account:
    """``account`` holding the ``mediator`` role at ``studio``'s room; an account of no
    resident is linked to the studio's host."""
    if account.person_id is None and studio.host_id is not None:
        account.person_id = studio.host_id
        await account.save(update_fields=["person_id"])
    await grant_role(account, "mediator", await Node.get(id=studio.node_id))
    return account


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
