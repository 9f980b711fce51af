"""What one piece of work read: the SQL statements it ran and the stamps of what it took
from the worker's memory.

The page cache (:mod:`linli.web.page_cache`) keeps a rendered page only when everything
the page was made of is covered by stamps, so that a change anywhere, by anyone, makes
the next visit render it afresh. It learns what a page was made of by recording, while
the page renders, every statement Tortoise sends (every Tortoise client writes each
statement to its ``tortoise.db_client`` logger; :func:`install` puts a recording front
on that logger) and every stamp under which :class:`~linli.domain.site_cache.SiteCache`
handed out something it kept. Outside :func:`recording` nothing is recorded and a
statement costs one context-variable lookup more.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

_WORDS = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_WRITE = re.compile(r"\s*(?:INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b", re.IGNORECASE)


@dataclass
class Reads:
    """What has been read so far."""

    statements: list[str] = field(default_factory=list)
    #: The stamps of what came from the worker's memory, with the version it was kept at.
    stamps: set[str] = field(default_factory=set)
    #: The earliest moment something read stops holding (a grant that ends), if any.
    expires: datetime | None = None
    #: How many one-time keys were handed out (:func:`one_time_key`).
    keys: int = 0

    def depend(self, stamp: str, expires: datetime | None = None) -> None:
        self.stamps.add(stamp)
        if expires is not None and (self.expires is None or expires < self.expires):
            self.expires = expires

    def wrote(self) -> bool:
        """Whether any statement changed something (a page that writes is not kept)."""
        return any(_WRITE.match(statement) for statement in self.statements)

    def tables(self, known: frozenset[str]) -> set[str]:
        """Every table of ``known`` that a statement names. A word that merely looks
        like a table (a column named like one) counts too: reading too much only keeps
        a page for less long, reading too little would keep it stale."""
        found: set[str] = set()
        for statement in self.statements:
            found.update(_named_tables(statement, known))
        return found


_NAMED: dict[tuple[str, frozenset[str]], frozenset[str]] = {}


def _named_tables(statement: str, known: frozenset[str]) -> frozenset[str]:
    key = (statement, known)
    found = _NAMED.get(key)
    if found is None:
        found = frozenset(word for word in _WORDS.findall(statement) if word in known)
        if len(_NAMED) > 4096:  # the statements of a site's pages are a few hundred
            _NAMED.clear()
        _NAMED[key] = found
    return found


_CURRENT: ContextVar[Reads | None] = ContextVar("linli_reads", default=None)


@contextmanager
def recording() -> Iterator[Reads]:
    """Record what the block reads (and what the tasks it starts read)."""
    reads = Reads()
    token = _CURRENT.set(reads)
    try:
        yield reads
    finally:
        _CURRENT.reset(token)


def depend(stamp: str, expires: datetime | None = None) -> None:
    """Something kept under ``stamp`` was used (until ``expires``, if it expires)."""
    reads = _CURRENT.get()
    if reads is not None:
        reads.depend(stamp, expires)


#: What a one-time key stands in as while a page is recorded: this process's mark and a
#: number, replaced in every answer by :func:`fill_keys`.
_MARK = f"k{secrets.token_hex(8)}n"
_PLACED = re.compile(rf"{_MARK}\d+".encode())


def one_time_key() -> str:
    """A new random key for a form (a hidden field that makes a form sent twice count
    once). While a page is recorded it is a stand-in that :func:`fill_keys` replaces
    with a new key in every answer, so that a page served again never repeats a key."""
    reads = _CURRENT.get()
    if reads is None:
        return secrets.token_urlsafe(16)
    reads.keys += 1
    return f"{_MARK}{reads.keys}"


def fill_keys(body: bytes) -> bytes:
    """``body`` with each stand-in of :func:`one_time_key` replaced by a new key."""
    return _PLACED.sub(lambda _: secrets.token_urlsafe(16).encode(), body)


class _RecordingLog:
    """Tortoise's client logger, with every statement also recorded while recording."""

    def __init__(self, log: logging.Logger) -> None:
        self._log = log

    def debug(self, message: str, *args: Any, **kwargs: Any) -> None:
        reads = _CURRENT.get()
        if reads is not None:
            statement = args[0] if args else message
            if isinstance(statement, str):
                reads.statements.append(statement)
        self._log.debug(message, *args, stacklevel=2, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._log, name)


def install() -> None:
    """Put the recording front on the logger every Tortoise client is given when it is
    made (clients made before keep the plain logger)."""
    from tortoise.backends.base import client

    if not isinstance(client.db_client_logger, _RecordingLog):
        client.db_client_logger = _RecordingLog(client.db_client_logger)  # type: ignore[assignment]
