"""Stylesheets written into a visitor's first page, linked on the next ones.

On a cheap phone's slow network every file a page waits for costs a round trip (400 ms
on the "slow 4G" profile linli is measured on) before anything shows. A visitor's first
page therefore carries its stylesheets in ``<style>`` elements: it shows after one round
trip. The answer sets the cookie ``linli_css``; later pages link the files, which the
browser then keeps for a year (their URLs name their content). The
Content-Security-Policy allows no inline style, except, for that one answer, the exact
texts it carries (their SHA-256 hashes are added to ``style-src``).

Templates call ``stylesheet('default/theme.css')`` wherever they would write a
``<link rel="stylesheet">``.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

from litestar.types import Scope
from markupsafe import Markup

#: Set on the answer that carried the styles: the visitor's browser has been here.
FIRST_VISIT_COOKIE = "linli_css"
#: A year, as long as the files themselves are kept.
COOKIE_MAX_AGE = 365 * 24 * 3600
#: The scope's state key listing the hashes of the styles written into this answer.
INLINE_STATE = "linli_inline_styles"
_URL = re.compile(r"""url\(\s*(["']?)([^"')]+)\1\s*\)""")


def inline_text(css: str, folder: str, url_of: Any) -> str:
    """The stylesheet's text with its relative ``url(…)`` made absolute (a page's
    address is not the stylesheet's): ``url_of(path)`` gives a static file's URL."""

    def absolute(match: re.Match[str]) -> str:
        target = match[2]
        if target.startswith(("/", "data:", "http:", "https:", "#")):
            return match[0]
        path = f"{folder}/{target.split('?')[0]}" if folder else target.split("?")[0]
        return f'url("{url_of(path)}")'

    text = _URL.sub(absolute, css)
    if "</" in text:
        raise ValueError("a stylesheet to inline may not hold '</'")
    return text


def style_hash(text: str) -> str:
    """The CSP source that allows exactly this ``<style>`` element's text."""
    digest = hashlib.sha256(text.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def first_visit(request: Any) -> bool:
    return FIRST_VISIT_COOKIE not in request.cookies


def record_inline(scope: Scope, source: str) -> None:
    scope.setdefault("state", {}).setdefault(INLINE_STATE, []).append(source)


def inline_sources(scope: Scope) -> list[str]:
    """The hashes of the styles this answer carries (none for most answers)."""
    state: dict[str, Any] = scope.get("state", {})
    return list(state.get(INLINE_STATE, ()))


def style_element(text: str) -> Markup:
    return Markup("<style>") + Markup(text) + Markup("</style>")
