"""The core's pages: language, elder-friendly mode, CSRF, error pages, health."""

import pytest
from tortoise import Tortoise

from linli.kernel.models import Community
from linli.testing import form_post


async def test_single_community_home_redirects_to_it(linli_client, linli_community):
    response = await linli_client.get("/", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == "/c/test/"


async def test_several_communities_are_listed(linli_client, linli_community):
    await Community.create(slug="second", name="第二社区")
    response = await linli_client.get("/")
    assert response.status_code == 200
    assert "测试社区" in response.text and "第二社区" in response.text


async def test_community_page_speaks_chinese_by_default(linli_client, linli_community):
    response = await linli_client.get("/c/test/")
    assert response.status_code == 200
    assert '<html lang="zh-CN"' in response.text
    assert "本社区还没有开通任何服务" in response.text
    assert "default/theme.css?v=" in response.text  # the default theme's stylesheet


async def test_language_switch_persists(linli_client, linli_community):
    response = await form_post(
        linli_client, "/prefs/language", {"language": "en", "next": "/c/test/"}
    )
    assert response.status_code == 200  # followed the 303 back to the page
    assert '<html lang="en"' in response.text
    assert "No services are switched on in this community yet." in response.text
    again = await linli_client.get("/c/test/")
    assert "Test Community" in again.text


async def test_unknown_language_is_refused_in_the_visitors_language(linli_client, linli_community):
    response = await form_post(linli_client, "/prefs/language", {"language": "fr"})
    assert response.status_code == 400
    assert "不提供这种语言" in response.text
    assert "linli_lang" not in response.cookies


async def test_elder_mode_persists(linli_client, linli_community):
    response = await form_post(linli_client, "/prefs/elder", {"elder": "on", "next": "/c/test/"})
    assert 'class="elder"' in response.text
    assert 'value="off"' in response.text  # the switch now offers the way back
    assert 'class="elder"' in (await linli_client.get("/c/test/")).text
    back = await form_post(linli_client, "/prefs/elder", {"elder": "off", "next": "/c/test/"})
    assert 'class="elder"' not in back.text


async def test_next_never_leaves_the_site(linli_client, linli_community):
    response = await form_post(
        linli_client,
        "/prefs/language",
        {"language": "en", "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/"


async def test_post_without_csrf_token_is_refused_and_changes_nothing(
    linli_client, linli_community
):
    response = await linli_client.post("/prefs/language", data={"language": "en"})
    assert response.status_code == 403
    assert "您没有权限进行此操作" in response.text
    assert "linli_lang" not in response.cookies


async def test_unknown_page_is_a_friendly_404(linli_client, linli_community):
    response = await linli_client.get("/c/test/no-such-page")
    assert response.status_code == 404
    assert "页面不存在" in response.text
    unknown_community = await linli_client.get("/c/nowhere/")
    assert unknown_community.status_code == 404


async def test_static_files_have_cache_busting_urls(linli_client, linli_community):
    page = (await linli_client.get("/c/test/")).text
    marker = "/static/linli/htmx-2.0.11.min.js?v="
    assert marker in page
    url = page[page.index(marker) :].split('"')[0]
    response = await linli_client.get(url)
    assert response.status_code == 200
    assert "htmx" in response.text[:2000]
    assert "max-age=31536000" in response.headers["cache-control"]


async def test_healthz_answers_200_with_database_and_503_without(linli_client):
    assert (await linli_client.get("/healthz")).status_code == 200
    await Tortoise.close_connections()  # the database goes away under the running app
    response = await linli_client.get("/healthz")
    assert response.status_code == 503


@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_error_page_follows_the_language(linli_client, linli_community, language):
    linli_client.cookies.set("linli_lang", language)
    response = await linli_client.get("/c/test/missing")
    expected = "页面不存在" if language == "zh_CN" else "This page does not exist"
    assert expected in response.text


async def test_htmx_requests_pass_csrf_in_the_header(linli_client, linli_community):
    await linli_client.get("/c/test/")
    token = linli_client.cookies["linli_csrf"]
    response = await linli_client.post(
        "/prefs/elder",
        data={"elder": "on"},
        headers={"HX-Request": "true", "x-csrftoken": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.cookies["linli_elder"] == "1"
    forged = await linli_client.post(
        "/prefs/elder", data={"elder": "on"}, headers={"x-csrftoken": "forged"}
    )
    assert forged.status_code == 403


async def test_pages_carry_security_headers(linli_client, linli_community):
    response = await linli_client.get("/c/test/")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "same-origin"


async def test_staff_see_links_to_their_sections_and_residents_do_not(
    linli_client, linli_community
):
    from linli.testing import log_in, make_account

    await make_account("worker", linli_community, "community_worker")
    await make_account("resident", linli_community, "resident")
    await log_in(linli_client, "resident")
    page = (await linli_client.get("/c/test/")).text
    assert 'href="/c/test/register/"' not in page and 'href="/c/test/admin/"' not in page
    await form_post(linli_client, "/logout", {})
    await log_in(linli_client, "worker")
    page = (await linli_client.get("/c/test/")).text
    assert 'href="/c/test/register/"' in page and 'href="/c/test/admin/"' in page
