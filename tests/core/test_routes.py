"""Every route of the app and of every loaded plugin declares what it requires, and
refuses the wrong person: anonymous visitors go to the login page (pages) or get 401
(actions); a logged-in resident without the permission gets 403 or 404."""

import re
import uuid
from importlib.metadata import entry_points

import pytest
from litestar.routes import HTTPRoute

from linli.kernel.plugins import ENTRY_POINT_GROUP
from linli.testing import form_post, log_in, make_account
from linli.web.auth import declared_requirement

#: Every installed plugin except the core's own test doubles, plus the sample plugin.
BUNDLED = sorted(
    entry_point.name
    for entry_point in entry_points(group=ENTRY_POINT_GROUP)
    if not entry_point.dist.name.startswith("linli-test-")
)
pytestmark = pytest.mark.linli_plugins("sample", *BUNDLED)

SAFE = {"GET", "HEAD"}
PARAMETER = re.compile(r"{(\w+)(?::(\w+))?}")
SAMPLE_VALUES = {"int": "987654", "uuid": str(uuid.UUID(int=7)), "str": "x", "path": "x"}


def _concrete(path: str) -> str:
    def value(match: re.Match[str]) -> str:
        name, kind = match.group(1), match.group(2) or "str"
        return "test" if name == "community_slug" else SAMPLE_VALUES.get(kind, "x")

    return PARAMETER.sub(value, path)


def _endpoints(app):
    """(method, concrete path, requirement) for every HTTP handler of the app."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            for method in sorted(handler.http_methods - {"HEAD", "OPTIONS"}):
                yield method, route.path, _concrete(route.path), declared_requirement(handler)


def test_every_route_declares_what_it_requires(linli_app):
    undeclared = [
        f"{method} {path}"
        for method, path, _, requirement in _endpoints(linli_app)
        if requirement is None
    ]
    assert undeclared == []


async def _call(client, method, path):
    if method in SAFE:
        return await client.request(method, path, follow_redirects=False)
    return await form_post(client, path, {}, follow_redirects=False)


def _protected(app):
    return [
        (method, path, concrete, requirement)
        for method, path, concrete, requirement in _endpoints(app)
        if requirement not in ("public", None)
    ]


async def test_anonymous_visitors_are_sent_to_log_in_or_refused(
    linli_app, linli_client, linli_community
):
    protected = _protected(linli_app)
    assert protected, "no protected routes were found"
    for method, path, concrete, _ in protected:
        response = await _call(linli_client, method, concrete)
        if method in SAFE:
            assert response.status_code == 303, f"{method} {path}: {response.status_code}"
            assert response.headers["location"].startswith("/login?next="), path
        else:
            assert response.status_code == 401, f"{method} {path}: {response.status_code}"


async def test_a_resident_without_the_permission_is_refused(
    linli_app, linli_client, linli_community
):
    await make_account("resident", linli_community, "resident")
    await log_in(linli_client, "resident")
    for method, path, concrete, requirement in _protected(linli_app):
        if requirement == "authenticated":
            continue  # pages of one's own account
        response = await _call(linli_client, method, concrete)
        assert response.status_code in (403, 404), f"{method} {path}: {response.status_code}"


async def test_an_account_of_another_community_sees_only_public_pages(
    linli_app, linli_client, linli_community, linli_registry
):
    """Every role of its own community, none here: every page of this community that
    is not public by choice answers 404, as for a community it cannot see."""
    from linli.domain.communities import create_community
    from linli.domain.enablement import enable
    from linli.domain.permissions.models import Role

    other = await create_community("other", "别的社区", linli_registry, name_en="Other")
    for plugin in linli_registry.loaded:
        await enable(other, plugin, linli_registry)
    roles = await Role.filter(community=other).values_list("key", flat=True)
    await make_account("outsider", other, *roles)
    await log_in(linli_client, "outsider")
    seen = []
    for method, path, concrete, requirement in _endpoints(linli_app):
        if not concrete.startswith("/c/test/") or requirement == "public":
            continue
        response = await _call(linli_client, method, concrete)
        if response.status_code != 404:
            seen.append(f"{method} {path}: {response.status_code}")
    assert seen == []
    # the same account reaches its own community's pages
    own = await linli_client.get("/c/other/admin/", follow_redirects=False)
    assert own.status_code == 200
