"""Domain events through a transactional outbox.

:func:`emit` writes the event to the outbox table with whatever connection the caller's
transaction uses, so an event of a rolled-back change never exists. The
:class:`EventBus` later reads committed events and runs each handler in its own
transaction together with a delivery record whose (event, handler) pair is unique: a
handler's work and the record that it was done commit together or not at all, so no
handler sees an event twice and a failure is retried with back-off.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import traceback
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from linli.kernel.models import Community, EventDelivery, OutboxEvent, PluginState
from linli.kernel.plugins import EventHandler
from linli.kernel.registry import PluginRegistry

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
FIRST_RETRY = timedelta(seconds=10)


class UnknownEventError(ValueError):
    """No installed plugin declares an event of this name."""


@dataclass(frozen=True)
class Event:
    """What a handler receives: the event's id, name, community and typed payload."""

    id: uuid.UUID
    name: str
    community_id: int | None
    payload: Any
    created_at: datetime


def _now() -> datetime:
    return datetime.now(UTC)


_active: EventBus | None = None


async def emit(
    name: str,
    payload: msgspec.Struct | dict[str, Any],
    *,
    community: Community | int | None = None,
) -> OutboxEvent:
    """Record a domain event with the running instance's bus; see :meth:`EventBus.emit`.

    Services call this inside the transaction of the change the event reports."""
    if _active is None:
        raise RuntimeError("no linli instance is running in this process")
    return await _active.emit(name, payload, community=community)


async def emit_if_running(
    name: str, payload: msgspec.Struct | dict[str, Any], *, community: Community | int | None
) -> None:
    """:func:`emit` for the core's own services, which also run where no instance's bus
    is active (a bare script, a test of the register alone): there the event is not
    recorded. Plugins use :func:`emit`, which refuses instead."""
    if _active is not None:
        await _active.emit(name, payload, community=community)


class EventBus:
    """Knows the event types and handlers of the loaded plugins and delivers events."""

    def __init__(self, registry: PluginRegistry) -> None:
        self.registry = registry
        self.types = registry.event_types()
        self.handlers: dict[str, list[tuple[str, EventHandler]]] = {}
        for plugin, handler in registry.event_handlers():
            self.handlers.setdefault(handler.event, []).append((plugin, handler))
        self._wake = asyncio.Event()
        self._dirty = False

    async def emit(
        self,
        name: str,
        payload: msgspec.Struct | dict[str, Any],
        *,
        community: Community | int | None = None,
    ) -> OutboxEvent:
        """Record ``name`` with ``payload``. Call it inside the transaction of the change
        the event reports; the event is delivered only if that transaction commits."""
        payload_type = self.types.get(name)
        if payload_type is None:
            raise UnknownEventError(
                f"no installed plugin declares the event {name!r} (a plugin declares the "
                "events it emits in its events.py with linli.kit.event)"
            )
        typed = msgspec.convert(payload, payload_type, from_attributes=True, strict=False)
        community_id = community.id if isinstance(community, Community) else community
        event = await OutboxEvent.create(
            id=uuid.uuid4(),
            name=name,
            community_id=community_id,
            payload=msgspec.to_builtins(typed),
            next_attempt_at=_now(),
        )
        self._dirty = True
        return event

    def activate(self) -> None:
        """Make this bus the one :func:`emit` uses in this process."""
        global _active
        _active = self

    def deactivate(self) -> None:
        global _active
        if _active is self:
            _active = None

    def nudge(self) -> None:
        """Wake the dispatcher if anything was emitted; called after a response is sent,
        when the request's transaction has committed."""
        if self._dirty:
            self._dirty = False
            self._wake.set()

    async def run_forever(self, poll_seconds: float) -> None:
        """Dispatch due events whenever nudged and at least every ``poll_seconds``."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=poll_seconds)
            self._wake.clear()
            try:
                await self.dispatch_due()
            except Exception:
                log.exception("event dispatch failed; retrying at the next sweep")

    async def dispatch_due(self, limit: int = 200) -> int:
        """Deliver pending events whose time has come; returns how many were finished."""
        due = await OutboxEvent.filter(state="pending", next_attempt_at__lte=_now()).limit(limit)
        finished = 0
        for event in due:
            finished += await self.deliver(event)
        return finished

    async def _enabled_plugins(self, community_id: int | None) -> set[str] | None:
        if community_id is None:
            return None
        names = await PluginState.filter(community_id=community_id, enabled=True).values_list(
            "plugin", flat=True
        )
        return set(names)

    async def deliver(self, row: OutboxEvent) -> int:
        """Run every handler of ``row`` that has not yet processed it."""
        subscribed = self.handlers.get(row.name, [])
        enabled = await self._enabled_plugins(row.community_id)
        done = set(await EventDelivery.filter(event_id=row.id).values_list("handler", flat=True))
        emitted = self.types.get(row.name)
        errors: list[str] = []
        for plugin, handler in subscribed:
            key = f"{plugin}:{handler.name}"
            if key in done or (enabled is not None and plugin not in enabled):
                continue
            try:
                # Each subscriber gets the payload as it sees it (its own view, or the
                # emitter's type), checked against the emitter's at start-up.
                payload_type = handler.payload or emitted
                payload = (
                    row.payload
                    if payload_type is None
                    else msgspec.convert(row.payload, payload_type, strict=False)
                )
                event = Event(row.id, row.name, row.community_id, payload, row.created_at)
                async with in_transaction():
                    await EventDelivery.create(event_id=row.id, handler=key)
                    await handler.handle(event)
            except IntegrityError:
                continue  # another worker delivered it first
            except Exception as exc:
                log.exception("handler %s failed on event %s", key, row.id)
                errors.append(f"{key}: {type(exc).__name__}: {exc}\n{traceback.format_exc()}")
        row.attempts += 1
        if errors:
            row.last_error = "\n".join(errors)
            if row.attempts >= MAX_ATTEMPTS:
                row.state = "failed"
            else:
                row.next_attempt_at = _now() + FIRST_RETRY * 2 ** (row.attempts - 1)
        else:
            row.state = "done"
            row.last_error = ""
        await row.save(update_fields=["attempts", "last_error", "state", "next_attempt_at"])
        return 0 if errors else 1

    async def retry(self, event_ids: list[uuid.UUID] | None = None) -> int:
        """Put failed (or still pending) events back in the queue now and deliver them."""
        query = OutboxEvent.filter(state__in=("failed", "pending"))
        if event_ids:
            query = query.filter(id__in=event_ids)
        await query.update(state="pending", attempts=0, next_attempt_at=_now())
        return await self.dispatch_due()


async def failed_events(limit: int = 100) -> list[OutboxEvent]:
    """Events whose handlers gave up, and pending ones that have failed at least once."""
    return (
        await OutboxEvent.filter(last_error__not="")
        .exclude(state="done")
        .order_by("-created_at")
        .limit(limit)
    )
