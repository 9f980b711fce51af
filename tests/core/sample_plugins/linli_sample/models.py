from tortoise import fields
from tortoise.models import Model


class Note(Model):
    """A note a neighbour leaves on the board."""

    id = fields.IntField(primary_key=True)
    community = fields.ForeignKeyField("core.Community", related_name="sample_notes", db_index=True)
    text = fields.CharField(max_length=200)
    acknowledged = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "sample_note"
        ordering = ("-created_at", "-id")
