"""Blocks that plugins add to a page (dashboard widgets, sections of a person's page),
rendered one by one so that a failing block is logged and left out while the page still
renders."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from litestar import Request
from markupsafe import Markup

from linli.kernel.plugins import PersonSection, Widget
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
