"""Where sessions and login throttles live: Redis when ``redis_url`` is set, else a
table in the database. Both are shared by every worker process and survive a restart;
nothing is kept in one process's memory.

A session is stored under the SHA-256 of its cookie value, never under the value
itself: whoever reads the store (a backup, a Redis dump) finds no cookie to replay.
Logging in, out and changing the password give the browser a new session id and delete
the old one from the store (:func:`renew_session`), so an id known before a login is
worth nothing after it (session fixation)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.stores.base import NamespacedStore, Store
from litestar.stores.redis import RedisStore
from litestar.types import Empty, Message, ScopeSession
from tortoise import fields
from tortoise.models import Model

from linli.kernel.settings import Settings


class StoredValue(Model):
    """A key in the database store (sessions, login throttles)."""

    key = fields.CharField(max_length=255, primary_key=True)
    value = fields.BinaryField()
    expires_at = fields.DatetimeField(null=True, db_index=True)

    class Meta:
        table = "core_stored_value"


def _deadline(expires_in: int | timedelta | None) -> datetime | None:
    if expires_in is None:
        return None
    seconds = expires_in.total_seconds() if isinstance(expires_in, timedelta) else expires_in
    return datetime.now(UTC) + timedelta(seconds=seconds)


class DatabaseStore(NamespacedStore):
    """A Litestar store in the ``core_stored_value`` table."""

    def __init__(self, namespace: str = "linli") -> None:
        self.namespace = namespace

    def with_namespace(self, namespace: str) -> DatabaseStore:
        return DatabaseStore(f"{self.namespace}:{namespace}")

    def _key(self, key: str) -> str:
        return f"{self.namespace}:{key}"

    async def set(
        self, key: str, value: str | bytes, expires_in: int | timedelta | None = None
    ) -> None:
        data = value.encode() if isinstance(value, str) else value
        await StoredValue.update_or_create(
            key=self._key(key), defaults={"value": data, "expires_at": _deadline(expires_in)}
        )

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        row = await StoredValue.get_or_none(key=self._key(key))
        if row is None:
            return None
        if row.expires_at is not None and row.expires_at <= datetime.now(UTC):
            await StoredValue.filter(key=row.key).delete()
            return None
        if renew_for is not None and row.expires_at is not None:
            await StoredValue.filter(key=row.key).update(expires_at=_deadline(renew_for))
        return bytes(row.value)

    async def delete(self, key: str) -> None:
        await StoredValue.filter(key=self._key(key)).delete()

    async def delete_all(self) -> None:
        await StoredValue.filter(key__startswith=f"{self.namespace}:").delete()

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        row = await StoredValue.get_or_none(key=self._key(key))
        if row is None or row.expires_at is None:
            return None
        return max(0, int((row.expires_at - datetime.now(UTC)).total_seconds()))

    async def delete_expired(self) -> int:
        return await StoredValue.filter(expires_at__lte=datetime.now(UTC)).delete()

    async def increment(self, key: str, expires_in: int) -> int:
        """Count one more event under ``key`` in the last ``expires_in`` seconds and
        return how many there are, this one included. Each event is its own row, written
        before it is counted: of many requests at once, the n-th to commit sees at least
        n, so no more than a limit's worth can pass a check of the count."""
        await StoredValue.create(
            key=f"{self._key(key)}#{uuid.uuid4().hex}", value=b"1", expires_at=_deadline(expires_in)
        )
        return await StoredValue.filter(
            key__startswith=f"{self._key(key)}#", expires_at__gt=datetime.now(UTC)
        ).count()

    async def forget(self, key: str) -> None:
        """Drop every event counted under ``key``."""
        await StoredValue.filter(key__startswith=f"{self._key(key)}#").delete()


class CountingRedisStore(RedisStore):
    """Litestar's Redis store with an atomic counter (``INCR``) for the throttles."""

    async def increment(self, key: str, expires_in: int) -> int:
        name = self._make_key(key)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.expire(name, expires_in, nx=True)
            count, _ = await pipe.execute()
        return int(count)

    async def forget(self, key: str) -> None:
        await self.delete(key)


def make_store(settings: Settings) -> NamespacedStore:
    if settings.redis_url:
        return CountingRedisStore.with_client(url=settings.redis_url, namespace="linli")
    return DatabaseStore()


#: Keys of the connection's state: the request asked for a new session id, and the id
#: given in its place.
_RENEW = "linli_session_renew"
_RENEWED_ID = "linli_session_renewed_id"


def renew_session(
    connection: ASGIConnection[Any, Any, Any, Any], data: dict[str, Any] | None
) -> None:
    """Replace the visitor's session with ``data`` (``None`` ends it) under a new id:
    the response carries a fresh cookie and the old id is deleted from the store.
    Call it whenever who the visitor is, or what they may do, changes."""
    if data:
        connection.set_session(data)
    else:
        connection.clear_session()
    connection.scope.setdefault("state", {})[_RENEW] = True


def stored_key(session_id: str) -> str:
    """The store key of a session: a hash of the cookie value, which cannot be sent
    back as a cookie."""
    return hashlib.sha256(session_id.encode()).hexdigest()


class QuietSessionBackend(ServerSideSessionBackend):
    """Litestar's server-side sessions, minus the writes nobody needs: a visitor who
    never logs in gets no session row and no cookie, and a session whose data did not
    change is not written again. A session therefore lasts ``max_age`` from login.

    Sessions are stored under :func:`stored_key` of their id, and :func:`renew_session`
    gives a new id (Litestar would keep the one the browser sent)."""

    async def get(self, session_id: str, store: Store) -> bytes | None:
        return await super().get(stored_key(session_id), store)

    async def set(self, session_id: str, data: bytes, store: Store) -> None:
        await super().set(stored_key(session_id), data, store)

    async def delete(self, session_id: str, store: Store) -> None:
        await super().delete(stored_key(session_id), store)

    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        renewed = connection.scope.get("state", {}).get(_RENEWED_ID)
        return renewed or super().get_session_id(connection)

    async def load_from_connection(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> dict[str, Any]:
        data = await super().load_from_connection(connection)
        connection.scope.setdefault("state", {})["linli_session_loaded"] = dict(data)
        return data

    async def store_in_message(
        self,
        scope_session: ScopeSession,
        message: Message,
        connection: ASGIConnection[Any, Any, Any, Any],
    ) -> None:
        state = connection.scope.setdefault("state", {})
        old_id = connection.cookies.get(self.config.key)
        if state.get(_RENEW):
            if old_id and old_id != "null":
                await self.delete(old_id, self.config.get_store_from_app(connection.scope["app"]))
            state[_RENEWED_ID] = self.generate_session_id()
            await super().store_in_message(scope_session or Empty, message, connection)
            return
        had_cookie = old_id is not None
        if not scope_session and not had_cookie:
            return
        loaded = connection.scope.get("state", {}).get("linli_session_loaded")
        if scope_session and had_cookie and scope_session == loaded:
            return
        await super().store_in_message(scope_session or Empty, message, connection)


class SessionConfig(ServerSideSessionConfig):
    _backend_class = QuietSessionBackend
