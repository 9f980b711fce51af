"""Shared set-up of the mediation tests: a small community with a place tree (estate,
buildings 10 and 11, flats), the party organisation covering it (committee → estate
branch → building 10 group), two studios with their mediators, a supervisor, residents
and a merchant operator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

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
from linli_mediation import services
from linli_mediation.models import Case, Studio

_HASH: list[str] = []


async def make_account(
    username: str, community: Community, *roles: str | tuple[str, Node], person=None
) -> Account:
    """Like ``linli.testing.make_account``, hashing the test password once per run
    (argon2 is slow on purpose; the world below needs nine accounts)."""
    if not _HASH:
        _HASH.append(hash_password(TEST_PASSWORD))
    account = await Account.create(username=username, password_hash=_HASH[0], person=person)
    root = await community_root(community)
    for entry in roles:
        key, node = (entry, root) if isinstance(entry, str) else entry
        await grant(account, await Role.get(community=community, key=key), node)
    return account


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
        fields = {
            "summary": "楼上漏水到楼下",
            "category": "leak",
            "parties": [
                services.PartyInput(person=self.zhang, side="applicant"),
                services.PartyInput(person=self.li, side="respondent"),
            ],
        } | kw
        return await services.open_case(
            self.community,
            await self.actor(mediator or self.mediator_a),
            place=place or self.flat10,
            **fields,
        )

    async def access(self, account: Account, case: Case) -> services.Access:
        return await services.access_to(await self.actor(account), self.community, case.id)


async def _resident(community: Community, name: str, flat: Node, username: str):
    person = await Person.create(community=community, name=name)
    household = await Household.create(community=community, node=flat, code=f"h-{username}")
    await Membership.create(household=household, person=person, started_on=datetime.now(UTC).date())
    account = await make_account(username, community, "resident", person=person)
    return person, account


@pytest.fixture
async def world(linli_community: Community) -> World:
    community = linli_community
    root = await community_root(community)
    estate = await add_node(kind="estate", name="江汉里二期", parent=root)
    b10 = await add_node(kind="building", name="10栋", parent=estate)
    b11 = await add_node(kind="building", name="11栋", parent=estate)
    flat10 = await add_node(kind="household", name="10-1-301", parent=b10)
    flat11 = await add_node(kind="household", name="11-1-101", parent=b11)
    committee = await add_node(
        kind="party_committee", name="社区党委", community_id=community.id, covers=root
    )
    branch = await add_node(kind="party_branch", name="二期党支部", parent=committee, covers=estate)
    group10 = await add_node(kind="party_group", name="10栋党小组", parent=branch, covers=b10)
    partners = await add_node(kind="partner_network", name="资源池", community_id=community.id)
    barber = await add_node(kind="merchant", name="老街坊理发店", parent=partners)
    node_a = await add_node(kind="facility", name="莲姐议事工作室", parent=root)
    node_b = await add_node(kind="facility", name="帆哥解烦工作室", parent=root)
    lian = await Person.create(community=community, name="刘莲")
    fan = await Person.create(community=community, name="胡帆")
    studio_a = await services.create_studio(community, name="莲姐议事", node=node_a, host=lian)
    studio_b = await services.create_studio(community, name="帆哥解烦", node=node_b, host=fan)
    mediator_a = await make_account("lian", community, ("mediator", node_a), person=lian)
    mediator_b = await make_account("fan", community, ("mediator", node_b), person=fan)
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
