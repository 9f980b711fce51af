"""Shared set-up of the canteen's tests: a community with a canteen at a known point,
two buildings, residents with homes, a worker, a volunteer, a menu and subsidy tiers."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from linli.communities import community_root
from linli.hierarchy.models import Node
from linli.hierarchy.services import add_node
from linli.identity.models import Account, Household, Membership, Person, PersonTag
from linli.identity.passwords import hash_password
from linli.models import Community
from linli.permissions.models import Role
from linli.permissions.services import Actor, grant, load_actor
from linli.testing import TEST_PASSWORD
from linli_canteen import services
from linli_canteen.models import LUNCH, Canteen, Dish, MenuItem

CANTEEN_AT = (30.5832, 114.2708)
#: A Monday; lunch orders close at 09:30 Beijing time (01:30 UTC).
DAY = date(2026, 3, 16)
BEFORE = datetime(2026, 3, 16, 1, 0, tzinfo=UTC)  # 09:00 in Asia/Shanghai
AFTER = datetime(2026, 3, 16, 2, 0, tzinfo=UTC)  # 10:00


_HASH: list[str] = []


async def make_account(
    username: str, community: Community, *roles: str | tuple[str, Node], person=None
) -> Account:
    """Like ``linli.testing.make_account``, but the password is hashed once per session
    (argon2 takes half a second, and every test makes several accounts)."""
    if not _HASH:
        _HASH.append(hash_password(TEST_PASSWORD))
    account = await Account.create(username=username, password_hash=_HASH[0], person=person)
    root = await community_root(community)
    for entry in roles:
        key, node = (entry, root) if isinstance(entry, str) else entry
        await grant(account, await Role.get(community=community, key=key), node)
    return account


def north_of(km: float) -> tuple[float, float]:
    """A point ``km`` due north of the canteen (exact on the great circle)."""
    return (CANTEEN_AT[0] + math.degrees(km / services.EARTH_RADIUS_KM), CANTEEN_AT[1])


@dataclass
class Kit:
    community: Community
    canteen: Canteen
    dish: Dish
    peanut_dish: Dish
    item: MenuItem
    peanut_item: MenuItem
    root: Node
    building: Node
    entrance: Node
    resident: Person
    resident_account: Account
    worker: Account
    volunteer: Account
    volunteer_person: Person

    async def actor(self, account: Account) -> Actor:
        return await load_actor(account)


async def make_home(
    community: Community, parent: Node, flat: str, at: tuple[float, float] | None
) -> Node:
    return await add_node(
        kind="household",
        name=flat,
        parent=parent,
        code=f"{parent.code}-{flat}",
        latitude=at[0] if at else None,
        longitude=at[1] if at else None,
    )


async def make_diner(
    community: Community,
    name: str,
    *,
    home: Node | None = None,
    birth: date | None = date(1945, 5, 1),
    tags: tuple[str, ...] = (),
    username: str | None = None,
) -> tuple[Person, Account | None]:
    person = await Person.create(community=community, name=name, birth_date=birth)
    for tag in tags:
        await PersonTag.create(person=person, tag=tag)
    if home is not None:
        household = await Household.create(community=community, node=home, code=home.code)
        await Membership.create(household=household, person=person, started_on=date(2020, 1, 1))
    account = (
        await make_account(username, community, "canteen_diner", person=person)
        if username
        else None
    )
    return person, account


@pytest.fixture
async def kit(linli_community: Community) -> Kit:
    community = linli_community
    root = await community_root(community)
    building = await add_node(
        kind="building",
        name="10栋",
        parent=root,
        code="10",
        latitude=north_of(0.4)[0],
        longitude=CANTEEN_AT[1],
    )
    entrance = await add_node(kind="entrance", name="1单元", parent=building, code="10-1")
    canteen = await services.save_canteen(
        community, name="江汉里幸福食堂", latitude=CANTEEN_AT[0], longitude=CANTEEN_AT[1]
    )
    await services.save_period(canteen, kind=LUNCH, cutoff_minutes=9 * 60 + 30, capacity=80)
    dish = await services.save_dish(community, name="红烧武昌鱼套餐", soft=True)
    peanut = await services.save_dish(community, name="宫保鸡丁套餐", allergens=["peanut"])
    item = await services.set_menu_item(canteen, day=DAY, period=LUNCH, dish=dish, price=1500)
    peanut_item = await services.set_menu_item(
        canteen, day=DAY, period=LUNCH, dish=peanut, price=1200
    )
    home = await make_home(community, entrance, "502室", north_of(0.4))
    resident, resident_account = await make_diner(community, "张奶奶", home=home, username="zhang")
    worker_person = await Person.create(community=community, name="李社工")
    worker = await make_account("worker", community, "community_worker", person=worker_person)
    volunteer_person = await Person.create(community=community, name="王志愿")
    volunteer = await make_account("helper", community, "volunteer", person=volunteer_person)
    return Kit(
        community,
        canteen,
        dish,
        peanut,
        item,
        peanut_item,
        root,
        building,
        entrance,
        resident,
        resident_account,
        worker,
        volunteer,
        volunteer_person,
    )


async def order(kit: Kit, person: Person, account: Account | None = None, **kwargs):
    actor = await kit.actor(account or kit.worker)
    values = {"menu_item": kit.item, "mode": "dine_in", "now": BEFORE, **kwargs}
    return await services.place_order(kit.community, person=person, actor=actor, **values)


def later(days: int) -> date:
    return DAY + timedelta(days=days)
