"""Shared set-up of the care tests: a community with two buildings, an elderly woman
of 85 living alone in building 3 with a party-member carer, a grid worker for each
building, a care worker, a volunteer who is nobody's carer and a resident."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from linli.kit import Account, Community, Node, Person, community_root
from linli.testing import make_account, make_person, make_place, make_resident
from linli_care.models import CareGroup
from linli_care.testing import make_carer, make_group


@dataclass
class Kit:
    community: Community
    building: Node
    other_building: Node
    group: CareGroup
    elder: Person  # 85, 独居, building 3
    carer: Person  # account "carer", her carer
    carer_account: Account
    worker: Account  # care worker of the community
    grid: Account  # grid worker of building 3 (the duty worker there)
    grid10: Account  # grid worker of building 10


@pytest.fixture
async def kit(linli_community: Community) -> Kit:
    community = linli_community
    root = await community_root(community)
    estate = await make_place(community, "estate", "江汉里小区", parent=root, code="E")
    building = await make_place(community, "building", "3栋", parent=estate, code="3")
    other = await make_place(community, "building", "10栋", parent=estate, code="10")
    elder, _ = await make_resident(
        community, building, "张奶奶", born=date(1941, 3, 2), tags=["独居"]
    )
    carer, carer_account = await make_resident(
        community, building, "刘党员", username="carer", born=date(1960, 5, 1), tags=["党员"]
    )
    assert carer_account is not None
    await make_resident(community, other, "赵志愿", username="volunteer", roles=["volunteer"])
    await make_resident(community, building, "邻居", username="resident")
    worker = await make_account(
        "worker", community, "care_worker", person=await make_person(community, "李社工")
    )
    grid = await make_account(
        "grid", community, ("grid_worker", building), person=await make_person(community, "王网格")
    )
    grid10 = await make_account(
        "grid10", community, ("grid_worker", other), person=await make_person(community, "陈网格")
    )
    group = await make_group(community)
    await make_carer(elder, carer)
    return Kit(community, building, other, group, elder, carer, carer_account, worker, grid, grid10)
