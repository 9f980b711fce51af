"""Issue 13, through the pages: a delivery mark asks first, says what it did, shows a
second tap the stop's state and lets its volunteer undo it for five minutes (an undone
"no answer" withdraws its welfare alert unless a worker has resolved it); every form
answers a refusal with the form again, the message beside the field and the input kept;
meals come in the order of the day and flats with their building."""

from datetime import UTC, date, datetime, timedelta

import pytest

from linli.kit import AuditEntry, add_node
from linli.testing import emitted_events, form_post, log_in, make_account
from linli_canteen import events, services
from linli_canteen.models import DELIVERED, DINNER, NO_ANSWER, PLACED, Order, WelfareAlert
from linli_canteen.testing import make_diner, make_home, north_of

from .test_pages import BASE, delivered_run

pytestmark = pytest.mark.linli_plugins("canteen")


@pytest.fixture
async def soon(kit):
    """A menu item the day after tomorrow (its cut-off is still ahead, whatever the hour)."""
    day = services.local_day(services.now_utc()) + timedelta(days=2)
    return await services.set_menu_item(
        kit.canteen, day=day, period="lunch", dish=kit.dish, price=1500
    )


def stop_url(order, action: str) -> str:
    return f"{BASE}/runs/stops/{order.id}/{action}"


# ------------------------------------------------------------------ delivery marks


async def test_delivered_asks_first_then_says_so_and_a_second_tap_shows_the_stop(
    linli_client, kit, soon, linli_bus
):
    first, _ = await delivered_run(kit, soon)
    await log_in(linli_client, "helper")
    asked = await form_post(linli_client, stop_url(first, "delivered"), {})
    assert asked.status_code == 200
    assert "确认 送餐0（10栋 1单元 201室）的餐已送达？" in asked.text
    assert 'name="confirmed" value="yes"' in asked.text and "是的，已送达" in asked.text
    assert (await Order.get(id=first.id)).status == PLACED  # asking changes nothing

    done = await form_post(linli_client, stop_url(first, "delivered"), {"confirmed": "yes"})
    assert done.status_code == 200 and "已送达：送餐0。5 分钟内可以撤销。" in done.text
    assert f'action="{stop_url(first, "undo")}"' in done.text
    assert (await Order.get(id=first.id)).status == DELIVERED

    for confirmed in ("", "yes"):  # a second tap, asked or not: the state and the undo
        again = await form_post(
            linli_client, stop_url(first, "delivered"), {"confirmed": confirmed}
        )
        assert again.status_code == 200, confirmed
        assert "这一站已经标记为：已送达。" in again.text
        assert f'action="{stop_url(first, "undo")}"' in again.text
    crossed = await form_post(linli_client, stop_url(first, "no-answer"), {"confirmed": "yes"})
    assert crossed.status_code == 200 and "这一站已经标记为：已送达。" in crossed.text
    assert len(await emitted_events(events.DELIVERY_DONE)) == 1
    assert not await WelfareAlert.exists()


async def test_the_volunteer_undoes_a_delivered_mark(linli_client, kit, soon, linli_bus):
    first, _ = await delivered_run(kit, soon)
    await log_in(linli_client, "helper")
    await form_post(linli_client, stop_url(first, "delivered"), {"confirmed": "yes"})
    undone = await form_post(linli_client, stop_url(first, "undo"), {})
    assert undone.status_code == 200 and "已撤销：送餐0 这一站需要重新送。" in undone.text
    order = await Order.get(id=first.id)
    assert (order.status, order.delivered_at, order.delivered_by_id) == (PLACED, None, None)
    (event,) = await emitted_events(events.DELIVERY_UNDONE)
    assert (event[1]["order"], event[1]["volunteer"]) == (first.id, kit.volunteer_person.id)
    (withdrawn,) = await emitted_events("service.withdrawn")
    assert withdrawn[1] == {
        "person": kit.volunteer_person.id,
        "source": "canteen",
        "reference": f"delivery:{first.id}",
        "reason": "Meal delivery undone by the volunteer",
    }
    assert await AuditEntry.filter(action="canteen.stop.undo").count() == 1
    nothing = await form_post(linli_client, stop_url(first, "undo"), {})
    assert nothing.status_code == 400 and "没有可撤销的" in nothing.text


async def test_undoing_no_answer_withdraws_the_alert_nobody_has_acted_on(
    linli_client, kit, soon, linli_bus
):
    _, second = await delivered_run(kit, soon)
    await log_in(linli_client, "helper")
    asked = await form_post(linli_client, stop_url(second, "no-answer"), {})
    assert "确认 送餐1（10栋 1单元 301室）无人应门？" in asked.text
    assert "值班社工会收到关怀提醒" in asked.text
    assert not await WelfareAlert.exists()
    done = await form_post(linli_client, stop_url(second, "no-answer"), {"confirmed": "yes"})
    assert "送餐1 家无人应门：已提醒值班社工。" in done.text
    assert await WelfareAlert.filter(order_id=second.id).exists()
    undone = await form_post(linli_client, stop_url(second, "undo"), {})
    assert undone.status_code == 200 and "关怀提醒已收回" in undone.text
    assert not await WelfareAlert.exists()
    assert (await Order.get(id=second.id)).status == PLACED
    entry = await AuditEntry.get(action="canteen.stop.undo")
    assert entry.before["status"] == NO_ANSWER


async def test_a_resolved_alert_keeps_its_mark(linli_client, kit, soon, linli_bus):
    _, second = await delivered_run(kit, soon)
    alert = await services.mark_no_answer(
        second.id,
        volunteer=kit.volunteer_person,
        actor=await kit.actor(kit.volunteer),
        now=services.now_utc(),
    )
    await services.resolve_alert(
        alert, note="电话联系上了", actor=await kit.actor(kit.worker), now=services.now_utc()
    )
    await log_in(linli_client, "helper")
    refused = await form_post(linli_client, stop_url(second, "undo"), {})
    assert refused.status_code == 409 and "社工已处理了这条关怀提醒" in refused.text
    assert f'id="stop-{second.id}"' in refused.text  # the runs page, not an error page
    assert (await Order.get(id=second.id)).status == NO_ANSWER
    assert (await WelfareAlert.get(id=alert.id)).note == "电话联系上了"


async def test_the_undo_lasts_five_minutes_and_is_the_marker_s_alone(kit, soon, linli_bus):
    first, second = await delivered_run(kit, soon)
    actor = await kit.actor(kit.volunteer)
    at = datetime(2026, 3, 16, 4, 0, tzinfo=UTC)
    me = kit.volunteer_person
    await services.mark_delivered(first.id, volunteer=me, actor=actor, now=at)
    await services.mark_no_answer(second.id, volunteer=me, actor=actor, now=at)
    run_id = (await Order.get(id=first.id)).run_id
    stops = await services.run_stops(await services.DeliveryRun.get(id=run_id))
    assert await services.undo_deadlines(stops, me, at + timedelta(minutes=4)) == {
        first.id: at + services.UNDO_WINDOW,
        second.id: at + services.UNDO_WINDOW,
    }
    assert await services.undo_deadlines(stops, me, at + timedelta(minutes=5)) == {}
    for order in (first, second):
        with pytest.raises(services.UndoClosed):
            await services.undo_mark(
                order.id, volunteer=me, actor=actor, now=at + timedelta(minutes=5, seconds=1)
            )
    assert await WelfareAlert.filter(order_id=second.id).exists()
    assert (await Order.get(id=first.id)).status == DELIVERED
    assert (
        await services.undo_mark(first.id, volunteer=me, actor=actor, now=at + timedelta(minutes=4))
        == DELIVERED
    )


# ------------------------------------------------------------------ forms again


async def test_resolving_without_a_note_says_so_beside_the_note(linli_client, kit, soon, linli_bus):
    _, second = await delivered_run(kit, soon)
    alert = await services.mark_no_answer(
        second.id,
        volunteer=kit.volunteer_person,
        actor=await kit.actor(kit.volunteer),
        now=services.now_utc(),
    )
    await log_in(linli_client, "worker")
    empty = await form_post(linli_client, f"{BASE}/alerts/{alert.id}/resolve", {"note": "  "})
    assert empty.status_code == 400
    assert '<p class="field-error" id="note-error">请先写下处理情况' in empty.text
    assert 'id="note" aria-invalid="true"' in empty.text
    assert (await WelfareAlert.get(id=alert.id)).resolved_at is None
    long = "很" * 2001
    too_long = await form_post(linli_client, f"{BASE}/alerts/{alert.id}/resolve", {"note": long})
    assert too_long.status_code == 400 and "最多 2000 个字" in too_long.text
    assert long in too_long.text  # the input is kept
    done = await form_post(linli_client, f"{BASE}/alerts/{alert.id}/resolve", {"note": "已上门"})
    assert done.status_code == 200 and "已解决。" in done.text


async def test_numbers_out_of_range_say_the_limit_and_keep_the_input(linli_client, kit):
    await log_in(linli_client, "worker")
    period = await form_post(
        linli_client,
        f"{BASE}/manage/canteens/{kit.canteen.id}/periods",
        {"kind": "dinner", "cutoff": "16:00", "capacity": "500000", "active": "1"},
    )
    assert period.status_code == 400 and "每日份数须在0至10000份之间" in period.text
    assert 'id="capacity-error"' in period.text and 'value="500000"' in period.text
    assert 'value="16:00"' in period.text
    tier = await form_post(
        linli_client, f"{BASE}/manage/tiers", {"name": "百岁", "min_age": "500", "amount": "5"}
    )
    assert tier.status_code == 400 and "请输入 0 到 150 之间的年龄" in tier.text
    assert 'id="min_age-error"' in tier.text and 'value="百岁"' in tier.text
    percent = await form_post(
        linli_client,
        f"{BASE}/manage/tiers",
        {"name": "半价", "min_age": "80", "kind": "percent", "amount": "500"},
    )
    assert percent.status_code == 400 and "百分比须在 0 到 100 之间" in percent.text
    price = await form_post(
        linli_client,
        f"{BASE}/manage/menu",
        {
            "canteen": str(kit.canteen.id),
            "day": "2026-03-17",
            "period": "lunch",
            "dish": str(kit.dish.id),
            "price": "50000000",
        },
    )
    assert price.status_code == 400 and "金额最多 1,000 元" in price.text
    assert 'id="price-error"' in price.text and 'value="50000000"' in price.text
    weeks = await form_post(
        linli_client,
        f"{BASE}/manage/menu/copy",
        {"canteen": str(kit.canteen.id), "week": "2026-03-16", "weeks": "500"},
    )
    assert weeks.status_code == 400 and "请复制到1至8周" in weeks.text
    assert 'value="500"' in weeks.text
    radius = await form_post(
        linli_client,
        f"{BASE}/manage/canteens/{kit.canteen.id}",
        {"name": "新名字", "radius_m": "abc"},
    )
    assert radius.status_code == 400 and 'id="radius_m-error"' in radius.text
    assert 'value="新名字"' in radius.text
    assert await services.SubsidyTier.all().count() == 0
    assert await services.MealPeriod.filter(kind="dinner").count() == 0
    assert (await services.Canteen.get(id=kit.canteen.id)).name == "江汉里幸福食堂"


async def test_order_and_standing_refusals_keep_the_form(linli_client, kit, soon):
    far = await make_home(kit.community, kit.entrance, "1801室", north_of(1.6))
    neighbour = await make_diner(kit.community, "远邻", home=far)
    await make_account("far", kit.community, "canteen_diner", person=neighbour)
    await log_in(linli_client, "far")
    refused = await form_post(linli_client, f"{BASE}/order/{soon.id}", {"mode": "delivery"})
    assert refused.status_code == 409 and 'id="mode-error"' in refused.text
    assert 'value="delivery" checked' in refused.text  # the choice is kept
    standing = await form_post(
        linli_client,
        f"{BASE}/standing",
        {"canteen": str(kit.canteen.id), "period": "dinner", "mode": "dine_in", "weekdays": []},
    )
    assert standing.status_code == 400 and 'id="weekdays-error"' in standing.text
    assert '<details class="ct-card" open>' in standing.text
    assert '<option value="dinner" selected>' in standing.text
    assert not await services.StandingOrder.exists()


async def test_a_repeated_order_on_behalf_shows_the_order(linli_client, kit, soon):
    person = await make_diner(kit.community, "陈奶奶")
    await log_in(linli_client, "worker")
    form = {"person": f"#{person.id}", "item": str(soon.id), "mode": "dine_in"}
    first = await form_post(linli_client, f"{BASE}/for/order", form)
    assert first.status_code == 200 and "已为 陈奶奶 下单。" in first.text
    again = await form_post(linli_client, f"{BASE}/for/order", form)
    assert again.status_code == 200 and "陈奶奶 已经订过这一餐，订单如下。" in again.text
    order = await Order.get(person_id=person.id)
    assert f'id="order-{order.id}"' in again.text
    nobody = await linli_client.get(f"{BASE}/for/?who=没有这个人")
    assert nobody.status_code == 400 and 'id="who-error"' in nobody.text
    assert 'value="没有这个人"' in nobody.text


async def test_every_write_says_it_is_done(linli_client, kit, soon):
    await log_in(linli_client, "worker")
    said = {
        "已上菜单。": (
            f"{BASE}/manage/menu",
            {
                "canteen": str(kit.canteen.id),
                "day": soon.day.isoformat(),
                "period": "lunch",
                "dish": str(kit.peanut_dish.id),
                "price": "12",
            },
        ),
        "已保存。": (f"{BASE}/manage/tiers", {"name": "高龄", "min_age": "80", "amount": "6"}),
    }
    for message, (url, data) in said.items():
        response = await form_post(linli_client, url, data)
        assert response.status_code == 200 and message in response.text, url
        follow = await linli_client.get(url)
        assert message not in follow.text  # once only


# ------------------------------------------------------------------ order of things


async def test_meals_come_in_the_order_of_the_day(linli_client, kit, soon):
    await services.save_period(kit.canteen, kind=DINNER, cutoff_minutes=15 * 60, capacity=50)
    dinner_dish = await services.save_dish(kit.community, name="晚餐小米粥")
    await services.set_menu_item(
        kit.canteen, day=soon.day, period=DINNER, dish=dinner_dish, price=800
    )
    await log_in(linli_client, "zhang")
    menu = await linli_client.get(f"{BASE}/menu?week={soon.day.isoformat()}")
    assert menu.text.index("<h3>午餐</h3>") < menu.text.index("<h3>晚餐</h3>")
    days = await services.week_menu(kit.canteen, soon.day - timedelta(days=soon.day.weekday()))
    (today,) = [d for d in days if d.day == soon.day]
    assert list(today.periods) == ["lunch", "dinner"]


async def test_alerts_name_the_building_and_buildings_sort_as_people_count(
    linli_client, kit, soon, linli_bus
):
    two = await add_node(kind="building", name="2栋", parent=kit.root, code="2")
    entrance = await add_node(kind="entrance", name="1单元", parent=two, code="2-1")
    home = await make_home(kit.community, entrance, "601室", north_of(0.3))
    person = await make_diner(kit.community, "二栋住户", home=home)
    await services.place_order(
        kit.community,
        person=person,
        menu_item=soon,
        mode="delivery",
        actor=await kit.actor(kit.worker),
        now=services.now_utc(),
    )
    first, _ = await delivered_run(kit, soon)  # builds the runs of 10栋 and 2栋
    runs = await services.runs_of(kit.canteen, soon.day, "lunch")
    assert [r.building.name for r in runs] == ["2栋", "10栋"]
    for run in runs:
        await services.assign_run(run, kit.volunteer_person, actor=None)
    await services.mark_no_answer(
        first.id,
        volunteer=kit.volunteer_person,
        actor=await kit.actor(kit.volunteer),
        now=services.now_utc(),
    )
    await log_in(linli_client, "worker")
    alerts = await linli_client.get(f"{BASE}/alerts/")
    assert "送餐0 · 10栋 1单元 201室" in alerts.text
    page = await linli_client.get(f"{BASE}/manage/runs?day={soon.day.isoformat()}")
    rows = [page.text.index(f'<th scope="row">{name}</th>') for name in ("2栋", "10栋")]
    assert rows == sorted(rows)


# ------------------------------------------------------------------ switching off


async def test_switching_the_canteen_off_says_how_many_meals_of_today_it_stops(
    linli_client, kit, linli_bus
):
    today = services.local_day(services.now_utc())
    item = await services.set_menu_item(
        kit.canteen, day=today, period="lunch", dish=kit.dish, price=1500
    )
    early = datetime.combine(today, datetime.min.time(), tzinfo=services.DEFAULT_ZONE)
    for mode, who in (("delivery", "一"), ("delivery", "二"), ("dine_in", "三")):
        home = await make_home(kit.community, kit.entrance, f"{who}号", north_of(0.4))
        person = await make_diner(kit.community, f"住户{who}", home=home)
        await services.place_order(
            kit.community,
            person=person,
            menu_item=item,
            mode=mode,
            actor=await kit.actor(kit.worker),
            now=early,
        )
    await make_account("admin", kit.community, "administrator")
    await log_in(linli_client, "admin")
    asked = await form_post(linli_client, "/c/test/admin/plugins/canteen/disable", {})
    assert asked.status_code == 200
    assert "今天已订的 2 份送餐将无法送达" in asked.text
    assert "今天已订的 1 份堂食将无法供应" in asked.text
    assert "关怀提醒尚未处理" not in asked.text  # none is open: a count of 0 is not shown
    assert await Order.filter(status=PLACED).count() == 3


async def test_the_day_s_orders_list_breakfast_lunch_dinner(linli_client, kit):
    from .conftest import DAY, order

    for kind, minutes in (("dinner", 15 * 60), ("breakfast", 7 * 60)):
        await services.save_period(kit.canteen, kind=kind, cutoff_minutes=minutes, capacity=9)
    for kind, name in (("dinner", "晚饭客"), ("lunch", "午饭客"), ("breakfast", "早饭客")):
        dish = await services.save_dish(kit.community, name=f"{kind}菜")
        item = await services.set_menu_item(kit.canteen, day=DAY, period=kind, dish=dish, price=900)
        person = await make_diner(kit.community, name)
        await order(kit, person, menu_item=item, now=datetime(2026, 3, 15, 12, 0, tzinfo=UTC))
    await log_in(linli_client, "worker")
    page = await linli_client.get(f"{BASE}/manage/orders?day={DAY.isoformat()}")
    assert page.text.index("早饭客") < page.text.index("午饭客") < page.text.index("晚饭客")


async def test_a_refused_form_among_several_shows_the_refusal_in_that_form_only(linli_client, kit):
    from linli_canteen.models import StandingPause

    lunch, dinner = [
        await services.save_standing(
            kit.community,
            person=kit.resident,
            canteen=kit.canteen,
            period=period,
            starts_on=date(2026, 3, 16),
            actor=None,
        )
        for period in ("lunch", "dinner")
    ]
    await log_in(linli_client, "zhang")
    refused = await form_post(
        linli_client,
        f"{BASE}/standing/{dinner.id}/pause",
        {"starts_on": "2026-04-10", "ends_on": "2026-04-01", "reason": "住院"},
    )
    assert refused.status_code == 400
    assert refused.text.count('class="error-summary"') == 1
    assert refused.text.count('class="field-error"') == 1
    assert 'id="ends_on-error"' in refused.text and "暂停的结束日期" in refused.text
    # the dinner's form has the visitor's input back under the field names the summary
    # links to; the lunch's form is as it was
    assert 'id="starts_on" value="2026-04-10"' in refused.text
    assert 'id="ends_on" aria-invalid="true"' in refused.text
    assert 'id="reason" value="住院"' in refused.text
    assert f'id="starts_on-pause-{lunch.id}" value=""' in refused.text
    assert await StandingPause.all().count() == 0
