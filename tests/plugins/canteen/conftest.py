"""Shared set-up of the canteen's tests: a community with a canteen at a known point,
two buildings, residents with homes, a worker, a volunteer, a menu and subsidy tiers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from linli.kit import Account, Actor, Community, Node, Person, community_root, load_actor
from linli.testing import make_account, make_person, make_place
from linli_canteen import services
from linli_canteen.models import LUNCH, Canteen, Dish, MenuItem
from linli_canteen.testing import (
    CANTEEN_AT,
    make_canteen,
    make_diner,
    make_dish,
    make_home,
    make_menu_item,
    north_of,
)

#: A Monday; lunch orders close at 09:30 Beijing time (01:30 UTC).
DAY = date(2026, 3, 16)
BEFORE = datetime(2026, 3, 16, 1, 0, tzinfo=UTC)  # 09:00 in Asia/Shanghai
AFTER = datetime(2026, 3, 16, 2, 0, tzinfo=UTC)  # 10:00


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


@pytest.fixture
async def kit(linli_community: Community) -> Kit:
    community = linli_community
    root = await community_root(community)
    building = await make_place(
        community,
        "building",
        "10栋",
        code="10",
        latitude=north_of(0.4)[0],
        longitude=CANTEEN_AT[1],
    )
    entrance = await make_place(community, "entrance", "1单元", parent=building, code="10-1")
    canteen = await make_canteen(community, "江汉里幸福食堂", capacity=80)
    dish = await make_dish(community, "红烧武昌鱼套餐", soft=True)
    peanut = await make_dish(community, "宫保鸡丁套餐", allergens=["peanut"])
    item = await make_menu_item(canteen, dish, day=DAY, period=LUNCH, price=1500)
    peanut_item = await make_menu_item(canteen, peanut, day=DAY, period=LUNCH, price=1200)
    home = await make_home(community, entrance, "502室", north_of(0.4))
    resident = await make_diner(community, "张奶奶", home=home)
    resident_account = await make_account("zhang", community, "canteen_diner", person=resident)
    worker_person = await make_person(community, "李社工")
    worker = await make_account("worker", community, "community_worker", person=worker_person)
    volunteer_person = await make_person(community, "王志愿")
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
