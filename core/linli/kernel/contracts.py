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


@event("welfare.concern", version=1)
class WelfareConcern(msgspec.Struct, frozen=True):
    """Somebody may need a community worker's help: nobody opened the door to a meal
    delivery, a carer found an elderly resident who needs help, a volunteer's call for
    help. Any plugin emits it; the duty worker's list of welfare alerts (the canteen's)
    takes them all, so that the worker on duty has one list, and a person's care
    timeline shows them.

    ``source`` is the emitting plugin and ``reference`` identifies the concern within
    it (``"visit:12"``): a consumer that sees the same pair twice does nothing the
    second time. ``level`` is ``"concern"`` (follow up) or ``"help"`` (needs help now).
    ``summary`` is a short text the duty worker reads (no health details: it is shown
    to whoever handles alerts at the person's home); ``raised_by`` the person who
    noticed (a Person id, 0 when not known); ``link`` a path on the site where the
    source shows the matter."""

    person: int
    source: str
    reference: str
    level: str = "concern"
    summary: str = ""
    raised_by: int = 0
    link: str = ""


@event("welfare.resolved", version=1)
class WelfareResolved(msgspec.Struct, frozen=True):
    """A concern reported with ``welfare.concern`` (same ``source`` and ``reference``)
    was resolved by whoever handled it, in whichever list: every other holder of the
    concern closes its copy. ``note`` is what the worker found."""

    person: int
    source: str
    reference: str
    note: str = ""


@event("register.changed", version=1)
class RegisterChanged(msgspec.Struct, frozen=True):
    """The resident register changed for ``people`` (Person ids): an import created or
    updated them, a tag was added or taken off, someone moved house. Plugins that
    derive something from the register (care groups by age and tag) recompute it for
    those people. Emitted by the core only."""

    people: list[int]
    reason: str = ""


#: The core's shared events, by name.
SHARED_EVENTS: dict[str, type[msgspec.Struct]] = {
    "service.verified": ServiceVerified,
    "service.withdrawn": ServiceWithdrawn,
    "welfare.concern": WelfareConcern,
    "welfare.resolved": WelfareResolved,
    "register.changed": RegisterChanged,
}
