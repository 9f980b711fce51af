"""Builders for tests of the street bank, and of plugins and communities that build on
it: members with accounts, partners and their operators, and points earned by verified
service, each in one call.

They are built on :mod:`linli.testing`'s builders (accounts get its ``TEST_PASSWORD``)
and on :mod:`linli_streetbank.services`, so points are earned through the ledger as a
worker's record of service earns them::

    from linli_streetbank.testing import earn, make_member, make_operator, make_partner

    person, account = await make_member(community, "张阿姨", username="zhang")
    await earn(community, person, 3, category=category, key="e1", by=worker)
    barber = await make_partner(community, "汉兴街老王理发店")
    operator = await make_operator(community, barber, "barber")
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from linli.identity.models import Account, Person
from linli.models import Community
from linli.permissions.services import load_actor
from linli.testing import make_account, make_person
from linli_streetbank import services
from linli_streetbank.models import Partner, ServiceCategory

__all__ = ["SERVED_ON", "earn", "make_member", "make_operator", "make_partner"]

#: The day of the service :func:`earn` records unless told otherwise.
SERVED_ON = date(2026, 3, 1)


async def make_member(
    community: Community, name: str, *, username: str | None = None, **details: Any
) -> tuple[Person, Account | None]:
    """A person on the register (``details`` go to :func:`linli.testing.make_person`:
    ``born``, ``tags``, ``phone`` …), with an account holding the
    ``streetbank_member`` role if ``username`` is given."""
    person = await make_person(community, name, **details)
    account = None
    if username:
        account = await make_account(username, community, "streetbank_member", person=person)
    return person, account


async def make_partner(
    community: Community, name: str, *, kind: str = "merchant", **fields: Any
) -> Partner:
    """A partner (``kind`` ``merchant`` or ``partner_unit``) with its node in the
    partner tree; ``fields`` go to :func:`~linli_streetbank.services.create_partner`."""
    return await services.create_partner(community, name=name, kind=kind, **fields)


async def make_operator(
    community: Community, partner: Partner, username: str, *, person: Person | None = None
) -> Account:
    """An account that operates ``partner`` (the operator role at its node, so for
    that partner only) and holds no other role."""
    account = await make_account(username, community, person=person)
    await services.add_operator(partner, account)
    return account


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
