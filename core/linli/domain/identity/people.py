"""People in the register: finding them, the tags on them, moving them between
households, and everything a person's page shows.

Every query here is a fixed number of queries, whatever the number of people: list pages
prefetch tags and households for a page in one query each.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from linli.domain.audit.models import AuditEntry
from linli.domain.audit.services import record
from linli.domain.hierarchy.models import Node
from linli.domain.identity.models import Account, Household, Membership, Person, PersonTag
from linli.domain.permissions.models import Grant
from linli.domain.permissions.services import Actor
from linli.kernel.contracts import RegisterChanged
from linli.kernel.events import emit_if_running
from linli.kernel.i18n import N_
from linli.kernel.refusals import Refusal
from linli.kernel.sorting import natural_sorted

#: The tags the register knows. Target groups of the care plugins are built from them,
#: so an import refuses a tag outside this list (a typo such as 独局 would silently split
#: a group); tags already in use in a community are accepted too, so that whatever an
#: export contains can be imported again.
KNOWN_TAGS = ("独居", "高龄", "残疾", "失能", "低保", "留守儿童", "困境儿童", "党员", "拆迁安置")
#: The register stores genders and tags as the register file writes them (in Chinese);
#: pages show them in the visitor's language through these message ids.
GENDER_WORDS = {"男": N_("Male"), "女": N_("Female")}
TAG_WORDS = {
    "独居": N_("Lives alone"),
    "高龄": N_("Aged 80 or over"),
    "残疾": N_("Disability"),
    "失能": N_("Cannot look after themselves"),
    "低保": N_("Minimum living allowance"),
    "留守儿童": N_("Left-behind child"),
    "困境儿童": N_("Child in difficulty"),
    "党员": N_("Party member"),
    "拆迁安置": N_("Relocated from the old lanes"),
}
#: Relations to the head of a household, as the register writes them.
RELATION_WORDS = {
    "本人": N_("Head of household"),
    "配偶": N_("Spouse"),
    "子女": N_("Child"),
    "儿子": N_("Son"),
    "女儿": N_("Daughter"),
    "父母": N_("Parent"),
    "孙子女": N_("Grandchild"),
    "儿媳": N_("Daughter-in-law"),
    "女婿": N_("Son-in-law"),
    "兄弟姐妹": N_("Sibling"),
    "其他": N_("Other"),
}

PAGE_SIZE = 50


class PeopleError(Refusal):
    """A change to a person was refused. ``message`` is a message id, shown translated
    with ``params`` filled in."""

    @property
    def params(self) -> dict[str, Any]:
        """The values of the message's placeholders (the refusal's ``values``)."""
        return self.values


# -- finding people -------------------------------------------------------------------


def visible_people(
    actor: Actor, permission: str, community_id: int, root: Node
) -> QuerySet[Person]:
    """The people of the community that ``actor`` may see with ``permission``, as a SQL
    filter: everyone when a grant covers the community's own node, else the people whose
    current household lies inside a granted node (a grid worker sees their buildings)."""
    people = Person.filter(community_id=community_id)
    if any(root.path.startswith(path) for path in actor.paths_allowing(permission)):
        return people
    homes = actor.visible(
        permission,
        Membership.filter(ended_on__isnull=True, household__community_id=community_id),
        node_field="household__node",
    )
    return people.filter(id__in=Subquery(homes.values("person_id")))


@dataclass(frozen=True)
class PeopleFilter:
    """What a register search asks for; empty parts match everyone."""

    text: str = ""
    building: Node | None = None
    tag: str = ""

    @property
    def active(self) -> bool:
        return bool(self.text or self.building or self.tag)


def _current_members(**lookups: Any) -> Subquery:
    """People with a current membership matching ``lookups``, as a subquery (so a
    person with several matching rows is still listed once)."""
    return Subquery(Membership.filter(ended_on__isnull=True, **lookups).values("person_id"))


def search_people(people: QuerySet[Person], wanted: PeopleFilter) -> QuerySet[Person]:
    """Narrow ``people``: ``text`` matches the name, the phone number or the household
    code; ``building`` keeps those living inside that node; ``tag`` those carrying it."""
    text = wanted.text.strip()
    if text:
        people = people.filter(
            Q(name__icontains=text)
            | Q(phone__contains=text)
            | Q(id__in=_current_members(household__code__icontains=text))
        )
    if wanted.building is not None:
        people = people.filter(
            id__in=_current_members(household__node__path__startswith=wanted.building.path)
        )
    if wanted.tag:
        people = people.filter(
            id__in=Subquery(PersonTag.filter(tag=wanted.tag).values("person_id"))
        )
    return people


def age_on(birth_date: date | None, today: date) -> int | None:
    """Age in whole years on ``today``; ``None`` when the birth date is unknown."""
    if birth_date is None:
        return None
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - before_birthday


@dataclass
class PersonRow:
    """One line of the people list."""

    person: Person
    tags: list[str]
    membership: Membership | None
    age: int | None


@dataclass
class PeoplePage:
    rows: list[PersonRow]
    total: int
    page: int
    pages: int


def sort_tags(tags: Any) -> list[str]:
    """Known tags in their usual order, then any others alphabetically."""
    order = {tag: index for index, tag in enumerate(KNOWN_TAGS)}
    return sorted(set(tags), key=lambda tag: (order.get(tag, len(order)), tag))


async def page_of_people(
    people: QuerySet[Person], page: int, *, today: date, per_page: int = PAGE_SIZE
) -> PeoplePage:
    """One page of ``people`` with their tags and current households: four queries (the
    count, the page, its tags, its memberships) however many people there are."""
    total = await people.count()
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    found = await people.offset((page - 1) * per_page).limit(per_page).prefetch_related("tags")
    memberships: dict[int, Membership] = {}
    if found:
        for membership in await Membership.filter(
            person_id__in=[p.id for p in found], ended_on__isnull=True
        ).select_related("household__node"):
            memberships.setdefault(membership.person_id, membership)
    rows = [
        PersonRow(
            person=person,
            tags=sort_tags(tag.tag for tag in person.tags),
            membership=memberships.get(person.id),
            age=age_on(person.birth_date, today),
        )
        for person in found
    ]
    return PeoplePage(rows=rows, total=total, page=page, pages=pages)


async def buildings_of(community_id: int) -> list[Node]:
    """The community's buildings, for the search form, in natural order (2栋 before
    10栋): one query."""
    found = await Node.filter(community_id=community_id, tree="place", kind__key="building")
    return natural_sorted(sorted(found, key=lambda node: node.id), key=lambda node: node.name)


# -- a person's page ------------------------------------------------------------------


@dataclass
class HeldRole:
    role: Any
    node: Node


@dataclass
class PersonDetails:
    """Everything the person's page shows, loaded in a fixed number of queries."""

    person: Person
    age: int | None
    tags: list[str]
    membership: Membership | None
    members: list[Membership]
    past: list[Membership]
    account: Account | None
    roles: list[HeldRole] = field(default_factory=list)
    history: list[AuditEntry] = field(default_factory=list)


HISTORY_LENGTH = 50


async def person_details(
    person: Person, *, today: date, now: datetime | None = None
) -> PersonDetails:
    """The person's household and its members, earlier households, tags, the roles
    their account holds, and the audit entries about them or made on their behalf."""
    memberships = (
        await Membership.filter(person_id=person.id)
        .select_related("household__node")
        .order_by("-started_on", "-id")
    )
    current = next((m for m in memberships if m.ended_on is None), None)
    past = [m for m in memberships if m.ended_on is not None]
    members: list[Membership] = []
    if current is not None:
        members = (
            await Membership.filter(household_id=current.household_id, ended_on__isnull=True)
            .select_related("person")
            .order_by("started_on", "id")
        )
    tags = sort_tags(await PersonTag.filter(person_id=person.id).values_list("tag", flat=True))
    account = await Account.get_or_none(person_id=person.id)
    roles: list[HeldRole] = []
    if account is not None:
        moment = now or datetime.now(UTC)
        grants = (
            await Grant.filter(account_id=account.id, starts_at__lte=moment)
            .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=moment))
            .select_related("role", "node")
            .order_by("node__depth", "id")
        )
        roles = [HeldRole(role=g.role, node=g.node) for g in grants]
    history = (
        await AuditEntry.filter(
            Q(on_behalf_of_id=person.id) | Q(object_type="core.Person", object_id=str(person.id))
        )
        .select_related("actor")
        .limit(HISTORY_LENGTH)
    )
    return PersonDetails(
        person=person,
        age=age_on(person.birth_date, today),
        tags=tags,
        membership=current,
        members=members,
        past=past,
        account=account,
        roles=roles,
        history=history,
    )


# -- changing people ------------------------------------------------------------------


async def register_changed(community_id: int, people: list[int], reason: str) -> None:
    """Tell the plugins that derive something from the register (``register.changed``),
    in the caller's transaction."""
    await emit_if_running(
        "register.changed",
        RegisterChanged(people=sorted(set(people)), reason=reason),
        community=community_id,
    )


def _check_tag(tag: str) -> str:
    tag = tag.strip()
    if tag not in KNOWN_TAGS:
        raise PeopleError(
            N_("Unknown tag %(tag)s. Known tags: %(known)s."), tag=tag, known="、".join(KNOWN_TAGS)
        )
    return tag


async def add_tag(person: Person, tag: str, *, actor: Actor | None) -> bool:
    """Tag ``person``; ``False`` when the tag was already there. Recorded."""
    tag = _check_tag(tag)
    async with in_transaction():
        _, created = await PersonTag.get_or_create(person_id=person.id, tag=tag)
        if created:
            await register_changed(person.community_id, [person.id], "tag")
            await record(
                "identity.person.tag_added",
                actor=actor,
                community_id=person.community_id,
                obj=person,
                after={"tag": tag},
            )
    return created


async def remove_tag(person: Person, tag: str, *, actor: Actor | None) -> bool:
    """Take a tag off ``person``; ``False`` when it was not there. Recorded."""
    tag = tag.strip()
    async with in_transaction():
        removed = await PersonTag.filter(person_id=person.id, tag=tag).delete()
        if removed:
            await register_changed(person.community_id, [person.id], "tag")
            await record(
                "identity.person.tag_removed",
                actor=actor,
                community_id=person.community_id,
                obj=person,
                before={"tag": tag},
            )
    return bool(removed)


async def household_by_code(community_id: int, code: str) -> Household | None:
    return (
        await Household.filter(community_id=community_id, code=code.strip())
        .select_related("node")
        .first()
    )


async def move_person(
    person: Person,
    household: Household,
    *,
    actor: Actor | None,
    relation: str = "",
    on: date,
) -> Membership:
    """Move ``person`` into ``household``: their current membership ends ``on`` that day
    and a new one starts, so the register keeps where they lived before.

    A staff ``actor`` needs ``identity.person.edit`` where the household is, as well as
    where the person lives now (which the page's guard checks)."""
    if household.community_id != person.community_id:
        raise PeopleError(N_("This household belongs to another community."))
    relation = relation.strip()
    if len(relation) > 16:
        raise PeopleError(N_("Too long: at most %(limit)d characters."), limit=16)
    node = await Node.get(id=household.node_id)
    if actor is not None and not actor.can("identity.person.edit", node):
        raise PeopleError(N_("You may not move people into this household."))
    async with in_transaction():
        current = await Membership.filter(
            person_id=person.id, ended_on__isnull=True
        ).select_for_update()  # two clerks moving one person cannot both succeed
        if any(m.household_id == household.id for m in current):
            raise PeopleError(N_("%(name)s already lives in this household."), name=person.name)
        left = await Household.filter(id__in=[m.household_id for m in current]).values_list(
            "code", flat=True
        )
        for membership in current:
            membership.ended_on = on
            await membership.save(update_fields=["ended_on"])
        joined = await Membership.create(
            household_id=household.id, person_id=person.id, relation=relation, started_on=on
        )
        await register_changed(person.community_id, [person.id], "moved")
        await record(
            "identity.person.moved",
            actor=actor,
            community_id=person.community_id,
            obj=person,
            before={"households": sorted(left)},
            after={"household": household.code, "relation": relation},
        )
    return joined


async def reveal_id_number(person: Person, *, actor: Actor | None) -> str:
    """``person``'s full ID-card number, recorded in the audit trail as seen by
    ``actor``. The caller has checked ``identity.person.view_sensitive`` where the person
    lives; pages show the masked number otherwise."""
    await record(
        "identity.person.id_number_shown",
        actor=actor,
        community_id=person.community_id,
        obj=person,
    )
    return person.id_number
