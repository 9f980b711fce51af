"""World builders: the people, places, households and accounts a test needs, in one
call each, with the same defaults everywhere.

Accounts get the password :data:`TEST_PASSWORD`, hashed once per process with the test
hasher, so making ten accounts costs ten inserts and no hashing. A bundled plugin ships
its own builders the same way, in ``linli_<name>/testing.py``, built on these.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from linli.domain.communities import community_root, create_community
from linli.domain.enablement import enable
from linli.domain.hierarchy.models import Node, NodeKind
from linli.domain.hierarchy.services import add_node
from linli.domain.identity.models import Account, Household, Membership, Person, PersonTag
from linli.domain.identity.passwords import TEST_HASHER
from linli.domain.permissions.models import Grant, Role
from linli.domain.permissions.services import grant
from linli.kernel.models import Community
from linli.kernel.registry import PluginRegistry

TEST_PASSWORD = "neighbour-2026"
#: When a builder's household was moved into, unless a test says otherwise.
MOVED_IN = date(2020, 1, 1)

_hashes: dict[str, str] = {}


def password_hash(password: str = TEST_PASSWORD) -> str:
    """An argon2 hash of ``password``, made once per process with the test hasher."""
    if password not in _hashes:
        _hashes[password] = TEST_HASHER.hash(password)
    return _hashes[password]


async def grant_role(
    account: Account, community: Community, key: str, node: Node | None = None
) -> Grant:
    """Give the community's role ``key`` to ``account`` at ``node`` (by default the
    community's own place node, so it covers the whole community)."""
    role = await Role.get(community=community, key=key)
    return await grant(account, role, node or await community_root(community))


async def make_community(
    slug: str,
    name: str,
    registry: PluginRegistry,
    *,
    plugins: Iterable[str] = (),
    name_en: str = "",
) -> Community:
    """Another community (the test's own is the ``linli_community`` fixture), with its
    trees and roles, and ``plugins`` switched on there."""
    community = await create_community(slug, name, registry, name_en=name_en)
    for plugin in plugins:
        await enable(community, plugin, registry)
    return community


async def make_account(
    username: str,
    community: Community,
    *roles: str | tuple[str, Node],
    person: Person | None = None,
    password: str = TEST_PASSWORD,
    phone: str | None = None,
) -> Account:
    """An account holding ``roles`` in ``community``: each a role key (granted at the
    community's own place node) or ``(role key, node)``. Log in with
    :func:`linli.testing.log_in` and ``password``."""
    account = await Account.create(
        username=username, phone=phone, person=person, password_hash=password_hash(password)
    )
    for entry in roles:
        key, node = (entry, None) if isinstance(entry, str) else entry
        await grant_role(account, community, key, node)
    return account


async def make_place(
    community: Community,
    kind: str,
    name: str,
    *,
    parent: Node | None = None,
    code: str = "",
    name_en: str = "",
    covers: Node | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
) -> Node:
    """A node of ``kind`` under ``parent``; without a parent, a place goes under the
    community's own node and an organisation node becomes a root of its tree."""
    node_kind = await NodeKind.get(key=kind)
    if parent is None:
        root = await community_root(community)
        parent = root if node_kind.tree == root.tree else None
    return await add_node(
        kind=node_kind,
        name=name,
        parent=parent,
        community_id=community.id,
        code=code,
        name_en=name_en,
        covers=covers,
        latitude=latitude,
        longitude=longitude,
    )


async def make_person(
    community: Community,
    name: str,
    *,
    born: date | None = None,
    tags: Iterable[str] = (),
    **details: Any,
) -> Person:
    """A person on the community's register, with ``tags`` (``独居``, ``高龄`` …) and any
    other :class:`~linli.domain.identity.models.Person` field in ``details``."""
    person = await Person.create(community=community, name=name, birth_date=born, **details)
    for tag in tags:
        await PersonTag.create(person=person, tag=tag)
    return person


async def make_household(
    community: Community,
    home: Node,
    *members: Person,
    code: str | None = None,
    since: date = MOVED_IN,
) -> Household:
    """A household living at ``home`` (a household node), with ``members`` in it."""
    household = await Household.create(
        community=community, node=home, code=code or home.code or f"h-{home.id}"
    )
    for member in members:
        await Membership.create(household=household, person=member, started_on=since)
    return household


async def make_resident(
    community: Community,
    building: Node,
    name: str,
    *,
    username: str | None = None,
    roles: Iterable[str | tuple[str, Node]] = ("resident",),
    flat: str | None = None,
    born: date | None = None,
    tags: Iterable[str] = (),
) -> tuple[Person, Account | None]:
    """A person living in a flat of ``building`` (a new household node named ``flat``,
    by default after the person), with an account holding ``roles`` if ``username`` is
    given."""
    person = await make_person(community, name, born=born, tags=tags)
    code = flat or f"{building.code or building.id}-{person.id}"
    home = await add_node(kind="household", name=flat or f"{name}家", parent=building, code=code)
    await make_household(community, home, person, code=code)
    account = None
    if username:
        account = await make_account(username, community, *roles, person=person)
    return person, account
