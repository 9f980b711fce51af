from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("core", "0003_uploads")]

    initial = False

    operations = [
        ops.CreateModel(
            name="PluginSettings",
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
                        related_name="plugin_settings",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("plugin", fields.CharField(max_length=64)),
                (
                    "values",
                    fields.JSONField(
                        default=dict,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("changed_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                (
                    "changed_by",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="changed_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="plugin_settings_changed",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
            ],
            options={
                "table": "core_plugin_settings",
                "app": "core",
                "unique_together": (("community", "plugin"),),
                "pk_attr": "id",
                "table_description": "A community's settings of one plugin (see :mod:`linli.domain.community_settings`).",
            },
            bases=["Model"],
        ),
    ]
