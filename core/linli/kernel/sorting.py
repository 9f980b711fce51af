"""Natural order for names people number: 2栋 before 10栋, 601室 before 1201室, 二期
before 三期."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")

_CHUNKS = re.compile(r"(\d+|[零一二三四五六七八九十]+)")
_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}


def _chinese_number(text: str) -> int | None:
    """The value of a Chinese numeral below 100 ("三" 3, "十二" 12, "二十" 20)."""
    total, current = 0, 0
    for char in text:
        if char in _DIGITS:
            current = _DIGITS[char]
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        else:
            return None
    return total + current


def _chunk_key(chunk: str) -> tuple[int, int, str]:
    if chunk.isdigit():
        return (0, int(chunk), "")
    number = _chinese_number(chunk)
    if number is not None:
        return (0, number, "")
    return (1, 0, chunk.casefold())


def natural_key(text: str) -> tuple[tuple[int, int, str], ...]:
    """A sort key that compares the numbers in ``text`` as numbers, in digits or in
    Chinese: "2栋" < "10栋", "二期" < "三期"."""
    return tuple(_chunk_key(chunk) for chunk in _CHUNKS.split(text) if chunk)


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
