"""Logging in and out, passwords, throttling, sessions."""

import pytest

from linli.domain.identity.models import Account
from linli.domain.identity.services import reset_password
from linli.testing import TEST_PASSWORD, form_post, log_in, make_account, make_person
from linli.web.auth import LoginThrottle


async def test_login_logout_and_the_header(linli_client, linli_community):
    await make_account("wang", linli_community, "community_worker")
    page = await linli_client.get("/login?next=/c/test/")
    assert "用户名或手机号" in page.text
    response = await form_post(
        linli_client, "/login", {"login": "wang", "password": TEST_PASSWORD, "next": "/c/test/"}
    )
    assert str(response.url).endswith("/c/test/")
    assert "wang" in response.text and "退出登录" in response.text
    out = await form_post(linli_client, "/logout", {})
    assert "退出登录" not in out.text and "登录" in out.text


async def test_wrong_password_is_refused_with_a_clear_message(linli_client, linli_community):
    await make_account("wang", linli_community)
    response = await form_post(linli_client, "/login", {"login": "wang", "password": "nope"})
    assert response.status_code == 400
    assert "账号或密码不正确" in response.text
    assert "linli_session" not in response.cookies


async def test_login_by_phone(linli_client, linli_community):
    account = await make_account("li", linli_community)
    account.phone = "13800000001"
    await account.save()
    await log_in(linli_client, "13800000001")
    assert "li" in (await linli_client.get("/c/test/")).text


async def test_failed_logins_are_throttled_per_account(linli_client, linli_community):
    await make_account("zhao", linli_community)
    for _ in range(5):
        await form_post(linli_client, "/login", {"login": "zhao", "password": "wrong"})
    blocked = await form_post(linli_client, "/login", {"login": "zhao", "password": TEST_PASSWORD})
    assert blocked.status_code == 429
    assert "尝试次数过多" in blocked.text and blocked.headers["retry-after"] == "600"


async def test_thirty_logins_at_once_try_no_more_passwords_than_allowed(
    linli_app, linli_community, monkeypatch
):
    """29 wrong guesses and the right password, all at once: the throttle counts each
    attempt before its password is checked, so at most five are checked at all."""
    import asyncio

    import httpx

    from linli.domain.identity import passwords

    await make_account("sun", linli_community)
    checked: list[str] = []
    verify = passwords.verify_password

    def counting(password_hash: str, password: str) -> bool:
        checked.append(password)
        return verify(password_hash, password)

    monkeypatch.setattr(passwords, "verify_password", counting)
    monkeypatch.setattr("linli.domain.identity.services.verify_password", counting)

    async def attempt(password: str) -> int:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=linli_app), base_url="http://testserver.local"
        ) as client:
            return (
                await form_post(client, "/login", {"login": "sun", "password": password})
            ).status_code

    guesses = [f"guess-{n}" for n in range(29)] + [TEST_PASSWORD]
    statuses = await asyncio.gather(*(attempt(p) for p in guesses))
    assert len(checked) <= LoginThrottle.PER_ACCOUNT_AND_ADDRESS
    assert statuses.count(429) >= len(guesses) - LoginThrottle.PER_ACCOUNT_AND_ADDRESS


async def test_a_stranger_elsewhere_cannot_lock_a_resident_out(linli_app, linli_community):
    """Five wrong tries from one address make that address wait; the resident, at
    home on another address, still logs in."""
    import httpx

    await make_account("qian", linli_community)

    def client_from(address: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=linli_app, client=(address, 50000)),
            base_url="http://testserver.local",
        )

    async with client_from("203.0.113.9") as stranger:
        for _ in range(6):
            await form_post(stranger, "/login", {"login": "qian", "password": "wrong"})
        refused = await form_post(stranger, "/login", {"login": "qian", "password": "wrong"})
        assert refused.status_code == 429
    async with client_from("198.51.100.7") as resident:
        done = await form_post(resident, "/login", {"login": "qian", "password": TEST_PASSWORD})
        assert done.status_code == 303


async def test_a_forged_forwarded_for_does_not_change_the_address(linli_client, linli_community):
    """Without trusted proxies, X-Forwarded-For is the visitor's own claim: a blocked
    address cannot come back by sending another one."""
    await make_account("li", linli_community)
    for n in range(6):
        await form_post(
            linli_client,
            "/login",
            {"login": "li", "password": "wrong"},
            headers={"X-Forwarded-For": f"10.0.0.{n}"},
        )
    again = await form_post(
        linli_client, "/login", {"login": "li", "password": "wrong"},
        headers={"X-Forwarded-For": "10.9.9.9"},
    )  # fmt: skip
    assert again.status_code == 429


async def test_a_missing_account_costs_one_verification_like_an_existing_one(
    linli_client, linli_community, monkeypatch
):
    """Login timing must not tell which usernames and phone numbers have accounts."""
    from linli.domain.identity import passwords

    await make_account("zhou", linli_community)
    calls: list[str] = []
    hasher = passwords.current_hasher()

    class Counting:
        def __getattr__(self, name: str):
            return getattr(hasher, name)

        def verify(self, *args):
            calls.append("verify")
            return hasher.verify(*args)

        def hash(self, *args):
            calls.append("hash")
            return hasher.hash(*args)

    monkeypatch.setattr(passwords, "_hasher", Counting())
    passwords.verify_nobody("warm-up")  # the dummy hash is made once per process
    calls.clear()
    await form_post(linli_client, "/login", {"login": "zhou", "password": "wrong-1"})
    existing = list(calls)
    calls.clear()
    await form_post(linli_client, "/login", {"login": "nobody-here", "password": "wrong-1"})
    assert calls == existing == ["verify"]


@pytest.mark.parametrize(
    "password", ["12345678", "11111111", "abcdefgh", "87654321", "woaini1314", "my-wangwu-pw"]
)
async def test_common_and_simple_passwords_are_refused(linli_community, password):
    from linli.domain.identity.services import AccountError, create_account

    with pytest.raises(AccountError, match="too easy to guess"):
        await create_account("wangwu", password)
    assert await create_account("wangwu", "竹林 7 号晨练") is not None


async def test_reset_forces_a_new_password_and_old_sessions_end(
    linli_app, linli_client, linli_community
):
    import httpx

    account = await make_account("chen", linli_community, "community_worker")
    await log_in(linli_client, "chen")
    await reset_password(account, "temporary-1")
    # the old session stopped working with the password change
    assert "chen" not in (await linli_client.get("/c/test/")).text
    fresh = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=linli_app),
        base_url="http://testserver.local",
        follow_redirects=True,
    )
    async with fresh:
        landed = await log_in(fresh, "chen", "temporary-1")
        assert str(landed.url).endswith("/account/password")
        assert "您的密码已被重置" in landed.text
        mismatch = await form_post(
            fresh,
            "/account/password",
            {"current": "temporary-1", "new": "brand-new-pw", "repeat": "other-pw"},
        )
        assert mismatch.status_code == 400 and "不一致" in mismatch.text
        done = await form_post(
            fresh,
            "/account/password",
            {"current": "temporary-1", "new": "brand-new-pw", "repeat": "brand-new-pw"},
        )
        assert done.status_code == 200
    account = await Account.get(id=account.id)
    assert not account.must_change_password


async def test_sessions_survive_a_restart(linli_settings, linli_registry, linli_db):
    """A second app (another worker, or the same after a restart) reads the session."""
    import httpx

    from linli.domain.communities import create_community
    from linli.web.app import create_app

    community = await create_community("rs", "重启社区", linli_registry)
    await make_account("sun", community)
    first, second = create_app(linli_settings), create_app(linli_settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=first), base_url="http://t", follow_redirects=True
    ) as client:
        await log_in(client, "sun")
        cookie = client.cookies["linli_session"]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=second), base_url="http://t", follow_redirects=True
    ) as client:
        client.cookies.set("linli_session", cookie)
        assert "sun" in (await client.get("/c/rs/")).text


async def test_anonymous_visits_write_no_session(linli_client, linli_community):
    from linli.kernel.sessions import StoredValue

    await linli_client.get("/c/test/")
    await linli_client.get("/c/test/")
    assert await StoredValue.all().count() == 0
    assert "linli_session" not in linli_client.cookies


async def test_sessions_and_throttles_can_live_in_redis(
    linli_database_url, linli_registry, linli_db, tmp_path
):
    """With redis_url set, every worker shares sessions through Redis."""
    import httpx
    import redis.asyncio as redis

    from linli.domain.communities import create_community
    from linli.testing import settings_for_test
    from linli.web.app import create_app

    url = "redis://127.0.0.1:6379/0"
    client = redis.from_url(url)
    try:
        await client.ping()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings = settings_for_test(tmp_path, linli_database_url, [], redis_url=url)
    community = await create_community("rd", "红社区", linli_registry)
    await make_account("zhou", community)
    before = set(await client.keys("linli_sessions:*"))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(settings)),
        base_url="http://t",
        follow_redirects=True,
    ) as http:
        await log_in(http, "zhou")
        assert "zhou" in (await http.get("/c/rd/")).text
    created = set(await client.keys("linli_sessions:*")) - before
    assert len(created) == 1
    await client.delete(*created)
    await client.aclose()


@pytest.mark.parametrize("kind", ["database", "redis"])
async def test_the_counters_count_every_attempt_at_once(linli_db, kind):
    """Both stores count thirty simultaneous attempts as 1 … 30, never twice the same."""
    import asyncio
    import uuid

    from linli.kernel.sessions import CountingRedisStore, DatabaseStore

    if kind == "redis":
        store = CountingRedisStore.with_client(
            url="redis://127.0.0.1:6379/0", namespace=f"linli-test-{uuid.uuid4().hex[:8]}"
        )
    else:
        store = DatabaseStore().with_namespace("throttle")
    counts = await asyncio.gather(*(store.increment("pair:x", 60) for _ in range(30)))
    try:
        assert max(counts) == 30
        if kind == "redis":
            assert sorted(counts) == list(range(1, 31))
        await store.forget("pair:x")
        assert await store.increment("pair:x", 60) == 1
    finally:
        await store.forget("pair:x")


async def test_an_account_is_named_by_its_person_in_the_register(linli_community):
    """``Account.display_name``: the person's name when the person was fetched with the
    account, else the username (an account without a resident record, or not fetched:
    the property never queries)."""
    person = await make_person(linli_community, "王书记")
    await make_account("secretary", linli_community, person=person)
    await make_account("staff", linli_community)
    secretary = await Account.get(username="secretary").select_related("person")
    assert secretary.display_name == "王书记"
    assert (await Account.get(username="secretary")).display_name == "secretary"
    staff = await Account.get(username="staff").select_related("person")
    assert staff.display_name == "staff"
