"""The demo community's register: the case's figures, its trees, its demo accounts."""

import time
from datetime import UTC, datetime

import httpx
import msgspec
import pytest

from linli.domain.communities import CommunityError, community_root
from linli.domain.demo import (
    DEMO_PASSWORD,
    PARTY_MEMBER,
    RELOCATED,
    age_on,
    build_demo_register,
    id_check_digit,
)
from linli.domain.hierarchy.models import Node
from linli.domain.identity.models import Account, Household, Membership, Person, PersonTag
from linli.domain.permissions.catalogue import BUILTIN_ROLES
from linli.domain.permissions.models import Grant
from linli.domain.permissions.services import load_actor
from linli.testing import log_in, make_account


async def test_the_register_holds_the_case_figures(linli_community, linli_registry):
    started = time.perf_counter()
    accounts = await build_demo_register(linli_community, linli_registry)
    elapsed = time.perf_counter() - started
    print(f"demo register built in {elapsed:.1f} s")
    community = linli_community

    households = await Household.filter(community=community).count()
    assert 1900 <= households <= 2100
    today = datetime.now(UTC).date()
    births = await Person.filter(community=community).values_list("birth_date", flat=True)
    people = len(births)
    assert 4000 <= people <= 6000
    old_or_young = sum(1 for b in births if age_on(b, today) >= 60 or age_on(b, today) < 14)
    assert 0.40 <= old_or_young / people <= 0.44
    relocated = await PersonTag.filter(person__community=community, tag=RELOCATED).count()
    assert 0.78 <= relocated / people <= 0.82
    # every household has 1-5 members, one of them the head (本人)
    rows = await Membership.filter(household__community=community).values_list(
        "household_id", "relation"
    )
    sizes: dict[int, list[str]] = {}
    for household_id, relation in rows:
        sizes.setdefault(household_id, []).append(relation)
    assert len(sizes) == households
    assert all(1 <= len(r) <= 5 and r.count("本人") == 1 for r in sizes.values())

    # ID numbers are 18 characters with the right check digit and the birth date
    for id_number, birth in await Person.filter(community=community).values_list(
        "id_number", "birth_date"
    ):
        assert len(id_number) == 18 and id_number[-1] == id_check_digit(id_number[:17])
        assert id_number[6:14] == birth.strftime("%Y%m%d")

    # the place tree: buildings 1..20 with building 10, households within ~1 km
    root = await community_root(community)
    buildings = await Node.filter(community=community, kind__key="building")
    assert len(buildings) == 20
    building_10 = next(b for b in buildings if b.name == "10栋")
    assert building_10.path.startswith(root.path) and building_10.depth == root.depth + 2
    corner = await Node.get(community=community, kind__key="facility", parent_id=building_10.id)
    assert corner.name == "10栋法治架空层"
    flats = await Node.filter(community=community, kind__key="household")
    assert len(flats) == households
    assert all(abs(f.latitude - 30.58) < 0.01 and abs(f.longitude - 114.27) < 0.01 for f in flats)
    # every node's materialised path is its parent's plus its own id
    nodes = {n.id: n for n in await Node.filter(community=community)}
    for node in nodes.values():
        parent_path = nodes[node.parent_id].path if node.parent_id else "/"
        assert node.path == f"{parent_path}{node.id}/"

    # the party organisation: each building has a party group covering it, each group
    # has lead households, each a household with a party member
    groups = await Node.filter(community=community, kind__key="party_group")
    assert {g.covers_id for g in groups} == {b.id for b in buildings}
    leads = await Node.filter(community=community, kind__key="party_lead_household")
    assert {lead.parent_id for lead in leads} == {g.id for g in groups}
    for lead in leads[:5]:
        members = await Person.filter(
            memberships__household__node_id=lead.covers_id, tags__tag=PARTY_MEMBER
        )
        assert members
    assert await Node.filter(community=community, kind__key="property_company").count() == 1
    names = set(
        await Node.filter(community=community, tree="partner").values_list("name", flat=True)
    )
    assert {"江汉区妇幼保健院", "吉年颐养中心", "健民叶开泰大药房"} <= names

    # a demo account for each built-in role
    assert {a.username for a in accounts} == {role.name for role in BUILTIN_ROLES}
    held = set(await Grant.filter(role__community=community).values_list("role__key", flat=True))
    assert held == {role.name for role in BUILTIN_ROLES}
    home = (
        await Membership.filter(person__account__username="resident")
        .select_related("household__node")
        .get()
    )
    assert home.household.node.code.startswith("10-")

    # 交叉任职: the party secretary is the property company's service-quality director,
    # and a property-company party member is a part-time deputy secretary, for a term
    committee = await Node.get(community=community, kind__key="party_committee")
    company = await Node.get(community=community, kind__key="property_company")
    secretary = await load_actor(await Account.get(username="committee_secretary"))
    assert ("property_staff", company.id) in {(h.role_key, h.node_id) for h in secretary.grants}
    assert secretary.can("hierarchy.node.view", company)
    assert secretary.can("permissions.grant", committee)
    assert secretary.can("identity.person.view_sensitive", root)
    property_staff = await load_actor(await Account.get(username="property_staff"))
    assert property_staff.can("hierarchy.node.view", company)
    assert property_staff.why("matters.escalate", committee).role_key == "branch_secretary"
    # as deputy secretary of the committee, which covers the community, they see residents
    assert property_staff.can("identity.person.view", root)
    assert not property_staff.can("audit.view", root)
    term = await Grant.get(account__username="property_staff", role__key="branch_secretary")
    assert term.ends_at is not None and term.ends_at > datetime.now(UTC)
    leader = await load_actor(await Account.get(username="party_group_leader"))
    assert leader.can("matters.escalate", building_10)
    assert not leader.can("matters.escalate", nodes[building_10.parent_id])

    assert elapsed < 30


async def test_building_twice_creates_nothing_more(linli_community, linli_registry):
    first = await build_demo_register(linli_community, linli_registry)
    counts = [
        await Person.all().count(),
        await Node.all().count(),
        await Account.all().count(),
        await Grant.all().count(),
        await PersonTag.all().count(),
    ]
    second = await build_demo_register(linli_community, linli_registry)
    assert second == first
    assert counts == [
        await Person.all().count(),
        await Node.all().count(),
        await Account.all().count(),
        await Grant.all().count(),
        await PersonTag.all().count(),
    ]


async def test_demo_accounts_log_in_and_are_listed_in_demo_mode(
    linli_client, linli_community, linli_registry, linli_settings
):
    accounts = await build_demo_register(linli_community, linli_registry)
    # an account a plugin's demo data made (the mediator, the meal volunteer …)
    await make_account("meal_volunteer", linli_community, "volunteer")
    await log_in(linli_client, "resident", DEMO_PASSWORD)
    page = await linli_client.get("/c/test/")
    resident = next(account for account in accounts if account.username == "resident")
    # the header names the person, and links to changing the password
    assert resident.person
    assert f'<span class="account-name">{resident.person}</span>' in page.text
    assert 'href="/account/password"' in page.text
    # outside demo mode nothing lists the demo accounts, nor links to them
    assert DEMO_PASSWORD not in page.text and "/demo-accounts" not in page.text
    assert (await linli_client.get("/demo-accounts")).status_code == 404
    assert "/demo-accounts" not in (await linli_client.get("/login")).text

    from linli.web.app import create_app

    demo_app = create_app(msgspec.structs.replace(linli_settings, mode="demo"))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=demo_app), base_url="http://t", follow_redirects=True
    ) as client:
        home = await client.get("/c/test/")
        login = await client.get("/login")
        page = await client.get("/demo-accounts")
    # the home and the login page link to the accounts' own page, and do not list them
    assert 'href="/demo-accounts"' in home.text and 'href="/demo-accounts"' in login.text
    assert DEMO_PASSWORD not in home.text and "<strong>resident</strong>" not in home.text
    assert page.status_code == 200 and DEMO_PASSWORD in page.text
    for account in accounts:
        assert f"<strong>{account.username}</strong>" in page.text
        if account.person:
            assert account.person in page.text
    assert "<strong>meal_volunteer</strong>" in page.text
    assert "社区工作者" in page.text and "10栋党小组" in page.text
    # what each can try: the services whose tools their roles open
    assert "可以试试" in page.text and "每位居民都能用的服务" in page.text  # no plugin here
    # a login name leads to the login form, filled in
    assert 'href="/login?next=/c/test/&amp;login=resident"' in page.text


async def test_taken_demo_usernames_are_refused_before_anything_is_written(
    linli_community, linli_registry
):
    await make_account("administrator", linli_community)
    with pytest.raises(CommunityError, match="administrator"):
        await build_demo_register(linli_community, linli_registry)
    assert await Person.all().count() == 0
