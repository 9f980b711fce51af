"""The community guard: every page under ``/c/{community_slug}/`` belongs to a community,
a plugin's pages exist only where the community enabled the plugin, and a community's
pages are for its members: only the pages a route marks public (``opt=PUBLIC``) are
open to an account of another community."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import NotFoundException
from litestar.handlers.base import BaseRouteHandler

from linli.domain.permissions.services import Actor
from linli.kernel.models import Community, PluginState
from linli.web.auth import PUBLIC_OPT, current_actor
from linli.web.site import cache_versions, site_of

PLUGIN_OPT = "linli_plugin"
#: The largest id a row can have (ids are 32-bit integers in every database).
MAX_ID = 2**31 - 1


async def community_guard(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """Load the community named in the path and the plugins it enables (from the
    worker's cache while the site stamp stands, else two indexed queries); answer 404
    for an unknown community or a plugin it has not enabled, and for an id in the path
    that no row can have (PostgreSQL would refuse the query)."""
    if any(
        isinstance(value, int) and not 0 <= value <= MAX_ID
        for value in connection.path_params.values()
    ):
        raise NotFoundException()
    slug = connection.path_params.get("community_slug", "")
    community, enabled = await _community_and_plugins(connection, slug)
    registry = site_of(connection).registry
    plugin = handler.opt.get(PLUGIN_OPT)
    if plugin is not None and plugin not in enabled and plugin not in registry.builtins:
        raise NotFoundException()
    if not handler.opt.get(PUBLIC_OPT):
        actor = await current_actor(connection)
        if not actor.is_anonymous and not belongs_to(actor, community):
            raise NotFoundException()
    connection.state.community = community
    connection.state.enabled_plugins = list(enabled)  # a copy: the cached list stays as read


async def _community_and_plugins(
    connection: ASGIConnection[Any, Any, Any, Any], slug: str
) -> tuple[Community, list[str]]:
    site = site_of(connection)
    version = await cache_versions(connection)
    key = ("community", slug)
    found = site.cache.get(key)
    if found is None:
        community = await Community.get_or_none(slug=slug)
        if community is None:
            raise NotFoundException()
        names = set(
            await PluginState.filter(community_id=community.id, enabled=True).values_list(
                "plugin", flat=True
            )
        )
        found = (community, [name for name in site.registry.loaded if name in names])
        site.cache.put(key, found, version)
    return found


def belongs_to(actor: Actor, community: Community) -> bool:
    """Whether a logged-in actor is of ``community``: registered there as a person, or
    holding a grant there (a grant of no community, above communities, counts too: the
    permission check then decides). No query: both come with the actor."""
    person = getattr(actor.account, "person", None)
    if person is not None and person.community_id == community.id:
        return True
    return any(held.community_id in (community.id, None) for held in actor.grants)


def current_community(request: Request[Any, Any, Any]) -> Community:
    """Dependency ``community`` for handlers under a community path."""
    return request.state.community
