"""Builders for tests of the canteen, and of plugins and communities that build on it: a
canteen with its lunch, dishes on a menu, homes at a known distance from the canteen and
diners living in them, each in one call.

They are built on :mod:`linli.testing`'s builders (accounts get its ``TEST_PASSWORD``)
and on :mod:`linli_canteen.services`, so what they make is what the canteen itself
would make::

    from linli_canteen.testing import make_canteen, make_diner, make_home, north_of

    canteen = await make_canteen(community)
    home = await make_home(community, building, "502室", north_of(0.4))
    person, account = await make_diner(community, "张奶奶", home=home, username="zhang")
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date
from typing import Any

from linli.hierarchy.models import Node
from linli.identity.models import Account, Person
from linli.models import Community
from linli.testing import make_account, make_household, make_person, make_place
from linli_canteen import services
from linli_canteen.models import LUNCH, Canteen, Dish, MenuItem

__all__ = [
    "CANTEEN_AT",
    "DINER_BORN",
    "LUNCH_CUTOFF",
    "make_canteen",
    "make_diner",
    "make_dish",
    "make_home",
    "make_menu_item",
    "north_of",
]

#: Where :func:`make_canteen` puts a canteen unless told otherwise (Jianghan, Wuhan).
CANTEEN_AT: tuple[float, float] = (30.5832, 114.2708)
#: The lunch order cut-off of :func:`make_canteen`, in minutes after midnight: 09:30.
LUNCH_CUTOFF = 9 * 60 + 30
#: A diner's birth date unless a test says otherwise: over 80 in the 2020s.
DINER_BORN = date(1945, 5, 1)


def north_of(km: float, of: tuple[float, float] = CANTEEN_AT) -> tuple[float, float]:
    """The point ``km`` due north of ``of`` (by default :data:`CANTEEN_AT`), exact on
    the great circle that :func:`linli_canteen.services.distance_km` measures."""
    return (of[0] + math.degrees(km / services.EARTH_RADIUS_KM), of[1])


async def make_canteen(
    community: Community,
    name: str = "江汉里幸福食堂",
    *,
    at: tuple[float, float] = CANTEEN_AT,
    cutoff_minutes: int = LUNCH_CUTOFF,
    capacity: int = 80,
    **fields: Any,
) -> Canteen:
    """A canteen at ``at`` serving lunch (orders close ``cutoff_minutes`` after midnight,
    ``capacity`` meals a day); ``fields`` go to
    :func:`~linli_canteen.services.save_canteen` (``radius_m``, ``open_days`` …)."""
    canteen = await services.save_canteen(
        community, name=name, latitude=at[0], longitude=at[1], **fields
    )
    await services.save_period(
        canteen, kind=LUNCH, cutoff_minutes=cutoff_minutes, capacity=capacity
    )
    return canteen


async def make_dish(community: Community, name: str, **fields: Any) -> Dish:
    """A dish of the community's kitchen; ``fields`` go to
    :func:`~linli_canteen.services.save_dish` (``soft=True``, ``allergens=["peanut"]`` …)."""
    return await services.save_dish(community, name=name, **fields)


async def make_menu_item(
    canteen: Canteen, dish: Dish, *, day: date, price: int, period: str = LUNCH
) -> MenuItem:
    """``dish`` on the menu of ``canteen`` for ``period`` of ``day``, at ``price`` fen."""
    return await services.set_menu_item(canteen, day=day, period=period, dish=dish, price=price)


async def make_home(
    community: Community, parent: Node, flat: str, at: tuple[float, float] | None = None
) -> Node:
    """A flat (household node) named ``flat`` under ``parent`` (an entrance or a
    building), coded ``<parent's code>-<flat>``, at the point ``at`` if given (without
    one, the canteen falls back on the entrance's or the building's coordinates)."""
    return await make_place(
        community,
        "household",
        flat,
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
    birth: date | None = DINER_BORN,
    tags: Iterable[str] = (),
    username: str | None = None,
) -> tuple[Person, Account | None]:
    """A person on the register (born ``birth``, with ``tags`` such as ``独居``), living
    in ``home`` if given (a household coded like the node, moved in 2020), and with an
    account holding the ``canteen_diner`` role if ``username`` is given."""
    person = await make_person(community, name, born=birth, tags=tags)
    if home is not None:
        await make_household(community, home, person, code=home.code)
    account = None
    if username:
        account = await make_account(username, community, "canteen_diner", person=person)
    return person, account
