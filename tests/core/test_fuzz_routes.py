"""A crawler's view of linli: every route of the core and of every bundled plugin, with
hostile values in its path, query string and form fields, as an administrator holding
every role and as a resident. No answer may be a 500: bad input is refused (400/404/413),
never crashes a handler or reaches the database unbounded."""

from __future__ import annotations

import inspect
import itertools
import re
import typing
from importlib.metadata import entry_points
from urllib.parse import quote

import msgspec
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from litestar.routes import HTTPRoute

from linli.domain.identity.models import Account
from linli.domain.permissions.models import Role
from linli.kernel.plugins import ENTRY_POINT_GROUP
from linli.testing import form_post, log_in, make_account, make_place, make_resident

BUNDLED = sorted(
    entry_point.name
    for entry_point in entry_points(group=ENTRY_POINT_GROUP)
    if not entry_point.dist.name.startswith("linli-test-")
)
pytestmark = pytest.mark.linli_plugins("sample", *BUNDLED)

PARAMETER = re.compile(r"{(\w+)(?::(\w+))?}")
#: Values a crawler sends: past every integer column, negative, too long for every
#: string column, NUL bytes, odd unicode, spreadsheet formulas, and plausible ones (so
#: that handlers get past their first check).
HOSTILE = [
    str(2**64 + 1),
    str(2**31),
    "-" + str(2**63 + 1),
    "x" * 33,
    "9" * 5_000,
    "a\x00b",
    "\U0001f600" * 20 + "\u202e",
    "=cmd|' /C calc'!A0",
    "²",  # a digit to str.isdigit(), not to int()
    "",
    "1",
]
#: Fields of the session or of the framework, not of the handler.
SKIP_FIELDS = {"_csrf_token"}
SAFE = {"GET", "HEAD"}
#: Routes that would end the visit being fuzzed.
LEAVE = {("POST", "/logout")}


def _fields(handler) -> tuple[list[str], list[str]]:
    """(query parameters, form fields) a handler reads."""
    signature = handler.parsed_fn_signature
    reserved = {"request", "data", "community", "state", "headers", "cookies", "scope"}
    query = [
        name
        for name, parameter in signature.parameters.items()
        if name not in reserved
        and name not in handler.resolve_dependencies()
        and not any(name == p for p in handler.paths)
    ]
    form: list[str] = []
    data = signature.parameters.get("data")
    if data is not None:
        annotation = data.annotation
        for candidate in (annotation, *typing.get_args(annotation)):
            if inspect.isclass(candidate) and issubclass(candidate, msgspec.Struct):
                form = [f.encode_name for f in msgspec.structs.fields(candidate)]
                break
    return query, [f for f in form if f not in SKIP_FIELDS]


def endpoints(app) -> list[tuple[str, str, list[str], list[str], list[str]]]:
    """(method, path, path parameters, query parameters, form fields) of every handler."""
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path.startswith("/static"):
            continue
        names = [m.group(1) for m in PARAMETER.finditer(route.path)]
        for handler in route.route_handlers:
            query, form = _fields(handler)
            query = [name for name in query if name not in names]
            for method in sorted(handler.http_methods - {"HEAD", "OPTIONS"}):
                if (method, route.path) in LEAVE:
                    continue
                found.append((method, route.path, names, query, form))
    return found


def _path(path: str, values: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        return "test" if name == "community_slug" else quote(values.get(name, "1"), safe="")

    return PARAMETER.sub(value, path)


async def _request(client, method, path, query, form):
    if method in SAFE:
        return await client.request(method, path, params=query, follow_redirects=False)
    return await form_post(client, path, form, params=query, follow_redirects=False)


async def _people(community) -> None:
    if await Account.exists(username="fuzzadmin"):
        return  # a later example of the same test
    roles = await Role.filter(community=community).values_list("key", flat=True)
    await make_account("fuzzadmin", community, *roles)
    building = await make_place(community, "building", "1栋")
    await make_resident(community, building, "居民", username="fuzzresident")


async def _sweep(client, app, values) -> list[str]:
    """One request to every endpoint, each field filled by the next of ``values``."""
    failures = []
    for method, path, names, query, form in endpoints(app):
        concrete = _path(path, {name: next(values) for name in names})
        params = {name: next(values) for name in query}
        fields = {name: next(values) for name in form}
        response = await _request(client, method, concrete, params, fields)
        if response.status_code >= 500:
            failures.append(f"{method} {path} {params} {fields}: {response.status_code}")
    return failures


def _report(failures: list[str]) -> str:
    return "\n".join(failure[:300] for failure in failures)


@pytest.mark.parametrize("who", ["fuzzadmin", "fuzzresident"])
async def test_every_hostile_value_reaches_every_field_and_is_refused(
    linli_app, linli_client, linli_community, who
):
    """Each field of each route gets each value of :data:`HOSTILE` once (the values
    rotate over the fields from one sweep to the next)."""
    await _people(linli_community)
    await log_in(linli_client, who)
    failures = []
    for shift in range(len(HOSTILE)):
        values = itertools.cycle(HOSTILE[shift:] + HOSTILE[:shift])
        failures += await _sweep(linli_client, linli_app, values)
    assert failures == [], _report(failures)


#: Values hypothesis makes up: any integer, any text (control characters included).
MADE_UP = st.one_of(
    st.integers().map(str),
    st.text(max_size=60),
    st.sampled_from(HOSTILE),
)


@pytest.mark.parametrize("who", ["fuzzadmin", "fuzzresident"])
@settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],  # a failure reports its values; no shrinking
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(made_up=st.lists(MADE_UP, min_size=50, max_size=50))
async def test_made_up_values_in_every_field_are_refused(
    linli_app, linli_client, linli_community, who, made_up
):
    await _people(linli_community)
    if "linli_session" not in linli_client.cookies:
        await log_in(linli_client, who)
    failures = await _sweep(linli_client, linli_app, itertools.cycle(made_up))
    assert failures == [], _report(failures)


async def test_what_the_crawler_sent_is_refused_with_a_message(linli_client, linli_community):
    """The issue's cases: a 33-character login, a NUL byte, a number past every column."""
    too_long = await form_post(linli_client, "/login", {"login": "x" * 33, "password": "p"})
    assert too_long.status_code in (200, 400)  # a failed login or a refusal, never a 500
    nul = await linli_client.get("/c/test/register", params={"q": "a\x00b"})
    assert nul.status_code == 400
    assert "不允许的字符" in nul.text  # the message, in the visitor's language
    huge = await linli_client.get("/c/test/council/figures", params={"year": str(2**64)})
    assert huge.status_code == 400
