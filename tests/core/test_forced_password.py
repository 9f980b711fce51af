"""An account whose password an administrator reset may only choose a new one: every
route of the core and of every bundled plugin sends it to the password page (pages) or
refuses it (actions), whatever the route's own guard, until the password is changed."""

import pytest

from linli.domain.identity.services import reset_password
from linli.testing import form_post, log_in, make_account
from linli.web.auth import BEFORE_PASSWORD_CHANGE_OPT
from linli.web.templating import STATIC_PREFIX
from tests.core.test_routes import BUNDLED, SAFE, _call, _concrete

pytestmark = pytest.mark.linli_plugins("sample", *BUNDLED)

#: The only routes open before the new password: choosing it, leaving, the language and
#: elder-mode switches of the password page itself, the health probe, static files and
#: the favicon the browser asks for on that page.
ALLOWED = {
    ("GET", "/account/password"),
    ("POST", "/account/password"),
    ("POST", "/logout"),
    ("POST", "/prefs/language"),
    ("POST", "/prefs/elder"),
    ("GET", "/healthz"),
    ("GET", "/favicon.ico"),
    ("GET", "/apple-touch-icon.png"),
    ("GET", f"{STATIC_PREFIX}/{{file_path:path}}"),
}


def _routes(app):
    """(method, path, allowed before the change) for every HTTP handler of the app."""
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            for method in sorted(handler.http_methods - {"HEAD", "OPTIONS"}):
                yield method, route.path, bool(handler.opt.get(BEFORE_PASSWORD_CHANGE_OPT))


def test_only_the_password_page_and_its_switches_are_open(linli_app):
    allowed = {(method, path) for method, path, open_ in _routes(linli_app) if open_}
    assert allowed == ALLOWED


async def test_a_reset_password_opens_nothing_but_the_password_page(
    linli_app, linli_client, linli_community
):
    account = await make_account("reset_worker", linli_community, "community_worker")
    await reset_password(account, "temporary-42")
    landed = await log_in(linli_client, "reset_worker", "temporary-42")
    assert landed.url.path == "/account/password"
    checked = 0
    for method, path, open_ in _routes(linli_app):
        if open_:
            continue
        response = await _call(linli_client, method, _concrete(path))
        if method in SAFE:
            assert response.status_code == 303, f"{method} {path}: {response.status_code}"
            assert response.headers["location"] == "/account/password", path
        else:
            assert response.status_code == 403, f"{method} {path}: {response.status_code}"
            assert "请先设置新密码" in response.text, path
        checked += 1
    assert checked > 50
    # Once the password is changed, the account is an ordinary one again.
    await form_post(
        linli_client,
        "/account/password",
        {"current": "temporary-42", "new": "chosen-pass-42", "repeat": "chosen-pass-42"},
    )
    assert (await linli_client.get("/c/test/", follow_redirects=False)).status_code == 200
