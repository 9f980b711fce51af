"""Events that several plugins emit and others consume, declared once by the core.

A plugin owns the events it emits (``<plugin>.<what happened>``, declared in its
``events.py``). When many plugins report the same kind of fact and one consumes it — a
volunteer's service was verified, whether by the canteen's deliveries, a co-built
project or the volunteers' register — the core declares the event instead, so that
the consumer subscribes to one event whoever emits it, and no plugin declares another's.
"""

from __future__ import annotations

import msgspec

from linli.kernel.plugins import event


@event("service.verified", version=1)
class ServiceVerified(msgspec.Struct, frozen=True):
    """A person's voluntary service was verified by whoever organised it.

    ``reference`` identifies the service for its source (``"delivery:812"``) and, with
    ``source``, makes the fact unique: a consumer that sees the same pair twice must do
    nothing the second time. ``hours`` is the time given (0 when the service is counted
    in ``tasks``); ``category`` is a short key the consumer may map to its own
    categories (``"meal_delivery"``, ``"codesign"``)."""

    person: int
    source: str
    reference: str
    category: str
    hours: float = 0.0
    tasks: int = 1
    note: str = ""


@event("service.withdrawn", version=1)
class ServiceWithdrawn(msgspec.Struct, frozen=True):
    """A service reported with ``service.verified`` (same ``source`` and ``reference``)
    turned out not to have happened, and whatever it earned is taken back."""

    person: int
    source: str
    reference: str
    reason: str = ""


#: The core's shared events, by name.
SHARED_EVENTS: dict[str, type[msgspec.Struct]] = {
    "service.verified": ServiceVerified,
    "service.withdrawn": ServiceWithdrawn,
}
