"""Shared set-up of the codesign tests: a community with buildings 9 and 10, residents
living in each (with accounts), a worker, and a project for building 10."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

import pytest
from httpx import AsyncClient
from PIL import Image

from linli.kit import (
    Account,
    Actor,
    Community,
    Node,
    Person,
    community_root,
    ensure_node_kinds,
    load_actor,
)
from linli.testing import form_post, make_account, make_person, make_place, make_resident
from linli_codesign.models import IDEAS, Project
from linli_codesign.testing import make_project

DAY = date(2026, 6, 1)
#: A participant's birth date unless a test says otherwise: an adult for any project.
PARTICIPANT_BORN = date(1970, 5, 1)


async def make_participant(
    community: Community,
    building: Node,
    name: str,
    *,
    born: date = PARTICIPANT_BORN,
    username: str | None = None,
) -> tuple[Person, Account | None]:
    """A resident living in a flat of ``building``, who may therefore take part in the
    projects of any place around it; with an account (and no role: taking part needs
    none) if ``username`` is given."""
    return await make_resident(community, building, name, username=username, roles=(), born=born)


async def speak_english(client: AsyncClient) -> None:
    """Switch the visitor's pages to English, as the language menu does."""
    chosen = await form_post(client, "/prefs/language", {"language": "en", "next": "/"})
    assert chosen.status_code == 200


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
