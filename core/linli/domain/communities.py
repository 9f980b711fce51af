"""Setting up a community: its record, the root of its place tree, its roles, and the
phone numbers residents call it on."""

from __future__ import annotations

import re
import unicodedata

from tortoise.transactions import in_transaction

from linli.domain.audit.services import record
from linli.domain.hierarchy.models import COMMUNITY_KIND, Node, NodeKind
from linli.domain.hierarchy.services import add_node
from linli.domain.identity.models import Account
from linli.domain.permissions.services import Actor, builtin_roles, ensure_roles
from linli.kernel.i18n import N_
from linli.kernel.models import Community
from linli.kernel.refusals import Refusal
from linli.kernel.registry import PluginRegistry

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")

#: The levels every installation starts with: (tree, key, 中文, English). Administrators
#: rename or add levels in the database; nothing in the code depends on these names
#: except ``community``, the kind of a community's root place node.
DEFAULT_KINDS = [
    ("place", "district", "区", "District"),
    ("place", "subdistrict", "街道", "Subdistrict"),
    ("place", "community", "社区", "Community"),
    ("place", "estate", "小区", "Estate"),
    ("place", "building", "楼栋", "Building"),
    ("place", "entrance", "单元", "Entrance"),
    ("place", "household", "户", "Household"),
    ("place", "facility", "场所", "Facility"),
    ("party", "party_committee", "社区党委", "Community party committee"),
    ("party", "party_branch", "小区党支部", "Estate party branch"),
    ("party", "party_group", "楼栋党小组", "Building party group"),
    ("party", "party_lead_household", "党员中心户", "Party-member lead household"),
    ("property", "property_company", "物业公司", "Property company"),
    ("property", "property_team", "物业服务组", "Property service team"),
    ("partner", "partner_network", "共建资源池", "Partner network"),
    ("partner", "partner_unit", "共建单位", "Partner unit"),
    ("partner", "merchant", "商户", "Merchant"),
]


class CommunityError(Refusal):
    """A community cannot be created as asked; the message says why."""


async def ensure_node_kinds() -> None:
    """Create the default node kinds that are missing (idempotent)."""
    for rank, (tree, key, name, name_en) in enumerate(DEFAULT_KINDS):
        await NodeKind.get_or_create(
            key=key, defaults={"tree": tree, "name": name, "name_en": name_en, "rank": rank}
        )


async def create_community(
    slug: str,
    name: str,
    registry: PluginRegistry,
    *,
    name_en: str = "",
    service_phone: str = "",
    duty_phone: str = "",
) -> Community:
    """Create a community with its root place node and the built-in roles; its phone
    numbers are checked as :func:`set_phones` does."""
    if not SLUG.match(slug):
        raise CommunityError(f"{slug!r}: use lowercase letters, digits and '-', at most 64")
    phones = _checked_phones(service_phone=service_phone, duty_phone=duty_phone)
    async with in_transaction():
        if await Community.exists(slug=slug):
            raise CommunityError(f"community {slug} already exists")
        await ensure_node_kinds()
        community = await Community.create(
            slug=slug,
            name=name,
            name_en=name_en,
            service_phone=phones["service_phone"],
            duty_phone=phones["duty_phone"],
        )
        await add_node(kind=COMMUNITY_KIND, name=name, name_en=name_en, community_id=community.id)
        await ensure_roles(community, builtin_roles(), registry.catalogues)
    return community


async def community_root(community: Community | int) -> Node:
    """The community's own place node (the top of its place tree)."""
    community_id = community if isinstance(community, int) else community.id
    node = (
        await Node.filter(community_id=community_id, tree="place").order_by("depth", "id").first()
    )
    if node is None:
        raise CommunityError(f"community {community_id} has no place tree")
    return node


# Phone numbers

#: A mobile number: 11 digits from 13… to 19….
_MOBILE = re.compile(r"1[3-9]\d{9}")
#: A landline with its area code (010 and 02x have three digits: 027 is Wuhan; the
#: others four: 0755 Shenzhen), then a local number of 7 or 8 digits.
_LANDLINE = re.compile(r"(010|02\d|0[3-9]\d{2})([2-9]\d{6,7})")
#: 400 and 800 numbers of companies (a property company's hotline): 10 digits.
_HOTLINE = re.compile(r"([48]00)-?(\d{3})-?(\d{4})")
#: Short service numbers: 110, 120, 12345 (the city's hotline), 95598, 96…
_SHORT = re.compile(r"1\d{2,4}|9[56]\d{3}")
#: What may separate the parts of a number as people write it.
_SEPARATORS = re.compile(r"[\s\-–—()]+")
#: Fields of :class:`~linli.kernel.models.Community` that hold a number to call.
PHONE_FIELDS = ("service_phone", "duty_phone")
PHONE_ERROR = N_(
    "Enter a phone number as it is dialled: a mobile number of 11 digits (13812345678), "
    "a landline with its area code (027-85612345) or a service number (12345)."
)


class PhoneError(CommunityError):
    """Not a Chinese phone number linli knows how to dial."""

    message = PHONE_ERROR


def clean_phone(text: str) -> str:
    """A phone number as it is stored and shown: a mobile ``13812345678``, a landline
    ``027-85612345``, a hotline ``400-123-4567`` or a service number ``12345``; empty for
    empty input. Full-width digits, spaces, dashes, brackets around an area code and a
    leading +86 are accepted; anything else raises :class:`PhoneError`."""
    compact = unicodedata.normalize("NFKC", text).strip()
    if not compact:
        return ""
    digits = _SEPARATORS.sub("", compact)
    if digits.startswith("+86"):  # the country's own code: dialled within China
        digits = digits[3:]
    if _MOBILE.fullmatch(digits) or _SHORT.fullmatch(digits):
        return digits
    if match := _HOTLINE.fullmatch(digits):
        return "-".join(match.groups())
    if match := _LANDLINE.fullmatch(digits):
        return "-".join(match.groups())
    raise PhoneError()


def tel_href(number: str) -> str:
    """The ``tel:`` address of a stored number (its digits)."""
    return "tel:" + re.sub(r"\D", "", number)


def _checked_phones(**numbers: str) -> dict[str, str]:
    """Each number cleaned, or a :class:`PhoneError` about the first bad one's field."""
    cleaned = {}
    for name, text in numbers.items():
        try:
            cleaned[name] = clean_phone(text)
        except PhoneError as exc:
            exc.field = name
            raise
    return cleaned


async def set_phones(
    community: Community | int,
    *,
    service_phone: str,
    duty_phone: str,
    actor: Actor | Account | None,
) -> Community:
    """Set the community's service and duty phone numbers (either may be empty: no
    number). Both are checked before anything is written; a bad one raises a
    :class:`PhoneError` about its field. The change is audited as ``community.phones``
    with the numbers before and after; a change that changes nothing writes nothing.
    Answers the community as stored now."""
    wanted = _checked_phones(service_phone=service_phone, duty_phone=duty_phone)
    community_id = community if isinstance(community, int) else community.id
    async with in_transaction():
        row = await Community.select_for_update().get(id=community_id)
        before = {name: getattr(row, name) for name in PHONE_FIELDS}
        changed = [name for name in PHONE_FIELDS if before[name] != wanted[name]]
        if not changed:
            return row
        for name in changed:
            setattr(row, name, wanted[name])
        await row.save(update_fields=changed)
        await record(
            "community.phones",
            actor=actor,
            community_id=row.id,
            obj=row,
            before={name: before[name] for name in changed},
            after={name: wanted[name] for name in changed},
        )
    return row
