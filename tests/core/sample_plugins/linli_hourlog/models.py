from tortoise import fields
from tortoise.models import Model


class Hours(Model):
    """Hours a resident gave, as their team leader logged them."""

    id = fields.IntField(primary_key=True)
    community = fields.ForeignKeyField(
        "core.Community", related_name="hourlog_hours", db_index=True
    )
    person = fields.ForeignKeyField("core.Person", related_name="hourlog_hours", db_index=True)
    hours = fields.FloatField()
    task = fields.CharField(max_length=100)

    class Meta:
        table = "hourlog_hours"
        ordering = ("-id",)
