from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("core", "0002_identity_hierarchy_permissions"),
        ("core", "0003_uploads"),
        ("streetbank", "0001_initial"),
    ]

    initial = False

    operations = [
        ops.CreateModel(
            name="Adjustment",
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
                        related_name="streetbank_adjustments",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("key", fields.CharField(unique=True, max_length=128)),
                (
                    "person",
                    fields.ForeignKeyField(
                        "core.Person",
                        source_field="person_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="streetbank_adjustments",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("amount", fields.IntField()),
                ("reason", fields.CharField(max_length=300)),
                ("status", fields.CharField(default="pending", db_index=True, max_length=12)),
                (
                    "made_by",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="made_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="streetbank_adjustments_made",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "made_at",
                    fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False),
                ),
                (
                    "decided_by",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="decided_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="streetbank_adjustments_decided",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("decided_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("decision_note", fields.CharField(default="", max_length=300)),
                (
                    "entry",
                    fields.OneToOneField(
                        "streetbank.Entry",
                        source_field="entry_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="adjustment",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
            ],
            options={
                "table": "streetbank_adjustment",
                "app": "streetbank",
                "pk_attr": "id",
                "table_description": "A worker's manual correction of a resident's balance (maker–checker).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="AdjustmentAllowance",
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
                        related_name="streetbank_allowances",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "account",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="account_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="streetbank_allowances",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("day", fields.DateField()),
                ("points", fields.IntField(default=0)),
            ],
            options={
                "table": "streetbank_allowance",
                "app": "streetbank",
                "unique_together": (("community", "account", "day"),),
                "pk_attr": "id",
                "table_description": "Points one worker has corrected on their own authority on one local day, moved",
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="BankSettings",
            name="adjust_daily_limit",
            field=fields.IntField(default=200, db_default=200),
        ),
        ops.AddField(
            model_name="BankSettings",
            name="adjust_limit",
            field=fields.IntField(default=50, db_default=50),
        ),
    ]
