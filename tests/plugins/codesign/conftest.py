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
from linli.identity.models import Account, Person
from linli.models import Community
from linli.permissions.services import Actor, load_actor
from linli.testing import make_account, make_person, make_place
from linli_codesign.models import IDEAS, Project
from linli_codesign.testing import make_participant, make_project

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


async def make_site(
    community: Community, residents: int = 3, accounts: tuple[str, ...] = ()
) -> Place:
    """The place; ``accounts`` names the residents who get one (``r0`` … and
    ``outsider``): the others are on the register only."""
    await ensure_node_kinds()
    root = await community_root(community)
    b10 = await make_place(community, "building", "10栋", name_en="Building 10", code="10")
    b9 = await make_place(community, "building", "9栋", name_en="Building 9", code="9")
    worker_person = await make_person(community, "李社工")
    worker = await make_account("worker", community, "community_worker", person=worker_person)
    project = await make_project(
        community, "10栋法治架空层", place=b10, by=worker, dates={IDEAS: DAY}
    )
    place = Place(community, root, b10, b9, worker, project)
    for i in range(residents):
        person, account = await make_participant(
            community, b10, f"居民{i}", username=f"r{i}" if f"r{i}" in accounts else None
        )
        place.residents.append(person)
        place.accounts.append(account)
    place.outsider, place.outsider_account = await make_participant(
        community, b9, "九栋王", username="outsider" if "outsider" in accounts else None
    )
    return place


@pytest.fixture
async def place(linli_bus: None, linli_community: Community) -> Place:
    """Residents without accounts: for the rules."""
    return await make_site(linli_community)


@pytest.fixture
def site_for(linli_client: None, linli_bus: None, linli_community: Community):
    """For the pages: ``await site_for("r0", "outsider")`` makes the place with
    accounts for those residents only (the worker always has one)."""

    async def make(*accounts: str) -> Place:
        return await make_site(linli_community, accounts=accounts)

    return make


def png(size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, format="PNG")
    return out.getvalue()
