"""Shared set-up of the volunteers' tests: a community with two buildings of one estate,
a plumbing skill, the elderly service team with a leader, a worker, three volunteers
living in building 3 (one of them with an account) and a resident who is not one."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from linli.kit import Account, Community, Node, Person, community_root
from linli.testing import make_account, make_person, make_place, make_resident
from linli_volunteers.models import Skill, Team, Volunteer
from linli_volunteers.testing import make_skill, make_team, make_volunteer


@dataclass
class Kit:
    community: Community
    estate: Node
    building: Node
    other_building: Node
    plumbing: Skill
    team: Team
    leader: Volunteer
    worker: Account
    helper: Volunteer  # account "helper"
    neighbour: Volunteer  # account "neighbour"
    resident: Person  # account "resident", not a volunteer


@pytest.fixture
async def kit(linli_bus: None, linli_community: Community) -> Kit:
    community = linli_community
    root = await community_root(community)
    estate = await make_place(community, "estate", "江汉里小区", parent=root, code="E")
    building = await make_place(community, "building", "3栋", parent=estate, code="3")
    other = await make_place(community, "building", "10栋", parent=estate, code="10")
    plumbing = await make_skill(community, "水电维修")
    team = await make_team(community, "为老服务队", category="meal-delivery")
    leader_person, _ = await make_resident(
        community, building, "刘队长", username="leader", roles=["resident", "volunteer_leader"]
    )
    leader = await make_volunteer(community, leader_person, team=team, leader=True)
    helper_person, _ = await make_resident(community, building, "王师傅", username="helper")
    helper = await make_volunteer(community, helper_person, skills=[plumbing], team=team)
    neighbour_person, _ = await make_resident(community, other, "赵姐", username="neighbour")
    neighbour = await make_volunteer(community, neighbour_person, skills=[plumbing], team=team)
    resident, _ = await make_resident(community, building, "张阿姨", username="resident")
    worker = await make_account(
        "worker", community, "community_worker", person=await make_person(community, "李社工")
    )
    return Kit(
        community, estate, building, other, plumbing, team, leader, worker, helper, neighbour,
        resident,
    )  # fmt: skip
