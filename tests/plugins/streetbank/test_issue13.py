"""Issue 13, as it concerns the street bank: balances and names on the pages, the home
page's widget against the figures page, forms that answer a refusal with the form
again, a message after every write, a confirmation before what cannot be undone, names
instead of ledger keys, a demo catalogue that makes sense and the consequences of
switching the plugin off."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from linli.kit import change_settings
from linli.testing import (
    form_post,
    log_in,
    make_account,
    make_household,
    make_person,
    make_place,
)
from linli_streetbank import services
from linli_streetbank.models import Entry, LedgerAccount, Voucher

from .builders import make_member

pytestmark = pytest.mark.linli_plugins("streetbank")

BASE = "/c/test/streetbank"


def _key(html: str) -> str:
    return re.search(r'name="request_key" value="([^"]+)"', html).group(1)


def _figure(html: str, name: str) -> int:
    found = re.search(rf'data-figure="{name}">(-?\d+)<', html)
    assert found, f"no figure {name}"
    return int(found.group(1))


def _main(html: str) -> str:
    return html.split("<main", 1)[1]


async def _redeem(bank, person, account, item=None, key="r"):
    return (
        await services.redeem(
            bank.community, person=person, item=item or bank.item,
            actor=await bank.actor(account), key=key,
        )
    ).value  # fmt: skip


# ------------------------------------------------------------------ 1. balance shown


async def test_my_points_page_shows_the_balance(linli_client, bank):
    await bank.earn(bank.resident, "1.2", "e")  # 1.2 hours at 10 points: 12 points
    await log_in(linli_client, "zhang")
    page = await linli_client.get(f"{BASE}/me")
    assert page.status_code == 200
    assert '<span class="sb-number">12</span>' in page.text


async def test_the_workers_account_page_shows_name_and_balance(linli_client, bank):
    await bank.earn(bank.resident, "1.2", "e")
    account = await LedgerAccount.get(person_id=bank.resident.id)
    await log_in(linli_client, "worker")
    page = await linli_client.get(f"{BASE}/worker/accounts/{account.id}")
    assert page.status_code == 200
    assert "<h1>张阿姨</h1>" in page.text
    assert '<span class="sb-number">12</span>' in page.text


# ------------------------------------------------------------ 6. the home page widget


async def test_the_widget_shows_the_figures_pages_totals(linli_client, bank):
    wang, wang_account = await make_member(bank.community, "王大爷", username="wang")
    liu, _ = await make_member(bank.community, "刘奶奶")
    await bank.earn(bank.resident, 3, "e1")  # 30
    await bank.earn(bank.resident, 2, "e2")  # 20
    await bank.earn(wang, 4, "e3")  # 40
    await bank.earn(liu, 1, "e4")  # 10
    # last year's points count in last year, not in this one
    last_year = services.year_start(services.now_utc().year) - timedelta(days=3)
    await services.record_service(
        bank.community, person=liu, category=bank.category, quantity=5,
        served_on=last_year.date(), key="old", actor=await bank.actor(bank.worker),
        now=last_year,
    )  # fmt: skip
    item_b = await services.save_item(
        bank.community, partner_id=bank.other_partner.id, title="体检", price=15
    )
    await _redeem(bank, bank.resident, bank.resident_account, key="r1")  # 10
    await _redeem(bank, bank.resident, bank.resident_account, item_b, key="r2")  # 15
    cancelled = await _redeem(bank, wang, wang_account, item_b, key="r3")  # 15, refunded
    await services.cancel_voucher(cancelled, actor=await bank.actor(wang_account))
    await _redeem(bank, wang, wang_account, key="r4")  # 10
    earned = await Entry.get(idempotency_key="e4")
    await services.reverse_entry(earned, actor=await bank.actor(bank.worker), reason="记错了")

    await log_in(linli_client, "worker")
    figures = await linli_client.get(f"{BASE}/figures/")
    home = await linli_client.get("/c/test/")
    assert figures.status_code == home.status_code == 200
    assert _figure(figures.text, "issued") == 30 + 20 + 40 + 10 - 10 == 90
    assert _figure(figures.text, "redeemed") == 10 + 15 + 15 - 15 + 10 == 35
    assert _figure(home.text, "issued") == _figure(figures.text, "issued")
    assert _figure(home.text, "redeemed") == _figure(figures.text, "redeemed")
    assert _figure(home.text, "partners") == 2


async def test_year_totals_is_one_sum_per_figure(bank):
    for index in range(5):
        await bank.earn(bank.resident, 1, f"e{index}")
    issued, redeemed = await services.year_totals(bank.community, services.now_utc().year)
    assert (issued, redeemed) == (50, 0)


# ---------------------------------------------------- 3. forms answer with the form


async def _home(community, person, building, entrance, flat):
    block = await make_place(community, "building", building)
    door = await make_place(community, "entrance", entrance, parent=block)
    home = await make_place(community, "household", flat, parent=door)
    await make_household(community, home, person)


async def test_an_ambiguous_name_lists_the_people_to_choose_from(linli_client, bank):
    await _home(bank.community, bank.resident, "10栋", "2单元", "601室")
    namesake, _ = await make_member(bank.community, "张阿姨", phone="13900001234")
    await _home(bank.community, namesake, "2栋", "1单元", "302室")
    await log_in(linli_client, "worker")
    page = await linli_client.get(f"{BASE}/worker/record")
    form = {"person": "张阿姨", "category": str(bank.category.id), "quantity": "1.5",
            "served_on": "2026-03-01", "note": "陪诊", "request_key": _key(page.text)}  # fmt: skip
    response = await form_post(linli_client, f"{BASE}/worker/record", form)
    assert response.status_code == 409
    html = _main(response.text)
    assert "有 2 位居民与“张阿姨”相符" in html
    assert "10栋 2单元 601室" in html and "2栋 1单元 302室" in html
    assert f'value="#{bank.resident.id}"' in html and f'value="#{namesake.id}"' in html
    assert "1234" in html  # the phone's last digits tell them apart too
    assert html.index("2栋 1单元") < html.index("10栋 2单元")  # natural order
    assert 'value="1.5"' in html and 'value="陪诊"' in html  # the rest is kept
    assert "返回首页" not in html
    assert await Entry.all().count() == 0
    chosen = await form_post(
        linli_client, f"{BASE}/worker/record", {**form, "person": f"#{namesake.id}"}
    )
    assert chosen.status_code == 200
    assert "已记录：张阿姨 获得 15 积分。" in chosen.text
    assert await services.balance_of(namesake) == 15
    assert await services.balance_of(bank.resident) == 0


async def test_too_many_hours_says_what_the_limit_is(linli_client, bank):
    await log_in(linli_client, "worker")
    page = await linli_client.get(f"{BASE}/worker/record")
    form = {"person": "张阿姨", "category": str(bank.category.id), "quantity": "500",
            "note": "整理仓库", "request_key": _key(page.text)}  # fmt: skip
    response = await form_post(linli_client, f"{BASE}/worker/record", form)
    assert response.status_code == 400
    html = _main(response.text)
    assert "每次最多记录 24 小时，您填写的是 500。" in html
    assert 'id="quantity" name="quantity" inputmode="decimal" required value="500"' in html
    assert 'aria-invalid="true"' in html and 'value="整理仓库"' in html
    assert "请输入" not in html
    assert await Entry.all().count() == 0


async def test_a_redemption_sent_again_shows_the_voucher(linli_client, bank):
    await bank.earn(bank.resident, 3, "e")
    await log_in(linli_client, "zhang")
    page = await linli_client.get(f"{BASE}/catalogue/{bank.item.id}")
    form = {"request_key": _key(page.text)}
    first = await form_post(linli_client, f"{BASE}/catalogue/{bank.item.id}/redeem", form)
    assert "兑换成功" in first.text
    again = await form_post(linli_client, f"{BASE}/catalogue/{bank.item.id}/redeem", form)
    voucher = await Voucher.get()
    assert again.status_code == 200
    assert "已经办理过" in again.text or "已办理" in again.text
    assert voucher.code in again.text and "可使用" in again.text
    assert await Voucher.all().count() == 1


async def test_a_cancellation_sent_again_says_it_is_done(linli_client, bank):
    await bank.earn(bank.resident, 3, "e")
    voucher = await _redeem(bank, bank.resident, bank.resident_account)
    await log_in(linli_client, "zhang")
    url = f"{BASE}/vouchers/{voucher.id}/cancel"
    asked = await form_post(linli_client, url, {})
    assert asked.status_code == 200
    assert "取消“理发一次”的兑换券？" in asked.text and "10 积分将退回您的账户。" in asked.text
    await voucher.refresh_from_db()
    assert voucher.status == "issued"
    done = await form_post(linli_client, url, {"confirmed": "yes"})
    assert "兑换券已取消：10 积分已退回您的账户。" in done.text
    again = await form_post(linli_client, url, {"confirmed": "yes"})
    assert again.status_code == 200
    assert "已经办理过：这张兑换券已取消，积分已退回。" in again.text
    assert await services.balance_of(bank.resident) == 30


async def test_a_voucher_accepted_twice_shows_when_it_was_used(linli_client, bank):
    await bank.earn(bank.resident, 3, "e")
    voucher = await _redeem(bank, bank.resident, bank.resident_account)
    await log_in(linli_client, "barber")
    url = f"{BASE}/operator/{bank.partner.id}/verify"
    done = await form_post(linli_client, url, {"code": voucher.code, "confirmed": "yes"})
    assert "核销成功" in done.text
    again = await form_post(linli_client, url, {"code": voucher.code})
    assert again.status_code == 409
    html = _main(again.text)
    assert "已经核销过：这张兑换券已于" in html and voucher.code in html
    assert f'value="{voucher.code}"' in html  # the form again, code kept


async def test_not_enough_points_answers_the_item_page(linli_client, bank):
    await log_in(linli_client, "zhang")
    page = await linli_client.get(f"{BASE}/catalogue/{bank.item.id}")
    response = await form_post(
        linli_client, f"{BASE}/catalogue/{bank.item.id}/redeem",
        {"request_key": _key(page.text)},
    )  # fmt: skip
    assert response.status_code == 409
    html = _main(response.text)
    assert "积分不足。" in html and "<h1>理发一次</h1>" in html
    assert "返回首页" not in html


async def _refusals(bank):
    """(URL, form, status, words on the page): one refusal of every POST route."""
    await bank.earn(bank.resident, 3, "e")
    voucher = await _redeem(bank, bank.resident, bank.resident_account)
    await services.verify_voucher(bank.partner, voucher.code, actor=await bank.actor(bank.operator))
    entry = await Entry.get(kind="earn")
    # Issue 14: a supervisor (the checker) and a debit above the worker's limit that
    # the resident's 20 points cannot cover.
    boss = await make_person(bank.community, "赵主管")
    await make_account("boss", bank.community, "streetbank_supervisor", person=boss)
    pending = (
        await services.adjust(
            bank.community, person=bank.resident, amount=-1000, reason="扣回", key="big",
            actor=await bank.actor(bank.worker),
        )
    ).value  # fmt: skip
    return {
        "streetbank:redeem": ("zhang", f"/catalogue/{bank.item.id}/redeem", {}, 400, "请重试"),
        "streetbank:cancel": (
            "zhang",
            f"/vouchers/{voucher.id}/cancel",
            {"confirmed": "yes"},
            409,
            "已经核销过",
        ),
        "streetbank:verify": (
            "barber",
            f"/operator/{bank.partner.id}/verify",
            {"code": "NOPE2345"},
            404,
            "本单位没有这个兑换码的兑换券",
        ),
        "streetbank:record": (
            "worker",
            "/worker/record",
            {
                "person": "张阿姨",
                "category": str(bank.category.id),
                "quantity": "0",
                "request_key": "k",
            },
            400,
            "请输入大于 0 的数。",
        ),
        "streetbank:redeem_for": (
            "worker",
            "/worker/redeem-for",
            {"person": "没这人", "item": str(bank.item.id), "request_key": "k"},
            404,
            "没有与该姓名或电话相符的居民",
        ),
        "streetbank:adjust": (
            "worker",
            "/worker/adjust",
            {"person": "张阿姨", "amount": "0", "reason": "补录", "request_key": "k"},
            400,
            "不为 0 的整数积分",
        ),
        "streetbank:reverse": (
            "worker",
            f"/worker/ledger/{entry.id}/reverse",
            {},
            400,
            "请填写更正原因",
        ),
        "streetbank:save_item": (
            "worker",
            "/worker/catalogue",
            {"partner": str(bank.partner.id), "title": "洗头", "price": "abc"},
            400,
            "请输入整数",
        ),
        "streetbank:add_partner": (
            "worker",
            "/worker/partners",
            {"name": " ", "kind": "merchant"},
            400,
            "请填写单位名称",
        ),
        "streetbank:add_operator": (
            "worker",
            f"/worker/partners/{bank.partner.id}/operators",
            {"username": "nobody"},
            404,
            "没有这个用户名的账号",
        ),
        "streetbank:save_category": (
            "worker",
            "/worker/categories",
            {"key": "坏", "name": "x", "rate": "5"},
            400,
            "代码应为 2-48 位",
        ),
        "streetbank:expire": (
            "worker",
            "/worker/expire",
            {"year": "2025"},
            409,
            "未开启积分年度清零",
        ),
        "streetbank:approve": (
            "boss",
            f"/worker/approvals/{pending.id}/approve",
            {},
            409,
            "积分不足",
        ),
        "streetbank:reject": (
            "boss",
            f"/worker/approvals/{pending.id}/reject",
            {"reason": ""},
            400,
            "请说明驳回的原因",
        ),
    }


def _post_routes() -> set[str]:
    from litestar import Controller

    from linli_streetbank.routes import ROUTES

    names = set()
    for route in ROUTES:
        handlers = (
            [getattr(route, name) for name in dir(route)]
            if isinstance(route, type) and issubclass(route, Controller)
            else [route]
        )
        for handler in handlers:
            if "POST" in (getattr(handler, "http_methods", None) or ()):
                names.add(handler.name)
    return names


async def test_every_post_route_answers_a_refusal_with_its_form(linli_client, bank):
    cases = await _refusals(bank)
    assert set(cases) == _post_routes()
    entries = await Entry.all().count()
    who = None
    for name, (username, path, form, status, words) in cases.items():
        if username != who:
            if who is not None:
                await form_post(linli_client, "/logout", {})
            await log_in(linli_client, username)
            who = username
        response = await form_post(linli_client, BASE + path, form)
        assert response.status_code == status, (name, response.status_code)
        html = _main(response.text)
        assert words in html, (name, html[:3000])
        assert 'class="error-summary"' in html, name
        assert '<form method="post"' in html, name
        assert "返回首页" not in html, name
    assert await Entry.all().count() == entries


# --------------------------------------------- 9. a message after every write, and asking first


async def test_every_write_says_it_is_done(linli_client, bank):
    await bank.earn(bank.resident, 3, "e")
    await log_in(linli_client, "zhang")
    page = await linli_client.get(f"{BASE}/catalogue/{bank.item.id}")
    redeemed = await form_post(
        linli_client, f"{BASE}/catalogue/{bank.item.id}/redeem", {"request_key": _key(page.text)}
    )
    assert "兑换成功：请到汉兴街老王理发店出示这张兑换券。" in redeemed.text
    await form_post(linli_client, "/logout", {})
    await log_in(linli_client, "worker")
    writes = [
        ("/worker/record", {"person": "张阿姨", "category": str(bank.category.id),
                            "quantity": "1", "request_key": "k1"}, "已记录：张阿姨 获得 10 积分。"),
        ("/worker/redeem-for", {"person": "张阿姨", "item": str(bank.item.id),
                                "request_key": "k2"}, "已为张阿姨兑换"),
        ("/worker/adjust", {"person": "张阿姨", "amount": "5", "reason": "补录",
                            "request_key": "k3"}, "已记录调整：张阿姨 +5 积分。"),
        ("/worker/catalogue", {"partner": str(bank.partner.id), "title": "洗头", "price": "8",
                               "category": "household"}, "已保存：洗头。"),
        ("/worker/partners", {"name": "新华书店", "kind": "merchant"},
         "已添加共建单位：新华书店。"),
        (f"/worker/partners/{bank.partner.id}/operators", {"username": "clinic"},
         "clinic 现在可以核销汉兴街老王理发店的兑换券。"),
        ("/worker/categories", {"key": "patrol", "name": "巡逻", "unit": "hour", "rate": "8",
                                "active": "on"}, "已保存服务类别：巡逻。"),
    ]  # fmt: skip
    for path, form, words in writes:
        response = await form_post(linli_client, BASE + path, form)
        assert response.status_code == 200, path
        assert f'<p class="flash" role="status">{words}' in response.text, (path, words)
    # The message is shown once.
    assert 'class="flash"' not in (await linli_client.get(f"{BASE}/worker/settings")).text


async def test_reversing_an_entry_asks_first(linli_client, bank):
    await bank.earn(bank.resident, 3, "e")
    entry = await Entry.get(kind="earn")
    await log_in(linli_client, "worker")
    url = f"{BASE}/worker/ledger/{entry.id}/reverse"
    asked = await form_post(linli_client, url, {"reason": "记错了人"})
    assert asked.status_code == 200
    assert f"冲正第 {entry.id} 笔分录？" in asked.text
    assert "张阿姨：-30 积分" in asked.text and "原因：记错了人" in asked.text
    assert 'name="reason" value="记错了人"' in asked.text
    assert await Entry.filter(kind="reversal").count() == 0
    done = await form_post(linli_client, url, {"reason": "记错了人", "confirmed": "yes"})
    assert f"第 {entry.id} 笔分录已冲正。" in done.text
    again = await form_post(linli_client, url, {"reason": "记错了人", "confirmed": "yes"})
    assert "已经办理过" in again.text
    assert await Entry.filter(kind="reversal").count() == 1
    assert await services.balance_of(bank.resident) == 0


async def test_expiring_points_asks_first(linli_client, bank):
    await change_settings(bank.community, "streetbank", {"expiry_enabled": True}, actor=None)
    # earned two years ago: held on 1 January of last year, they lapse at its end
    last_year = services.year_start(services.now_utc().year - 1) - timedelta(days=30)
    await services.record_service(
        bank.community, person=bank.resident, category=bank.category, quantity=2,
        served_on=last_year.date(), key="old", actor=await bank.actor(bank.worker),
        now=last_year,
    )  # fmt: skip
    year = last_year.year + 1
    await log_in(linli_client, "worker")
    asked = await form_post(linli_client, f"{BASE}/worker/expire", {"year": str(year)})
    assert asked.status_code == 200 and "清零的积分无法恢复。" in asked.text
    assert "将有 1 个账户共 20 积分清零。" in asked.text
    assert await Entry.filter(kind="expiry").count() == 0
    done = await form_post(
        linli_client, f"{BASE}/worker/expire", {"year": str(year), "confirmed": "yes"}
    )
    assert "1 个账户共 20 积分已清零。" in done.text


# --------------------------------------- 10. names, not keys; places in natural order


async def test_accounts_and_ledger_name_partners_and_people(linli_client, bank):
    await _home(bank.community, bank.resident, "10栋", "2单元", "601室")
    await bank.earn(bank.resident, 3, "e")
    await _redeem(bank, bank.resident, bank.resident_account)
    partner_account = await LedgerAccount.get(kind="partner")
    await log_in(linli_client, "worker")
    for path in ("/worker/accounts", "/worker/ledger", f"/worker/accounts/{partner_account.id}"):
        html = _main((await linli_client.get(BASE + path)).text)
        assert "汉兴街老王理发店" in html, path
        assert not re.search(r"c\d+:(partner|person|issuing|expired)", html), path
    accounts = _main((await linli_client.get(f"{BASE}/worker/accounts")).text)
    assert "张阿姨" in accounts and "10栋 2单元 601室" in accounts
    assert "发放账户" in accounts or "发分账户" in accounts or "积分发放" in accounts
    ledger = _main((await linli_client.get(f"{BASE}/worker/ledger")).text)
    assert "张阿姨 -10" in ledger and "汉兴街老王理发店 +10" in ledger


async def test_partners_are_listed_in_natural_order(linli_client, bank):
    for name in ("10号便利店", "2号便利店"):
        await services.create_partner(bank.community, name=name)
    await log_in(linli_client, "worker")
    html = _main((await linli_client.get(f"{BASE}/worker/partners")).text)
    assert html.index("2号便利店") < html.index("10号便利店")
    await form_post(linli_client, "/logout", {})
    await log_in(linli_client, "zhang")
    html = _main((await linli_client.get(f"{BASE}/catalogue")).text)
    assert html.index("2号便利店") < html.index("10号便利店")


# -------------------------------------------------- the demo's catalogue makes sense

#: Trades that may offer an item of each catalogue category (independent of the demo).
FITS = {
    "food": {"noodles", "breakfast", "market", "fruit", "grain", "convenience"},
    "household": {"barber", "laundry", "property", "photo"},
    "repair": {"shoe-repair", "locksmith", "appliance", "tailor"},
    "health": {"clinic", "pharmacy", "maternal", "elderly-care", "optician", "counselling"},
    "learning": {"red-cross", "fire-station", "legal", "library", "bookshop", "culture",
                 "seniors-school", "school"},
    "goods": {"convenience", "market", "optician", "bookshop", "culture", "photo"},
}  # fmt: skip


async def _seeded_catalogue(community):
    from linli_streetbank.demo import seed
    from linli_streetbank.models import CatalogueItem

    await seed(community)
    return {
        item.title: item
        for item in await CatalogueItem.filter(community=community).select_related("partner")
    }


async def _check_catalogue(items):
    from linli_streetbank.demo import ITEMS, TRADES

    assert len(items) == len(ITEMS) == 56
    for title, category, *_rest, trades in ITEMS:
        partner = items[title].partner
        trade = TRADES[partner.name]
        assert trade in trades, (title, partner.name)
        assert trade in FITS[category], (title, category, partner.name)
    assert items["热干面早餐券"].partner.name in {"吉庆街热干面", "汉味面馆"}
    assert items["中医推拿一次"].partner.name == "汉兴街社区卫生服务中心"
    assert items["法律咨询一次"].partner.name == "江汉区法律援助中心"
    assert items["配钥匙一把"].partner.name == "开锁配钥匙"


async def test_each_demo_item_comes_from_a_fitting_partner(linli_community):
    await _check_catalogue(await _seeded_catalogue(linli_community))


# ------------------------------------------------- switching the street bank off


async def test_switching_off_tells_what_would_stop(linli_client, bank):
    await bank.earn(bank.resident, 3, "e")
    await _redeem(bank, bank.resident, bank.resident_account, key="r1")
    used = await _redeem(bank, bank.resident, bank.resident_account, key="r2")
    await services.verify_voucher(bank.partner, used.code, actor=await bank.actor(bank.operator))
    await make_account("admin", bank.community, "administrator")
    await log_in(linli_client, "admin")
    asked = await form_post(linli_client, "/c/test/admin/plugins/streetbank/disable", {})
    assert asked.status_code == 200
    html = _main(asked.text)
    assert "1 张已发放、尚未使用的兑换券将无法兑现。" in html  # one voucher still open
    assert "1 位居民持有的积分将无法使用。" in html  # one resident holds 10 points


async def test_an_item_page_served_again_carries_a_new_key_and_redeems_again(linli_client, bank):
    """The item page is kept rendered (linli.web.page_cache), but its form's one-time key
    is new in every answer: two visits are two redemptions, one visit sent twice is one."""
    await bank.earn(bank.resident, 3, "e")
    await log_in(linli_client, "zhang")
    url = f"{BASE}/catalogue/{bank.item.id}"
    first, again = await linli_client.get(url), await linli_client.get(url)
    assert again.headers.get("x-linli-page") == "hit"
    keys = {_key(first.text), _key(again.text)}
    assert len(keys) == 2 and all(re.fullmatch(r"[\w-]{22}", key) for key in keys)
    for key in keys:
        await form_post(linli_client, f"{url}/redeem", {"request_key": key})
    await form_post(linli_client, f"{url}/redeem", {"request_key": _key(first.text)})
    assert await Voucher.all().count() == 2
