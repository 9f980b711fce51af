from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("core", "0002_identity_hierarchy_permissions"),
        ("core", "0003_uploads"),
        ("core", "0004_plugin_settings"),
        ("core", "0005_site_stamp"),
        ("core", "0006_grant_account_index"),
        ("core", "0007_notifications_jobs"),
        ("volunteers", "0001_initial"),
    ]

    initial = False

    operations = [
        ops.AddField(
            model_name="Hours",
            name="points",
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name="Qualification",
            name="warned_for",
            field=fields.DateField(null=True),
        ),
    ]
