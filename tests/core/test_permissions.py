"""Roles granted at a node cover its subtree: can(), visible(), escalation, acting on
behalf, and a property test against a slow reference implementation."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linli.domain.communities import community_root
from linli.domain.hierarchy.escalation import EscalationError, escalate, history
from linli.domain.hierarchy.models import Node
from linli.domain.hierarchy.services import TreeError, add_node, ancestors, inside, move_node
from linli.domain.identity.behalf import OnBehalfError, check_on_behalf
from linli.domain.identity.models import Household, Membership, Person
from linli.domain.permissions.models import Grant, Role
from linli.domain.permissions.services import load_actor
from linli.testing import count_queries, make_account


async def _place_tree(community):
    root = await community_root(community)
    estate = await add_node(kind="estate", name="江汉里一期", parent=root)
    b10 = await add_node(kind="building", name="10栋", parent=estate)
    b11 = await add_node(kind="building", name="11栋", parent=estate)
    entrance = await add_node(kind="entrance", name="1单元", parent=b10)
    flat = await add_node(kind="household", name="10-1-301", parent=entrance)
    return root, estate, b10, b11, entrance, flat


async def test_a_grant_covers_its_subtree_only(linli_community):
    _root, estate, b10, b11, _entrance, flat = await _place_tree(linli_community)
    account = await make_account("grid", linli_community, ("grid_worker", b10))
    actor = await load_actor(account)
    assert actor.can("identity.person.view", b10)
    assert actor.can("identity.person.view", flat)  # any depth below
    assert not actor.can("identity.person.view", b11)  # a sibling
    assert not actor.can("identity.person.view", estate)  # above
    assert not actor.can("audit.view", flat)  # not in the role
    why = actor.why("identity.person.view", flat)
    assert why.role_key == "grid_worker" and why.node_id == b10.id


async def test_expired_and_future_grants_do_not_count(linli_community):
    root, *_ = await _place_tree(linli_community)
    account = await make_account("temp", linli_community)
    role = await Role.get(community=linli_community, key="community_worker")
    now = datetime.now(UTC)
    await Grant.create(account=account, role=role, node=root, ends_at=now - timedelta(days=1))
    assert not (await load_actor(account)).can("identity.person.view", root)
    await Grant.create(account=account, role=role, node=root, ends_at=now + timedelta(days=30))
    assert (await load_actor(account)).can("identity.person.view", root)
    later = now + timedelta(days=31)
    assert not (await load_actor(account, now=later)).can("identity.person.view", root)


async def test_cross_appointment_holds_roles_in_two_trees(linli_community):
    root = await community_root(linli_community)
    committee = await add_node(
        kind="party_committee", name="社区党委", community_id=root.community_id
    )
    company = await add_node(
        kind="property_company", name="物业公司", community_id=root.community_id
    )
    team = await add_node(kind="property_team", name="保洁组", parent=company)
    secretary = await make_account(
        "secretary",
        linli_community,
        ("committee_secretary", committee),
        ("property_staff", company),
    )
    actor = await load_actor(secretary)
    assert actor.can("audit.view", committee)
    assert actor.can("hierarchy.node.view", team)  # through the property company
    assert not actor.can("audit.view", company)  # the party role does not reach it


async def test_can_costs_one_query_whatever_the_depth(linli_community):
    node = await community_root(linli_community)
    top = node
    for depth in range(30):
        node = await add_node(kind="estate", name=f"层{depth}", parent=node)
    account = await make_account("deep", linli_community, ("community_worker", top))
    with count_queries() as queries:
        actor = await load_actor(account)
        assert actor.can("identity.person.view", node)
        assert actor.can("identity.person.edit", node)
    assert len(queries) == 1


async def test_visible_filters_in_sql(linli_community):
    _root, _estate, b10, b11, _entrance, flat = await _place_tree(linli_community)
    flat11 = await add_node(kind="household", name="11-1-101", parent=b11)
    h10 = await Household.create(community=linli_community, node=flat, code="10-1-301")
    await Household.create(community=linli_community, node=flat11, code="11-1-101")
    actor = await load_actor(await make_account("g", linli_community, ("grid_worker", b10)))
    seen = await actor.visible("identity.person.view", Household.all())
    assert [h.id for h in seen] == [h10.id]
    nobody = await load_actor(await make_account("r", linli_community, "resident"))
    assert await nobody.visible("identity.person.view", Household.all()) == []


async def test_tree_queries_and_moves(linli_community):
    root, estate, b10, b11, entrance, flat = await _place_tree(linli_community)
    assert {n.id for n in await inside(b10)} == {b10.id, entrance.id, flat.id}
    assert [n.id for n in await ancestors(flat)] == [
        root.id,
        estate.id,
        b10.id,
        entrance.id,
        flat.id,
    ]
    await move_node(entrance, b11)
    flat = await Node.get(id=flat.id)
    assert flat.path == f"{b11.path}{entrance.id}/{flat.id}/"
    assert flat.depth == b11.depth + 2
    assert b11.contains(flat) and not b10.contains(flat)
    with pytest.raises(TreeError):
        await move_node(b11, flat)


async def test_escalation_moves_the_matter_and_who_may_handle_it(linli_community):
    root = await community_root(linli_community)
    committee = await add_node(
        kind="party_committee", name="社区党委", community_id=root.community_id
    )
    branch = await add_node(kind="party_branch", name="一期党支部", parent=committee)
    group = await add_node(kind="party_group", name="10栋党小组", parent=branch)
    leader = await load_actor(
        await make_account("leader", linli_community, ("party_group_leader", group))
    )
    # any model with a node foreign key is a matter; a household stands in for one here
    matter = await Household.create(community=linli_community, node=group, code="matter-1")
    with pytest.raises(EscalationError):
        await escalate(matter, leader, "   ")
    above = await escalate(matter, leader, "涉及整个小区的停车问题")
    assert above.id == branch.id
    assert not leader.can("matters.escalate", await Node.get(id=matter.node_id))
    steps = await history(matter)
    assert [(s.from_node_id, s.to_node_id) for s in steps] == [(group.id, branch.id)]
    assert steps[0].actor_id == leader.account.id


async def test_acting_on_behalf_needs_the_permission_where_the_person_lives(linli_community):
    _root, _estate, b10, b11, _entrance, flat = await _place_tree(linli_community)
    household = await Household.create(community=linli_community, node=flat, code="10-1-301")
    grandma = await Person.create(community=linli_community, name="王奶奶")
    await Membership.create(
        household=household, person=grandma, started_on=datetime.now(UTC).date()
    )
    volunteer = await load_actor(await make_account("vol", linli_community, ("volunteer", b10)))
    await check_on_behalf(volunteer, grandma)
    elsewhere = await load_actor(await make_account("vol2", linli_community, ("volunteer", b11)))
    with pytest.raises(OnBehalfError):
        await check_on_behalf(elsewhere, grandma)


def _reference_can(grants, parent, permission, node):
    """The slow, obviously right answer: walk up from the node, look at every grant."""
    current = node
    while current is not None:
        for node_id, permissions in grants:
            if node_id == current and permission in permissions:
                return True
        current = parent[current]
    return False


PERMISSIONS = ["a.read", "a.write", "b.read"]


@st.composite
def forests(draw):
    size = draw(st.integers(min_value=1, max_value=25))
    parents = [None]
    for index in range(1, size):
        parents.append(draw(st.one_of(st.none(), st.integers(0, index - 1))))
    grants = draw(
        st.lists(
            st.tuples(
                st.integers(0, size - 1),
                st.frozensets(st.sampled_from(PERMISSIONS), max_size=3),
            ),
            max_size=6,
        )
    )
    return parents, grants


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(forest=forests())
async def test_can_agrees_with_a_reference_implementation(linli_community, forest):
    parents, grant_specs = forest
    root = await community_root(linli_community)
    nodes: list[Node] = []
    for index, parent in enumerate(parents):
        parent_node = root if parent is None else nodes[parent]
        nodes.append(await add_node(kind="estate", name=f"n{index}", parent=parent_node))
    account = await make_account(f"h{nodes[0].id}", linli_community)
    for number, (position, permissions) in enumerate(grant_specs):
        role = await Role.create(
            community=linli_community,
            key=f"r{nodes[0].id}-{number}",
            name="r",
            permissions=sorted(permissions),
        )
        await Grant.create(account=account, role=role, node=nodes[position])
    actor = await load_actor(account)
    parent_map = {i: parents[i] for i in range(len(parents))}
    for index, node in enumerate(nodes):
        for permission in PERMISSIONS:
            expected = _reference_can(grant_specs, parent_map, permission, index)
            assert actor.can(permission, node) == expected


async def test_an_organisation_unit_reaches_the_place_it_covers(linli_community):
    root, _estate, b10, b11, _entrance, flat = await _place_tree(linli_community)
    committee = await add_node(
        kind="party_committee", name="社区党委", community_id=root.community_id
    )
    group = await add_node(kind="party_group", name="10栋党小组", parent=committee, covers=b10)
    actor = await load_actor(
        await make_account("leader", linli_community, ("party_group_leader", group))
    )
    assert actor.can("matters.escalate", group)
    assert actor.can("matters.escalate", flat)  # inside building 10, which the group covers
    assert not actor.can("matters.escalate", b11)
    assert not actor.can("matters.escalate", committee)
    flat_household = await Household.create(community=linli_community, node=flat, code="f")
    assert [h.id for h in await actor.visible("matters.escalate", Household.all())] == [
        flat_household.id
    ]


async def test_a_grant_at_the_community_reaches_every_tree_of_it(linli_community, linli_registry):
    from linli.domain.communities import create_community

    root = await community_root(linli_community)
    company = await add_node(
        kind="property_company", name="物业公司", community_id=root.community_id
    )
    other = await create_community("other", "别的社区", linli_registry)
    other_root = await community_root(other)
    admin = await load_actor(await make_account("admin", linli_community, "administrator"))
    assert admin.can("hierarchy.node.edit", company)
    assert not admin.can("hierarchy.node.edit", other_root)
