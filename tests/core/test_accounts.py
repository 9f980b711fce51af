"""Logging in and out, passwords, throttling, sessions."""

import pytest

from linli.identity.models import Account
from linli.identity.services import reset_password
from linli.testing import TEST_PASSWORD, form_post, log_in, make_account


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
    assert "登录失败次数过多" in blocked.text


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

    from linli.communities import create_community
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
    from linli.sessions import StoredValue

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

    from linli.communities import create_community
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
