"""Rules of the trees: creating and moving nodes keeps every path right."""

from __future__ import annotations

from collections.abc import Iterable

from tortoise.expressions import Q
from tortoise.functions import Count
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from linli.domain.audit.services import record, snapshot
from linli.domain.hierarchy.models import Node, NodeKind
from linli.domain.permissions.services import Actor
from linli.kernel.i18n import N_
from linli.kernel.refusals import Refusal
from linli.kernel.sorting import natural_sorted


class TreeError(Refusal):
    """A tree change that would break the tree; the message says why."""


async def add_node(
    *,
    kind: NodeKind | str,
    name: str,
    parent: Node | None = None,
    community_id: int | None = None,
    name_en: str = "",
    code: str = "",
    covers: Node | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
) -> Node:
    """Create a node under ``parent`` (or a root) and set its path."""
    if isinstance(kind, str):
        kind = await NodeKind.get(key=kind)
    if parent is not None and parent.tree != kind.tree:
        raise TreeError(f"a {kind.key} belongs to the {kind.tree} tree, not {parent.tree}")
    async with in_transaction():
        node = await Node.create(
            community_id=community_id if parent is None else parent.community_id,
            tree=kind.tree,
            kind=kind,
            parent=parent,
            name=name,
            name_en=name_en,
            code=code,
            covers=covers,
            latitude=latitude,
            longitude=longitude,
            depth=0 if parent is None else parent.depth + 1,
        )
        node.path = f"{parent.path if parent else '/'}{node.id}/"
        await node.save(update_fields=["path"])
    return node


def inside(node: Node) -> QuerySet[Node]:
    """Every node inside ``node``, itself included: one indexed prefix query."""
    return Node.filter(path__startswith=node.path)


async def ancestors(node: Node) -> list[Node]:
    """The nodes above ``node``, root first, itself last: one query."""
    return await Node.filter(id__in=node.ancestor_ids()).order_by("depth")


async def addresses(
    nodes: Iterable[Node | None], language: str, *, top: int = 1, separator: str = " "
) -> dict[int, str]:
    """Each node's address from below its tree's top ``top`` levels down to itself
    ("10栋 2单元 601室" rather than a bare "601室"), in the visitor's language: one
    query for all of them. Give ``top=2`` to leave out the estate as well."""
    wanted = [node for node in nodes if node is not None]
    ids = {ancestor for node in wanted for ancestor in node.ancestor_ids()}
    if not ids:
        return {}
    found = {
        row["id"]: row
        for row in await Node.filter(id__in=ids).values("id", "name", "name_en", "depth")
    }

    def name_of(row: dict[str, object]) -> str:
        english = row["name_en"] if language == "en" else ""
        return str(english or row["name"])

    return {
        node.id: separator.join(
            name_of(found[ancestor])
            for ancestor in node.ancestor_ids()
            if ancestor in found and int(found[ancestor]["depth"]) >= top
        )
        or node.name_in(language)
        for node in wanted
    }


async def move_node(node: Node, new_parent: Node) -> Node:
    """Move ``node`` and its whole subtree under ``new_parent``.

    Rewrites each descendant's path row by row (an administrator's rare act), locked
    on PostgreSQL so that a concurrent move cannot interleave."""
    if new_parent.path.startswith(node.path):
        raise TreeError("a node cannot move inside itself")
    if new_parent.tree != node.tree:
        raise TreeError("a node cannot move to another tree")
    old_path, old_depth = node.path, node.depth
    new_path = f"{new_parent.path}{node.id}/"
    shift = new_parent.depth + 1 - old_depth
    async with in_transaction():
        descendants = await Node.filter(path__startswith=old_path).select_for_update()
        for each in descendants:
            each.path = new_path + each.path[len(old_path) :]
            each.depth = each.depth + shift
            if each.id == node.id:
                each.parent_id = new_parent.id
            await each.save(update_fields=["path", "depth", "parent_id"])
    await node.refresh_from_db()
    return node


# The administrators' side of the trees: browsing, searching and editing, each write
# recorded in the audit trail. Messages of ``TreeError`` raised below are message ids,
# translated where they are shown.

#: Longest name and code a node may have (the sizes of the columns).
NAME_LENGTH = 200
CODE_LENGTH = 64
#: Ids a row can have (a 32-bit integer column): anything else names no row, and asking
#: PostgreSQL for it would be an error rather than "not found".
IDS = range(1, 2**31)


async def node_in_community(community_id: int, node_id: int) -> Node | None:
    """The node ``node_id`` with its kind and what it covers, if it belongs to the
    community; ``None`` for a node of another community or none at all."""
    if node_id not in IDS:
        return None
    return (
        await Node.filter(id=node_id, community_id=community_id)
        .select_related("kind", "covers__kind")
        .first()
    )


async def tree_kinds() -> dict[str, list[NodeKind]]:
    """Every tree and its kinds, in rank order (place first): one query."""
    trees: dict[str, list[NodeKind]] = {}
    for kind in await NodeKind.all().order_by("rank", "id"):
        trees.setdefault(kind.tree, []).append(kind)
    return trees


async def tree_roots(community_id: int) -> list[Node]:
    """The tops of the community's trees (nodes without a parent): one query."""
    return (
        await Node.filter(community_id=community_id, parent_id__isnull=True)
        .select_related("kind")
        .order_by("kind__rank", "id")
    )


async def children_of(node: Node) -> list[Node]:
    """The nodes right below ``node`` in natural order of their names (2栋 before 10栋,
    601室 before 1201室): one query."""
    found = await Node.filter(parent_id=node.id).select_related("kind").order_by("id")
    return natural_sorted(found, key=lambda child: child.name)


async def child_counts(nodes: list[Node]) -> dict[int, int]:
    """How many children each of ``nodes`` has (absent means none): one query."""
    if not nodes:
        return {}
    rows = (
        await Node.filter(parent_id__in=[node.id for node in nodes])
        .annotate(count=Count("id"))
        .group_by("parent_id")
        .values_list("parent_id", "count")
    )
    return {parent_id: count for parent_id, count in rows}


async def covered_by(node: Node) -> list[Node]:
    """The organisation units that cover ``node`` (a party group covering a building)."""
    return await Node.filter(covers_id=node.id).select_related("kind").order_by("tree", "id")


async def search_nodes(
    community_id: int,
    text: str,
    *,
    tree: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[Node], bool]:
    """Nodes of the community whose name, English name or code contains ``text`` (all of
    them when it is empty), with their kind and parent: one query. Returns a page of at
    most ``limit`` nodes and whether more follow."""
    query = Node.filter(community_id=community_id)
    if tree is not None:
        query = query.filter(tree=tree)
    text = text.strip()
    if text:
        query = query.filter(
            Q(name__icontains=text) | Q(name_en__icontains=text) | Q(code__icontains=text)
        )
    rows = (
        await query.select_related("kind", "parent")
        .order_by("kind__rank", "depth", "name", "id")
        .offset(max(offset, 0))
        .limit(limit + 1)
    )
    return rows[:limit], len(rows) > limit


def clean_node_fields(name: str, name_en: str, code: str) -> tuple[str, str, str]:
    """Trimmed name, English name and code; :class:`TreeError` when one will not do."""
    name, name_en, code = name.strip(), name_en.strip(), code.strip()
    if not name:
        raise TreeError(N_("Give the node a name."))
    if len(name) > NAME_LENGTH or len(name_en) > NAME_LENGTH:
        raise TreeError(N_("A name can have at most 200 characters."))
    if len(code) > CODE_LENGTH:
        raise TreeError(N_("A code can have at most 64 characters."))
    return name, name_en, code


_EDITED = ["name", "name_en", "code"]


async def edit_node(node: Node, *, name: str, name_en: str, code: str, actor: Actor) -> Node:
    """Rename a node or change its code; audited. Nothing is written when nothing
    changes."""
    name, name_en, code = clean_node_fields(name, name_en, code)
    before = snapshot(node, _EDITED)
    after = {"name": name, "name_en": name_en, "code": code}
    if before == after:
        return node
    async with in_transaction():
        node.name, node.name_en, node.code = name, name_en, code
        await node.save(update_fields=_EDITED)
        await record(
            "node.edit",
            actor=actor,
            community_id=node.community_id,
            obj=node,
            before=before,
            after=after,
        )
    return node


async def _kind_of_tree(tree: str, kind_id: int) -> NodeKind:
    kind = await NodeKind.get_or_none(id=kind_id, tree=tree) if kind_id in IDS else None
    if kind is None:
        raise TreeError(N_("Choose one of the kinds of this tree."))
    return kind


async def add_child(
    parent: Node,
    *,
    kind_id: int,
    name: str,
    name_en: str = "",
    code: str = "",
    actor: Actor,
) -> Node:
    """Add a node below ``parent``, of a kind from the parent's tree; audited."""
    name, name_en, code = clean_node_fields(name, name_en, code)
    kind = await _kind_of_tree(parent.tree, kind_id)
    async with in_transaction():
        node = await add_node(kind=kind, name=name, name_en=name_en, code=code, parent=parent)
        await record(
            "node.add",
            actor=actor,
            community_id=node.community_id,
            obj=node,
            after={**snapshot(node, _EDITED), "kind": kind.key, "parent": parent.id},
        )
    return node


async def add_root(
    community_id: int,
    tree: str,
    *,
    kind_id: int,
    name: str,
    name_en: str = "",
    code: str = "",
    actor: Actor,
) -> Node:
    """Start a tree, or another top in it (a second property company); audited.

    The place tree has one top, the community itself, made with the community."""
    if tree == "place":
        raise TreeError(
            N_("The place tree has one top, the community itself: add places inside it.")
        )
    name, name_en, code = clean_node_fields(name, name_en, code)
    kind = await _kind_of_tree(tree, kind_id)
    async with in_transaction():
        node = await add_node(
            kind=kind, name=name, name_en=name_en, code=code, community_id=community_id
        )
        await record(
            "node.add",
            actor=actor,
            community_id=community_id,
            obj=node,
            after={**snapshot(node, _EDITED), "kind": kind.key, "parent": None},
        )
    return node


async def move_subtree(node: Node, new_parent: Node, *, actor: Actor) -> int:
    """Move ``node`` with everything below it under ``new_parent``; audited. Returns how
    many nodes moved (0 when it is already there)."""
    if node.community_id != new_parent.community_id:
        raise TreeError(N_("A node can only move within its own community."))
    if new_parent.path.startswith(node.path):
        raise TreeError(N_("A node cannot move into itself or into a node below it."))
    if new_parent.tree != node.tree:
        raise TreeError(N_("A node can only move within its own tree."))
    if node.parent_id == new_parent.id:
        return 0
    before = {"parent": node.parent_id, "path": node.path}
    async with in_transaction():
        moved = await Node.filter(path__startswith=node.path).count()
        await move_node(node, new_parent)
        await record(
            "node.move",
            actor=actor,
            community_id=node.community_id,
            obj=node,
            before=before,
            after={"parent": new_parent.id, "path": node.path, "moved": moved},
        )
    return moved
