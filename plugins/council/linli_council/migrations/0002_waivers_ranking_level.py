from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("core", "0002_identity_hierarchy_permissions"),
        ("core", "0003_uploads"),
        ("council", "0001_initial"),
    ]

    initial = False

    operations = [
        ops.AddField(
            model_name="ActionItem",
            name="waived_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name="ActionItem",
            name="waived_reason",
            field=fields.TextField(default="", db_default="", unique=False),
        ),
        ops.AddField(
            model_name="CouncilSettings",
            name="ranking_level",
            field=fields.CharField(default="building", db_default="building", max_length=32),
        ),
    ]
