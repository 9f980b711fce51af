"""A plugin's sections, as the visitor sees them: its link in the navigation, its start
page and its tab bar, all built from the ``linli_sections`` hook (see
:class:`linli.kernel.plugins.Section`), so no plugin repeats them."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.exceptions import PermissionDeniedException
from litestar.response import Redirect

from linli.domain.permissions.services import Actor
from linli.kernel.models import Community
from linli.kernel.plugins import Section
from linli.kernel.registry import PluginRegistry
from linli.web.auth import PUBLIC, LoginRequired, current_actor
from linli.web.guards import PLUGIN_OPT, belongs_to
from linli.web.site import community_of, language_of, site_of

AnyRequest = Request[Any, Any, Any]


def sections_of(registry: PluginRegistry, plugin: str) -> list[Section]:
    return [section for _, section in registry.collect("linli_sections", only=[plugin])]


def may_open(actor: Actor, community: Community, section: Section) -> bool:
    """Whether ``section`` is offered to ``actor``: held permission anywhere in the
    community (grants above communities count), else by audience."""
    if section.permissions:
        return any(
            permission in held.permissions and held.community_id in (community.id, None)
            for held in actor.grants
            for permission in section.permissions
        )
    if section.audience == "everyone":
        return True
    return not actor.is_anonymous and belongs_to(actor, community)


def href(community: Community, plugin: str, section: Section) -> str:
    return f"/c/{community.slug}/{plugin}/{section.path}"


async def start(request: AnyRequest) -> Redirect:
    """A plugin's start page: the first of its sections the visitor may open."""
    community: Community = request.state.community
    plugin = request.route_handler.opt[PLUGIN_OPT]
    actor = await current_actor(request)
    for section in sections_of(site_of(request).registry, plugin):
        if may_open(actor, community, section):
            return Redirect(href(community, plugin, section), status_code=303)
    if actor.is_anonymous:
        raise LoginRequired()
    raise PermissionDeniedException()


def start_handler() -> Any:
    """A fresh start-page handler for one plugin's router (a handler object belongs to
    one router)."""
    # Open to anyone: it only sends the visitor on (or to log in), and each section's
    # page has its own guard.
    return get("/", name=None, opt=PUBLIC)(start)


def nav_links(request: AnyRequest, community: Community, enabled: list[str]) -> list[Any]:
    """``(order, label, href, plugin, icon)`` of each built-in and enabled plugin with
    sections the visitor may open one of, for the navigation; a plugin with its own
    ``linli_nav_items`` is left to them."""
    registry = site_of(request).registry
    actor = request.state.get("actor")
    if actor is None:
        return []
    own_links = {impl.plugin_name for impl in registry.pm.hook.linli_nav_items.get_hookimpls()}
    language = language_of(request)
    links = []
    shown = [*registry.builtins, *enabled]
    for plugin, sections in registry.call("linli_sections", only=shown, isolate=True):
        loaded = registry.plugin(plugin)
        if plugin in own_links or loaded is None:
            continue
        first = next((s for s in sections if may_open(actor, community, s)), None)
        if first is None:
            continue
        manifest = loaded.manifest
        links.append(
            (manifest.nav_order, manifest.title_in(language), f"/c/{community.slug}/{plugin}/",
             plugin, manifest.icon)
        )  # fmt: skip
    return links


def nav_items(request: AnyRequest) -> list[dict[str, Any]]:
    """Navigation of the current community: the enabled plugins' items (``label``,
    ``href``, ``plugin``, ``icon``), in order, the one holding the current page marked
    ``current``. The same list is the community's services on its home. Worked out
    once per request (the home's route and the layout's menu both ask)."""
    # the scope's own dict, as in linli.web.site.language_of
    state = request.scope.setdefault("state", {})
    known: list[dict[str, Any]] | None = state.get(_NAV_ITEMS)
    if known is None:
        known = state[_NAV_ITEMS] = _nav_items(request)
    return known


#: Where a request keeps its navigation (:func:`nav_items`).
_NAV_ITEMS = "linli_nav_items"


def _nav_items(request: AnyRequest) -> list[dict[str, Any]]:
    community = community_of(request)
    if community is None:
        return []
    site = site_of(request)
    language = language_of(request)
    enabled = request.state.get("enabled_plugins", [])
    items = site.registry.collect(
        "linli_nav_items", only=enabled, isolate=True, community=community
    )
    links = [
        (item.order, site.catalogues.translate(language, item.label, plugin),
         f"/c/{community.slug}/{item.path}", plugin, item.icon or _plugin_icon(site, plugin))
        for plugin, item in items
    ]  # fmt: skip
    links += nav_links(request, community, enabled)
    links.sort(key=lambda link: (link[0], link[1]))
    path = request.url.path.rstrip("/") + "/"
    current = max((link[2] for link in links if path.startswith(link[2])), key=len, default="")
    return [
        {"label": label, "href": href, "plugin": plugin, "current": href == current, "icon": icon}
        for _, label, href, plugin, icon in links
    ]


def _plugin_icon(site: Any, plugin: str) -> str | None:
    loaded = site.registry.plugin(plugin)
    return loaded.manifest.icon if loaded is not None else None


def current_service(request: AnyRequest) -> str | None:
    """The plugin (or built-in) whose page this is, the core's own pages ``None``: what
    ``linli.js`` counts a visit to (:mod:`linli.web.often_used`)."""
    handler = request.scope.get("route_handler")
    plugin = handler.opt.get(PLUGIN_OPT) if handler is not None else None
    return plugin if isinstance(plugin, str) else None


def tabs(request: AnyRequest) -> list[dict[str, Any]]:
    """The tab bar of the current plugin's page: its sections the visitor may open,
    the one holding the current page marked."""
    community = request.state.get("community")
    actor = request.state.get("actor")
    handler = request.scope.get("route_handler")
    plugin = handler.opt.get(PLUGIN_OPT) if handler is not None else None
    if community is None or actor is None or plugin is None:
        return []
    site = site_of(request)
    language = language_of(request)
    shown = [
        (section, href(community, plugin, section))
        for section in sections_of(site.registry, plugin)
        if may_open(actor, community, section)
    ]
    path = request.url.path  # a section at the plugin's root comes without its final "/"
    current = max(
        (
            link
            for _, link in shown
            if path.rstrip("/") == link.rstrip("/") or path.startswith(link.rstrip("/") + "/")
        ),
        key=len,
        default=None,
    )
    return [
        {
            "label": site.catalogues.translate(language, section.label, plugin),
            "href": link,
            "current": link == current,
        }
        for section, link in shown
    ]


def trail(request: AnyRequest) -> list[tuple[str, str]]:
    """ "You are here" above a plugin's page: the community's home, then the plugin's
    start page, as ``(label, href)``."""
    community = request.state.get("community")
    handler = request.scope.get("route_handler")
    plugin = handler.opt.get(PLUGIN_OPT) if handler is not None else None
    if community is None or plugin is None:
        return []
    site = site_of(request)
    language = language_of(request)
    links = [(community.name_in(language), f"/c/{community.slug}/")]
    loaded = site.registry.plugin(plugin)
    if loaded is not None and sections_of(site.registry, plugin):  # it has a start page
        links.append((loaded.manifest.title_in(language), f"/c/{community.slug}/{plugin}/"))
    return links
