"""Blocks that plugins add to a page (dashboard widgets, sections of a person's page, the
home's "For you" items), rendered one by one so that a failing block is logged and left
out while the page still renders."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from litestar import Request
from markupsafe import Markup

from linli.domain.db import one_value_query, values_together
from linli.domain.permissions.services import Actor
from linli.kernel.models import Community
from linli.kernel.plugins import HomeItem, PersonSection, Widget
from linli.web.site import cache_versions, language_of, site_of, today_of

log = logging.getLogger("linli.web")


@dataclass(frozen=True)
class RenderedBlock:
    title: str
    html: Markup


async def render_blocks(
    request: Request[Any, Any, Any],
    blocks: list[tuple[str, Widget | PersonSection]],
    subject_name: str,
    subject: Any,
) -> list[RenderedBlock]:
    """Load and render each ``(plugin, block)`` for ``subject`` (the community of a
    widget, the person of a section), in the blocks' order; the block's template sees
    ``request``, the subject under ``subject_name`` and what ``load`` returned."""
    site = site_of(request)
    language = language_of(request)
    engine = request.app.template_engine
    rendered = []
    for plugin, block in sorted(blocks, key=lambda pair: (pair[1].order, pair[1].title)):
        try:
            context = await _load(request, plugin, block, subject)
            if context is None:
                continue
            template = engine.get_template(block.template)
            html = template.render(request=request, **{subject_name: subject}, **context)
        except Exception:
            log.exception("plugin %s: block %s failed and is left out", plugin, block.title)
            continue
        rendered.append(
            RenderedBlock(site.catalogues.translate(language, block.title, plugin), Markup(html))
        )
    return rendered


async def _load(
    request: Request[Any, Any, Any], plugin: str, block: Widget | PersonSection, subject: Any
) -> dict[str, Any] | None:
    """What the block shows: a cached widget's from the worker's cache while its
    plugin's tables and the day stay the same."""
    if not (isinstance(block, Widget) and block.cached):
        return await block.load(subject)
    key = ("widget", block.title, subject.id, today_of(request))
    versions = await cache_versions(request)
    cache = site_of(request).cache
    context: dict[str, Any] | None = await cache.remember(
        key, versions, lambda: block.load(subject), stamp=plugin
    )
    return context


@dataclass(frozen=True)
class ShownItem:
    """A "For you" item as the home shows it: translated, with its figure and link."""

    title: str
    value: str
    note: str
    href: str
    urgent: bool


def _offered(item: HomeItem, actor: Actor, community: Community) -> bool:
    return not item.permissions or any(
        permission in held.permissions and held.community_id in (community.id, None)
        for held in actor.grants
        for permission in item.permissions
    )


async def home_items(
    request: Request[Any, Any, Any], community: Community, actor: Actor, enabled: list[str]
) -> list[ShownItem]:
    """The logged-in visitor's "For you": every enabled plugin's items, their queries run
    together in one statement (one per database connection). An item whose query is
    not a one-value query is logged and left out; if the statement fails, each query
    runs on its own so that one plugin's error hides only its own items."""
    if actor.is_anonymous:
        return []
    site = site_of(request)
    offered: list[tuple[str, HomeItem]] = []
    for plugin, item in site.registry.collect(
        "linli_home_items", only=enabled, isolate=True, community=community, actor=actor
    ):
        if not _offered(item, actor, community):
            continue
        try:
            one_value_query(item.query)
        except Exception:
            log.exception("plugin %s: home item %s failed and is left out", plugin, item.title)
            continue
        offered.append((plugin, item))
    if not offered:
        return []
    offered.sort(key=lambda pair: (pair[1].order, pair[1].title))
    try:
        values = await values_together([item.query for _, item in offered], prepared=True)
    except Exception:
        log.exception("the home's items failed together; asking each on its own")
        values = [await _value_alone(plugin, item) for plugin, item in offered]
    language = language_of(request)
    shown = []
    for (plugin, item), value in zip(offered, values, strict=True):

        def tr(message: str, plugin: str = plugin) -> str:
            return site.catalogues.translate(language, message, plugin)

        if value in (None, 0, ""):
            if not item.empty:
                continue
            figure, note = "", tr(item.empty)
        else:
            figure = str(value)
            note = tr(item.note) % {"value": figure} if item.note else ""
        href = f"/c/{community.slug}/{plugin}/{item.path}"
        shown.append(ShownItem(tr(item.title), figure, note, href, item.urgent and bool(figure)))
    return sorted(shown, key=lambda shown_item: not shown_item.urgent)


async def _value_alone(plugin: str, item: HomeItem) -> Any:
    try:
        return (await values_together([item.query]))[0]
    except Exception:
        log.exception("plugin %s: home item %s failed and is left out", plugin, item.title)
        return None
