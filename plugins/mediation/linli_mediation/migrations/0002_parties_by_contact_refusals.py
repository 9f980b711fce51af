"""A party may be known by a door number or phone only (no name); a signature may
record a refusal to sign, with a note."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("core", "0003_uploads"), ("mediation", "0001_initial")]

    initial = False

    operations = [
        ops.AlterModelOptions(
            name="Party",
            options={
                "table": "mediation_party",
                "app": "mediation",
                "pk_attr": "id",
                "table_description": "A side of a dispute: a person of the register, or an outsider known by a name, a",
            },
        ),
        ops.AlterField(
            model_name="Party",
            name="name",
            field=fields.CharField(
                default="",
                description="empty when the resident knew only the other side's door number or phone",
                max_length=64,
            ),
        ),
        ops.AlterModelOptions(
            name="Signature",
            options={
                "table": "mediation_signature",
                "app": "mediation",
                "unique_together": (("agreement", "party"),),
                "pk_attr": "id",
                "table_description": "A party signed the printed agreement on a given day, or refused to sign it",
            },
        ),
        ops.AddField(
            model_name="Signature",
            name="note",
            field=fields.CharField(default="", db_default="", max_length=200),
        ),
        ops.AddField(
            model_name="Signature",
            name="refused",
            field=fields.BooleanField(default=False, db_default=False),
        ),
    ]
