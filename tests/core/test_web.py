"""The core's pages: language, elder-friendly mode, CSRF, error pages, health."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tortoise import Tortoise

from linli.kernel.models import Community
from linli.testing import form_post
from linli.web.csrf import mask, unmask
from linli.web.templating import CORE_STATIC, CORE_TEMPLATES, StaticFiles, build_engine


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
    assert "--ink:" in response.text.split("</head>")[0]  # the default theme's styles
    again = await linli_client.get("/c/test/")
    assert "default/theme.css?v=" in again.text  # linked once the browser has been here


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
    marker = "/static/linli/linli.js?v="
    assert marker in page
    url = page[page.index(marker) :].split('"')[0]
    response = await linli_client.get(url)
    assert response.status_code == 200
    assert "data-linli-print" in response.text
    assert "max-age=31536000" in response.headers["cache-control"]


def test_htmx_is_loaded_only_by_pages_that_use_it():
    """htmx is 17 KB of a first visit's 30 on a cheap phone: a page that sends no htmx
    request goes without it, one that does gets it in its head; fragments are left as
    they are."""
    engine = build_engine(CORE_TEMPLATES, {}, StaticFiles([CORE_STATIC])).engine
    page = "<html><head><title>t</title></head><body>{}</body></html>"
    plain = engine.from_string(page.format('<a href="/x">x</a> hx-get in words')).render()
    assert "htmx" not in plain
    live = engine.from_string(page.format('<div hx-get="/x" hx-trigger="load"></div>')).render()
    head = live.split("</head>")[0]
    assert re.search(r'<script src="/static/linli/htmx-2\.0\.11\.min\.js\?v=\w+" defer>', head)
    fragment = engine.from_string('<div hx-post="/x"></div>').render()
    assert fragment == '<div hx-post="/x"></div>'


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


async def test_a_form_sends_back_its_masked_token(linli_client, linli_community):
    """Each page carries the CSRF token under a new mask; any of them is accepted back,
    in the form or in htmx's header, and a token altered by one letter is not."""
    page = await linli_client.get("/c/test/")
    masked = re.findall(r'name="_csrf_token" value="([0-9a-f]+)"', page.text)[0]
    header = re.search(r'"x-csrftoken": "([0-9a-f]+)"', page.text)
    assert header and header[1] == masked != linli_client.cookies["linli_csrf"]
    in_form = {"elder": "on", "_csrf_token": masked}
    by_form = await linli_client.post("/prefs/elder", data=in_form, follow_redirects=False)
    assert by_form.status_code == 303
    in_header = {"x-csrftoken": header[1]}
    by_htmx = await linli_client.post(
        "/prefs/elder", data={"elder": "on"}, headers=in_header, follow_redirects=False
    )
    assert by_htmx.status_code == 303
    altered = masked[:-1] + ("0" if masked[-1] != "0" else "1")
    refused = await linli_client.post(
        "/prefs/elder", data={"elder": "off", "_csrf_token": altered}, follow_redirects=False
    )
    assert refused.status_code == 403
    assert "linli_elder" not in refused.cookies


async def test_a_token_signed_with_another_key_is_replaced(linli_client, linli_community):
    """A cookie left from before the secret key changed would refuse every form: the
    next page sets a new one."""
    page = await linli_client.get("/c/test/", headers={"cookie": "linli_csrf=" + "0" * 128})
    assert "linli_csrf=" in page.headers["set-cookie"]
    masked = re.findall(r'name="_csrf_token" value="([0-9a-f]+)"', page.text)[0]
    response = await linli_client.post(
        "/prefs/elder", data={"elder": "on", "_csrf_token": masked}, follow_redirects=False
    )
    assert response.status_code == 303


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


@given(token=st.text(alphabet="0123456789abcdef", min_size=1, max_size=160))
def test_a_masked_token_unmasks_to_itself_and_never_shows_it(token):
    masked = mask(token)
    assert len(masked) == 2 * len(token)
    assert unmask(masked, len(token)) == token
    # digit by digit, the cipher is the token shifted by the pad (the form a page of an
    # older worker wrote is still read)
    pad, cipher = masked[: len(token)], masked[len(token) :]
    digits = "0123456789abcdef"
    assert all(
        digits.index(c) == (digits.index(t) + digits.index(p)) % 16
        for t, p, c in zip(token, pad, cipher, strict=True)
    )
