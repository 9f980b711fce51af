"""The street bank's tests' own builders: members and operators, with accounts from
:mod:`linli.testing` (its ``TEST_PASSWORD``)."""

from __future__ import annotations

from typing import Any

from linli.kit import Account, Community, Person
from linli.testing import make_account, make_person
from linli_streetbank import services
from linli_streetbank.models import Partner


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


async def make_operator(
    community: Community, partner: Partner, username: str, *, person: Person | None = None
) -> Account:
    """An account that operates ``partner`` (the operator role at its node, so for
    that partner only) and holds no other role."""
    account = await make_account(username, community, person=person)
    await services.add_operator(partner, account)
    return account
