"""The plugin's models: its own Tortoise app, labelled like the plugin.

After changing a model, write its migration with ``linli makemigrations`` and commit it.
"""

from tortoise import fields
from tortoise.models import Model


class Item(Model):
    """An item that a community keeps in Council."""

    id = fields.IntField(primary_key=True)
    community = fields.ForeignKeyField(
        "core.Community",
        related_name="council_items",
    )
    title = fields.CharField(max_length=200)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "council_item"
        ordering = ("-created_at", "-id")
