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
        ("requests", "0001_initial"),
    ]

    initial = False

    operations = [
        ops.CreateModel(
            name="ApiHit",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("bucket", fields.CharField(max_length=120)),
                ("window", fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ("count", fields.IntField(default=0)),
            ],
            options={
                "table": "requests_api_hit",
                "app": "requests",
                "unique_together": (("bucket", "window"),),
                "pk_attr": "id",
                "table_description": "How many Open311 calls one bucket (a client's key or an address, for reading or",
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="Category",
            name="description_en",
            field=fields.TextField(default="", db_default="", unique=False),
        ),
        ops.AddField(
            model_name="Request",
            name="overdue_told_at",
            field=fields.DatetimeField(
                null=True,
                description="when the body's staff were told the request is overdue (cleared when its dates",
                auto_now=False,
                auto_now_add=False,
            ),
        ),
    ]
