"""A community's phone numbers (社区服务电话, 值班电话): checked as Chinese numbers are
dialled, set by whoever administers the community (audited), and shown as a one-tap call
button (一键呼叫社区) in the footer of every page and first on the home page in large text."""

import pytest

from linli.cli import seed_demo_community
from linli.domain.audit.models import AuditEntry
from linli.domain.communities import PhoneError, clean_phone, set_phones
from linli.kernel.models import Community
from linli.testing import form_post, log_in, make_account, make_community, page_queries

PHONES = "/c/test/admin/phones"
HOME = "/c/test/"
BAD_NUMBER = "Enter a phone number as it is dialled"


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("027-85612345", "027-85612345"),
        ("(027) 8561 2345", "027-85612345"),
        ("02785612345", "027-85612345"),
        ("０２７－８５６１２３４５", "027-85612345"),  # typed with a Chinese input method
        ("0755-2345678", "0755-2345678"),
        ("010 6512 3456", "010-65123456"),
        ("138 1234 5678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("12345", "12345"),
        ("110", "110"),
        ("95598", "95598"),
        ("4001234567", "400-123-4567"),
        ("  ", ""),
    ],
)
def test_numbers_are_stored_as_they_are_dialled(written, stored):
    assert clean_phone(written) == stored


@pytest.mark.parametrize(
    "written",
    [
        "85612345",  # a landline without its area code
        "027-1234567",  # a local number cannot start with 1
        "1381234567",  # a mobile number one digit short
        "23812345678",  # no mobile number starts with 2
        "027-85612345-801",  # an extension cannot be dialled from a link
        "12",
        "027-8561234a",
        "社区电话",
    ],
)
def test_what_cannot_be_dialled_is_refused(written):
    with pytest.raises(PhoneError):
        clean_phone(written)


async def _administrator(client, community, username="admin"):
    await make_account(username, community, "administrator")
    await log_in(client, username)
    client.cookies.set("linli_lang", "en")


async def test_the_administrator_sets_the_numbers_and_the_trail_records_it(
    linli_client, linli_community
):
    await _administrator(linli_client, linli_community)
    page = await linli_client.get(PHONES)
    assert page.status_code == 200 and 'name="service_phone"' in page.text
    saved = await form_post(
        linli_client,
        PHONES,
        {"service_phone": "(027) 8561 2345", "duty_phone": "138 1234 5678"},
        follow_redirects=False,
    )
    assert saved.status_code == 303 and saved.headers["location"] == PHONES
    community = await Community.get(id=linli_community.id)
    assert (community.service_phone, community.duty_phone) == ("027-85612345", "13812345678")
    [entry] = await AuditEntry.filter(action="community.phones")
    assert entry.before == {"service_phone": "", "duty_phone": ""}
    assert entry.after == {"service_phone": "027-85612345", "duty_phone": "13812345678"}
    assert (await linli_client.get(PHONES)).text.count('value="027-85612345"') == 1
    # saving the same numbers again changes nothing and records nothing
    await form_post(
        linli_client, PHONES, {"service_phone": "027-85612345", "duty_phone": "13812345678"}
    )
    assert await AuditEntry.filter(action="community.phones").count() == 1
    trail = await linli_client.get("/c/test/admin/audit")
    assert "Community phone numbers changed" in trail.text


async def test_a_bad_number_is_refused_with_the_reason_and_nothing_changes(
    linli_client, linli_community
):
    await set_phones(linli_community, service_phone="027-85612345", duty_phone="", actor=None)
    await _administrator(linli_client, linli_community)
    refused = await form_post(
        linli_client, PHONES, {"service_phone": "027-87654321", "duty_phone": "8561 2345"}
    )
    assert refused.status_code == 400
    assert BAD_NUMBER in refused.text
    assert 'id="duty_phone-error"' in refused.text and 'aria-invalid="true"' in refused.text
    assert 'value="8561 2345"' in refused.text  # what was typed comes back to be corrected
    community = await Community.get(id=linli_community.id)
    assert (community.service_phone, community.duty_phone) == ("027-85612345", "")
    assert await AuditEntry.filter(action="community.phones").count() == 1  # set_phones above


async def test_the_refusal_is_in_chinese_for_a_chinese_visitor(linli_client, linli_community):
    await _administrator(linli_client, linli_community)
    linli_client.cookies.set("linli_lang", "zh_CN")
    refused = await form_post(linli_client, PHONES, {"service_phone": "1234567", "duty_phone": ""})
    assert refused.status_code == 400
    assert "带区号的固定电话" in refused.text


async def test_another_communitys_administrator_cannot_set_them(
    linli_client, linli_community, linli_registry
):
    other = await make_community("other", "别的社区", linli_registry)
    await _administrator(linli_client, other, "other_admin")
    assert (await linli_client.get("/c/other/admin/phones")).status_code == 200  # their own
    tried = await form_post(
        linli_client, PHONES, {"service_phone": "027-85612345", "duty_phone": ""}
    )
    assert tried.status_code in (403, 404)
    community = await Community.get(id=linli_community.id)
    assert community.service_phone == ""
    assert await AuditEntry.filter(action="community.phones").count() == 0


async def test_a_worker_without_the_permission_cannot_set_them(linli_client, linli_community):
    await make_account("worker", linli_community, "community_worker")
    await log_in(linli_client, "worker")
    assert (await linli_client.get(PHONES)).status_code == 403
    tried = await form_post(linli_client, PHONES, {"service_phone": "12345", "duty_phone": ""})
    assert tried.status_code == 403
    assert (await Community.get(id=linli_community.id)).service_phone == ""


async def test_every_page_offers_to_call_the_community_once_it_has_a_number(
    linli_client, linli_community
):
    await make_account("resident", linli_community, "resident")
    await log_in(linli_client, "resident")
    linli_client.cookies.set("linli_lang", "zh_CN")
    for url in (HOME, "/c/test/inbox/"):
        assert "tel:" not in (await linli_client.get(url)).text, url
    await set_phones(
        linli_community, service_phone="027-85612345", duty_phone="027-85612110", actor=None
    )
    for url in (HOME, "/c/test/inbox/"):
        page = await linli_client.get(url)
        footer = page.text[page.text.index('<footer class="site-footer">') :]
        assert 'href="tel:02785612345"' in footer, url
        assert "一键呼叫社区" in footer and "027-85612345" in footer, url
        assert 'href="tel:02785612110"' in footer and "值班电话" in footer, url


async def test_the_home_in_large_text_puts_the_call_button_first(linli_client, linli_community):
    await set_phones(linli_community, service_phone="12345", duty_phone="", actor=None)
    normal = await linli_client.get(HOME)
    assert "call-community prominent" not in normal.text
    linli_client.cookies.set("linli_elder", "1")
    elder = await linli_client.get(HOME)
    main = elder.text[elder.text.index('<main id="main">') : elder.text.index("</main>")]
    assert 'class="call-community prominent"' in main
    assert 'href="tel:12345"' in main and "一键呼叫社区" in main


async def test_the_call_button_costs_no_query(linli_client, linli_community):
    without = len(await page_queries(linli_client, HOME))
    await set_phones(linli_community, service_phone="027-85612345", duty_phone="", actor=None)
    await linli_client.get(HOME)  # the worker's cache of the community is refreshed
    assert len(await page_queries(linli_client, HOME)) == without


async def test_the_demo_community_has_numbers_and_keeps_those_an_administrator_set(
    linli_db, linli_registry
):
    await seed_demo_community(linli_registry)
    demo = await Community.get(slug="jianghanli")
    assert (demo.service_phone, demo.duty_phone) == ("027-85763120", "027-85763110")
    await set_phones(demo, service_phone="12345", duty_phone="", actor=None)
    await seed_demo_community(linli_registry)  # seeding again
    assert (await Community.get(slug="jianghanli")).service_phone == "12345"
