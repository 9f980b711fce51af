"""Security headers on every response (pages, errors, redirects, static files), a
Content-Security-Policy that no template needs to break, and Secure cookies with HSTS
over HTTPS."""

import re
from pathlib import Path

import httpx
import pytest

from linli.testing import TEST_PASSWORD, form_post, make_account, settings_for_test
from linli.web.headers import CONTENT_SECURITY_POLICY
from linli.web.styles import style_hash

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}
#: Inline script and style the policy refuses: event-handler attributes, ``<script>``
#: without ``src``, ``javascript:`` links, ``style`` attributes and elements.
INLINE = re.compile(
    r"\son[a-z]+\s*=|<script(?![^>]*\bsrc=)[^>]*>|javascript:|\sstyle\s*=|<style\b|hx-on",
    re.IGNORECASE,
)


def _assert_secured(response: httpx.Response) -> None:
    """The headers, the policy allowing, beyond its own, only the exact texts of the
    ``<style>`` elements of a visitor's first page (linli.web.styles)."""
    styles = re.findall(r"<style>(.*?)</style>", response.text, re.DOTALL)
    allowed = {style_hash(text) for text in styles}
    for name, value in EXPECTED.items():
        sent = response.headers.get(name)
        if name == "content-security-policy" and allowed:
            assert set(re.findall(r"'sha256-[^']+'", sent)) == allowed
            sent = re.sub(r" 'sha256-[^']+'", "", sent)
        assert sent == value, f"{response.url}: {name}"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]


async def test_every_kind_of_response_carries_the_security_headers(linli_client, linli_community):
    await make_account("wang", linli_community)
    responses = [
        await linli_client.get("/c/test/"),  # a page
        await linli_client.get("/no/such/page"),  # an error page from the router
        await linli_client.get("/c/nowhere/"),  # an error page from a guard
        await linli_client.get("/static/linli/linli.js"),  # a static file
        await linli_client.get("/", follow_redirects=False),  # a redirect
        await linli_client.post("/login", data={"login": "wang"}),  # CSRF refusal
        await linli_client.delete("/login"),  # a method not allowed
        await linli_client.get("/healthz"),  # plain text
    ]
    assert [r.status_code for r in responses] == [200, 404, 404, 200, 302, 403, 405, 200]
    for response in responses:
        _assert_secured(response)
    script = responses[3]
    assert script.headers["content-type"].startswith("text/javascript")
    # Over plain HTTP: no HSTS, and cookies are not marked Secure (they would be lost).
    login = await form_post(linli_client, "/login", {"login": "wang", "password": "x"})
    assert "strict-transport-security" not in login.headers
    assert all("secure" not in c.lower() for c in login.headers.get_list("set-cookie"))


@pytest.mark.parametrize("how", ["setting", "scheme"])
async def test_over_https_cookies_are_secure_and_hsts_is_sent(
    how, linli_database_url, linli_registry, linli_db, tmp_path
):
    """The ``https`` setting (TLS at a proxy), or an https request (TLS, or the scheme a
    trusted proxy's ``X-Forwarded-Proto`` set): every cookie Secure, HSTS everywhere."""
    from linli.domain.communities import create_community
    from linli.web.app import create_app

    settings = settings_for_test(tmp_path, linli_database_url, [], https=how == "setting")
    community = await create_community("hs", "安全社区", linli_registry)
    await make_account("wang", community)
    base = "http://t" if how == "setting" else "https://t"
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(settings)), base_url=base
    ) as client:
        first = await client.get("/login")  # sets the CSRF cookie
        # A browser sends Secure cookies only over https: hand the CSRF cookie over here.
        token = client.cookies["linli_csrf"]
        session = await client.post(
            "/login",
            data={"login": "wang", "password": TEST_PASSWORD, "_csrf_token": token},
            headers={"cookie": f"linli_csrf={token}"},
        )
        assert session.status_code == 303
        missing = await client.get("/no/such/page")
    cookies = [*first.headers.get_list("set-cookie"), *session.headers.get_list("set-cookie")]
    assert any(c.startswith("linli_csrf=") for c in cookies)
    assert any(c.startswith("linli_session=") for c in cookies)
    assert all(re.search(r";\s*secure\b", c, re.IGNORECASE) for c in cookies), cookies
    for response in (first, session, missing):
        _assert_secured(response)
        assert response.headers["strict-transport-security"].startswith("max-age=")


async def test_a_forged_forwarded_proto_does_not_make_a_request_https(linli_client):
    response = await linli_client.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert "strict-transport-security" not in response.headers


def _templates() -> list[Path]:
    folders = [ROOT / "core" / "linli", *ROOT.glob("plugins/*/linli_*"), *ROOT.glob("themes/*")]
    return sorted(p for folder in folders for p in folder.rglob("*.html") if ".venv" not in p.parts)


def test_no_template_holds_inline_script_or_style():
    templates = _templates()
    assert len(templates) > 50
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0).strip()}"
        for path in templates
        for match in INLINE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_print_buttons_are_wired_by_the_static_script():
    script = (ROOT / "core/linli/static/linli/linli.js").read_text(encoding="utf-8")
    assert "data-linli-print" in script and "window.print()" in script
    buttons = [p for p in _templates() if "data-linli-print" in p.read_text(encoding="utf-8")]
    assert len(buttons) == 5  # the roster of a volunteers shift prints its QR code
    base = (ROOT / "core/linli/templates/base.html").read_text(encoding="utf-8")
    assert "linli/linli.js') }}\" defer></script>" in base
    assert '"includeIndicatorStyles": false' in base


async def test_static_files_go_compressed_to_a_browser_that_asks(linli_client):
    path = "/static/linli/htmx-2.0.11.min.js"
    plain = await linli_client.get(path, headers={"accept-encoding": "identity"})
    packed = await linli_client.get(path, headers={"accept-encoding": "gzip"})
    assert plain.status_code == packed.status_code == 200
    assert "content-encoding" not in plain.headers
    assert packed.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in packed.headers["vary"].lower()
    # httpx unpacks it: the same file, sent in a third of the bytes or less
    assert packed.content == plain.content
    assert int(packed.headers["content-length"]) * 3 < len(plain.content)


async def test_pages_go_compressed_and_their_token_changes_on_every_answer(
    linli_client, linli_community
):
    """A page reaches a cheap phone in a third of the bytes. It holds the CSRF token and
    can echo what was typed (a search): the token is masked afresh on every answer, so
    the compressed size of many answers gives nothing away about it (BREACH)."""
    pages = [
        await linli_client.get("/c/test/?q=csrf", headers={"accept-encoding": "gzip"})
        for _ in range(2)
    ]
    for page in pages:
        assert page.status_code == 200
        assert page.headers["content-encoding"] == "gzip"
        assert int(page.headers["content-length"]) * 2 < len(page.content)
    tokens = [re.search(r'name="_csrf_token" value="([0-9a-f]+)"', p.text) for p in pages]
    assert tokens[0] and tokens[1]
    cookie = linli_client.cookies["linli_csrf"]
    assert len({tokens[0][1], tokens[1][1], cookie}) == 3
    assert cookie not in pages[1].text


async def test_static_files_are_kept_for_a_year_and_never_asked_again(linli_client):
    response = await linli_client.get("/static/linli/linli.js")
    directives = {d.strip() for d in response.headers["cache-control"].split(",")}
    assert {"public", "max-age=31536000", "immutable"} <= directives
