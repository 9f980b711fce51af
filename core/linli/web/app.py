"""``create_app(settings)``: the Litestar application of one linli instance."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

from litestar import Litestar, Request, Router
from litestar.config.compression import CompressionConfig
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import CacheControlHeader, State
from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.middleware.base import DefineMiddleware
from litestar.middleware.compression import CompressionMiddleware
from litestar.plugins.htmx import HTMXPlugin
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from litestar.types import Message, Scope

from linli.domain import db
from linli.domain.permissions.services import Actor
from linli.domain.worker import Background
from linli.kernel.events import EventBus
from linli.kernel.refusals import Refusal
from linli.kernel.registry import PluginRegistry, load_theme
from linli.kernel.sessions import SessionConfig, make_store
from linli.kernel.settings import Settings, load_settings
from linli.web import sections
from linli.web.auth import (
    BEFORE_PASSWORD_CHANGE,
    PUBLIC,
    SESSION_COOKIE,
    SESSION_DAYS,
    LoginRequired,
    PasswordChangeRequired,
    current_actor,
    password_is_current,
)
from linli.web.bell import load_bell
from linli.web.csrf import CSRF_COOKIE, csrf_middleware
from linli.web.edge import OUT_OF_RANGE_HANDLERS, bounded_input
from linli.web.errors import http_error, login_required, password_change_required, server_error
from linli.web.feedback import refusal_response
from linli.web.guards import PLUGIN_OPT, community_guard, current_community
from linli.web.headers import add_security_headers, is_https
from linli.web.page_cache import PageCacheMiddleware, PageStore
from linli.web.pages import CORE_ROUTES, NO_CSRF_COOKIE, SITE_ICONS
from linli.web.people import own_person
from linli.web.site import Site, today_of
from linli.web.styles import inline_sources
from linli.web.templating import CORE_STATIC, STATIC_PREFIX, StaticFiles, build_engine

log = logging.getLogger("linli.web")

CSRF_HEADER = "x-csrftoken"


async def _actor(request: Request[Any, Any, Any]) -> Actor:
    return await current_actor(request)


def _today(request: Request[Any, Any, Any]) -> date:
    return today_of(request)


def community_router(section: str, handlers: list[Any], *, plugin: str | None = None) -> Router:
    """Handlers under ``/c/{community_slug}/<section>/``, behind the community guard
    (404 for an unknown community, or where ``plugin`` is not enabled). Handlers
    receive the community as ``community: NamedDependency[Community]``."""
    dependencies = {"community": Provide(current_community, sync_to_thread=False)}
    if plugin is not None:
        # What a plugin's handler may ask for by name, besides ``community``.
        dependencies |= {
            "actor": Provide(_actor),
            "person": Provide(own_person),
            "today": Provide(_today, sync_to_thread=False),
        }
    return Router(
        path=f"/c/{{community_slug:str}}/{section}",
        route_handlers=list(handlers),
        guards=[community_guard],
        dependencies=dependencies,
        opt={PLUGIN_OPT: plugin},
    )


def _plugin_routers(registry: PluginRegistry) -> list[Router]:
    """A router per plugin, the core's built-ins first; a plugin with sections and no
    page of its own at its root gets the core's start page there (the first section the
    visitor may open). A site-wide built-in's pages are at the site's root."""
    routers = []
    with_sections = {name for name, _ in registry.call("linli_sections")}
    for name, handlers in registry.call("linli_routes"):
        builtin = registry.builtins[name].builtin if name in registry.builtins else None
        if builtin is not None and builtin.site_wide:
            routers.append(Router(path="/", route_handlers=list(handlers)))
            continue
        router = community_router(name, handlers, plugin=name)
        root = router.path.rstrip("/")
        if name in with_sections and not any(
            route.path.rstrip("/") == root for route in router.routes
        ):
            router.register(sections.start_handler())
        routers.append(router)
    return routers


#: Smaller answers go as they are: compressing them saves less than its headers cost.
COMPRESS_FROM_BYTES = 500
#: A handler's ``opt`` key: its answers go uncompressed (``opt={UNCOMPRESSED: True}``).
UNCOMPRESSED = "linli_uncompressed"


def create_app(
    settings: Settings | None = None, *, registry: PluginRegistry | None = None
) -> Litestar:
    """Build the application: plugins, theme, templates, static files, CSRF, the
    database lifespan and the event dispatcher."""
    settings = settings or load_settings()
    registry = registry or PluginRegistry.discover(settings)
    theme = load_theme(settings.theme)
    static = StaticFiles([theme.static, *registry.static_dirs(), CORE_STATIC])
    background = Background.of(registry, settings)
    site = Site(
        settings=settings,
        registry=registry,
        bus=EventBus(registry),
        catalogues=registry.catalogues,
        theme=theme,
        notifier=background.notifier,
        background=background,
        pages=PageStore(settings.page_cache_mb * 1024 * 1024),
    )

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        # The site's settings, not the ones the app was built with: the test kit serves
        # one app to many tests, each with its own database.
        settings = site.settings
        opened_here = await db.open_database(settings, registry)
        try:
            if opened_here and settings.auto_migrate:
                await db.migrate(settings, registry)
            elif opened_here:
                await db.ensure_migrated(settings, registry)
            site.bus.activate()
            tasks = []
            if settings.dispatch_in_background:
                poll = settings.event_poll_seconds
                tasks.append(asyncio.create_task(site.bus.run_forever(poll)))
                if settings.jobs_in_web:
                    jobs = background.run_forever(settings.job_poll_seconds)
                    tasks.append(asyncio.create_task(jobs))
            try:
                yield
            finally:
                site.bus.deactivate()
                for task in tasks:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
        finally:
            await db.close_database()

    async def after_response(request: Request[Any, Any, Any]) -> None:
        site.bus.nudge()

    async def before_send(message: Message, scope: Scope) -> None:
        https = is_https(scope, https_setting=site.settings.https)
        add_security_headers(message, https=https, inline_styles=inline_sources(scope))

    async def before_request(request: Request[Any, Any, Any]) -> None:
        path = request.url.path
        if not path.startswith(STATIC_PREFIX) and path not in SITE_ICONS:
            await current_actor(request)  # so every page knows who is visiting
            await load_bell(request)

    engine = build_engine(theme.templates, registry.template_dirs(), static)
    static_router = create_static_files_router(
        path=STATIC_PREFIX,
        directories=static.folders,
        name="static",
        # every URL names its file's content (``?v=<hash>``): a browser never asks again
        cache_control=CacheControlHeader(max_age=365 * 24 * 3600, public=True, immutable=True),
        include_in_schema=False,
        opt={**PUBLIC, **BEFORE_PASSWORD_CHANGE, **NO_CSRF_COOKIE},
    )
    store = make_store(settings)
    return Litestar(
        route_handlers=[
            *CORE_ROUTES,
            *_plugin_routers(registry),
            static_router,
        ],
        before_request=before_request,
        # the edge check first: it refuses hostile input before anything queries
        guards=[bounded_input, password_is_current],
        stores={
            "sessions": store.with_namespace("sessions"),
            "throttle": store.with_namespace("throttle"),
        },
        middleware=[
            SessionConfig(
                store="sessions",
                key=SESSION_COOKIE,
                max_age=SESSION_DAYS * 24 * 3600,
                samesite="lax",
                httponly=True,
            ).middleware,
            csrf_middleware(
                CSRFConfig(
                    secret=settings.secret_key,
                    cookie_name=CSRF_COOKIE,
                    header_name=CSRF_HEADER,
                    cookie_samesite="lax",
                    cookie_httponly=False,
                )
            ),
            # Pages and static files go gzipped: a cheap phone on a slow network gets a
            # third of the bytes (htmx: 51 KB becomes 16 KB). The CSRF token a page
            # carries is masked afresh on every answer (linli.web.csrf), so a compressed
            # page's size gives nothing away about it (BREACH); a handler can still opt
            # out. Compressed outside the page cache, which keeps pages as they are
            # rendered and writes a new token into each answer.
            DefineMiddleware(
                CompressionMiddleware,
                config=CompressionConfig(
                    backend="gzip",
                    minimum_size=COMPRESS_FROM_BYTES,
                    gzip_compress_level=6,
                    exclude_opt_key=UNCOMPRESSED,
                ),
            ),
            DefineMiddleware(PageCacheMiddleware),
        ],
        lifespan=[lifespan],
        after_response=after_response,
        before_send=[before_send],
        template_config=TemplateConfig(instance=engine),
        plugins=[HTMXPlugin()],
        exception_handlers={
            LoginRequired: login_required,
            PasswordChangeRequired: password_change_required,
            HTTPException: http_error,
            Refusal: refusal_response,
            **OUT_OF_RANGE_HANDLERS,
            Exception: server_error,
        },
        state=State({"site": site}),
        openapi_config=None,
        debug=False,
    )


def app_from_environment() -> Litestar:
    """Factory for ``uvicorn --factory`` and several workers: settings from the
    instance folder named by ``LINLI_INSTANCE`` and the ``LINLI_*`` variables."""
    return create_app(load_settings())
