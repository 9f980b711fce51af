"""Setting up a community: its record, the root of its place tree, its roles."""

from __future__ import annotations

import re

from tortoise.transactions import in_transaction

from linli.domain.hierarchy.models import COMMUNITY_KIND, Node, NodeKind
from linli.domain.hierarchy.services import add_node
from linli.domain.permissions.services import builtin_roles, ensure_roles
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
    slug: str, name: str, registry: PluginRegistry, *, name_en: str = ""
) -> Community:
    """Create a community with its root place node and the built-in roles."""
    if not SLUG.match(slug):
        raise CommunityError(f"{slug!r}: use lowercase letters, digits and '-', at most 64")
    async with in_transaction():
        if await Community.exists(slug=slug):
            raise CommunityError(f"community {slug} already exists")
        await ensure_node_kinds()
        community = await Community.create(slug=slug, name=name, name_en=name_en)
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
