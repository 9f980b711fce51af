"""Demo data: the Jianghanli happiness canteen (幸福食堂) with two weeks of Hubei
home-style menus, the community's subsidy tiers, standing orders for the elderly who
live alone, two weeks of meals served, today's delivery runs handed to volunteers, and
two demo accounts (a delivery volunteer and an elderly diner). Every dish has a picture
(an illustration drawn by :mod:`linli_canteen.pictures`), stored like an uploaded photo.

History is written with ``bulk_create``; today's runs and tomorrow's standing orders go
through the real services (with the clock injected), so they obey every rule.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from linli.kit import (
    Account,
    Community,
    CommunityRole,
    Node,
    Person,
    PersonTag,
    community_root,
    create_account,
    grant_role,
    save_image,
)
from linli_canteen import services
from linli_canteen.models import (
    DELIVERED,
    DELIVERY,
    DINE_IN,
    DINNER,
    LUNCH,
    NO_ANSWER,
    PERCENT,
    PLACED,
    DayCapacity,
    Dish,
    MenuItem,
    Order,
    StandingOrder,
    WelfareAlert,
)
from linli_canteen.pictures import dish_picture

#: The password of the canteen's demo accounts (the same as the register demo's).
DEMO_PASSWORD = "linli-demo"
FALLBACK_POINT = (30.5832, 114.2708)
ALONE = "独居"

#: (中文, English, allergens, soft, low salt, low sugar, lunch price in fen)
DISHES = [
    ("红烧武昌鱼", "Braised Wuchang bream", "fish,soy", False, False, False, 1800),
    ("清蒸鳊鱼", "Steamed bream", "fish", True, True, True, 1600),
    ("排骨莲藕汤", "Pork rib and lotus root soup", "", True, True, True, 1500),
    ("珍珠圆子", "Pearl rice balls", "egg", True, False, True, 1300),
    ("沔阳三蒸", "Mianyang three steamed dishes", "wheat", True, False, False, 1500),
    ("粉蒸肉", "Steamed pork with rice flour", "", True, False, False, 1400),
    ("腊肉炒菜薹", "Bacon with hongshan caitai", "", False, False, True, 1400),
    ("鱼糕", "Jingzhou fish cake", "fish,egg", True, True, True, 1500),
    ("糍粑鱼", "Ciba fish", "fish,soy", False, False, False, 1600),
    ("藕夹", "Fried lotus root sandwiches", "wheat,egg", False, False, True, 1200),
    ("香菇蒸鸡", "Steamed chicken with mushrooms", "soy", True, True, True, 1500),
    ("番茄炒蛋配时蔬", "Tomato and egg with greens", "egg", True, True, False, 1000),
    ("三鲜豆皮", "Three-delicacy doupi", "egg,soy", False, False, True, 1100),
    ("小米南瓜粥套餐", "Millet and pumpkin porridge set", "", True, True, True, 800),
]
TIERS = [
    # name, English, min age, max age, tag, kind, amount, cap
    ("60–69岁", "Aged 60–69", 60, 69, "", "fixed", 200, None),
    ("70–79岁", "Aged 70–79", 70, 79, "", "fixed", 400, None),
    ("80岁及以上", "Aged 80 and over", 80, None, "", "fixed", 600, None),
    ("低保老人", "Elderly on minimum living allowance", 60, None, "低保", "fixed", 800, None),
    ("残疾人", "People with disabilities", None, None, "残疾", PERCENT, 50, 800),
]
STANDING_DINERS = 48


async def _canteen_point(community: Community) -> tuple[float, float]:
    node = await Node.get_or_none(community_id=community.id, code="facility-canteen")
    if node is not None and node.latitude is not None and node.longitude is not None:
        return node.latitude, node.longitude
    return FALLBACK_POINT


async def _menus(canteen, dishes: list[Dish], monday: date, rng: random.Random) -> int:
    rows = []
    for offset in range(14):
        day = monday + timedelta(days=offset)
        for dish in rng.sample(dishes[:-1], 3):
            price = next(d[6] for d in DISHES if d[0] == dish.name)
            rows.append(
                MenuItem(canteen_id=canteen.id, day=day, period=LUNCH, dish_id=dish.id, price=price)
            )
        for dish in [dishes[-1], rng.choice(dishes[:-1])]:
            rows.append(
                MenuItem(
                    canteen_id=canteen.id,
                    day=day,
                    period=DINNER,
                    dish_id=dish.id,
                    price=800 if dish is dishes[-1] else 1200,
                )
            )
    await MenuItem.bulk_create(rows)
    return len(rows)


async def _picture(community: Community, dish: Dish) -> None:
    """The dish's illustration, stored and linked as a kitchen worker's photo is."""
    picture = dish_picture(dish.name)
    if picture is None:
        return
    upload = await save_image(community, picture, filename=f"{dish.name_en or dish.name}.png")
    await Dish.filter(id=dish.id).update(photo_id=upload.id)


async def _accounts(community: Community, diner: Person | None) -> list[str]:
    """The canteen's demo accounts, and its roles for the register demo's accounts."""
    root = await community_root(community)
    roles = set(await CommunityRole.filter(community_id=community.id).values_list("key", flat=True))
    lines = []
    volunteer = await Account.get_or_none(username="meal_volunteer")
    if volunteer is None and "meal_volunteer" in roles:
        person = await Person.create(
            community=community, name="刘志愿", phone="13907150101", birth_date=date(1962, 4, 8)
        )
        volunteer = await create_account("meal_volunteer", DEMO_PASSWORD, person=person)
        await grant_role(volunteer, "meal_volunteer", root)
    if volunteer is not None:
        lines.append(f"canteen: meal_volunteer / {DEMO_PASSWORD}: delivery volunteer (送餐志愿者)")
    elder = await Account.get_or_none(username="canteen_diner")
    if elder is None and diner is not None and "canteen_diner" in roles:
        elder = await create_account("canteen_diner", DEMO_PASSWORD, person=diner)
        await grant_role(elder, "canteen_diner", root)
    resident = await Account.get_or_none(username="resident")
    if resident is not None and "canteen_diner" in roles:
        await grant_role(resident, "canteen_diner", root)
        lines.append("canteen: resident holds canteen_diner")
    if elder is not None:
        lines.append(
            f"canteen: canteen_diner / {DEMO_PASSWORD}: {diner.name if diner else ''}, "
            "elderly diner living alone (独居老人)"
        )
    return lines


async def seed(community: Community) -> list[str]:
    if await services.Canteen.filter(community_id=community.id).exists():
        return []
    rng = random.Random(20260315)
    now = services.now_utc()
    today = services.local_day(now)
    monday = today - timedelta(days=today.weekday())
    lat, lon = await _canteen_point(community)
    canteen = await services.save_canteen(
        community,
        name="江汉里幸福食堂",
        name_en="Jianghanli Happiness Canteen",
        address="江汉里社区党群服务中心旁",
        latitude=lat,
        longitude=lon,
        radius_m=1500,
    )
    lunch = await services.save_period(
        canteen, kind=LUNCH, cutoff_minutes=9 * 60 + 30, capacity=150
    )
    await services.save_period(canteen, kind=DINNER, cutoff_minutes=15 * 60 + 30, capacity=60)
    await Dish.bulk_create(
        [
            Dish(
                community_id=community.id,
                name=n,
                name_en=e,
                allergens=a,
                soft=s,
                low_salt=ls,
                low_sugar=lg,
            )
            for n, e, a, s, ls, lg, _ in DISHES
        ]
    )
    dishes = list(
        await Dish.filter(community_id=community.id, name__in=[d[0] for d in DISHES]).order_by("id")
    )
    for dish in dishes:
        await _picture(community, dish)
    for name, name_en, low, high, tag, kind, amount, cap in TIERS:
        await services.save_tier(
            community,
            name=name,
            name_en=name_en,
            min_age=low,
            max_age=high,
            tag=tag,
            kind=kind,
            amount=amount,
            cap=cap,
        )
    # last week and this week; next week is copied forward, as staff would do
    items = await _menus(canteen, dishes, monday - timedelta(days=7), rng)
    items += await services.copy_week(canteen, monday, weeks=1)

    # the elderly living alone, the oldest first
    alone = list(
        await Person.filter(community_id=community.id, tags__tag=ALONE, birth_date__isnull=False)
        .order_by("birth_date", "id")
        .limit(STANDING_DINERS)
    )
    homes = {p.id: await services.home_of(p) for p in alone}
    standing_rows = []
    for i, person in enumerate(alone):
        home = homes[person.id]
        mode = DINE_IN
        if home is not None and i % 2 == 0:
            try:
                services.check_radius(canteen, home)
                mode = DELIVERY
            except services.CanteenError:
                mode = DINE_IN
        standing_rows.append(
            StandingOrder(
                community_id=community.id,
                canteen_id=canteen.id,
                person_id=person.id,
                period=LUNCH,
                weekdays="0123456",
                mode=mode,
                starts_on=monday - timedelta(days=7),
            )
        )
    await StandingOrder.bulk_create(standing_rows)
    standing = list(await StandingOrder.filter(community_id=community.id).order_by("id"))
    helpers = [p for p in await services.volunteers(community)]

    # two weeks of meals up to today (today's deliveries still to go out)
    tiers = list(await services.SubsidyTier.filter(community_id=community.id))
    tags: dict[int, set[str]] = {}
    for person_id, tag in await PersonTag.filter(person_id__in=[p.id for p in alone]).values_list(
        "person_id", "tag"
    ):
        tags.setdefault(person_id, set()).add(tag)
    menu = {}
    for item in await MenuItem.filter(canteen_id=canteen.id, period=LUNCH).order_by("price", "id"):
        menu.setdefault(item.day, []).append(item)
    by_person = {p.id: p for p in alone}
    rows, no_answers = [], []
    first = monday - timedelta(days=7)
    for offset in range((today - first).days + 1):
        day = first + timedelta(days=offset)
        for so in standing:
            if rng.random() < 0.08 or day not in menu:  # away, or in hospital
                continue
            person = by_person[so.person_id]
            item = rng.choice(menu[day])
            age = services.age_on(person.birth_date, day) if person.birth_date else None
            tier = services.best_tier(tiers, age, tags.get(person.id, set()), item.price)
            subsidy = services.subsidy_of(tier, item.price) if tier else 0
            home = homes[person.id] if so.mode == DELIVERY else None
            status = PLACED
            if day < today:
                status = DELIVERED if so.mode == DELIVERY else PLACED
                if so.mode == DELIVERY and rng.random() < 0.03:
                    status = NO_ANSWER
            at = datetime.combine(day - timedelta(days=1), time(12), tzinfo=UTC)
            done_at = datetime.combine(day, time(4, 10), tzinfo=UTC)
            rows.append(
                Order(
                    community_id=community.id,
                    canteen_id=canteen.id,
                    person_id=person.id,
                    day=day,
                    period=LUNCH,
                    menu_item_id=item.id,
                    dish_id=item.dish_id,
                    mode=so.mode,
                    status=status,
                    slot=services._slot(canteen.id, person.id, day, LUNCH),
                    price=item.price,
                    subsidy=subsidy,
                    to_pay=item.price - subsidy,
                    age=age,
                    tier_id=tier.id if tier else None,
                    tier_name=tier.name if tier else "",
                    home_id=home.node.id if home else None,
                    building_id=home.building.id if home else None,
                    entrance=home.entrance if home else "",
                    floor=home.floor if home else 0,
                    standing_id=so.id,
                    created_at=at,
                    delivered_at=done_at if status == DELIVERED else None,
                    delivered_by_id=helpers[0].id if helpers and status != PLACED else None,
                )
            )
    await Order.bulk_create(rows, batch_size=500)
    taken = Counter((o.day, o.period) for o in rows)
    await DayCapacity.bulk_create(
        [
            DayCapacity(
                canteen_id=canteen.id, day=day, period=period, capacity=lunch.capacity, taken=n
            )
            for (day, period), n in taken.items()
        ]
    )
    for order in await Order.filter(community_id=community.id, status=NO_ANSWER).order_by("day"):
        no_answers.append(order)
    for index, order in enumerate(no_answers):
        raised = datetime.combine(order.day, time(4, 20), tzinfo=UTC)
        resolved = index < len(no_answers) - 1  # the latest one is still open
        await WelfareAlert.create(
            community_id=community.id,
            order_id=order.id,
            person_id=order.person_id,
            node_id=order.home_id or order.building_id,
            raised_by_id=order.delivered_by_id,
            raised_at=raised,
            resolved_at=raised + timedelta(hours=1) if resolved else None,
            note="电话联系上了,老人在女儿家吃饭,一切安好。" if resolved else "",
        )

    # the demo diner: the oldest one living alone who gets meals delivered
    diner = next((by_person[s.person_id] for s in standing if s.mode == DELIVERY), None)
    lines = await _accounts(community, diner)
    helpers = await services.volunteers(community)

    # today's delivery runs, made after the cut-off and handed to the volunteers
    after_cutoff = services.cutoff_of(today, lunch) + timedelta(minutes=1)
    runs = await services.build_runs(canteen, today, LUNCH, now=after_cutoff)
    meal_volunteer = await Person.get_or_none(account__username="meal_volunteer")
    for index, run in enumerate(runs):
        chosen = (
            meal_volunteer if index % 2 == 0 or len(helpers) < 2 else helpers[index % len(helpers)]
        )
        await services.assign_run(run, chosen or (helpers[0] if helpers else None), actor=None)
    tomorrow = today + timedelta(days=1)
    report = await services.place_standing_orders(community, tomorrow, now=now)
    lines.insert(
        0,
        (
            f"canteen: {canteen.name}, {len(dishes)} dishes, {items} menu items over three weeks, "
            f"{len(TIERS)} subsidy tiers, {len(standing)} standing orders, {len(rows)} meals, "
            f"{len(runs)} delivery runs today, {report.placed} meals ordered for tomorrow"
        ),
    )
    return lines
