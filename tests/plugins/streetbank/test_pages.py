"""The pages, through HTTP: what residents, operators and workers see and may do
(acceptance 3 and 4), and pages whose number of queries does not grow with the data."""

import re

import pytest

from linli.testing import form_post, log_in, make_account, page_queries
from linli_streetbank import services
from linli_streetbank.models import CatalogueItem, Entry, LedgerAccount, ServiceRecord, Voucher

from .builders import make_member

pytestmark = pytest.mark.linli_plugins("streetbank")

BASE = "/c/test/streetbank"


def _key(html: str) -> str:
    return re.search(r'name="request_key" value="([^"]+)"', html).group(1)


async def _redeem_over_http(client, item_id):
    page = await client.get(f"{BASE}/catalogue/{item_id}")
    assert page.status_code == 200
    return await form_post(
        client, f"{BASE}/catalogue/{item_id}/redeem", {"request_key": _key(page.text)}
    )


async def test_resident_redeems_and_the_operator_verifies(linli_client, bank):
    await bank.earn(bank.resident, 3, "e")
    await log_in(linli_client, "zhang")
    home = await linli_client.get(f"{BASE}/")
    assert home.status_code == 200 and "30" in home.text
    response = await _redeem_over_http(linli_client, bank.item.id)
    assert response.status_code == 200
    voucher = await Voucher.get()
    assert voucher.code in response.text and "<svg" in response.text
    assert await services.balance_of(bank.resident) == 20

    await linli_client.post("/logout", data={"_csrf_token": linli_client.cookies.get("linli_csrf")})
    await log_in(linli_client, "barber")
    page = await linli_client.get(f"{BASE}/operator/{bank.partner.id}?code={voucher.code}")
    assert page.status_code == 200 and voucher.code in page.text
    asked = await form_post(
        linli_client, f"{BASE}/operator/{bank.partner.id}/verify", {"code": voucher.code}
    )
    assert asked.status_code == 200 and 'name="confirmed" value="yes"' in asked.text
    await voucher.refresh_from_db()
    assert voucher.status == "issued"  # not before the operator confirms
    done = await form_post(
        linli_client, f"{BASE}/operator/{bank.partner.id}/verify",
        {"code": voucher.code, "confirmed": "yes"},
    )  # fmt: skip
    assert done.status_code == 200
    await voucher.refresh_from_db()
    assert voucher.status == "used"
    again = await form_post(
        linli_client, f"{BASE}/operator/{bank.partner.id}/verify", {"code": voucher.code}
    )
    assert again.status_code == 409


async def test_the_same_redeem_form_sent_twice_moves_points_once(linli_client, bank):
    await bank.earn(bank.resident, 3, "e")
    await log_in(linli_client, "zhang")
    page = await linli_client.get(f"{BASE}/catalogue/{bank.item.id}")
    key = _key(page.text)
    first = await form_post(
        linli_client, f"{BASE}/catalogue/{bank.item.id}/redeem", {"request_key": key}
    )
    second = await form_post(
        linli_client, f"{BASE}/catalogue/{bank.item.id}/redeem", {"request_key": key}
    )
    assert first.url == second.url.copy_remove_param("again")
    assert "again=1" in str(second.url)
    assert await Voucher.all().count() == 1
    assert await services.balance_of(bank.resident) == 20


async def test_the_same_service_form_sent_twice_moves_points_once(linli_client, bank):
    await log_in(linli_client, "worker")
    page = await linli_client.get(f"{BASE}/worker/record")
    form = {"person": "张阿姨", "category": str(bank.category.id), "quantity": "2",
            "served_on": "2026-03-01", "note": "陪诊", "request_key": _key(page.text)}  # fmt: skip
    first = await form_post(linli_client, f"{BASE}/worker/record", form)
    second = await form_post(linli_client, f"{BASE}/worker/record", form)
    assert first.status_code == second.status_code == 200
    assert await ServiceRecord.all().count() == 1
    assert await services.balance_of(bank.resident) == 20
    assert "已" in second.text or "already" in second.text


async def test_bad_service_form_is_refused_in_chinese(linli_client, bank):
    await log_in(linli_client, "worker")
    form = {"person": "张阿姨", "category": str(bank.category.id), "quantity": "abc",
            "request_key": "k"}  # fmt: skip
    response = await form_post(linli_client, f"{BASE}/worker/record", form)
    assert response.status_code == 400
    assert "请输入" in response.text
    assert await Entry.all().count() == 0


async def test_operator_of_a_cannot_see_or_verify_b_vouchers(linli_client, bank):
    await bank.earn(bank.resident, 3, "e")
    item_b = await services.save_item(
        bank.community, partner_id=bank.other_partner.id, title="体检", price=10
    )
    voucher = (
        await services.redeem(
            bank.community, person=bank.resident, item=item_b,
            actor=await bank.actor(bank.resident_account), key="r",
        )
    ).value  # fmt: skip
    await log_in(linli_client, "barber")  # operator of partner A
    page = await linli_client.get(f"{BASE}/operator/{bank.other_partner.id}?code={voucher.code}")
    assert page.status_code == 403
    refused = await form_post(
        linli_client, f"{BASE}/operator/{bank.other_partner.id}/verify", {"code": voucher.code}
    )
    assert refused.status_code == 403
    # Through their own partner's page, B's voucher does not exist.
    unknown = await form_post(
        linli_client, f"{BASE}/operator/{bank.partner.id}/verify", {"code": voucher.code}
    )
    assert unknown.status_code == 404
    assert voucher.code not in (await linli_client.get(f"{BASE}/operator/{bank.partner.id}")).text
    await voucher.refresh_from_db()
    assert voucher.status == "issued"
    # Nor do the resident's or worker's pages open for an operator.
    assert (await linli_client.get(f"{BASE}/vouchers/{voucher.id}")).status_code == 403
    assert (await linli_client.get(f"{BASE}/worker/ledger")).status_code == 403


async def test_a_resident_cannot_see_another_residents_history(linli_client, bank):
    await bank.earn(bank.resident, 3, "e")
    voucher = (
        await services.redeem(
            bank.community, person=bank.resident, item=bank.item,
            actor=await bank.actor(bank.resident_account), key="r",
        )
    ).value  # fmt: skip
    account = await LedgerAccount.get(person_id=bank.resident.id)
    await make_member(bank.community, "王大爷", username="wang")
    await log_in(linli_client, "wang")
    home = await linli_client.get(f"{BASE}/")
    assert home.status_code == 200 and "服务" not in home.text.split("<h2>")[-1]
    assert (await linli_client.get(f"{BASE}/vouchers/{voucher.id}")).status_code == 404
    assert voucher.code not in (await linli_client.get(f"{BASE}/vouchers")).text
    assert (await linli_client.get(f"{BASE}/worker/accounts/{account.id}")).status_code == 403
    assert (await linli_client.get(f"{BASE}/worker/accounts")).status_code == 403
    cancel = await form_post(linli_client, f"{BASE}/vouchers/{voucher.id}/cancel", {})
    assert cancel.status_code == 404
    await voucher.refresh_from_db()
    assert voucher.status == "issued"


async def test_worker_redeems_on_behalf_and_prints(linli_client, bank):
    elder, _ = await make_member(bank.community, "刘奶奶")
    await bank.earn(elder, 2, "e")
    await log_in(linli_client, "worker")
    page = await linli_client.get(f"{BASE}/worker/redeem-for")
    response = await form_post(
        linli_client, f"{BASE}/worker/redeem-for",
        {"person": "刘奶奶", "item": str(bank.item.id), "request_key": _key(page.text)},
    )  # fmt: skip
    assert response.status_code == 200 and "刘奶奶" in response.text
    voucher = await Voucher.get()
    assert voucher.on_behalf and voucher.code in response.text


async def test_worker_pages_render(linli_client, bank):
    await bank.earn(bank.resident, 3, "e")
    await services.redeem(
        bank.community, person=bank.resident, item=bank.item,
        actor=await bank.actor(bank.resident_account), key="r",
    )  # fmt: skip
    await log_in(linli_client, "worker")
    for path in (
        "/worker/accounts",
        "/worker/ledger",
        "/worker/ledger?kind=earn&q=张阿姨",
        "/worker/catalogue",
        f"/worker/catalogue?edit={bank.item.id}",
        "/worker/partners",
        "/worker/settings",
        "/figures/",
        "/worker/record",
    ):
        response = await linli_client.get(BASE + path)
        assert response.status_code == 200, path
    figures = await linli_client.get(f"{BASE}/figures/")
    assert "<svg" in figures.text and "<script" not in figures.text.split("<main")[1]
    entry = await Entry.get(kind="earn")
    await form_post(linli_client, f"{BASE}/worker/ledger/{entry.id}/reverse", {"reason": "错了"})
    # 30 earned, 10 spent: the 30 cannot be taken back.
    assert await Entry.filter(kind="reversal").count() == 0
    added = await form_post(
        linli_client, f"{BASE}/worker/partners",
        {"name": "新华书店", "kind": "merchant", "address": "江汉路1号"},
    )  # fmt: skip
    assert added.status_code == 200 and "新华书店" in added.text


async def test_home_page_shows_the_widget(linli_client, bank):
    await log_in(linli_client, "worker")
    response = await linli_client.get("/c/test/")
    assert response.status_code == 200
    assert "街坊银行" in response.text


async def _queries(client, path):
    return len(await page_queries(client, path))


async def test_history_and_catalogue_pages_use_constant_queries(linli_client, bank):
    await log_in(linli_client, "zhang")
    await bank.earn(bank.resident, 1, "e0")
    history_few = await _queries(linli_client, f"{BASE}/")
    catalogue_few = await _queries(linli_client, f"{BASE}/catalogue")
    for i in range(1, 12):
        await bank.earn(bank.resident, 1, f"e{i}")
        await services.save_item(
            bank.community, partner_id=bank.other_partner.id, title=f"商品{i}", price=5,
            stock=3, monthly_limit=2,
        )  # fmt: skip
    assert await _queries(linli_client, f"{BASE}/") == history_few
    assert await _queries(linli_client, f"{BASE}/catalogue") == catalogue_few


async def test_catalogue_filters_and_htmx_partial(linli_client, bank):
    await services.save_item(
        bank.community, partner_id=bank.other_partner.id, title="测血压", price=5,
        category="health",
    )  # fmt: skip
    await log_in(linli_client, "zhang")
    page = await linli_client.get(f"{BASE}/catalogue?category=health")
    assert "测血压" in page.text and "理发一次" not in page.text and "<html" in page.text
    partial = await linli_client.get(f"{BASE}/catalogue?q=理发", headers={"HX-Request": "true"})
    assert "理发一次" in partial.text and "<html" not in partial.text


async def test_a_member_role_is_needed(linli_client, bank):
    await make_account("plain", bank.community, "resident")
    await log_in(linli_client, "plain")
    assert (await linli_client.get(f"{BASE}/")).status_code == 403


async def test_the_navigation_link_leads_each_visitor_to_their_own_page(
    linli_client, linli_community
):
    await make_account("member", linli_community, "streetbank_member")
    await make_account("clerk", linli_community, "community_worker", "streetbank_clerk")
    await make_account("plain", linli_community, "resident")
    await log_in(linli_client, "member")
    assert str((await linli_client.get("/c/test/streetbank/")).url).endswith("/streetbank/me")
    await form_post(linli_client, "/logout", {})
    await log_in(linli_client, "clerk")
    assert "/streetbank/worker/" in str((await linli_client.get("/c/test/streetbank/")).url)
    await form_post(linli_client, "/logout", {})
    await log_in(linli_client, "plain")
    assert (await linli_client.get("/c/test/streetbank/")).status_code == 403


async def test_the_tabs_show_each_visitor_their_own_sections(linli_client, bank):
    def tabs(html: str) -> str:
        return re.search(r'<nav class="section-tabs".*?</nav>', html, re.S).group(0)

    await log_in(linli_client, "zhang")
    mine = tabs((await linli_client.get(f"{BASE}/catalogue")).text)
    assert f'<a href="{BASE}/catalogue" aria-current="page">兑换目录</a>' in mine
    assert f'<a href="{BASE}/me">我的积分</a>' in mine
    assert "/worker/" not in mine
    await form_post(linli_client, "/logout", {})
    await log_in(linli_client, "worker")
    theirs = tabs((await linli_client.get(f"{BASE}/worker/accounts")).text)
    assert f'<a href="{BASE}/worker/accounts" aria-current="page">账户</a>' in theirs
    assert f'<a href="{BASE}/worker/record">登记服务</a>' in theirs
    assert f"{BASE}/me" not in theirs  # the clerk holds no member role


async def test_a_refused_item_is_shown_again_with_the_message_beside_its_field(linli_client, bank):
    await log_in(linli_client, "worker")
    form = {"partner": str(bank.partner.id), "title": "洗头", "price": "八", "stock": "3",
            "category": "household"}  # fmt: skip
    response = await form_post(linli_client, f"{BASE}/worker/catalogue", form)
    assert response.status_code == 400
    html = response.text.split("<main", 1)[1]
    assert '<p class="field-error" id="price-error">请输入整数。</p>' in html
    assert 'id="price" name="price" inputmode="numeric" required value="八"' in html
    assert 'name="title" required maxlength="120" value="洗头"' in html
    assert await CatalogueItem.filter(title="洗头").count() == 0

    # A refused edit stays the edit of its item, which is left as it was.
    edit = f"{BASE}/worker/catalogue?edit={bank.item.id}"
    refused = await form_post(linli_client, edit, {**form, "title": "理发两次"})
    assert refused.status_code == 400
    assert f'action="{edit}"' in refused.text and 'value="理发两次"' in refused.text
    await bank.item.refresh_from_db()
    assert (bank.item.title, bank.item.price) == ("理发一次", 10)


async def test_the_catalogue_comes_in_pages_that_keep_the_filters(linli_client, bank):
    """Twelve items to a page, cheapest first, with a link to the next page that keeps
    what the resident searched for; no count of every item is needed for it."""
    for n in range(16):
        await services.save_item(
            bank.community, partner_id=bank.other_partner.id, title=f"体检券{n:02d}",
            price=1000 + n, category="health",
        )  # fmt: skip
    await log_in(linli_client, "zhang")
    first = await linli_client.get(f"{BASE}/catalogue?category=health")
    assert first.text.count('class="sb-item"') == 12
    assert "体检券00" in first.text and "体检券11" in first.text and "体检券12" not in first.text
    assert 'href="?category=health&amp;partner=&amp;q=&amp;page=2" rel="next"' in first.text
    second = await linli_client.get(f"{BASE}/catalogue?category=health&page=2")
    assert second.text.count('class="sb-item"') == 4 and "体检券15" in second.text
    assert 'rel="prev"' in second.text and 'rel="next"' not in second.text
    assert (await linli_client.get(f"{BASE}/catalogue?page=0")).status_code == 200
