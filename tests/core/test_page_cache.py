"""Each worker keeps the pages it rendered and serves one again while nothing it was made
of has changed (:mod:`linli.web.page_cache`). What a visitor must never notice: a page
that is out of date, someone else's page, a token that repeats, a message shown twice
or not at all, a permission that outlives its grant."""

import asyncio
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from tortoise import connections

from linli.domain import reads
from linli.domain.identity.models import Person
from linli.domain.permissions.models import Grant
from linli.domain.stamps import coverage
from linli.testing import (
    count_queries,
    forget_pages,
    form_post,
    log_in,
    make_account,
    without_tokens,
)
from linli.web.app import CSRF_COOKIE
from linli.web.csrf import unmask
from linli.web.page_cache import Page, PageStore

from .test_site_cache import other_worker

pytestmark = pytest.mark.linli_plugins("sample")

REGISTER = "/c/test/register/"
PHONES = "/c/test/admin/phones"
_NAME = '<span class="account-name">{}</span>'
_TOKEN = re.compile(r'name="_csrf_token" value="([0-9a-f]+)"')


def kept(page) -> str | None:
    return page.headers.get("x-linli-page")


async def _worker(client, community, username: str = "worker") -> None:
    await make_account(username, community, "community_worker")
    await log_in(client, username)


async def test_a_page_is_served_again_with_a_new_token_and_one_query_or_two(
    linli_client, linli_community
):
    await _worker(linli_client, linli_community)
    first = await linli_client.get(REGISTER)
    with count_queries() as queries:
        again = await linli_client.get(REGISTER)
    assert (kept(first), kept(again)) == ("miss", "hit")
    assert len(queries) <= 2  # the stamps, and the session where the database holds it
    [token], [other] = set(_TOKEN.findall(first.text)), set(_TOKEN.findall(again.text))
    assert token != other  # masked afresh on every answer
    cookie = linli_client.cookies[CSRF_COOKIE]
    assert unmask(token, len(cookie)) == unmask(other, len(cookie)) == cookie
    assert without_tokens(first.text) == without_tokens(again.text)


async def test_a_crowd_asking_for_one_page_waits_for_one_rendering(linli_client, linli_community):
    await _worker(linli_client, linli_community)
    await linli_client.get(REGISTER)
    forget_pages(linli_client)
    with count_queries() as alone:
        await linli_client.get(REGISTER)
    forget_pages(linli_client)
    with count_queries() as crowd:
        pages = await asyncio.gather(*(linli_client.get(REGISTER) for _ in range(8)))
    assert [kept(page) for page in pages].count("miss") == 1
    assert {page.status_code for page in pages} == {200}

    def renderings(queries: list[str]) -> int:
        return sum('FROM "core_person"' in query for query in queries)

    assert renderings(crowd) == renderings(alone) > 0


async def test_a_change_made_anywhere_shows_on_the_next_visit(
    linli_client, linli_community, linli_settings, linli_registry
):
    await make_account("worker", linli_community, "community_worker")
    async with other_worker(linli_settings, linli_registry) as other:
        await log_in(other, "worker")
        await other.get(REGISTER)
        assert kept(await other.get(REGISTER)) == "hit"
        person = await Person.create(community=linli_community, name="新来的居民")
        page = await other.get(REGISTER)
        assert kept(page) == "miss" and "新来的居民" in page.text
        # straight in the database, as psql would
        await connections.get("default").execute_query(
            f"UPDATE core_person SET name = '改了名的居民' WHERE id = {person.id}"
        )
        page = await other.get(REGISTER)
        assert "改了名的居民" in page.text and "新来的居民" not in page.text


async def test_visitors_never_get_each_others_page(linli_client, linli_community):
    for username, name in (("wang", "王芳"), ("li", "李强")):
        person = await Person.create(community=linli_community, name=name)
        await make_account(username, linli_community, "community_worker", person=person)
    await log_in(linli_client, "wang")
    await linli_client.get(REGISTER)
    assert _NAME.format("王芳") in (await linli_client.get(REGISTER)).text
    await log_in(linli_client, "li")
    page = await linli_client.get(REGISTER)
    assert kept(page) == "miss" and _NAME.format("李强") in page.text
    assert _NAME.format("王芳") not in page.text
    linli_client.cookies.clear()
    assert (await linli_client.get(REGISTER, follow_redirects=False)).status_code in (302, 303)


@pytest.mark.linli_plugins("council")
async def test_anonymous_visitors_share_a_page_whatever_their_token(linli_client, linli_community):
    await linli_client.get("/c/test/council/")  # a first visit: styles inline, not kept
    await linli_client.get("/c/test/council/")
    first = await linli_client.get("/c/test/council/")
    linli_client.cookies.clear()
    linli_client.cookies.set("linli_css", "1")
    second = await linli_client.get("/c/test/council/")
    assert kept(first) == kept(second) == "hit"
    assert linli_client.cookies[CSRF_COOKIE]  # a token of its own all the same


@pytest.mark.linli_plugins("council")
async def test_the_visit_counts_make_a_page_of_their_own_only_on_the_elder_home(
    linli_client, linli_community
):
    await linli_client.get("/c/test/council/")  # a first visit: styles inline, not kept
    linli_client.cookies.set("linli_use", "council.3")
    await linli_client.get("/c/test/council/")
    linli_client.cookies.set("linli_use", "council.4")  # linli.js counted one more visit
    assert kept(await linli_client.get("/c/test/council/")) == "hit"
    linli_client.cookies.set("linli_elder", "1")
    await linli_client.get("/c/test/")
    assert kept(await linli_client.get("/c/test/")) == "hit"
    linli_client.cookies.set("linli_use", "council.5")
    assert kept(await linli_client.get("/c/test/")) == "miss"  # its tiles may change


async def test_a_revoked_grant_is_refused_though_the_page_was_kept(linli_client, linli_community):
    await _worker(linli_client, linli_community)
    await linli_client.get(REGISTER)
    assert kept(await linli_client.get(REGISTER)) == "hit"
    await Grant.filter(account__username="worker").update(ends_at=datetime.now(UTC))
    assert (await linli_client.get(REGISTER, follow_redirects=False)).status_code != 200


async def test_a_grant_that_ends_in_a_few_seconds_ends_the_kept_page_too(
    linli_client, linli_community
):
    start = datetime(2026, 6, 1, 9, 0, 5, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        await _worker(linli_client, linli_community)
        await Grant.filter(account__username="worker").update(ends_at=start + timedelta(seconds=20))
        await linli_client.get(REGISTER)
        assert kept(await linli_client.get(REGISTER)) == "hit"
    with time_machine.travel(start + timedelta(seconds=21), tick=False):
        assert (await linli_client.get(REGISTER, follow_redirects=False)).status_code != 200


async def test_a_page_is_kept_within_its_minute_only(linli_client, linli_community):
    start = datetime(2026, 6, 1, 9, 0, 50, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        await _worker(linli_client, linli_community)
        await linli_client.get(REGISTER)
        assert kept(await linli_client.get(REGISTER)) == "hit"
    with time_machine.travel(start + timedelta(seconds=15), tick=False):
        assert kept(await linli_client.get(REGISTER)) == "miss"


async def test_a_message_is_shown_once_and_the_page_without_it_comes_back(
    linli_client, linli_community
):
    await make_account("boss", linli_community, "administrator")
    await log_in(linli_client, "boss")
    linli_client.cookies.set("linli_lang", "en")
    await linli_client.get(PHONES)
    assert kept(await linli_client.get(PHONES)) == "hit"
    # the same numbers again: nothing in the database changes, a message is waiting
    saved = await form_post(linli_client, PHONES, {"service_phone": "", "duty_phone": ""})
    assert saved.status_code == 200 and "Phone numbers saved." in saved.text
    again = await linli_client.get(PHONES)
    assert "Phone numbers saved." not in again.text and kept(again) == "hit"


async def test_a_page_reading_a_table_without_a_stamp_is_never_kept(linli_client):
    # the sample plugin's notes table raises no stamp
    assert kept(await linli_client.get("/c/test/sample/")) is None
    assert kept(await linli_client.get("/c/test/sample/")) is None


async def test_an_answer_with_a_cookie_of_its_own_is_never_kept(linli_client, linli_community):
    await _worker(linli_client, linli_community)
    linli_client.cookies.delete("linli_css")  # a first visit: styles inline, a cookie set
    first = await linli_client.get(REGISTER)
    assert "linli_css" in first.headers.get("set-cookie", "") and kept(first) is None


def test_the_store_forgets_the_least_recently_served_page_first() -> None:
    store = PageStore(max_bytes=250)

    def page(size: int) -> Page:
        return Page(200, (), b"x" * size, (("site", 1),), until=10**12)

    versions = {"site": 1}
    store.put(("a",), page(100))
    store.put(("b",), page(100))
    assert store.get(("a",), versions, 0) is not None  # "a" served: "b" is the oldest
    store.put(("c",), page(100))
    assert store.get(("b",), versions, 0) is None
    assert store.get(("a",), versions, 0) is not None
    assert store.get(("c",), versions, 0) is not None
    assert store.get(("a",), {"site": 2}, 0) is None  # its stamp moved
    assert len(store) == 1


def test_a_statement_depends_on_every_table_it_names() -> None:
    recorded = reads.Reads(
        statements=[
            'SELECT "a"."id" FROM "council_topic" "a" JOIN council_need ON 1=1',
            "SELECT 1 FROM streetbank_posting, streetbank_entry",
            "SELECT core_personality FROM x",
        ]
    )
    known = frozenset(
        {"council_topic", "council_need", "streetbank_posting", "streetbank_entry", "core_person"}
    )
    assert recorded.tables(known) == known - {"core_person"}
    assert not recorded.wrote()
    assert reads.Reads(statements=["  update core_person set name = 'x'"]).wrote()


#: Tables no page may be kept over: they change all day on their own.
UNSTAMPED = {
    "core_stamp",
    "core_outbox_event",
    "core_event_delivery",
    "core_job_run",
    "core_audit_entry",
    "core_stored_value",
    "core_escalation",
    "requests_api_hit",
    "tortoise_migrations",
}


@pytest.mark.linli_plugins(
    "canteen",
    "care",
    "codesign",
    "council",
    "email",
    "mediation",
    "requests",
    "streetbank",
    "volunteers",
)
async def test_every_table_of_the_core_and_the_bundled_plugins_raises_a_stamp(
    linli_community,
) -> None:
    tables = await coverage(connections.get("default"))
    bare = {table for table, stamps in tables.items() if not stamps}
    # the sample plugin's notes; PostgreSQL's queue of stamps to raise at the commit
    assert bare - {"sample_note", "core_stamp_pending"} == UNSTAMPED
