"""What requests need again and again and what rarely changes — a community and the
plugins it enables, a visitor's grants, a community's root place, a plugin's dashboard
figures — kept in each worker's memory.

Correctness comes from the database, not from timers: triggers raise a stamp
(:mod:`linli.domain.stamps`) in the same transaction as any change to the tables it
covers, whoever makes it. Each request reads the stamps once (one query of a handful of
rows) and, where one moved, the worker forgets what it kept under it: a grant revoked
by another worker or on another machine is seen by the very next request everywhere.
The ``site`` stamp covers the core's facts, and when it moves everything is forgotten;
a plugin's stamp covers what was kept under the plugin's name.

An entry may also carry an expiry (a grant that starts or ends at a given moment).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Mapping
from datetime import datetime
from typing import Any

from tortoise import connections

from linli.domain import reads
from linli.domain.stamps import SITE

_READ = "SELECT name, version FROM core_stamp"

#: The stamps as one request read them.
Versions = Mapping[str, int]


async def read_stamps() -> dict[str, int]:
    """Every stamp's version now (none before the stamps exist)."""
    _, rows = await connections.get("default").execute_query(_READ)
    return {str(row[0]): int(row[1]) for row in rows}


class SiteCache:
    """One worker's cache, each entry kept under a stamp (``site`` or a plugin's)."""

    def __init__(self) -> None:
        self._versions: dict[str, int] = {}
        self._entries: dict[str, dict[Hashable, tuple[Any, datetime | None]]] = {}
        self._loading: dict[tuple[str, Hashable], asyncio.Lock] = {}

    @property
    def versions(self) -> Versions:
        """The newest stamps a request of this worker has read."""
        return self._versions

    async def refresh(self) -> Versions:
        """Read the stamps and forget what was kept under those that moved (everything
        when ``site`` did). Returns the versions the request works with: pass them to
        :meth:`put`."""
        versions = await read_stamps()
        if versions.get(SITE) != self._versions.get(SITE):
            self._entries.clear()
        else:
            for stamp in list(self._entries):
                if versions.get(stamp) != self._versions.get(stamp):
                    del self._entries[stamp]
        self._versions = versions
        return versions

    def get(self, key: Hashable, *, stamp: str = SITE, now: datetime | None = None) -> Any:
        """The value kept under ``key``, or ``None`` (also once it expired)."""
        found = self._entries.get(stamp, {}).get(key)
        if found is None:
            return None
        value, expires = found
        if expires is not None and (now is None or now >= expires):
            del self._entries[stamp][key]
            return None
        reads.depend(stamp, expires)
        return value

    def put(
        self,
        key: Hashable,
        value: Any,
        versions: Versions,
        *,
        stamp: str = SITE,
        expires: datetime | None = None,
    ) -> None:
        """Keep ``value``, read by a request that saw ``versions``. Nothing is kept when
        the stamp does not exist (its tables are not stamped), or when the request
        began before the stamps last moved (what it read may be stale)."""
        if stamp not in versions or SITE not in versions:
            return
        reads.depend(stamp, expires)
        if any(versions.get(name) != self._versions.get(name) for name in (SITE, stamp)):
            return
        self._entries.setdefault(stamp, {})[key] = (value, expires)

    async def remember(
        self,
        key: Hashable,
        versions: Versions,
        load: Callable[[], Awaitable[Any]],
        *,
        stamp: str = SITE,
        now: datetime | None = None,
        expires: Callable[[Any], datetime | None] | None = None,
    ) -> Any:
        """The value kept under ``key``, else what ``load()`` returns, kept. Requests
        that miss together wait for one load (a cold worker under a crowd computes a
        costly figure once, not once per waiting visitor). ``expires(value)`` says
        until when the value holds, if it does not hold until the stamp moves."""
        found = self.get(key, stamp=stamp, now=now)
        if found is not None:
            return found
        lock = self._loading.setdefault((stamp, key), asyncio.Lock())
        async with lock:
            found = self.get(key, stamp=stamp, now=now)
            if found is None:
                found = await load()
                until = expires(found) if expires is not None else None
                self.put(key, found, versions, stamp=stamp, expires=until)
        if not lock.locked():
            self._loading.pop((stamp, key), None)
        return found

    def clear(self) -> None:
        """Forget everything (the test kit does it when it swaps the database under a
        running application)."""
        self._entries.clear()
        self._versions = {}
