"""Shared set-up of the mediation tests: a small community with a place tree (estate,
buildings 10 and 11, flats), the party organisation covering it (committee → estate
branch → building 10 group), two studios with their mediators, a supervisor, residents
and a merchant operator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from linli.kit import Account, Actor, Community, Node, Person, community_root, load_actor
from linli.testing import make_account, make_household, make_person, make_place
from linli_mediation import services
from linli_mediation.models import Case, Studio
from linli_mediation.testing import make_case, make_mediator, make_studio


@dataclass
class World:
    community: Community
    root: Node
    estate: Node
    b10: Node
    b11: Node
    flat10: Node
    flat11: Node
    committee: Node
    branch: Node
    group10: Node
    studio_a: Studio
    studio_b: Studio
    mediator_a: Account
    mediator_b: Account
    supervisor: Account
    worker: Account
    zhang: Person
    zhang_account: Account
    li: Person
    li_account: Account
    wang: Person
    wang_account: Account
    merchant: Account

    async def actor(self, account: Account) -> Actor:
        return await load_actor(account)

    async def open(
        self, *, mediator: Account | None = None, place: Node | None = None, **kw
    ) -> Case:
        """A case between Zhang and Li in building 10, taken in by mediator A."""
        fields = {"parties": [self.zhang, self.li]} | kw
        return await make_case(
            self.community, mediator or self.mediator_a, place=place or self.flat10, **fields
        )

    async def access(self, account: Account, case: Case) -> services.Access:
        return await services.access_to(await self.actor(account), self.community, case.id)


async def _resident(community: Community, name: str, flat: Node, username: str):
    """A resident with an account, in a household of their own at ``flat`` since today."""
    person = await make_person(community, name)
    await make_household(
        community, flat, person, code=f"h-{username}", since=datetime.now(UTC).date()
    )
    account = await make_account(username, community, "resident", person=person)
    return person, account


@pytest.fixture
async def world(linli_bus: None, linli_community: Community) -> World:
    community = linli_community
    root = await community_root(community)
    estate = await make_place(community, "estate", "江汉里二期")
    b10 = await make_place(community, "building", "10栋", parent=estate)
    b11 = await make_place(community, "building", "11栋", parent=estate)
    flat10 = await make_place(community, "household", "10-1-301", parent=b10)
    flat11 = await make_place(community, "household", "11-1-101", parent=b11)
    committee = await make_place(community, "party_committee", "社区党委", covers=root)
    branch = await make_place(
        community, "party_branch", "二期党支部", parent=committee, covers=estate
    )
    group10 = await make_place(community, "party_group", "10栋党小组", parent=branch, covers=b10)
    partners = await make_place(community, "partner_network", "资源池")
    barber = await make_place(community, "merchant", "老街坊理发店", parent=partners)
    studio_a = await make_studio(community, "莲姐议事", host="刘莲")
    studio_b = await make_studio(community, "帆哥解烦", host="胡帆")
    mediator_a = await make_mediator(studio_a, await make_account("lian", community))
    mediator_b = await make_mediator(studio_b, await make_account("fan", community))
    supervisor = await make_account("boss", community, "mediation_supervisor")
    worker = await make_account("worker", community, "community_worker")
    zhang, zhang_account = await _resident(community, "张阿姨", flat10, "zhang")
    li, li_account = await _resident(community, "李师傅", flat11, "li")
    wang, wang_account = await _resident(community, "王大爷", flat11, "wang")
    merchant = await make_account("barber", community, ("merchant_operator", barber))
    return World(
        community, root, estate, b10, b11, flat10, flat11, committee, branch, group10,
        studio_a, studio_b, mediator_a, mediator_b, supervisor, worker, zhang, zhang_account,
        li, li_account, wang, wang_account, merchant,
    )  # fmt: skip
