"""Where each account holder wants email."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class EmailAddress(Model):
    """An account's address for notifications (one per account)."""

    id = fields.IntField(primary_key=True)
    account: fields.OneToOneRelation = fields.OneToOneField(
        "core.Account", related_name="email_address", on_delete=fields.CASCADE
    )
    account_id: int
    address = fields.CharField(max_length=254)
    changed_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "email_address"
