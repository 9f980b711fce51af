"""Shared set-up of the street bank's tests: a community with a partner, an item, a
service category, a resident, a worker and an operator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from linli.identity.models import Account, Person
from linli.models import Community
from linli.permissions.services import Actor, load_actor
from linli.testing import make_account
from linli_streetbank import services
from linli_streetbank.models import CatalogueItem, Partner, ServiceCategory


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


async def make_resident(community: Community, name: str, username: str | None = None):
    person = await Person.create(community=community, name=name)
    account = None
    if username:
        account = await make_account(username, community, "streetbank_member", person=person)
    return person, account


async def earn(bank: Bank, person: Person, hours: int | str, key: str):
    return await services.record_service(
        bank.community,
        person=person,
        category=bank.category,
        quantity=str(hours),
        served_on=date(2026, 3, 1),
        key=key,
        actor=await bank.actor(bank.worker),
    )


@pytest.fixture
async def bank(linli_community: Community) -> Bank:
    community = linli_community
    partner = await services.create_partner(community, name="汉兴街老王理发店")
    other = await services.create_partner(
        community, name="江汉里社区卫生服务站", kind="partner_unit"
    )
    category = await services.save_category(community, key="elder-care", name="助老服务", rate=10)
    item = await services.save_item(community, partner_id=partner.id, title="理发一次", price=10)
    resident, resident_account = await make_resident(community, "张阿姨", "zhang")
    worker_person = await Person.create(community=community, name="李社工")
    worker = await make_account(
        "worker", community, "community_worker", "streetbank_clerk", person=worker_person
    )
    operator = await make_account("barber", community)
    await services.add_operator(partner, operator)
    other_operator = await make_account("clinic", community)
    await services.add_operator(other, other_operator)
    return Bank(
        community, partner, other, category, item, resident, resident_account, worker,
        operator, other_operator,
    )  # fmt: skip
