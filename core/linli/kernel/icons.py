"""linli's icons: a few dozen of the Lucide icon set (ISC licence, vendored from the npm
package ``lucide-static``), served as one SVG sprite, ``static/linli/icons.svg``, that a
browser downloads once and keeps (its URL changes with its content). A page draws one
with ``{{ icon("utensils") }}`` (``components.html``): about 155 bytes of markup, a
``<use>`` of the sprite's symbol.

The names are part of the plugin API: a plugin names its icon in its manifest
(``Manifest(icon="utensils")``) or on a :class:`~linli.kernel.plugins.NavItem`, and the
test kit fails a plugin's tests on a name the sprite lacks. A theme may redraw the set by
shipping its own ``linli/icons.svg`` with the same symbol ids.

To add an icon: put its name in :data:`ICONS` and rebuild the sprite from the package::

    npm pack lucide-static && tar xzf lucide-static-*.tgz
    uv run python -m linli.kernel.icons package/icons
"""

from __future__ import annotations

import re
import sys
import warnings
from functools import cache
from pathlib import Path

SPRITE = Path(__file__).parent.parent / "static" / "linli" / "icons.svg"
#: The file under ``/static/`` a page's ``<use href>`` points at.
SPRITE_FILE = "linli/icons.svg"

#: Every icon of the sprite: the services' first, then the pages' own.
ICONS: tuple[str, ...] = (
    # services and places
    "house",
    "utensils",
    "piggy-bank",
    "messages-square",
    "lightbulb",
    "scale",
    "hand-heart",
    "clipboard-list",
    "heart-handshake",
    "book-user",
    "settings",
    "inbox",
    "user",
    "users",
    "mail",
    "smartphone",
    # what pages do
    "menu",
    "bell",
    "log-in",
    "log-out",
    "key-round",
    "a-large-small",
    "printer",
    "search",
    "phone",
    "calendar",
    "clock",
    "map-pin",
    "check",
    "circle-check",
    "x",
    "plus",
    "pencil",
    "trash-2",
    "chevron-right",
    "arrow-left",
    "external-link",
    "info",
    "triangle-alert",
    "qr-code",
    "wrench",
)

_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_SYMBOL = re.compile(r'<symbol id="([^"]+)"')


class UnknownIconWarning(UserWarning):
    """A template or a plugin named an icon the sprite does not have. The page shows no
    icon (a resident sees the words alone); the test kit turns the warning into an
    error, so the plugin's tests fail."""


def is_icon_name(name: str) -> bool:
    """Whether ``name`` is spelled like an icon (lowercase words joined by ``-``)."""
    return bool(_NAME.match(name))


@cache
def sprite_names(path: Path = SPRITE) -> frozenset[str]:
    """The symbol ids of a sprite file."""
    return frozenset(_SYMBOL.findall(path.read_text(encoding="utf-8")))


def known(name: str | None, names: frozenset[str] | None = None) -> str | None:
    """``name`` if the sprite has it; ``None`` (and an :class:`UnknownIconWarning`) if
    not, and for no name at all."""
    if not name:
        return None
    if name in (sprite_names() if names is None else names):
        return name
    warnings.warn(f"linli has no icon named {name!r}", UnknownIconWarning, stacklevel=2)
    return None


#: Lucide's drawing settings, on each symbol: a ``<use>`` inherits from the page, not
#: from the sprite's root.
_STROKE = (
    'fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" '
    'stroke-linejoin="round"'
)
_ATTRIBUTES = re.compile(r"<svg[^>]*>(.*)</svg>", re.S)


def build_sprite(folder: Path, names: tuple[str, ...] = ICONS) -> str:
    """The sprite of ``names`` from a folder of Lucide's single SVG files: one
    ``<symbol>`` each, with Lucide's stroke settings, so the sprite draws alike with or
    without the theme's stylesheet."""
    symbols = []
    for name in names:
        text = (folder / f"{name}.svg").read_text(encoding="utf-8")
        body = _ATTRIBUTES.search(text)
        if body is None:
            raise ValueError(f"{name}.svg is not an SVG file")
        shapes = re.sub(r"\s*\n\s*", "", body.group(1)).replace(" />", "/>")
        symbols.append(f'<symbol id="{name}" viewBox="0 0 24 24" {_STROKE}>{shapes}</symbol>')
    return (
        "<!-- Lucide icons (https://lucide.dev), ISC licence: icons-LICENSE.txt -->\n"
        '<svg xmlns="http://www.w3.org/2000/svg">\n' + "\n".join(symbols) + "\n</svg>\n"
    )


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m linli.kernel.icons <lucide-static package>/icons", file=sys.stderr)
        return 2
    SPRITE.write_text(build_sprite(Path(argv[0])), encoding="utf-8")
    print(f"{SPRITE}: {len(ICONS)} icons, {SPRITE.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
