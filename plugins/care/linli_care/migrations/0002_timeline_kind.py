from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0001_initial"),
        ("core", "0001_initial"),
        ("core", "0002_identity_hierarchy_permissions"),
        ("core", "0003_uploads"),
        ("core", "0004_plugin_settings"),
        ("core", "0005_site_stamp"),
        ("core", "0006_grant_account_index"),
        ("core", "0007_notifications_jobs"),
    ]

    initial = False

    operations = [
        ops.AlterModelOptions(
            name="TimelineEntry",
            options={
                "table": "care_timeline",
                "app": "care",
                "unique_together": (("community", "source", "reference"),),
                "pk_attr": "id",
                "table_description": "Something another part of linli told about a person: a door nobody opened, a",
            },
        ),
        ops.AddField(
            model_name="TimelineEntry",
            name="kind",
            field=fields.CharField(default="concern", db_default="concern", max_length=10),
        ),
    ]
