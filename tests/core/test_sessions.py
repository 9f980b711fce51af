"""Sessions: a new id at login, logout and password change, the old one dead in the
store (session fixation), and a store that holds no replayable cookie value. Run on the
database store (SQLite, PostgreSQL) and on Redis."""

import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import httpx
import pytest

from linli.kernel.sessions import StoredValue
from linli.testing import TEST_PASSWORD, form_post, log_in, make_account
from linli.testing.plugin import TEST_BASE_URL
from linli.web.auth import SESSION_COOKIE

HOST = httpx.URL(TEST_BASE_URL).host
REDIS_URL = "redis://127.0.0.1:6379/0"
ClientFactory = Callable[[], Awaitable[httpx.AsyncClient]]


async def _is_logged_in(client: httpx.AsyncClient, cookie: str) -> bool:
    """Whether ``cookie`` as the session cookie, alone, authenticates anyone."""
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, cookie)
    response = await client.get("/account/password", follow_redirects=False)
    return response.status_code == 200


def stored_key(session_id: str) -> str:
    """The store key of a session id: its SHA-256, which no cookie can replay."""
    return hashlib.sha256(session_id.encode()).hexdigest()


def _session(client: httpx.AsyncClient) -> str:
    return client.cookies[SESSION_COOKIE]


async def _fixation_attack(browser: httpx.AsyncClient, holder: httpx.AsyncClient) -> list[str]:
    """A and B log in, one after the other, on one shared browser; A (``holder``) kept a
    copy of the cookie. Returns every session id the browser was given."""
    await log_in(browser, "resident_a")
    first = _session(browser)
    assert await _is_logged_in(holder, first)

    await log_in(browser, "resident_b")
    second = _session(browser)
    assert second != first, "login kept the session id"
    assert not await _is_logged_in(holder, first), "A's old cookie still authenticates"
    assert await _is_logged_in(holder, second)

    # Logging out: the id is dead even for whoever copied it.
    await form_post(browser, "/logout", {})
    assert browser.cookies.get(SESSION_COOKIE) in (None, "null")
    assert not await _is_logged_in(holder, second)

    # An id planted in the browser before a login (fixation) is not the one it gets.
    browser.cookies.delete(SESSION_COOKIE)
    browser.cookies.set(SESSION_COOKIE, "planted" * 8, domain=HOST)
    await log_in(browser, "resident_a")
    third = _session(browser)
    assert third != "planted" * 8

    # Changing the password: a new id, the old one dead.
    changed = await form_post(
        browser,
        "/account/password",
        {"current": TEST_PASSWORD, "new": "another-pass-77", "repeat": "another-pass-77"},
    )
    assert changed.status_code == 200
    fourth = _session(browser)
    assert fourth != third
    assert not await _is_logged_in(holder, third)
    assert await _is_logged_in(holder, fourth)

    await form_post(browser, "/logout", {})
    assert not await _is_logged_in(holder, fourth)
    return [first, second, third, fourth]


@asynccontextmanager
async def _client(app) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=TEST_BASE_URL, follow_redirects=True
    ) as client:
        yield client


async def test_login_logout_and_password_change_renew_the_session_id(
    linli_app, linli_client, linli_community
):
    await make_account("resident_a", linli_community)
    await make_account("resident_b", linli_community)
    async with _client(linli_app) as holder:
        await _fixation_attack(linli_client, holder)
    assert await StoredValue.filter(key__startswith="linli:sessions:").count() == 0


async def test_the_store_holds_no_cookie_that_could_be_replayed(
    linli_app, linli_client, linli_community
):
    """Whoever reads the session table (a backup) finds hashes, which are no cookies."""
    await make_account("resident_b", linli_community)
    await log_in(linli_client, "resident_b")
    live = _session(linli_client)
    keys = [row.key async for row in StoredValue.filter(key__startswith="linli:sessions:")]
    assert keys == [f"linli:sessions:{stored_key(live)}"]
    async with _client(linli_app) as thief:
        assert not await _is_logged_in(thief, keys[0].rsplit(":", 1)[1])
        assert await _is_logged_in(thief, live)


async def test_sessions_in_redis_are_renewed_and_hashed(
    linli_database_url, linli_registry, linli_db, tmp_path
):
    import redis.asyncio as redis

    from linli.domain.communities import create_community
    from linli.testing import settings_for_test
    from linli.web.app import create_app

    store = redis.from_url(REDIS_URL)
    try:
        await store.ping()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    community = await create_community("test", "红社区", linli_registry)
    await make_account("resident_a", community)
    await make_account("resident_b", community)
    app = create_app(settings_for_test(tmp_path, linli_database_url, [], redis_url=REDIS_URL))
    before = set(await store.keys("linli_sessions:*"))
    try:
        async with _client(app) as browser, _client(app) as holder:
            ids = await _fixation_attack(browser, holder)
            await log_in(browser, "resident_b")
            live = _session(browser)
            created = set(await store.keys("linli_sessions:*")) - before
            assert created == {f"linli_sessions:{stored_key(live)}".encode()}
            assert not any(cookie.encode() in key for key in created for cookie in ids)
            assert not await _is_logged_in(holder, stored_key(live))
            await form_post(browser, "/logout", {})
            assert set(await store.keys("linli_sessions:*")) - before == set()
    finally:
        leftover = set(await store.keys("linli_sessions:*")) - before
        if leftover:
            await store.delete(*leftover)
        await store.aclose()
