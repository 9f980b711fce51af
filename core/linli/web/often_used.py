"""The elder home's tiles (长辈版): the visitor's most used services.

Which services a visitor uses is counted on their own device: ``linli.js`` adds one
visit to a service on each page of it (``<main data-linli-service="canteen">``) in the
first-party cookie ``linli_use``, as ``canteen.12|streetbank.3`` — at most
:data:`MAX_KEPT` services, counts up to :data:`MAX_COUNT` (then halved), under 300
bytes, no personal data. The server writes nothing for it on any request; it only reads
the cookie when it renders the elder home, and the counts follow the phone an older
person actually uses. The cookie is the visitor's to change, so it is read defensively:
whatever it holds, the worst is the usual order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

#: Tiles on the elder home: six fit a phone's first screen as two columns of three.
MAX_TILES = 6
#: Services the cookie keeps (``linli.js`` keeps the most used).
MAX_KEPT = 12
#: The highest count ``linli.js`` writes: past it every count is halved, so what is
#: used now soon comes first again.
MAX_COUNT = 99
#: A longer cookie is not one ``linli.js`` wrote: it is ignored whole.
MAX_COOKIE_CHARS = 400

#: One entry: a plugin's name (as :class:`linli.kernel.plugins.Manifest` allows) and a count.
_ENTRY = re.compile(r"([a-z][a-z0-9_]{1,31})\.([0-9]{1,4})")


def read_usage(value: str | None) -> dict[str, int]:
    """The visits per service in the cookie's ``value``; an entry that is not
    ``<name>.<count>`` is skipped (of a name given twice, the first counts), and a value
    too long to be ``linli.js``'s gives nothing."""
    if not value or len(value) > MAX_COOKIE_CHARS:
        return {}
    counts: dict[str, int] = {}
    for entry in value.split("|", MAX_KEPT * 2)[: MAX_KEPT * 2]:
        found = _ENTRY.fullmatch(entry)
        if found is not None:
            counts.setdefault(found[1], int(found[2]))
    return counts


@dataclass(frozen=True)
class Tiles(Generic[T]):
    """The services to show as tiles, and whether some are left out (then a tile
    "All services" leads to the full list)."""

    chosen: list[T]
    more: bool


def choose_tiles(
    services: Sequence[T],
    usage: Mapping[str, int],
    name: Callable[[T], str],
    limit: int = MAX_TILES,
) -> Tiles[T]:
    """The ``limit`` of ``services`` (the visitor's own, in the community's usual order)
    with the most visits in ``usage`` (ties go to the earlier), shown in the usual order:
    a tile keeps its place from one day to the next, however the counts move, and moves
    only when another service takes its seat. Names of no service in ``services`` count
    for nothing. Without any usage, the first ``limit`` in the usual order."""
    ranked = sorted(range(len(services)), key=lambda i: -usage.get(name(services[i]), 0))
    seats = sorted(ranked[:limit])
    return Tiles(chosen=[services[i] for i in seats], more=len(services) > limit)
