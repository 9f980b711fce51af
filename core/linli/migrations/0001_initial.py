from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="Community",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("slug", fields.CharField(unique=True, max_length=64)),
                ("name", fields.CharField(max_length=200)),
                ("name_en", fields.CharField(default="", max_length=200)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "core_community",
                "app": "core",
                "pk_attr": "id",
                "table_description": "A residential community (社区): the unit that enables plugins and owns their data.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="OutboxEvent",
            fields=[
                (
                    "id",
                    fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True),
                ),
                ("name", fields.CharField(db_index=True, max_length=128)),
                (
                    "community",
                    fields.ForeignKeyField(
                        "core.Community",
                        source_field="community_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="events",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "payload",
                    fields.JSONField(
                        encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("state", fields.CharField(default="pending", db_index=True, max_length=16)),
                ("attempts", fields.IntField(default=0)),
                ("last_error", fields.TextField(default="", unique=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                (
                    "next_attempt_at",
                    fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False),
                ),
            ],
            options={
                "table": "core_outbox_event",
                "app": "core",
                "pk_attr": "id",
                "table_description": "A domain event, written in the transaction of the change that caused it.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="EventDelivery",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "event",
                    fields.ForeignKeyField(
                        "core.OutboxEvent",
                        source_field="event_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="deliveries",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("handler", fields.CharField(max_length=200)),
                ("delivered_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "core_event_delivery",
                "app": "core",
                "unique_together": (("event", "handler"),),
                "pk_attr": "id",
                "table_description": "A handler has processed an event. The unique pair makes delivery at most once.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="PluginState",
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
                        related_name="plugin_states",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("plugin", fields.CharField(max_length=64)),
                ("enabled", fields.BooleanField(default=False)),
                ("changed_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("seeded_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "core_plugin_state",
                "app": "core",
                "unique_together": (("community", "plugin"),),
                "pk_attr": "id",
                "table_description": "Whether a plugin is enabled in a community.",
            },
            bases=["Model"],
        ),
    ]
