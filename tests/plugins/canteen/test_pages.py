"""The pages, through HTTP: a resident orders and cancels, a volunteer delivers, the duty
worker handles an alert, staff run the canteen; bad input changes nothing; and the
busiest pages make a constant number of queries however much data there is."""

import io
from datetime import timedelta

import pytest
from PIL import Image

from linli.kit import AuditEntry
from linli.testing import (
    emitted_events,
    for_you,
    form_post,
    log_in,
    make_account,
    page_queries,
)
from linli_canteen import events, services
from linli_canteen.models import CANCELLED, DELIVERED, NO_ANSWER, Dish, Order, WelfareAlert
from linli_canteen.testing import make_diner, make_home, north_of

pytestmark = pytest.mark.linli_plugins("canteen")

BASE = "/c/test/canteen"


@pytest.fixture
async def soon(kit):
    """A menu item the day after tomorrow (its cut-off is still ahead, whatever the hour)."""
    day = services.local_day(services.now_utc()) + timedelta(days=2)
    return await services.set_menu_item(
        kit.canteen, day=day, period="lunch", dish=kit.dish, price=1500
    )


async def test_a_resident_orders_a_delivery_and_cancels_it(linli_client, kit, soon):
    await services.save_tier(kit.community, name="80岁以上", min_age=80, amount=600)
    await log_in(linli_client, "zhang")
    menu = await linli_client.get(f"{BASE}/menu?week={soon.day.isoformat()}")
    assert menu.status_code == 200 and "红烧武昌鱼套餐" in menu.text
    page = await linli_client.get(f"{BASE}/order/{soon.id}")
    assert page.status_code == 200
    assert "15.00" in page.text and "6.00" in page.text and "9.00" in page.text
    done = await form_post(linli_client, f"{BASE}/order/{soon.id}", {"mode": "delivery"})
    assert done.status_code == 200 and "红烧武昌鱼套餐" in done.text
    order = await Order.get(person_id=kit.resident.id)
    assert (order.mode, order.subsidy, order.to_pay, order.distance_m) == (
        "delivery",
        600,
        900,
        400,
    )
    assert "已下单" in done.text  # the flash after the write
    again = await form_post(linli_client, f"{BASE}/order/{soon.id}", {"mode": "dine_in"})
    # a repeated order is not an error: it says so and shows the order there is
    assert again.status_code == 200 and "已经订过这一餐" in again.text
    assert f'id="order-{order.id}"' in again.text and again.url.params["placed"] == str(order.id)
    assert await Order.filter(person_id=kit.resident.id).count() == 1
    cancelled = await form_post(linli_client, f"{BASE}/orders/{order.id}/cancel", {})
    assert cancelled.status_code == 200
    assert (await Order.get(id=order.id)).status == CANCELLED


async def test_bad_order_input_changes_nothing(linli_client, kit, soon):
    await log_in(linli_client, "zhang")
    response = await form_post(linli_client, f"{BASE}/order/{soon.id}", {"mode": "teleport"})
    assert response.status_code == 400 and "堂食" in response.text
    assert (await form_post(linli_client, f"{BASE}/order/99999", {})).status_code == 404
    other = await make_diner(kit.community, "邻居")
    account = await make_account("neighbour", kit.community, "canteen_diner", person=other)
    theirs = await services.place_order(
        kit.community,
        person=other,
        menu_item=soon,
        mode="dine_in",
        actor=await kit.actor(account),
        now=services.now_utc(),
    )
    forged = await form_post(linli_client, f"{BASE}/orders/{theirs.id}/cancel", {})
    assert forged.status_code == 404
    assert await Order.filter(status="placed").count() == 1


async def test_too_far_for_delivery_is_explained(linli_client, kit, soon):
    far = await make_home(kit.community, kit.entrance, "1801室", north_of(1.501))
    neighbour = await make_diner(kit.community, "远邻", home=far)
    await make_account("far", kit.community, "canteen_diner", person=neighbour)
    await log_in(linli_client, "far")
    response = await form_post(linli_client, f"{BASE}/order/{soon.id}", {"mode": "delivery"})
    assert response.status_code == 409 and "1.501" in response.text and "1.5" in response.text
    assert await Order.all().count() == 0


async def test_a_worker_orders_on_behalf_of_a_resident(linli_client, kit, soon):
    person = await make_diner(kit.community, "陈奶奶")
    await log_in(linli_client, "worker")
    page = await linli_client.get(f"{BASE}/for/?who=%23{person.id}")
    assert page.status_code == 200 and "陈奶奶" in page.text
    done = await form_post(
        linli_client,
        f"{BASE}/for/order",
        {"person": f"#{person.id}", "item": str(soon.id), "mode": "dine_in"},
    )
    assert done.status_code == 200
    order = await Order.get(person_id=person.id)
    assert order.on_behalf and order.placed_by_id == kit.worker.id
    cancelled = await form_post(linli_client, f"{BASE}/for/orders/{order.id}/cancel", {})
    assert cancelled.status_code == 200
    assert (await Order.get(id=order.id)).status == CANCELLED
    entry = await AuditEntry.get(action="canteen.order.cancel")
    assert entry.on_behalf_of_id == person.id and entry.actor_id == kit.worker.id
    standing = await form_post(
        linli_client,
        f"{BASE}/for/standing",
        {
            "person": f"#{person.id}",
            "canteen": str(kit.canteen.id),
            "period": "lunch",
            "weekdays": ["0", "2", "4"],
            "mode": "dine_in",
        },
    )
    assert standing.status_code == 200
    made = await services.StandingOrder.get(person_id=person.id)
    assert (made.weekdays, made.on_behalf) == ("024", True)


async def delivered_run(kit, soon, count=2):
    orders = []
    for i in range(count):
        home = await make_home(kit.community, kit.entrance, f"{i + 2}01室", north_of(0.4))
        person = await make_diner(kit.community, f"送餐{i}", home=home)
        orders.append(
            await services.place_order(
                kit.community,
                person=person,
                menu_item=soon,
                mode="delivery",
                actor=await kit.actor(kit.worker),
                now=services.now_utc(),
            )
        )
    closed = services.cutoff_of(soon.day, await services.MealPeriod.get(canteen_id=kit.canteen.id))
    runs = await services.build_runs(kit.canteen, soon.day, "lunch", now=closed)
    await services.assign_run(runs[0], kit.volunteer_person, actor=None)
    return orders


async def test_the_volunteer_delivers_and_the_duty_worker_resolves(
    linli_client, kit, soon, linli_bus
):
    first, second = await delivered_run(kit, soon)
    await log_in(linli_client, "helper")
    page = await linli_client.get(f"{BASE}/runs/?day={soon.day.isoformat()}")
    assert page.status_code == 200 and "送餐0" in page.text and "送餐1" in page.text
    assert page.text.index("送餐0") < page.text.index("送餐1")  # 2nd floor before 3rd
    yes = {"confirmed": "yes"}
    done = await form_post(linli_client, f"{BASE}/runs/stops/{first.id}/delivered", yes)
    assert done.status_code == 200
    twice = await form_post(linli_client, f"{BASE}/runs/stops/{first.id}/delivered", yes)
    assert twice.status_code == 200
    assert len(await emitted_events(events.DELIVERY_DONE)) == 1
    assert (await Order.get(id=first.id)).status == DELIVERED
    await form_post(linli_client, f"{BASE}/runs/stops/{second.id}/no-answer", yes)
    assert (await Order.get(id=second.id)).status == NO_ANSWER
    alert = await WelfareAlert.get(order_id=second.id)
    assert (await linli_client.get(f"{BASE}/alerts/")).status_code == 403

    await linli_client.post("/logout", data={"_csrf_token": linli_client.cookies.get("linli_csrf")})
    await log_in(linli_client, "zhang")
    assert (await linli_client.get(f"{BASE}/alerts/")).status_code == 403
    home = await linli_client.get("/c/test/")
    assert "幸福食堂" in home.text and "关怀提醒" not in home.text and "送餐1" not in home.text

    await linli_client.post("/logout", data={"_csrf_token": linli_client.cookies.get("linli_csrf")})
    await log_in(linli_client, "worker")
    home = await linli_client.get("/c/test/")
    assert (await for_you(linli_client))["关怀提醒"].value == "1" and "送餐1" not in home.text
    alerts = await linli_client.get(f"{BASE}/alerts/")
    assert alerts.status_code == 200 and "送餐1" in alerts.text
    empty = await form_post(linli_client, f"{BASE}/alerts/{alert.id}/resolve", {"note": " "})
    assert empty.status_code == 400
    ok = await form_post(linli_client, f"{BASE}/alerts/{alert.id}/resolve", {"note": "已上门,安好"})
    assert ok.status_code == 200 and "送餐1" not in ok.text
    assert await AuditEntry.filter(action="canteen.alert.resolve").count() == 1


async def test_another_volunteer_cannot_mark_the_stop(linli_client, kit, soon, linli_bus):
    first, _ = await delivered_run(kit, soon)
    other = await make_diner(kit.community, "别的志愿者")
    await make_account("helper2", kit.community, "volunteer", person=other)
    await log_in(linli_client, "helper2")
    for confirmed in ("", "yes"):
        response = await form_post(
            linli_client, f"{BASE}/runs/stops/{first.id}/delivered", {"confirmed": confirmed}
        )
        assert response.status_code == 404
    undo = await form_post(linli_client, f"{BASE}/runs/stops/{first.id}/undo", {})
    assert undo.status_code == 404
    assert (await Order.get(id=first.id)).status == "placed"


STAFF_PAGES = [
    "manage/",
    "manage/canteens",
    "manage/dishes",
    "manage/menu",
    "manage/tiers",
    "manage/orders",
    "manage/runs",
    "manage/kitchen",
    "manage/sheets",
    "figures/",
    "alerts/",
    "for/",
]


async def test_staff_pages_open_for_the_worker_and_not_for_residents(linli_client, kit, soon):
    await log_in(linli_client, "worker")
    for path in STAFF_PAGES:
        response = await linli_client.get(f"{BASE}/{path}")
        assert response.status_code == 200, path
    diner = await linli_client.get(f"{BASE}/manage/diners/{kit.resident.id}")
    assert diner.status_code == 200
    await log_out(linli_client)
    await log_in(linli_client, "zhang")
    for path in STAFF_PAGES:
        assert (await linli_client.get(f"{BASE}/{path}")).status_code == 403, path


async def test_staff_set_up_menus_tiers_and_canteens(linli_client, kit, soon):
    await log_in(linli_client, "worker")
    added = await form_post(
        linli_client,
        f"{BASE}/manage/menu",
        {
            "canteen": str(kit.canteen.id),
            "day": soon.day.isoformat(),
            "period": "lunch",
            "dish": str(kit.peanut_dish.id),
            "price": "12.5",
        },
    )
    assert added.status_code == 200 and "12.50" in added.text
    bad_price = await form_post(
        linli_client,
        f"{BASE}/manage/menu",
        {
            "canteen": str(kit.canteen.id),
            "day": soon.day.isoformat(),
            "period": "lunch",
            "dish": str(kit.dish.id),
            "price": "cheap",
        },
    )
    assert bad_price.status_code == 400
    tier = await form_post(
        linli_client,
        f"{BASE}/manage/tiers",
        {"name": "残疾人", "tag": "残疾", "kind": "percent", "amount": "50", "cap": "8"},
    )
    assert tier.status_code == 200
    made = await services.SubsidyTier.get(name="残疾人")
    assert (made.kind, made.amount, made.cap) == ("percent", 50, 800)
    upside = await form_post(
        linli_client,
        f"{BASE}/manage/tiers",
        {"name": "错", "min_age": "80", "max_age": "70", "amount": "1"},
    )
    assert upside.status_code == 400
    period = await form_post(
        linli_client,
        f"{BASE}/manage/canteens/{kit.canteen.id}/periods",
        {"kind": "dinner", "cutoff": "25:00", "capacity": "10"},
    )
    assert period.status_code == 400
    copy = await form_post(
        linli_client,
        f"{BASE}/manage/menu/copy",
        {"canteen": str(kit.canteen.id), "week": soon.day.isoformat(), "weeks": "2"},
    )
    assert copy.status_code == 200
    assert await services.MenuItem.filter(day=soon.day + timedelta(days=14)).count() == 2
    assert await AuditEntry.filter(action="canteen.menu.copy_week").count() == 1


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


async def test_dish_photos_are_uploaded_checked_and_served(linli_client, kit):
    await log_in(linli_client, "worker")
    token = linli_client.cookies.get("linli_csrf")
    response = await linli_client.post(
        f"{BASE}/manage/dishes",
        data={"name": "鱼糕", "allergens": ["fish", "egg"], "soft": "1", "_csrf_token": token},
        files={"photo": ("fish.png", png_bytes(), "image/png")},
    )
    assert response.status_code == 200
    dish = await Dish.get(name="鱼糕")
    assert dish.photo_id is not None and dish.allergen_keys == ["egg", "fish"] and dish.soft
    photo = await linli_client.get(f"{BASE}/dishes/{dish.id}/photo")
    assert photo.status_code == 200 and photo.headers["content-type"].startswith("image/")
    forged = await linli_client.post(
        f"{BASE}/manage/dishes",
        data={"name": "假图", "_csrf_token": token},
        files={"photo": ("fish.png", b"%PDF-1.4 not a picture", "image/png")},
    )
    assert forged.status_code == 400
    assert not await Dish.filter(name="假图").exists()


async def log_out(client) -> None:
    await client.post("/logout", data={"_csrf_token": client.cookies.get("linli_csrf")})


async def test_the_start_page_leads_each_visitor_to_their_page(linli_client, kit):
    anonymous = await linli_client.get(f"{BASE}/", follow_redirects=False)
    assert anonymous.status_code in (302, 303) and "/login" in anonymous.headers["location"]
    for username, page in (("helper", "runs/"), ("zhang", "menu"), ("worker", "manage/")):
        await log_in(linli_client, username)
        assert (await linli_client.get(f"{BASE}/")).url.path == f"{BASE}/{page}", username
        await log_out(linli_client)


async def test_the_tabs_show_each_visitor_their_sections(linli_client, kit):
    await log_in(linli_client, "helper")  # a volunteer: delivers, and orders for residents
    runs = await linli_client.get(f"{BASE}/runs/")
    tabs = runs.text[runs.text.index('class="section-tabs"') :].split("</nav>")[0]
    assert f'<a href="{BASE}/runs/" aria-current="page">我的送餐路线</a>' in tabs
    assert f'<a href="{BASE}/for/">代居民订餐</a>' in tabs
    assert "本周菜单" not in tabs and "菜品" not in tabs and "统计" not in tabs
    await log_out(linli_client)
    await log_in(linli_client, "worker")
    dishes = await linli_client.get(f"{BASE}/manage/dishes")
    tabs = dishes.text[dishes.text.index('class="section-tabs"') :].split("</nav>")[0]
    assert f'<a href="{BASE}/manage/dishes" aria-current="page">菜品</a>' in tabs
    assert tabs.count("aria-current") == 1
    assert "统计" in tabs and "关怀提醒" in tabs and "我的送餐路线" not in tabs
    home = await linli_client.get("/c/test/")
    assert f'href="{BASE}/"' in home.text  # the navigation's link to the canteen


async def test_the_person_page_shows_the_tier_and_recent_meals(linli_client, kit, soon):
    await services.save_tier(kit.community, name="80岁以上", min_age=80, amount=600)
    await services.place_order(
        kit.community,
        person=kit.resident,
        menu_item=soon,
        mode="dine_in",
        actor=await kit.actor(kit.worker),
        now=services.now_utc(),
    )
    await log_in(linli_client, "worker")
    page = await linli_client.get(f"/c/test/register/people/{kit.resident.id}")
    assert page.status_code == 200
    assert "80岁以上" in page.text and "红烧武昌鱼套餐" in page.text


# ------------------------------------------------------------------- query counts


async def _queries(client, path):
    return len(await page_queries(client, path))


async def test_busy_pages_use_constant_queries(linli_client, kit, soon, linli_bus):
    day = soon.day.isoformat()
    (first,) = await delivered_run(kit, soon, count=1)
    closed = services.cutoff_of(soon.day, await services.MealPeriod.get(canteen_id=kit.canteen.id))
    actor = await kit.actor(kit.volunteer)
    # one alert already: the page makes its queries for the alerts it shows (their
    # addresses in one more), and no more for more alerts
    await services.mark_no_answer(first.id, volunteer=kit.volunteer_person, actor=actor, now=closed)
    await log_in(linli_client, "worker")
    pages = [
        f"{BASE}/manage/orders?day={day}",
        f"{BASE}/manage/kitchen?day={day}",
        f"{BASE}/manage/sheets?day={day}",
        f"{BASE}/manage/runs?day={day}",
        f"{BASE}/alerts/",
        f"{BASE}/figures/",
        f"{BASE}/manage/",
    ]
    few = [await _queries(linli_client, p) for p in pages]
    for i in range(12):
        home = await make_home(kit.community, kit.entrance, f"{i + 5}03室", north_of(0.4))
        person = await make_diner(kit.community, f"多{i}", home=home)
        await services.save_diner(person, allergies="fish", notes="软食")
        await services.place_order(
            kit.community,
            person=person,
            menu_item=soon,
            mode="delivery",
            actor=await kit.actor(kit.worker),
            now=services.now_utc(),
        )
        await services.set_menu_item(
            kit.canteen,
            day=soon.day,
            period="lunch",
            dish=await services.save_dish(kit.community, name=f"菜{i}"),
            price=1000 + i,
        )
    runs = await services.build_runs(kit.canteen, soon.day, "lunch", now=closed)
    stops = [s for s in await services.run_stops(runs[0]) if s.status == "placed"]
    for stop in stops[:6]:
        await services.mark_no_answer(
            stop.id,
            volunteer=kit.volunteer_person,
            actor=await kit.actor(kit.volunteer),
            now=closed,
        )
    many = [await _queries(linli_client, p) for p in pages]
    assert many == few, list(zip(pages, few, many, strict=True))


async def test_the_menu_and_my_meals_use_constant_queries(linli_client, kit, soon):
    await log_in(linli_client, "zhang")
    pages = [f"{BASE}/menu?week={soon.day.isoformat()}", f"{BASE}/orders"]
    few = [await _queries(linli_client, p) for p in pages]
    for offset in range(7):
        for i in range(4):
            dish = await services.save_dish(kit.community, name=f"菜{offset}-{i}")
            await services.set_menu_item(
                kit.canteen,
                day=soon.day + timedelta(days=offset),
                period="lunch",
                dish=dish,
                price=1000 + i,
            )
    for offset in range(5):
        item = await services.MenuItem.filter(day=soon.day + timedelta(days=offset)).first()
        await services.place_order(
            kit.community,
            person=kit.resident,
            menu_item=item,
            mode="dine_in",
            actor=await kit.actor(kit.resident_account),
            now=services.now_utc(),
        )
    many = [await _queries(linli_client, p) for p in pages]
    assert many == few


async def test_this_weeks_menu_starts_today_not_with_days_gone(linli_client, kit):
    today = services.local_day(services.now_utc())
    for day in (today - timedelta(days=1), today):
        await services.set_menu_item(
            kit.canteen, day=day, period="lunch", dish=kit.dish, price=1500
        )
    await log_in(linli_client, "zhang")
    menu = await linli_client.get(f"{BASE}/menu")
    assert menu.status_code == 200
    assert today.isoformat() in menu.text
    assert (today - timedelta(days=1)).isoformat() not in menu.text or today.weekday() == 0
    # the week before is still there, whole, for whoever looks back
    monday = today - timedelta(days=today.weekday())
    last_week = await linli_client.get(
        f"{BASE}/menu?week={(monday - timedelta(days=7)).isoformat()}"
    )
    assert (monday - timedelta(days=7)).isoformat() in last_week.text
