"""Builders for tests of the canteen, and of plugins and communities that build on it: a
canteen with its lunch, dishes on a menu, homes at a known distance from the canteen and
diners living in them, each in one call.

They are built on :mod:`linli_canteen.services` and the core's records, so what they
make is what the canteen itself would make; accounts come from :mod:`linli.testing`::

    from linli.testing import make_account
    from linli_canteen.testing import make_canteen, make_diner, make_home, north_of

    canteen = await make_canteen(community)
    home = await make_home(community, building, "502室", north_of(0.4))
    person = await make_diner(community, "张奶奶", home=home)
    account = await make_account("zhang", community, "canteen_diner", person=person)
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date
from typing import Any

from linli.kit import Community, Household, Membership, Node, Person, PersonTag, add_node
from linli_canteen import services
from linli_canteen.models import LUNCH, Canteen, Dish, MenuItem

__all__ = [
    "CANTEEN_AT",
    "DINER_BORN",
    "LUNCH_CUTOFF",
    "MOVED_IN",
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
#: When a diner's household moved into its home.
MOVED_IN = date(2020, 1, 1)


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
    building of ``community``), coded ``<parent's code>-<flat>``, at the point ``at`` if
    given (without one, the canteen falls back on the entrance's or the building's
    coordinates)."""
    assert parent.community_id == community.id
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
    birth: date | None = DINER_BORN,
    tags: Iterable[str] = (),
) -> Person:
    """A person on the register (born ``birth``, with ``tags`` such as ``独居``), living
    in ``home`` if given (a household coded like the node, moved in :data:`MOVED_IN`)."""
    person = await Person.create(community=community, name=name, birth_date=birth)
    for tag in tags:
        await PersonTag.create(person=person, tag=tag)
    if home is not None:
        household = await Household.create(community=community, node=home, code=home.code)
        await Membership.create(household=household, person=person, started_on=MOVED_IN)
    return person
