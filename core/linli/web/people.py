"""Who a page is about: the visitor's own resident record, and a resident a worker
names in a form."""

from __future__ import annotations

from typing import Any, Literal, overload

from litestar import Request
from tortoise.expressions import Q

from linli.domain.identity.models import Person
from linli.kernel.i18n import N_
from linli.kernel.models import Community
from linli.kernel.refusals import Refusal
from linli.web.auth import current_actor

#: The longest ``#id`` looked up (a longer one is no row's id).
_MAX_ID_DIGITS = 10


async def own_person(request: Request[Any, Any, Any]) -> Person | None:
    """The visitor's own record in this community's register, if their account is
    linked to one here (the ``person`` dependency of plugin pages)."""
    actor = await current_actor(request)
    community = request.state.get("community")
    if actor.account is None or actor.account.person_id is None or community is None:
        return None
    cached = request.state.get("linli_own_person", False)
    if cached is not False:
        return cached
    person = await Person.get_or_none(id=actor.account.person_id, community_id=community.id)
    request.state.linli_own_person = person
    return person


async def need_person(request: Request[Any, Any, Any]) -> Person:
    """The visitor's own resident record; a refusal (403) for an account linked to none."""
    person = await own_person(request)
    if person is None:
        raise Refusal(N_("Your account is not linked to a resident record."), 403)
    return person


@overload
async def find_person(
    community: Community, who: str, *, field: str = ..., required: Literal[True] = ...
) -> Person: ...


@overload
async def find_person(
    community: Community, who: str, *, field: str = ..., required: bool
) -> Person | None: ...


async def find_person(
    community: Community, who: str, *, field: str = "who", required: bool = True
) -> Person | None:
    """A resident of ``community`` by register number (``#12``), phone or exact name.
    Refuses (about ``field``) when several match, and when none does unless not
    ``required`` (then ``None``: someone outside the register)."""
    who = who.strip()
    if who.startswith("#"):
        if not who[1:].isdecimal() or len(who) > _MAX_ID_DIGITS + 1:
            raise Refusal(N_("A register number is # followed by digits."), field=field)
        found = await Person.filter(community_id=community.id, id=int(who[1:])).limit(2)
    elif who:
        found = await Person.filter(Q(name=who) | Q(phone=who), community_id=community.id).limit(2)
    else:
        found = []
    if len(found) > 1:
        raise Refusal(
            N_("Several residents match; enter the phone or the register number (#id)."),
            field=field,
        )
    if found:
        return found[0]
    if required or who.startswith("#"):
        raise Refusal(N_("No resident matches this name or phone."), field=field)
    return None
