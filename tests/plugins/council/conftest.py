"""Shared set-up of the council's tests: a place tree (estate, buildings 10 and 11, a
flat in each), the party tree's three levels, residents living in each building, a
council member and a community worker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from linli.communities import community_root
from linli.hierarchy.models import Node
from linli.hierarchy.services import add_node
from linli.identity.models import Account, Household, Membership, Person
from linli.identity.passwords import hash_password
from linli.models import Community
from linli.permissions.models import Role
from linli.permissions.services import Actor, grant, load_actor
from linli.testing import TEST_PASSWORD

#: Hashed once: argon2 takes a third of a second per account on these machines.
PASSWORD_HASH = hash_password(TEST_PASSWORD)


async def make_account(
    username: str, community: Community, *roles: str | tuple[str, Node], person=None
) -> Account:
    """Like the kit's ``make_account`` (same password), without hashing every time."""
    account = await Account.create(username=username, password_hash=PASSWORD_HASH, person=person)
    root = await community_root(community)
    for entry in roles:
        key, node = (entry, root) if isinstance(entry, str) else entry
        await grant(account, await Role.get(community=community, key=key), node)
    return account


@dataclass
class Council:
    community: Community
    estate: Node
    b10: Node
    b11: Node
    committee: Node
    branch: Node
    group: Node
    resident: Person  # lives in building 10, account "resident"
    neighbour: Person  # lives in building 11, account "neighbour"
    member: Account  # council member
    worker: Account  # community worker (manage and approve)

    async def actor(self, account: Account) -> Actor:
        return await load_actor(account)


async def make_resident(
    community: Community, building: Node, name: str, username: str | None = None
) -> tuple[Person, Account | None]:
    """A person living in a flat of ``building``, with a resident account if named."""
    flat = await add_node(kind="household", name=f"{name}家", parent=building)
    household = await Household.create(community=community, node=flat, code=f"h-{flat.id}")
    person = await Person.create(community=community, name=name)
    await Membership.create(household=household, person=person, started_on=date(2020, 1, 1))
    account = None
    if username:
        account = await make_account(username, community, "resident", person=person)
    return person, account


@pytest.fixture
async def council(linli_community: Community) -> Council:
    community = linli_community
    root = await community_root(community)
    estate = await add_node(kind="estate", name="江汉里二期", parent=root)
    b10 = await add_node(kind="building", name="10栋", parent=estate)
    b11 = await add_node(kind="building", name="11栋", parent=estate)
    committee = await add_node(kind="party_committee", name="社区党委", community_id=community.id)
    branch = await add_node(kind="party_branch", name="二期党支部", parent=committee)
    group = await add_node(kind="party_group", name="10栋党小组", parent=branch, covers=b10)
    resident, _ = await make_resident(community, b10, "张阿姨", "resident")
    neighbour, _ = await make_resident(community, b11, "李大爷", "neighbour")
    member_person = await Person.create(community=community, name="王委员")
    member = await make_account("member", community, "council_member", person=member_person)
    worker = await make_account("worker", community, "community_worker")
    return Council(
        community,
        estate,
        b10,
        b11,
        committee,
        branch,
        group,
        resident,
        neighbour,
        member,
        worker,
    )


@pytest.fixture
def client(linli_client):
    """The test client, reading pages in English (message ids are English)."""
    linli_client.cookies.set("linli_lang", "en")
    return linli_client
