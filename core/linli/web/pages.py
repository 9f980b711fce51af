"""The core's own pages: the community list, a community's home, the visitor's
preferences (language and elder-friendly mode) and the health check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
from litestar import Request, Response, get, post
from litestar.datastructures import CacheControlHeader, Cookie
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.params import URLEncodedBody
from litestar.response import File, Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER, HTTP_503_SERVICE_UNAVAILABLE

from linli.domain import db
from linli.domain.demo import DEMO_PASSWORD, demo_accounts
from linli.kernel.i18n import N_
from linli.kernel.icons import ICONS
from linli.kernel.models import Community
from linli.kernel.settings import LANGUAGES
from linli.web.auth import BEFORE_PASSWORD_CHANGE, PUBLIC, current_actor
from linli.web.blocks import home_items, render_blocks
from linli.web.errors import VisibleError
from linli.web.guards import community_guard, current_community
from linli.web.often_used import choose_tiles, read_usage
from linli.web.page_cache import NO_PAGE_CACHE
from linli.web.sections import nav_items
from linli.web.site import (
    ELDER_COOKIE,
    LANGUAGE_COOKIE,
    ONE_YEAR,
    USE_COOKIE,
    cache_versions,
    elder_mode_of,
    language_of,
    safe_next,
    site_of,
)

#: A demo site has one community, or a few to show how they are kept apart.
MAX_DEMO_COMMUNITIES = 5


@get("/", name="home", opt=PUBLIC)
async def home() -> Response[Any]:
    """With one community, go straight to it; otherwise list them."""
    communities = await Community.all().limit(201)
    if len(communities) == 1:
        return Redirect(f"/c/{communities[0].slug}/")
    return Template("home.html", context={"communities": communities[:200]})


async def _demo_accounts(request: Request[Any, Any, Any], community: Community) -> list[Any]:
    """A demo site lists its demo accounts, password included: one query, then from
    the worker's cache until a grant changes (or within the hour a grant starts)."""
    now = datetime.now(UTC)

    def until(accounts: list[Any]) -> datetime:
        ends = [g.ends_at for a in accounts for g in a.grants if g.ends_at is not None]
        return min([*ends, now + timedelta(hours=1)])

    accounts: list[Any] = await site_of(request).cache.remember(
        ("demo_accounts", community.id),
        await cache_versions(request),
        lambda: demo_accounts(community),
        now=now,
        expires=until,
    )
    return accounts


@get(
    "/c/{community_slug:str}/",
    name="community",
    guards=[community_guard],
    opt=PUBLIC,
    dependencies={"community": Provide(current_community, sync_to_thread=False)},
)
async def community_home(
    request: Request[Any, Any, Any], community: NamedDependency[Community]
) -> Template:
    """The community's home: for a logged-in visitor first what is theirs ("For you":
    their balance, today's meal, their open requests, a worker's worklists), then the
    enabled plugins' dashboard widgets. In elder mode the services come first as large
    tiles, the visitor's most used of them (:mod:`linli.web.often_used`)."""
    site = site_of(request)
    language = language_of(request)
    enabled = request.state.enabled_plugins
    actor = await current_actor(request)
    widgets = site.registry.collect(
        "linli_dashboard_widgets",
        only=enabled,
        isolate=True,
        community=community,
        actor=actor,
    )
    rendered = await render_blocks(request, widgets, "community", community)
    plugins = [site.registry.loaded[name].manifest.title_in(language) for name in enabled]
    services = nav_items(request)
    tiles = None
    if elder_mode_of(request):
        usage = read_usage(request.cookies.get(USE_COOKIE))
        tiles = choose_tiles(services, usage, name=lambda item: item["plugin"])
    return Template(
        "community.html",
        context={
            "community": community,
            "for_you": await home_items(request, community, actor, enabled),
            "logged_in": not actor.is_anonymous,
            "widgets": rendered,
            "plugins": plugins,
            "services": services,
            "tiles": tiles,
            "demo": site.settings.mode == "demo",
        },
    )


@get("/demo-accounts", name="demo_accounts", opt=PUBLIC)
async def demo_accounts_page(request: Request[Any, Any, Any]) -> Template:
    """A demo site's accounts, password included, community by community: a compact
    table to pick a role to log in as. Elsewhere the page does not exist."""
    if site_of(request).settings.mode != "demo":
        raise NotFoundException()
    site = site_of(request)
    language = language_of(request)
    communities = await Community.all().order_by("id").limit(MAX_DEMO_COMMUNITIES)
    with_pages = {name for name, _ in site.registry.collect("linli_sections")}
    plugins = sorted(site.registry.loaded.values(), key=lambda p: p.manifest.nav_order)
    titles = [
        (p.manifest.name, p.manifest.title_in(language))
        for p in plugins
        if p.manifest.name in with_pages  # a channel (email, SMS) has nothing to try
    ]
    separator = "、" if language == "zh_CN" else ", "
    listed = []
    for community in communities:
        rows = []
        for account in await _demo_accounts(request, community):
            opens = account.services()
            tries = separator.join(title for name, title in titles if name in opens)
            rows.append((account, tries))
        listed.append((community, rows))
    return Template(
        "demo_accounts.html",
        context={"communities": listed, "demo_password": DEMO_PASSWORD},
    )


@get("/style", name="style", opt=PUBLIC)
async def style(request: Request[Any, Any, Any]) -> Template:
    """The living style guide: every component of the theme, in the visitor's language
    and mode. A demo site's page only: elsewhere it does not exist."""
    if site_of(request).settings.mode != "demo":
        raise NotFoundException()
    return Template("style.html", context={"icon_names": ICONS})


class LanguageForm(msgspec.Struct):
    language: str
    next: str = "/"


class ElderForm(msgspec.Struct):
    elder: str = "off"
    next: str = "/"


def _remember(target: str, name: str, value: str) -> Redirect:
    return Redirect(
        safe_next(target),
        status_code=HTTP_303_SEE_OTHER,
        cookies=[Cookie(key=name, value=value, max_age=ONE_YEAR, samesite="lax", httponly=True)],
    )


@post("/prefs/language", name="set_language", opt={**PUBLIC, **BEFORE_PASSWORD_CHANGE})
async def set_language(
    data: URLEncodedBody[LanguageForm],
) -> Redirect:
    """Remember the visitor's language for a year."""
    if data.language not in LANGUAGES:
        raise VisibleError(status_code=400, detail=N_("This language is not offered."))
    return _remember(data.next, LANGUAGE_COOKIE, data.language)


@post("/prefs/elder", name="set_elder_mode", opt={**PUBLIC, **BEFORE_PASSWORD_CHANGE})
async def set_elder_mode(
    data: URLEncodedBody[ElderForm],
) -> Redirect:
    """Switch the elder-friendly mode (large type, high contrast) on or off."""
    if data.elder not in ("on", "off"):
        raise VisibleError(status_code=400, detail=N_("Choose on or off."))
    return _remember(data.next, ELDER_COOKIE, "1" if data.elder == "on" else "0")


#: Pictures browsers ask for at the site's root whatever the page says: served from the
#: top of the theme's static folder.
SITE_ICONS = {"/favicon.ico": "image/vnd.microsoft.icon", "/apple-touch-icon.png": "image/png"}
#: Their addresses never change, so a browser keeps them a month, not for ever.
SITE_ICON_CACHE = CacheControlHeader(max_age=30 * 24 * 3600, public=True)
#: Route ``opt`` of answers any cache may keep (static files, the favicon): the CSRF
#: middleware leaves them alone, so they carry no visitor's cookie.
NO_CSRF_COOKIE = {"exclude_from_csrf": True}


@get(
    list(SITE_ICONS),
    name="site_icon",
    opt={**PUBLIC, **BEFORE_PASSWORD_CHANGE, **NO_CSRF_COOKIE},
    cache_control=SITE_ICON_CACHE,
    include_in_schema=False,
)
async def site_icon(request: Request[Any, Any, Any]) -> File:
    """``/favicon.ico`` and ``/apple-touch-icon.png``, from the theme (404 without)."""
    path = request.url.path
    picture = site_of(request).theme.static / path.lstrip("/")
    if not picture.is_file():
        raise NotFoundException()
    return File(picture, media_type=SITE_ICONS[path], content_disposition_type="inline")


@get(
    "/healthz",
    name="healthz",
    media_type="text/plain",
    # a probe every few seconds: it asks the database itself, not the stamps
    opt={**PUBLIC, **BEFORE_PASSWORD_CHANGE, NO_PAGE_CACHE: True},
)
async def healthz() -> Response[str]:
    """200 when the database answers, 503 when it does not (for load balancers)."""
    if await db.ping():
        return Response("ok", media_type="text/plain")
    return Response("database unreachable", status_code=HTTP_503_SERVICE_UNAVAILABLE)


CORE_ROUTES = [
    home,
    community_home,
    demo_accounts_page,
    style,
    set_language,
    set_elder_mode,
    site_icon,
    healthz,
]
