"""Acceptance 1: standing orders (every weekday lunch until further notice) and pauses."""

from datetime import UTC, datetime, timedelta

import pytest

from linli_canteen import services
from linli_canteen.models import CANCELLED, DELIVERY, PLACED, Order

from .conftest import BEFORE, DAY, later

pytestmark = pytest.mark.linli_plugins("canteen")


def morning(day):
    """07:00 in Beijing on ``day``: before the 09:30 cut-off."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(hours=1)


async def menu_for_two_weeks(kit):
    for offset in range(1, 7):
        await services.set_menu_item(
            kit.canteen, day=later(offset), period="lunch", dish=kit.dish, price=1500
        )
    assert await services.copy_week(kit.canteen, DAY, weeks=1) == 8


async def standing(kit, **kwargs):
    values = {
        "person": kit.resident,
        "canteen": kit.canteen,
        "starts_on": DAY,
        "actor": await kit.actor(kit.resident_account),
        **kwargs,
    }
    return await services.save_standing(kit.community, **values)


async def test_weekday_lunches_are_ordered_and_weekends_skipped(kit):
    await menu_for_two_weeks(kit)
    await standing(kit)
    placed = []
    for offset in range(7):
        day = later(offset)
        report = await services.place_standing_orders(kit.community, day, now=morning(day))
        placed.append(report.placed)
    assert placed == [1, 1, 1, 1, 1, 0, 0]
    orders = await Order.filter(person_id=kit.resident.id).order_by("day")
    assert [o.day.weekday() for o in orders] == [0, 1, 2, 3, 4]
    assert all(o.standing_id is not None for o in orders)
    assert orders[0].dish_id == kit.peanut_dish.id  # the cheapest dish of the day


async def test_standing_orders_avoid_the_diners_allergens(kit):
    await services.save_diner(kit.resident, allergies="peanut", notes="")
    await standing(kit)
    await services.place_standing_orders(kit.community, DAY, now=BEFORE)
    assert (await Order.get(person_id=kit.resident.id)).dish_id == kit.dish.id


async def test_placing_twice_orders_once(kit):
    await standing(kit)
    first = await services.place_standing_orders(kit.community, DAY, now=BEFORE)
    second = await services.place_standing_orders(kit.community, DAY, now=BEFORE)
    assert (first.placed, second.placed, second.already) == (1, 0, 1)
    assert await Order.all().count() == 1


async def test_a_pause_skips_its_days_and_cancels_what_was_ordered(kit):
    await menu_for_two_weeks(kit)
    made = await standing(kit)
    await services.place_standing_orders(kit.community, DAY, now=BEFORE)
    tomorrow = later(1)
    await services.place_standing_orders(kit.community, tomorrow, now=BEFORE)
    actor = await kit.actor(kit.resident_account)
    # hospital from Tuesday to Thursday: Tuesday's meal (ordered already) is cancelled
    await services.pause_standing(
        made, starts_on=tomorrow, ends_on=later(3), reason="住院", actor=actor, now=BEFORE
    )
    statuses = dict(await Order.filter(person_id=kit.resident.id).values_list("day", "status"))
    assert statuses == {DAY: PLACED, tomorrow: CANCELLED}
    for offset in (2, 3, 4):
        day = later(offset)
        await services.place_standing_orders(kit.community, day, now=morning(day))
    days = await Order.filter(person_id=kit.resident.id, status=PLACED).values_list(
        "day", flat=True
    )
    assert sorted(days) == [DAY, later(4)]


async def test_a_pause_keeps_meals_past_their_cutoff(kit):
    made = await standing(kit)
    await services.place_standing_orders(kit.community, DAY, now=BEFORE)
    after = datetime(2026, 3, 16, 3, 0, tzinfo=UTC)
    await services.pause_standing(
        made, starts_on=DAY, ends_on=DAY, reason="", actor=None, now=after
    )
    assert (await Order.get(person_id=kit.resident.id)).status == PLACED


async def test_stopped_standing_orders_order_nothing(kit):
    made = await standing(kit)
    await services.stop_standing(made, actor=None, today=DAY - timedelta(days=1))
    assert (await services.place_standing_orders(kit.community, DAY, now=BEFORE)).placed == 0


async def test_standing_delivery_checks_the_radius_when_made(kit):
    from linli_canteen.testing import make_diner, make_home, north_of

    far = await make_home(kit.community, kit.entrance, "901室", north_of(2.0))
    person = await make_diner(kit.community, "远方", home=far)
    with pytest.raises(services.OutOfRange):
        await standing(kit, person=person, mode=DELIVERY, actor=await kit.actor(kit.worker))


async def test_bad_pause_is_refused(kit):
    made = await standing(kit)
    with pytest.raises(services.CanteenError):
        await services.pause_standing(
            made, starts_on=later(3), ends_on=later(1), reason="", actor=None, now=BEFORE
        )
