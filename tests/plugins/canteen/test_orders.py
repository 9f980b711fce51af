"""Acceptance 1: subsidy tiers at the age boundaries, the cut-off in Asia/Shanghai time,
the delivery radius at its boundary, cancelling, on-behalf orders and allergy warnings."""

from datetime import UTC, date, datetime, timedelta

import pytest

from linli.kit import AuditEntry, create_community
from linli_canteen import services
from linli_canteen.models import CANCELLED, DELIVERY, FIXED, PERCENT, DayCapacity, Order
from linli_canteen.testing import make_diner, make_home, north_of

from .conftest import AFTER, BEFORE, DAY, order

pytestmark = pytest.mark.linli_plugins("canteen")


async def tiers(kit):
    c = kit.community
    await services.save_tier(c, name="60-69岁", min_age=60, max_age=69, amount=200)
    await services.save_tier(c, name="70-79岁", min_age=70, max_age=79, amount=400)
    await services.save_tier(c, name="80岁以上", min_age=80, kind=PERCENT, amount=50, cap=800)
    await services.save_tier(c, name="低保", tag="低保", kind=FIXED, amount=1000)


def born_years_before(day: date, years: int, *, days: int = 0) -> date:
    return day.replace(year=day.year - years) + timedelta(days=days)


AGE_CASES = [
    # (years, days added to the birth date, tier, subsidy)
    (59, 0, "", 0),  # 60th birthday tomorrow
    (60, 0, "60-69岁", 200),  # 60 today
    (69, -1, "60-69岁", 200),
    (70, 0, "70-79岁", 400),  # 70 today
    (80, 1, "70-79岁", 400),  # 80 tomorrow: still 79
    (80, 0, "80岁以上", 750),  # 50% of 15 yuan = 7.50, under the 8-yuan cap
]


async def test_subsidy_tier_at_the_age_boundaries(kit):
    await tiers(kit)
    for i, (years, shift, tier, subsidy) in enumerate(AGE_CASES):
        birth = born_years_before(DAY, years, days=shift)
        person = await make_diner(kit.community, f"李爹爹{i}", birth=birth)
        placed = await order(kit, person)
        expected = (tier, subsidy, 1500 - subsidy, years - (shift > 0))
        assert (placed.tier_name, placed.subsidy, placed.to_pay, placed.age) == expected, birth
        assert placed.price == placed.subsidy + placed.to_pay


async def test_the_best_tier_wins_and_the_cap_holds(kit):
    await tiers(kit)
    poor = await make_diner(
        kit.community, "王婆婆", birth=born_years_before(DAY, 85), tags=("低保",)
    )
    assert (await order(kit, poor)).tier_name == "低保"  # 10 yuan beats 50% capped at 8
    rich = await make_diner(kit.community, "赵爹爹", birth=born_years_before(DAY, 90))
    dear = await services.set_menu_item(
        kit.canteen, day=DAY, period="lunch", dish=kit.peanut_dish, price=3000
    )
    placed = await order(kit, rich, menu_item=dear)
    assert (placed.subsidy, placed.to_pay) == (800, 2200)


async def test_the_breakdown_stays_as_it_was_when_ordered(kit):
    await tiers(kit)
    person = await make_diner(kit.community, "周爹爹", birth=born_years_before(DAY, 72))
    placed = await order(kit, person)
    await services.save_tier(
        kit.community,
        tier=await kit.community.canteen_tiers.filter(name="70-79岁").first(),
        name="70-79岁",
        min_age=70,
        max_age=79,
        amount=100,
    )
    again = await Order.get(id=placed.id)
    assert (again.subsidy, again.to_pay, again.age) == (400, 1100, 72)


async def test_no_birth_date_means_no_age_tier(kit):
    await tiers(kit)
    person = await make_diner(kit.community, "无名", birth=None)
    assert (await order(kit, person)).subsidy == 0


# ------------------------------------------------------------------- cut-off


CUTOFF_CASES = [
    (datetime(2026, 3, 16, 1, 29, 59, tzinfo=UTC), True),  # 09:29:59 Beijing
    (datetime(2026, 3, 16, 1, 30, 0, tzinfo=UTC), False),  # 09:30:00: closed
    (datetime(2026, 3, 16, 1, 30, 1, tzinfo=UTC), False),
    (datetime(2026, 3, 15, 17, 0, tzinfo=UTC), True),  # 01:00 on the day, 15th in UTC
    (datetime(2026, 3, 16, 9, 0, tzinfo=UTC), False),  # 9:00 UTC is 17:00 Beijing
]


async def test_orders_close_at_the_cutoff_in_beijing_time(kit):
    for i, (moment, accepted) in enumerate(CUTOFF_CASES):
        person = await make_diner(kit.community, f"赶点{i}")
        if accepted:
            assert (await order(kit, person, now=moment)).id
        else:
            with pytest.raises(services.OrdersClosed) as refused:
                await order(kit, person, now=moment)
            assert refused.value.values == {"cutoff": "2026-03-16 09:30"}
            assert not await Order.filter(person_id=person.id).exists()
    assert await Order.all().count() == 2


async def test_cancelling_before_the_cutoff_frees_the_place(kit):
    await services.save_period(kit.canteen, kind="lunch", cutoff_minutes=570, capacity=1)
    placed = await order(kit, kit.resident, kit.resident_account)
    other = await make_diner(kit.community, "钱奶奶")
    with pytest.raises(services.Full):
        await order(kit, other)
    actor = await kit.actor(kit.resident_account)
    with pytest.raises(services.OrdersClosed):
        await services.cancel_order(placed, actor=actor, now=AFTER)
    await services.cancel_order(placed, actor=actor, now=BEFORE)
    assert (await Order.get(id=placed.id)).status == CANCELLED
    assert (await order(kit, other)).id
    # and the resident may order again, since the cancelled order freed their slot
    await services.save_period(kit.canteen, kind="lunch", cutoff_minutes=570, capacity=2)
    await DayCapacity.filter(canteen_id=kit.canteen.id).update(capacity=2)
    assert (await order(kit, kit.resident, kit.resident_account)).id


async def test_one_live_order_per_meal(kit):
    await order(kit, kit.resident, kit.resident_account)
    with pytest.raises(services.AlreadyOrdered):
        await order(kit, kit.resident, kit.resident_account, menu_item=kit.peanut_item)
    assert await Order.all().count() == 1
    assert (await DayCapacity.get(canteen_id=kit.canteen.id)).taken == 1


async def test_a_closed_day_is_refused(kit):
    await services.save_canteen(
        kit.community,
        canteen=kit.canteen,
        name=kit.canteen.name,
        latitude=kit.canteen.latitude,
        longitude=kit.canteen.longitude,
        open_days="123456",
    )
    with pytest.raises(services.CanteenError):
        await order(kit, kit.resident, kit.resident_account)


# ------------------------------------------------------------------- radius


async def test_delivery_radius_at_the_boundary(kit):
    for i, (km, accepted) in enumerate([(1.499, True), (1.5, True), (1.501, False)]):
        home = await make_home(kit.community, kit.entrance, f"120{i}室", north_of(km))
        person = await make_diner(kit.community, f"孙爹爹{i}", home=home)
        if accepted:
            placed = await order(kit, person, mode=DELIVERY)
            assert placed.distance_m == round(km * 1000)
            assert (placed.building_id, placed.entrance, placed.floor) == (
                kit.building.id,
                "1单元",
                12,
            )
        else:
            with pytest.raises(services.OutOfRange) as refused:
                await order(kit, person, mode=DELIVERY)
            assert refused.value.values == {"distance": "1.501", "radius": "1.5"}
            assert not await Order.filter(person_id=person.id).exists()


def test_haversine_matches_a_known_distance():
    # Wuhan (Jianghan Road) to Beijing (Tiananmen): about 1,050 km.
    assert 1040 < services.distance_km(30.5836, 114.2702, 39.9087, 116.3975) < 1060
    assert services.distance_km(*north_of(1.499), *north_of(0)) == pytest.approx(1.499)


async def test_a_home_without_coordinates_gets_a_clear_message(kit):
    bare_building = await make_home(kit.community, kit.root, "平房", None)
    person = await make_diner(kit.community, "吴奶奶", home=bare_building)
    with pytest.raises(services.NoCoordinates):
        await order(kit, person, mode=DELIVERY)
    homeless = await make_diner(kit.community, "郑爹爹")
    with pytest.raises(services.NoHome):
        await order(kit, homeless, mode=DELIVERY)
    # a flat without its own point takes its building's
    flat = await make_home(kit.community, kit.entrance, "301室", None)
    person = await make_diner(kit.community, "冯奶奶", home=flat)
    assert (await order(kit, person, mode=DELIVERY)).distance_m == 400


# ------------------------------------------------------------------- on behalf, warnings


async def test_on_behalf_order_is_recorded_and_audited(kit):
    person = await make_diner(kit.community, "陈奶奶(无手机)")
    placed = await order(kit, person, kit.volunteer)
    assert placed.on_behalf and placed.placed_by_id == kit.volunteer.id
    entry = await AuditEntry.get(action="canteen.order.on_behalf")
    assert entry.on_behalf_of_id == person.id and entry.actor_id == kit.volunteer.id


async def test_a_resident_cannot_order_for_another(kit):
    person = await make_diner(kit.community, "褚奶奶")
    with pytest.raises(services.NotAllowed):
        await order(kit, person, kit.resident_account)
    assert await Order.all().count() == 0


async def test_allergy_conflict_is_warned_and_kept(kit):
    await services.save_diner(kit.resident, allergies=["peanut", "bogus"], notes="少盐")
    placed = await order(kit, kit.resident, kit.resident_account, menu_item=kit.peanut_item)
    assert placed.warning == "peanut"
    sheet, noted = await services.kitchen_sheet(kit.canteen, DAY)
    assert [(ln.dish.name, ln.total) for ln in sheet] == [("宫保鸡丁套餐", 1)]
    assert [o.person_id for o in noted] == [kit.resident.id]


async def test_another_communitys_person_is_not_found(kit, linli_registry):
    other = await create_community("other", "别的社区", linli_registry)
    stranger = await make_diner(other, "外人")
    with pytest.raises(services.NotFound):
        await order(kit, stranger)


async def test_money_helpers():
    assert services.yuan(1250) == "12.50" and services.yuan(5) == "0.05"
    assert services.parse_yuan("12.5") == 1250 and services.parse_yuan(" 3 ") == 300
    for bad in ("", "-1", "1.234", "abc"):
        with pytest.raises(services.CanteenError):
            services.parse_yuan(bad)
    assert services.parse_time("09:30") == 570
    assert services.floor_of("1203室") == 12 and services.floor_of("502") == 5
