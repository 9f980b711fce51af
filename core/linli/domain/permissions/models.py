"""Roles and grants."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from linli.kernel.models import BilingualName


class Role(BilingualName, Model):
    """A named bundle of permissions in a community (built-in, from a plugin, or made
    by an administrator)."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "core.Community", related_name="roles", on_delete=fields.CASCADE
    )
    community_id: int
    key = fields.CharField(max_length=64)
    name = fields.CharField(max_length=64)
    name_en = fields.CharField(max_length=64, default="")
    permissions = fields.JSONField(default=list)
    source = fields.CharField(max_length=64, default="core")

    class Meta:
        table = "core_role"
        unique_together = (("community", "key"),)


class Grant(Model):
    """A role given to an account at a node.

    It covers the node's whole subtree until ``ends_at``, if set."""

    id = fields.IntField(primary_key=True)
    # indexed: every visitor's grants are read by account
    account: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "core.Account", related_name="grants", on_delete=fields.CASCADE, db_index=True
    )
    account_id: int
    role: fields.ForeignKeyRelation[Role] = fields.ForeignKeyField(
        "core.Role", related_name="grants", on_delete=fields.CASCADE
    )
    role_id: int
    node: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "core.Node", related_name="grants", on_delete=fields.CASCADE
    )
    node_id: int
    starts_at = fields.DatetimeField(auto_now_add=True)
    ends_at = fields.DatetimeField(null=True, db_index=True)
    granted_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "core.Account", related_name="grants_given", null=True, on_delete=fields.SET_NULL
    )
    granted_by_id: int | None

    class Meta:
        table = "core_grant"
        indexes = (
            ("granted_by_id",),
            ("node_id",),
            ("role_id",),
        )
