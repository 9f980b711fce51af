"""Builders for tests of the street bank, and of plugins and communities that build on
it: partners, and points earned by verified service, each in one call.

They build through :mod:`linli_streetbank.services`, so points are earned through the
ledger as a worker's record of service earns them; people and accounts come from
:mod:`linli.testing`::

    from linli_streetbank.testing import earn, make_partner

    barber = await make_partner(community, "汉兴街老王理发店")
    await earn(community, person, 3, category=category, key="e1", by=worker)
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from linli.kit import Account, Community, Person, load_actor
from linli_streetbank import services
from linli_streetbank.models import Partner, ServiceCategory

__all__ = ["SERVED_ON", "earn", "make_partner"]

#: The day of the service :func:`earn` records unless told otherwise.
SERVED_ON = date(2026, 3, 1)


async def make_partner(
    community: Community, name: str, *, kind: str = "merchant", **fields: Any
) -> Partner:
    """A partner (``kind`` ``merchant`` or ``partner_unit``) with its node in the
    partner tree; ``fields`` go to :func:`~linli_streetbank.services.create_partner`."""
    return await services.create_partner(community, name=name, kind=kind, **fields)


async def earn(
    community: Community,
    person: Person,
    hours: int | str | Decimal,
    *,
    category: ServiceCategory,
    key: str,
    by: Account,
    served_on: date = SERVED_ON,
    **fields: Any,
) -> services.Done:
    """Credit ``person`` with ``hours`` of verified service in ``category``, recorded by
    the worker ``by`` under the idempotency ``key`` (the same key twice moves points
    once). ``fields`` go to :func:`~linli_streetbank.services.record_service`."""
    return await services.record_service(
        community,
        person=person,
        category=category,
        quantity=str(hours),
        served_on=served_on,
        key=key,
        actor=await load_actor(by),
        **fields,
    )
