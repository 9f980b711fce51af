from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
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
        ("streetbank", "0005_posting_account_index"),
    ]

    initial = False

    operations = [
        ops.AddField(
            model_name="CatalogueItem",
            name="photo",
            field=fields.ForeignKeyField(
                "core.Upload",
                source_field="photo_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.SET_NULL,
            ),
        ),
    ]
