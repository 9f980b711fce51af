"""Writing the audit trail. Services call :func:`record` inside the transaction of the
write they record, so the entry exists exactly when the change does."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from tortoise.models import Model

from linli.domain.audit.models import AuditEntry
from linli.domain.identity.models import Account, Person
from linli.domain.permissions.services import Actor


def snapshot(obj: Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of ``obj`` as JSON-safe values, for ``before`` and ``after``."""
    values: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        if isinstance(value, datetime | date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        elif isinstance(value, Model):
            value = value.pk
        values[name] = value
    return values


async def record(
    action: str,
    *,
    actor: Actor | Account | None,
    community_id: int | None,
    obj: Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    on_behalf_of: Person | None = None,
) -> AuditEntry:
    """Append an entry: who (``actor``), what (``action`` on ``obj``), for whom
    (``on_behalf_of``), with the values ``before`` and ``after``."""
    account = actor.account if isinstance(actor, Actor) else actor
    if obj is not None:
        object_type = object_type or f"{obj._meta.app}.{type(obj).__name__}"
        object_id = object_id or obj.pk
    return await AuditEntry.create(
        community_id=community_id,
        actor=account,
        on_behalf_of=on_behalf_of,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=before,
        after=after,
    )
