"""Shared set-up of the street bank's tests: a community with a partner, an item, a
service category, a resident, a worker and an operator."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from linli.kit import Account, Actor, Community, Person, load_actor
from linli.testing import make_account, make_person
from linli_streetbank import services
from linli_streetbank.models import CatalogueItem, Partner, ServiceCategory
from linli_streetbank.testing import earn, make_partner

from .builders import make_member, make_operator


@dataclass
class Bank:
    community: Community
    partner: Partner
    other_partner: Partner
    category: ServiceCategory
    item: CatalogueItem
    resident: Person
    resident_account: Account
    worker: Account
    operator: Account
    other_operator: Account

    async def actor(self, account: Account) -> Actor:
        return await load_actor(account)

    async def earn(self, person: Person, hours: int | str, key: str) -> services.Done:
        """``hours`` of elder care by ``person``, recorded by the worker under ``key``."""
        return await earn(
            self.community, person, hours, category=self.category, key=key, by=self.worker
        )


@pytest.fixture
async def bank(linli_community: Community) -> Bank:
    community = linli_community
    partner = await make_partner(community, "汉兴街老王理发店")
    other = await make_partner(community, "江汉里社区卫生服务站", kind="partner_unit")
    category = await services.save_category(community, key="elder-care", name="助老服务", rate=10)
    item = await services.save_item(community, partner_id=partner.id, title="理发一次", price=10)
    resident, resident_account = await make_member(community, "张阿姨", username="zhang")
    worker_person = await make_person(community, "李社工")
    worker = await make_account(
        "worker", community, "community_worker", "streetbank_clerk", person=worker_person
    )
    operator = await make_operator(community, partner, "barber")
    other_operator = await make_operator(community, other, "clinic")
    return Bank(
        community, partner, other, category, item, resident, resident_account, worker,
        operator, other_operator,
    )  # fmt: skip
