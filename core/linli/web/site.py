"""The running site: what every request handler and template may reach through
``request.app.state.site``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from litestar.connection import ASGIConnection

from linli.domain.site_cache import SiteCache, Versions
from linli.kernel.events import EventBus
from linli.kernel.i18n import Catalogues
from linli.kernel.registry import PluginRegistry
from linli.kernel.settings import LANGUAGES, Settings
from linli.kernel.themes import Theme

if TYPE_CHECKING:
    from linli.kernel.models import Community

LANGUAGE_COOKIE = "linli_lang"
ELDER_COOKIE = "linli_elder"
#: How often the visitor opened each service, counted on their device by ``linli.js``
#: and read by the elder home (:mod:`linli.web.often_used`) — only there, and only in
#: elder mode: the page cache (:mod:`linli.web.page_cache`) keys pages on it in elder
#: mode alone.
USE_COOKIE = "linli_use"
ONE_YEAR = 365 * 24 * 3600


@dataclass
class Site:
    settings: Settings
    registry: PluginRegistry
    bus: EventBus
    catalogues: Catalogues
    theme: Theme
    #: What this worker remembers between requests (:mod:`linli.domain.site_cache`).
    cache: SiteCache = field(default_factory=SiteCache)
    #: The sender of notifications (its kinds name what the inbox shows).
    notifier: Any = None
    #: Scheduled jobs and notification sending, run in this process or by `linli worker`.
    background: Any = None
    #: The rendered pages this worker keeps (:mod:`linli.web.page_cache`).
    pages: Any = None


def site_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Site:
    return connection.app.state.site


_STAMP = "linli_site_stamp"
_LANGUAGE = "linli_language"


async def cache_versions(connection: ASGIConnection[Any, Any, Any, Any]) -> Versions:
    """The stamps this request works with: read once per request (one query), and the
    worker's cache brought up to them."""
    # the scope's own dict, as in language_of
    state = connection.scope.setdefault("state", {})
    version: Versions | None = state.get(_STAMP)
    if version is None:
        version = await site_of(connection).cache.refresh()
        state[_STAMP] = version
    return version


def language_of(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The visitor's chosen language (a cookie), else the instance's default; worked
    out once per request (a page asks for every word it translates)."""
    # the scope's own dict: ``connection.state`` builds a new State object each time
    state = connection.scope.setdefault("state", {})
    known: str | None = state.get(_LANGUAGE)
    if known is not None:
        return known
    chosen = connection.cookies.get(LANGUAGE_COOKIE)
    language = chosen if chosen in LANGUAGES else site_of(connection).settings.default_language
    state[_LANGUAGE] = language
    return language


def domain_of(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The translation domain of the page being served: the plugin whose route handles
    it (its code says its own words), else the core's."""
    handler = connection.scope.get("route_handler")
    module = getattr(getattr(handler, "fn", None), "__module__", None) or ""
    return site_of(connection).catalogues.domain_of_module(module)


def translate(connection: ASGIConnection[Any, Any, Any, Any], message: str, **values: Any) -> str:
    """``message`` (an English message id) in the visitor's language and in the
    page's domain (:func:`domain_of`), with its ``%(name)s`` placeholders filled from
    ``values``."""
    catalogues = site_of(connection).catalogues
    text = catalogues.translate(language_of(connection), message, domain_of(connection))
    return text % values if values else text


def zone_of(connection: ASGIConnection[Any, Any, Any, Any]) -> ZoneInfo:
    """The instance's time zone (``Asia/Shanghai`` by default): the community's clock."""
    return site_of(connection).settings.zone


def today_of(connection: ASGIConnection[Any, Any, Any, Any]) -> date:
    """Today's date in the instance's time zone (``Asia/Shanghai`` by default)."""
    return datetime.now(zone_of(connection)).date()


def elder_mode_of(connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
    return connection.cookies.get(ELDER_COOKIE) == "1"


def safe_next(target: str) -> str:
    """Only same-site paths: never send a visitor to another host."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def community_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Community | None:
    """The community of the page being served, set by the community guard."""
    return connection.state.get("community")
