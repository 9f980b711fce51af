from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("core", "0006_grant_account_index")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Dispatch",
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
                        related_name="dispatches",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("channel", fields.CharField(max_length=32)),
                ("key", fields.CharField(max_length=96)),
                (
                    "account",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="account_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="dispatches",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "person",
                    fields.ForeignKeyField(
                        "core.Person",
                        source_field="person_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="dispatches",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "node",
                    fields.ForeignKeyField(
                        "core.Node",
                        source_field="node_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="dispatches",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "notifications",
                    fields.JSONField(
                        default=list,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("digest", fields.DateField(null=True)),
                ("day", fields.DateField(db_index=True)),
                ("state", fields.CharField(default="pending", db_index=True, max_length=16)),
                ("attempts", fields.IntField(default=0)),
                ("last_error", fields.TextField(default="", unique=False)),
                (
                    "next_attempt_at",
                    fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False),
                ),
                ("sent_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "core_notification_dispatch",
                "app": "core",
                "unique_together": (("channel", "key"),),
                "pk_attr": "id",
                "table_description": "One message out through one channel: a notification, or a recipient's digest of",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="JobRun",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("job", fields.CharField(max_length=128)),
                (
                    "community",
                    fields.ForeignKeyField(
                        "core.Community",
                        source_field="community_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="job_runs",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("slot", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("key", fields.CharField(default="", max_length=128)),
                (
                    "payload",
                    fields.JSONField(
                        default=dict,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("state", fields.CharField(default="pending", db_index=True, max_length=16)),
                ("attempts", fields.IntField(default=0)),
                ("last_error", fields.TextField(default="", unique=False)),
                (
                    "next_attempt_at",
                    fields.DatetimeField(
                        null=True, db_index=True, auto_now=False, auto_now_add=False
                    ),
                ),
                (
                    "finished_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "core_job_run",
                "app": "core",
                "unique_together": (("job", "community", "slot", "key"),),
                "pk_attr": "id",
                "table_description": "One run of a job in one community at one slot: the record that makes it once.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Notification",
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
                        related_name="notifications",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "account",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="account_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="notifications",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "person",
                    fields.ForeignKeyField(
                        "core.Person",
                        source_field="person_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="notifications",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("kind", fields.CharField(max_length=96)),
                ("subject", fields.CharField(default="", max_length=200)),
                (
                    "values",
                    fields.JSONField(
                        default=dict,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("link", fields.CharField(default="", max_length=300)),
                ("urgency", fields.CharField(default="normal", max_length=8)),
                ("push", fields.CharField(default="instant", max_length=8)),
                (
                    "push_at",
                    fields.DatetimeField(
                        null=True, db_index=True, auto_now=False, auto_now_add=False
                    ),
                ),
                ("pushed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("day", fields.DateField()),
                ("read_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "core_notification",
                "app": "core",
                "indexes": [
                    Index(fields=["account_id", "read_at"]),
                    Index(fields=["push", "pushed_at", "day"]),
                ],
                "pk_attr": "id",
                "table_description": "One thing told to one recipient, written in the transaction of the change it",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="NotificationPreference",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "account",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="account_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="notification_preferences",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("kind", fields.CharField(default="", max_length=96)),
                ("mode", fields.CharField(default="instant", max_length=8)),
                ("quiet_from", fields.CharField(default="22:00", max_length=5)),
                ("quiet_to", fields.CharField(default="07:00", max_length=5)),
            ],
            options={
                "table": "core_notification_preference",
                "app": "core",
                "unique_together": (("account", "kind"),),
                "pk_attr": "id",
                "table_description": "How an account holder wants one kind told: ``instant``, ``digest`` or ``off``.",
            },
            bases=["Model"],
        ),
    ]
