"""Tree nodes. Each node stores its ``path`` (the ids from the root, ``/1/5/23/``), so
"is X inside Y" is ``X.path.startswith(Y.path)`` and "everything inside Y" is one
indexed ``path LIKE 'Y.path%'`` query, at any depth."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from linli.kernel.models import BilingualName

#: The kind of a community's own place node (the top of its place tree). A grant there
#: reaches the whole community, in every tree.
COMMUNITY_KIND = "community"


class NodeKind(BilingualName, Model):
    """A level of a tree (楼栋 building, 党小组 party group …).

    Kinds are rows, not code: another city renames or drops levels by editing them."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=48, unique=True)
    tree = fields.CharField(max_length=24, db_index=True)
    name = fields.CharField(max_length=64)
    name_en = fields.CharField(max_length=64, default="")
    rank = fields.IntField(default=0)

    class Meta:
        table = "core_node_kind"
        ordering = ("tree", "rank")


class Node(BilingualName, Model):
    """A place (building, entrance, household …) or an organisation unit.

    ``covers`` ties an organisation unit to the place it serves: a building party
    group covers its building."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "core.Community", related_name="nodes", null=True, on_delete=fields.CASCADE
    )
    community_id: int | None
    tree = fields.CharField(max_length=24, db_index=True)
    kind: fields.ForeignKeyRelation[NodeKind] = fields.ForeignKeyField(
        "core.NodeKind", related_name="nodes", on_delete=fields.RESTRICT
    )
    kind_id: int
    parent: fields.ForeignKeyNullableRelation[Node] = fields.ForeignKeyField(
        "core.Node", related_name="children", null=True, on_delete=fields.RESTRICT
    )
    parent_id: int | None
    path = fields.CharField(max_length=512, default="", db_index=True)
    depth = fields.IntField(default=0)
    name = fields.CharField(max_length=200)
    name_en = fields.CharField(max_length=200, default="")
    code = fields.CharField(max_length=64, default="", db_index=True)
    covers: fields.ForeignKeyNullableRelation[Node] = fields.ForeignKeyField(
        "core.Node", related_name="covered_by", null=True, on_delete=fields.SET_NULL
    )
    covers_id: int | None
    latitude = fields.FloatField(null=True)
    longitude = fields.FloatField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "core_node"
        ordering = ("path",)
        indexes = (
            ("community_id",),
            ("covers_id",),
            ("kind_id",),
            ("parent_id",),
        )

    def contains(self, other: Node) -> bool:
        """Whether ``other`` is this node or lies inside it."""
        return other.path.startswith(self.path)

    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to this node, itself included."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def __str__(self) -> str:
        return self.name
