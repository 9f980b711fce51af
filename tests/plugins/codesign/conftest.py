"""Shared set-up of the codesign tests: a community with buildings 9 and 10, residents
living in each (with accounts), a worker, and a project for building 10."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

import pytest
from PIL import Image

from linli.communities import community_root, ensure_node_kinds
from linli.hierarchy.models import Node
from linli.hierarchy.services import add_node
from linli.identity.models import Account, Household, Membership, Person
from linli.models import Community
from linli.permissions.services import Actor, load_actor
from linli.testing import make_account
from linli_codesign import services
from linli_codesign.models import STAGES, Project

DAY = date(2026, 6, 1)


@dataclass
class Place:
    community: Community
    root: Node
    b10: Node
    b9: Node
    worker: Account
    project: Project
    residents: list[Person] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)
    outsider: Person | None = None
    outsider_account: Account | None = None

    async def actor(self, account: Account) -> Actor:
        return await load_actor(account)

    async def worker_actor(self) -> Actor:
        return await load_actor(self.worker)


async def add_resident(
    community: Community, building: Node, name: str, *, born: date = date(1970, 5, 1),
    username: str | None = None, flat: str | None = None,
) -> tuple[Person, Account | None]:  # fmt: skip
    """A resident living in a flat of ``building`` (a household node under it)."""
    person = await Person.create(community=community, name=name, birth_date=born)
    code = flat or f"{building.code}-{person.id}"
    node = await add_node(kind="household", name=code, parent=building, code=code)
    household = await Household.create(community=community, node=node, code=code)
    await Membership.create(household=household, person=person, started_on=date(2020, 1, 1))
    account = await make_account(username, community, person=person) if username else None
    return person, account


async def move_to(project: Project, stage: str) -> Project:
    """Put ``project`` in ``stage`` directly (tests of one stage's rules)."""
    await Project.filter(id=project.id).update(stage=stage)
    project.stage = stage
    return project


async def make_place(
    community: Community, residents: int = 3, accounts: tuple[str, ...] = ()
) -> Place:
    """The place; ``accounts`` names the residents who get one (``r0`` … and
    ``outsider``): hashing passwords is the slow part of a test's set-up."""
    await ensure_node_kinds()
    root = await community_root(community)
    b10 = await add_node(
        kind="building", name="10栋", name_en="Building 10", parent=root, code="10"
    )
    b9 = await add_node(kind="building", name="9栋", name_en="Building 9", parent=root, code="9")
    worker_person = await Person.create(community=community, name="李社工")
    worker = await make_account("worker", community, "community_worker", person=worker_person)
    project = await services.create_project(
        community, title="10栋法治架空层", place=b10, actor=await load_actor(worker),
        dates={s: DAY for s in STAGES[:1]},
    )  # fmt: skip
    place = Place(community, root, b10, b9, worker, project)
    for i in range(residents):
        person, account = await add_resident(
            community, b10, f"居民{i}", username=f"r{i}" if f"r{i}" in accounts else None
        )
        place.residents.append(person)
        place.accounts.append(account)
    place.outsider, place.outsider_account = await add_resident(
        community, b9, "九栋王", username="outsider" if "outsider" in accounts else None
    )
    return place


@pytest.fixture
async def place(linli_bus: None, linli_community: Community) -> Place:
    """Residents without accounts: for the rules."""
    return await make_place(linli_community)


@pytest.fixture
def site_for(linli_client: None, linli_bus: None, linli_community: Community):
    """For the pages: ``await site_for("r0", "outsider")`` makes the place with
    accounts for those residents only (the worker always has one)."""

    async def make(*accounts: str) -> Place:
        return await make_place(linli_community, accounts=accounts)

    return make


def png(size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, format="PNG")
    return out.getvalue()
