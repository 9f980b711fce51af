"""Acting on behalf of a resident who has no phone: a community worker or volunteer
orders a meal or redeems points for them. The write records both the actor and the
resident, and the resident's page shows it in their history."""

from __future__ import annotations

from linli.domain.communities import community_root
from linli.domain.hierarchy.models import Node
from linli.domain.identity.models import Membership, Person
from linli.domain.permissions.services import Actor
from linli.kernel.i18n import N_
from linli.kernel.refusals import Refusal


class OnBehalfError(Refusal):
    """The actor may not act for this person."""

    message = N_("You may not act on behalf of this resident.")
    status = 403


async def home_node(person: Person) -> Node:
    """Where a person lives: their current household's node, else their community's."""
    membership = (
        await Membership.filter(person=person, ended_on__isnull=True)
        .select_related("household__node")
        .first()
    )
    if membership is not None:
        return membership.household.node
    return await community_root(person.community_id)


async def check_on_behalf(actor: Actor, person: Person) -> None:
    """Raise :class:`OnBehalfError` unless ``actor`` holds ``identity.act_on_behalf``
    at the person's home or above. Acting for oneself needs no permission."""
    if actor.account is not None and actor.account.person_id == person.id:
        return
    if not actor.can("identity.act_on_behalf", await home_node(person)):
        raise OnBehalfError()
