"""Natural order for names people number: 2栋 before 10栋, 601室 before 1201室."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")

_CHUNKS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[tuple[int, int, str], ...]:
    """A sort key that compares the digits in ``text`` as numbers: "2栋" < "10栋"."""
    return tuple(
        (0, int(chunk), "") if chunk.isdigit() else (1, 0, chunk.casefold())
        for chunk in _CHUNKS.split(text)
        if chunk
    )


def natural_sorted(items: Iterable[T], key: Callable[[T], str] = str) -> list[T]:
    """``items`` in natural order of ``key(item)`` (the item's text by default)."""
    return sorted(items, key=lambda item: natural_key(key(item)))


def natural_sort(items: Iterable[Any], attribute: str | None = None) -> list[Any]:
    """The Jinja filter: ``{% for b in buildings | natural_sort("name") %}``."""
    if attribute is None:
        return natural_sorted(items)
    return natural_sorted(items, key=lambda item: str(_attribute(item, attribute)))


def _attribute(item: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        item = item[part] if isinstance(item, dict) else getattr(item, part)
    return item
