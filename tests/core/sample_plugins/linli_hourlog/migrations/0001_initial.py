from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("core", "0003_uploads")]

    initial = True

    operations = [
        ops.CreateModel(
            name="Hours",
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
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="hourlog_hours",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "person",
                    fields.ForeignKeyField(
                        "core.Person",
                        source_field="person_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="hourlog_hours",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("hours", fields.FloatField()),
                ("task", fields.CharField(max_length=100)),
            ],
            options={
                "table": "hourlog_hours",
                "app": "hourlog",
                "pk_attr": "id",
                "table_description": "Hours a resident gave, as their team leader logged them.",
            },
            bases=["Model"],
        ),
    ]
