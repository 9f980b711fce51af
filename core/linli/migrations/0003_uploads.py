from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("core", "0002_identity_hierarchy_permissions")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Upload",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "community",
                    fields.ForeignKeyField(
                        "core.Community",
                        source_field="community_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="uploads",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("kind", fields.CharField(max_length=8)),
                ("content_type", fields.CharField(max_length=64)),
                ("filename", fields.CharField(max_length=255)),
                ("size", fields.IntField()),
                ("width", fields.IntField(null=True)),
                ("height", fields.IntField(null=True)),
                ("sha256", fields.CharField(max_length=64)),
                ("data", fields.BinaryField()),
                (
                    "created_by",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="created_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="uploads",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "core_upload",
                "app": "core",
                "pk_attr": "id",
                "table_description": "A stored file with the type read from its content.",
            },
            bases=["Model"],
        ),
    ]
