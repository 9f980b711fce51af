"""Shared set-up of the council's tests: a place tree (estate, buildings 10 and 11, a
flat in each), the party tree's three levels, residents living in each building, a
council member and a community worker."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from linli.kit import Account, Actor, Community, Node, Person, load_actor
from linli.testing import make_account, make_person, make_place, make_resident


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


@pytest.fixture
async def council(linli_community: Community) -> Council:
    community = linli_community
    estate = await make_place(community, "estate", "江汉里二期")
    b10 = await make_place(community, "building", "10栋", parent=estate)
    b11 = await make_place(community, "building", "11栋", parent=estate)
    committee = await make_place(community, "party_committee", "社区党委")
    branch = await make_place(community, "party_branch", "二期党支部", parent=committee)
    group = await make_place(community, "party_group", "10栋党小组", parent=branch, covers=b10)
    resident, _ = await make_resident(community, b10, "张阿姨", username="resident")
    neighbour, _ = await make_resident(community, b11, "李大爷", username="neighbour")
    member_person = await make_person(community, "王委员")
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
