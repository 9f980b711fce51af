"""Rules of the trees: creating and moving nodes keeps every path right."""

from __future__ import annotations

from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from linli.hierarchy.models import Node, NodeKind


class TreeError(ValueError):
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
