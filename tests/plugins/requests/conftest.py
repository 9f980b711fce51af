"""Shared set-up of the requests tests: a place tree (an estate, buildings 10 and 11,
flats), the property company with its repairs team, the police office, residents of
each building, a community worker, a grid worker of building 10, property staff
granted at the property company and a secretary cross-appointed to both sides."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from linli.kit import Account, Actor, Community, Node, Person, community_root, load_actor
from linli.testing import grant_role, make_account, make_person, make_place, make_resident
from linli_requests import services


@dataclass
class World:
    community: Community
    root: Node
    estate: Node
    b10: Node
    b11: Node
    property: Node
    repairs: Node
    police: Node
    resident: Person  # building 10, account "resident"
    resident_account: Account
    neighbour: Person  # building 11, account "neighbour"
    neighbour_account: Account
    worker: Account  # community worker at the community
    grid: Account  # grid worker of building 10
    staff: Account  # property staff at the property company
    secretary: Account  # committee secretary and property staff (交叉任职)

    async def actor(self, account: Account) -> Actor:
        return await load_actor(account)


async def build(community: Community) -> World:
    root = await community_root(community)
    estate = await make_place(
        community, "estate", "江汉里二期", latitude=30.58361, longitude=114.27027
    )
    b10 = await make_place(
        community, "building", "10栋", parent=estate, latitude=30.583619, longitude=114.270279
    )
    b11 = await make_place(community, "building", "11栋", parent=estate)
    company = await make_place(community, "property_company", "江汉里物业", code="property")
    repairs = await make_place(community, "property_team", "工程维修组", parent=company)
    police = await make_place(community, "partner_unit", "江汉里警务室", code="partner-police")
    resident, resident_account = await make_resident(community, b10, "张阿姨", username="resident")
    neighbour, neighbour_account = await make_resident(
        community, b11, "李大爷", username="neighbour"
    )
    worker = await make_account("worker", community, "community_worker")
    grid = await make_account("grid", community, ("grid_worker", b10))
    staff = await make_account("staff", community, ("property_staff", company))
    secretary_person = await make_person(community, "王书记")
    secretary = await make_account(
        "secretary", community, "committee_secretary", person=secretary_person
    )
    await grant_role(secretary, community, "property_staff", company)
    await services.ensure_defaults(community)
    return World(
        community,
        root,
        estate,
        b10,
        b11,
        company,
        repairs,
        police,
        resident,
        resident_account,
        neighbour,
        neighbour_account,
        worker,
        grid,
        staff,
        secretary,
    )


@pytest.fixture
async def world(linli_community: Community) -> World:
    return await build(linli_community)


@pytest.fixture
def client(linli_client):
    """The test client, reading pages in English (message ids are English)."""
    linli_client.cookies.set("linli_lang", "en")
    return linli_client
