"""Audit entries: append-only."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class AuditEntry(Model):
    """Who did what, on whose behalf, when, with the values before and after."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "core.Community", related_name="audit_entries", null=True, on_delete=fields.CASCADE
    )
    community_id: int | None
    actor: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "core.Account", related_name="audit_entries", null=True, on_delete=fields.SET_NULL
    )
    actor_id: int | None
    on_behalf_of: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "core.Person", related_name="audit_on_behalf", null=True, on_delete=fields.SET_NULL
    )
    on_behalf_of_id: int | None
    action = fields.CharField(max_length=64, db_index=True)
    object_type = fields.CharField(max_length=64, default="", db_index=True)
    object_id = fields.CharField(max_length=64, default="")
    before = fields.JSONField(null=True)
    after = fields.JSONField(null=True)
    at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "core_audit_entry"
        ordering = ("-at", "-id")
        indexes = (
            ("actor_id",),
            ("community_id",),
            ("on_behalf_of_id",),
        )
