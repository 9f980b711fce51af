"""Every page of the demo on a 375-px phone, as each kind of visitor sees it, in Chinese
and English, normal and elder mode (长辈版): nothing scrolls sideways, every control is a
target of at least 44×44 px (60×60 in elder mode), the elder switch is on the first
screen, and axe-core finds no violation of WCAG 2.2 AA.

Which pages: every ``GET`` route of the app that renders a template (read from the
app's routes, so a new page is walked without touching this file). A route without
parameters is tried as it is; a route with parameters (a detail page) is walked at the
first address of that shape found in a link on a page already walked (read again by
each account, which may see more links on it), or failing any, with the values of the
same parameters in another route's address. Whether an address is an account's page
is found with a plain request (no rendering) before the browser opens it. Each page is
walked once per mode, by the first account of :data:`ACCOUNTS` that may see it, so a
resident's page is checked as a resident sees it and a worker's page as the worker
does; the community's home is walked by every account, since it shows each its own
services. Routes no account reached are listed in :data:`NOT_WALKED`, each with the
reason, and the test fails when one more is missing or one of those is reached.

What is exempt from the target size (docs/accessibility.md says why): a link within
running text (WCAG 2.5.8's inline exception), a check box or radio button whose label is
a large enough target, the skip link (shown only on focus), and controls hidden from
everyone (``display: none``, ``visibility: hidden``, zero size, in a closed
``<details>``).

:data:`ALLOWED` lists the problems still known, each with the reason; it only shrinks:
the test fails on a problem it does not list, and on a listed one that is gone.

The modes are the parameters; pytest-xdist gives the Chinese and the English ones to
different workers (``tests/conftest.py``), each of which serves its own copy of the
demo, logs each account in once and remembers which addresses are whose across its two
modes. Plain ``def`` tests (see conftest.py).
"""

from __future__ import annotations

import html
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from litestar.response import Template
from litestar.routes import HTTPRoute
from playwright.sync_api import Browser, BrowserContext, Page, StorageState

from linli.kernel.plugins import ENTRY_POINT_GROUP
from linli.kernel.settings import load_settings
from linli.web.app import create_app

from .conftest import DemoServer

pytestmark = pytest.mark.browser

COMMUNITY = "jianghanli"
PHONE = {"width": 375, "height": 667}  # the smallest phone in common use (iPhone SE)
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

#: (language cookie, elder mode) by the name the report uses.
MODES = {
    "zh-normal": ("zh_CN", False),
    "zh-elder": ("zh_CN", True),
    "en-normal": ("en", False),
    "en-elder": ("en", True),
}

#: Who walks the pages, in this order: anonymous first (the login page), then the demo
#: accounts from the least to the most powerful, so each page is seen by the first
#: one of them that may see it. Together they reach every page of the demo. The last
#: ones reach no page the others have not, but each has a home of its own.
ACCOUNTS: tuple[str | None, ...] = (
    None,
    "resident",
    "volunteer",
    "meal_volunteer",
    "merchant_operator",
    "mediator",
    "grid_worker",
    "administrator",
    "community_worker",
    "committee_secretary",
    "mediation_supervisor",
    "party_group_leader",
    "branch_secretary",
    "property_staff",
    "volunteer_leader",
)

#: Routes that render a template but that no account reaches in the demo, each with the
#: reason. (A route that answers a fragment for htmx is walked inside its page.)
NOT_WALKED: dict[str, str] = {}

#: Known problems, ``(mode, route, check) -> why``: ``mode`` a key of :data:`MODES` or
#: "*" for every mode, ``route`` as in the app (``/c/jianghanli/admin/nodes/{node_id:int}``),
#: ``check`` "overflow", "target", "elder switch" or an axe rule id. Only shrinks.
ALLOWED: dict[tuple[str, str, str], str] = {}

#: What the page shows, measured in the browser: how wide it scrolls, where the elder
#: switch is, every visible control smaller than ``least`` px (with the exemptions
#: above), and axe-core's violations of ``tags``.
PAGE_CHECKS = """
async ({least, tags}) => {
  const interactive = 'a[href], button, input:not([type=hidden]), select, textarea, '
    + 'summary, [role=button]';
  const describe = (el) => {
    let text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim();
    text = text.replace(/\\s+/g, ' ').slice(0, 24);
    let name = el.tagName.toLowerCase();
    if (el.id) name += '#' + el.id;
    else if (el.classList.length) name += '.' + [...el.classList].join('.');
    if (el.type && el.tagName === 'INPUT') name += `[type=${el.type}]`;
    return `${name} "${text}"`;
  };
  // A link within running text: shown inline, in a block whose text is more than it.
  const inline = (el, style) => {
    if (el.tagName !== 'A' || style.display !== 'inline') return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display.startsWith('inline')) {
      block = block.parentElement;
    }
    if (!block) return false;
    const own = el.innerText.replace(/\\s+/g, '');
    const all = block.innerText.replace(/\\s+/g, '');
    return all.length > own.length + 1;
  };
  // A check box or radio button is the size of its label, which it is part of.
  const labelBox = (el) => {
    const label = el.closest('label') || (el.id && document.querySelector(`label[for="${el.id}"]`));
    return label ? label.getBoundingClientRect() : null;
  };
  const small = [];
  for (const el of document.querySelectorAll(interactive)) {
    if (el.classList.contains('skip-link')) continue;
    if (el.closest('details:not([open])') && el.tagName !== 'SUMMARY') continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    let box = el.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    if (inline(el, style)) continue;
    if (el.type === 'checkbox' || el.type === 'radio') box = labelBox(el) || box;
    if (box.width < least - 0.5 || box.height < least - 0.5) {
      small.push(`${describe(el)} ${Math.round(box.width)}×${Math.round(box.height)}`);
    }
  }
  const root = document.scrollingElement || document.documentElement;
  const switches = document.querySelectorAll('.elder-switch');
  const elder = switches.length === 1 ? switches[0].getBoundingClientRect() : null;
  const results = await axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
  });
  return {
    scroll: root.scrollWidth,
    width: root.clientWidth,
    switch: elder && {top: elder.top, bottom: elder.bottom, width: elder.width},
    small,
    violations: results.violations.map((v) => ({
      id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')),
    })),
  };
}
"""

PARAMETER = re.compile(r"{(\w+)(?::(\w+))?}")


@dataclass(frozen=True)
class Route:
    """A page route: its path with the demo community in it (``/c/jianghanli/…``), and
    a pattern its addresses match, with a named group for each parameter."""

    path: str
    pattern: re.Pattern[str]

    @property
    def parameters(self) -> frozenset[str]:
        return frozenset(self.pattern.groupindex)

    def address(self, values: dict[str, str]) -> str:
        return PARAMETER.sub(lambda match: values[match.group(1)], self.path)


def _route(path: str) -> Route:
    path = path.replace("{community_slug:str}", COMMUNITY)
    pieces = []
    position = 0
    for match in PARAMETER.finditer(path):
        name, kind = match.group(1), match.group(2)
        pieces.append(re.escape(path[position : match.start()]))
        pieces.append(f"(?P<{name}>" + (r"\d+" if kind == "int" else r"[^/]+") + ")")
        position = match.end()
    pieces.append(re.escape(path[position:]))
    return Route(path, re.compile("".join(pieces).rstrip("/") + "/?"))


def _renders_a_template(handler: Any) -> bool:
    annotation = handler.parsed_fn_signature.return_type.annotation
    return Template in getattr(annotation, "__args__", (annotation,))


def page_routes(instance: Path) -> list[Route]:
    """Every ``GET`` route of the demo that renders a template, in the app's order: the
    app built as ``linli demo`` builds it, with every installed plugin but the core
    tests' own doubles (which tests/conftest.py puts on this process's path)."""
    installed = [
        entry_point.name
        for entry_point in entry_points(group=ENTRY_POINT_GROUP)
        if not entry_point.dist or not entry_point.dist.name.startswith("linli-test-")
    ]
    app = create_app(load_settings(instance, env={}, load_plugins=installed))
    routes = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if "GET" in handler.http_methods and _renders_a_template(handler):
                routes.append(_route(route.path))
    return routes


@dataclass
class Problem:
    mode: str
    route: str
    check: str
    detail: str
    where: str

    def line(self) -> str:
        return f"{self.mode:8} {self.where}  [{self.check}]  {self.detail}"


LINK = re.compile(r"""\s(href|hx-get)="([^"#]+)""")


@dataclass(frozen=True)
class Probe:
    """What an address is to one account, found without rendering it: "page",
    "fragment" (a piece of a page that htmx loads) or "no" (refused, sent elsewhere, or
    not HTML); and the links in its HTML, as (attribute, address)."""

    kind: str
    links: tuple[tuple[str, str], ...] = ()


def probe(context: BrowserContext, address: str, htmx: bool) -> Probe:
    headers = {"hx-request": "true"} if htmx else {}
    response = context.request.get(address, max_redirects=0, headers=headers)
    if response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
        return Probe("no")
    text = response.text()
    links = tuple((attribute, html.unescape(link)) for attribute, link in LINK.findall(text))
    kind = "page" if text.lstrip()[:15].lower() == "<!doctype html>" else "fragment"
    return Probe(kind, links)


@dataclass
class Walk:
    """One mode's walk: the routes, the addresses seen of each, which were walked (by
    whom, at which address), and what was found."""

    mode: str
    elder: bool
    routes: list[Route]
    walked: dict[str, str] = field(default_factory=dict)  # route -> "account address"
    fragments: set[str] = field(default_factory=set)  # routes seen only as fragments
    addresses: dict[str, list[str]] = field(default_factory=dict)  # route -> addresses
    htmx: set[str] = field(default_factory=set)  # addresses seen only in hx-get
    problems: list[Problem] = field(default_factory=list)

    def route_of(self, path: str) -> Route | None:
        """The route of ``path``; one without parameters wins over one with."""
        matches = [route for route in self.routes if route.pattern.fullmatch(path)]
        return min(matches, key=lambda route: len(route.parameters), default=None)

    def remember(self, links: tuple[tuple[str, str], ...]) -> None:
        for attribute, link in links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue  # another site's, or relative: the demo's own links are absolute
            route = self.route_of(parts.path)
            if route is None:
                continue
            address = parts.path + (f"?{parts.query}" if parts.query else "")
            known = self.addresses.setdefault(route.path, [])
            if address not in known and len(known) < LINKS_KEPT:
                known.append(address)
                if attribute == "hx-get":
                    self.htmx.add(address)
            elif attribute == "href":
                self.htmx.discard(address)

    def missing(self) -> list[Route]:
        return [
            route
            for route in self.routes
            if route.path not in self.walked and route.path not in self.fragments
        ]

    def candidates(self) -> Iterator[tuple[Route, str]]:
        """Addresses to try for every route not walked yet: the route itself when it
        has no parameters; the addresses of its shape seen in links; failing those, the
        values of the same parameters in another route's addresses (the print page of a
        voucher, whose address is only ever a redirect, takes the voucher page's id)."""
        for route in self.routes:
            if route.path in self.walked:
                continue
            if not route.parameters:
                yield route, route.path
            seen = self.addresses.get(route.path, [])
            yield from ((route, address) for address in seen)
            if seen or not route.parameters:
                continue
            for other in self.routes:
                if other is route or not route.parameters <= other.parameters:
                    continue
                for address in self.addresses.get(other.path, []):
                    values = other.pattern.fullmatch(urlsplit(address).path)
                    if values:
                        yield route, route.address(values.groupdict())

    def neighbours(self) -> Iterator[str]:
        """Addresses in the service of each route with parameters that no link has led
        to yet: the pages most likely to link to it, for an account that may see more
        on them than the account that walked them."""
        for route in self.missing():
            if not route.parameters or self.addresses.get(route.path):
                continue
            service = "/".join(route.path.split("/")[:4]) + "/"
            for path, addresses in self.addresses.items():
                if path.startswith(service):
                    yield from addresses


#: Addresses kept of each route from the links seen: enough to find one an account may
#: see (and one that links further), few enough to keep the walk short.
LINKS_KEPT = 3


CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')


def log_in(browser: Browser, base_url: str, username: str) -> StorageState:
    """Log in with the login form's own request (nothing rendered: argon2 is the cost),
    and return the session to start each mode's context with."""
    context = browser.new_context(base_url=base_url)
    try:
        form = context.request.get("/login")
        token = CSRF_FIELD.search(form.text())
        assert token, "the login page has no CSRF field"
        done = context.request.post(
            "/login",
            form={"_csrf_token": token.group(1), "login": username, "password": "linli-demo"},
            max_redirects=0,
        )
        assert done.status == 303, f"{username} could not log in: {done.status}"
        return context.storage_state()
    finally:
        context.close()


def check_page(page: Page, walk: Walk, route: Route, who: str) -> None:
    """Check the page open in ``page``."""
    where = f"{page.url.split(COMMUNITY, 1)[-1] or '/'} ({who})"

    def found(check: str, detail: str) -> None:
        walk.problems.append(Problem(walk.mode, route.path, check, detail, where))

    least = 60 if walk.elder else 44
    seen = page.evaluate(PAGE_CHECKS, {"least": least, "tags": AXE_TAGS})
    if seen["scroll"] > seen["width"]:
        found("overflow", f"scrolls sideways by {seen['scroll'] - seen['width']} px")
    switch = seen["switch"]
    if not switch or not switch["width"] or switch["top"] < 0 or switch["bottom"] > PHONE["height"]:
        found("elder switch", f"not on the first screen: {switch}")
    for small in seen["small"]:
        found("target", small)
    for violation in seen["violations"]:
        for node in violation["nodes"]:
            found(violation["id"], f"{node}  ({violation['help']})")


Probes = dict[tuple[str | None, str], Probe]


def walk_as(
    browser: Browser,
    server: DemoServer,
    walk: Walk,
    who: str | None,
    state: StorageState | None,
    probes: Probes,
) -> None:
    """Walk, as ``who``, the community's home and every page not walked yet that ``who``
    may see and the walk knows an address of; check each."""
    language, elder = MODES[walk.mode]
    context = browser.new_context(
        base_url=server.base_url, viewport=PHONE, storage_state=state, locale="zh-CN"
    )
    context.add_cookies(
        [
            {"name": "linli_lang", "value": language, "url": server.base_url},
            {"name": "linli_elder", "value": "1" if elder else "0", "url": server.base_url},
        ]
    )
    context.add_init_script(path=AXE)
    name = who or "anonymous"

    def probed(address: str) -> Probe:
        if (who, address) not in probes:
            probes[who, address] = probe(context, address, address in walk.htmx)
        walk.remember(probes[who, address].links)
        return probes[who, address]

    try:
        page = context.new_page()
        tried: set[str] = set()  # walked, or found not to be this account's page
        looked: set[str] = set()  # read for links only
        home = _route("/c/{community_slug:str}")
        queue: deque[tuple[Route, str]] = deque([(home, f"/c/{COMMUNITY}/")])
        while True:
            if not queue:
                queue.extend(c for c in walk.candidates() if c[1] not in tried)
            if not queue:
                unread = set(walk.neighbours()) - looked
                for address in unread:
                    probed(address)
                looked.update(unread)
                queue.extend(c for c in walk.candidates() if c[1] not in tried)
                if not queue:
                    break
            route, address = queue.popleft()
            if address in tried or (route.path in walk.walked and route != home):
                continue
            tried.add(address)
            found = probed(address)
            if found.kind == "fragment":
                walk.fragments.add(route.path)
            if found.kind != "page":
                continue
            page.goto(address, wait_until="domcontentloaded")
            walk.walked.setdefault(route.path, f"{name} {address}")
            check_page(page, walk, route, name)
    finally:
        context.close()


def allowed(problem: Problem) -> bool:
    return (problem.mode, problem.route, problem.check) in ALLOWED or (
        "*",
        problem.route,
        problem.check,
    ) in ALLOWED


@pytest.fixture(scope="module")
def routes(demo_template: Path) -> list[Route]:
    return page_routes(demo_template)


@pytest.fixture(scope="module")
def probes() -> Probes:
    """What each address is to each account (see :func:`probe`): the same in every mode,
    so found out once per worker."""
    return {}


@pytest.fixture(scope="module")
def logins(browser: Browser, demo_server: DemoServer) -> dict[str, StorageState]:
    """Each account's session, logged in once per worker."""
    return {who: log_in(browser, demo_server.base_url, who) for who in ACCOUNTS if who is not None}


@pytest.mark.parametrize("mode", list(MODES))
def test_every_page_fits_a_phone_and_passes_axe(
    browser: Browser,
    demo_server: DemoServer,
    routes: list[Route],
    logins: dict[str, StorageState],
    probes: Probes,
    mode: str,
):
    walk = Walk(mode, MODES[mode][1], routes)
    for who in ACCOUNTS:
        walk_as(browser, demo_server, walk, who, logins.get(who) if who else None, probes)

    missing = {route.path for route in walk.missing()}
    report = []
    if missing != set(NOT_WALKED):
        report.append("routes not walked, other than NOT_WALKED lists:")
        report += [f"  {path}" for path in sorted(missing - set(NOT_WALKED))]
        report += [f"  walked now, drop from NOT_WALKED: {p}" for p in set(NOT_WALKED) - missing]
    new = [problem for problem in walk.problems if not allowed(problem)]
    if new:
        report.append(f"{len(new)} problems on {len(walk.walked)} pages:")
        report += [problem.line() for problem in new]
    seen = {(p.mode, p.route, p.check) for p in walk.problems}
    seen |= {("*", p.route, p.check) for p in walk.problems}
    gone = [key for key in ALLOWED if key[0] in ("*", mode) and key not in seen]
    if gone:
        report.append("fixed, drop from ALLOWED:")
        report += [f"  {key}" for key in gone]
    assert not report, "\n".join(report)
