from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("core", "0002_identity_hierarchy_permissions")]

    initial = True

    operations = [
        ops.CreateModel(
            name="BankSettings",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "community",
                    fields.OneToOneField(
                        "core.Community",
                        source_field="community_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="streetbank_settings",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("expiry_enabled", fields.BooleanField(default=False)),
                ("voucher_days", fields.IntField(default=14)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "streetbank_settings",
                "app": "streetbank",
                "pk_attr": "id",
                "table_description": "Street bank settings of one community.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Entry",
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
                        related_name="streetbank_entries",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("kind", fields.CharField(db_index=True, max_length=16)),
                ("idempotency_key", fields.CharField(unique=True, max_length=128)),
                ("memo", fields.CharField(default="", max_length=300)),
                (
                    "actor",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="actor_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="streetbank_entries",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "on_behalf_of",
                    fields.ForeignKeyField(
                        "core.Person",
                        source_field="on_behalf_of_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="streetbank_entries_for",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "reverses",
                    fields.OneToOneField(
                        "streetbank.Entry",
                        source_field="reverses_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="reversed_by",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "created_at",
                    fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False),
                ),
            ],
            options={
                "table": "streetbank_entry",
                "app": "streetbank",
                "pk_attr": "id",
                "table_description": "A journal entry: postings that sum to zero, never edited or deleted.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Partner",
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
                        related_name="streetbank_partners",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "node",
                    fields.OneToOneField(
                        "core.Node",
                        source_field="node_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="streetbank_partner",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("name", fields.CharField(max_length=200)),
                ("name_en", fields.CharField(default="", max_length=200)),
                ("kind", fields.CharField(default="merchant", max_length=16)),
                ("address", fields.CharField(default="", max_length=200)),
                ("phone", fields.CharField(default="", max_length=32)),
                ("description", fields.TextField(default="", unique=False)),
                ("active", fields.BooleanField(default=True)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "streetbank_partner",
                "app": "streetbank",
                "pk_attr": "id",
                "table_description": "A partner unit or merchant that honours points, tied to its organisation node.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="CatalogueItem",
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
                        related_name="streetbank_items",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "partner",
                    fields.ForeignKeyField(
                        "streetbank.Partner",
                        source_field="partner_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="items",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("title", fields.CharField(max_length=120)),
                ("title_en", fields.CharField(default="", max_length=120)),
                ("description", fields.TextField(default="", unique=False)),
                ("image", fields.CharField(default="", max_length=300)),
                ("category", fields.CharField(default="goods", db_index=True, max_length=24)),
                ("price", fields.IntField()),
                ("stock", fields.IntField(null=True)),
                ("monthly_limit", fields.IntField(null=True)),
                ("available_from", fields.DateField(null=True)),
                ("available_until", fields.DateField(null=True)),
                ("active", fields.BooleanField(default=True)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "streetbank_item",
                "app": "streetbank",
                "pk_attr": "id",
                "table_description": "A good or service a partner offers for points.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="LedgerAccount",
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
                        related_name="streetbank_accounts",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("key", fields.CharField(unique=True, max_length=64)),
                ("kind", fields.CharField(db_index=True, max_length=16)),
                (
                    "person",
                    fields.ForeignKeyField(
                        "core.Person",
                        source_field="person_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="streetbank_accounts",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "partner",
                    fields.ForeignKeyField(
                        "streetbank.Partner",
                        source_field="partner_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="accounts",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("balance", fields.BigIntField(default=0)),
                ("allow_negative", fields.BooleanField(default=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "streetbank_account",
                "app": "streetbank",
                "pk_attr": "id",
                "table_description": "A ledger account of a person, a partner or the bank itself.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="MonthlyUsage",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "person",
                    fields.ForeignKeyField(
                        "core.Person",
                        source_field="person_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="streetbank_usage",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "item",
                    fields.ForeignKeyField(
                        "streetbank.CatalogueItem",
                        source_field="item_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="usage",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("month", fields.CharField(max_length=7)),
                ("count", fields.IntField(default=0)),
            ],
            options={
                "table": "streetbank_usage",
                "app": "streetbank",
                "unique_together": (("person", "item", "month"),),
                "pk_attr": "id",
                "table_description": "How many live vouchers a person holds for an item in a month (for the limit).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Posting",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "entry",
                    fields.ForeignKeyField(
                        "streetbank.Entry",
                        source_field="entry_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="postings",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "account",
                    fields.ForeignKeyField(
                        "streetbank.LedgerAccount",
                        source_field="account_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="postings",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("amount", fields.BigIntField()),
            ],
            options={
                "table": "streetbank_posting",
                "app": "streetbank",
                "pk_attr": "id",
                "table_description": "One line of an entry: a signed whole number of points on one account.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ServiceCategory",
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
                        related_name="streetbank_categories",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("key", fields.CharField(max_length=48)),
                ("name", fields.CharField(max_length=64)),
                ("name_en", fields.CharField(default="", max_length=64)),
                ("unit", fields.CharField(default="hour", max_length=8)),
                ("rate", fields.IntField()),
                ("active", fields.BooleanField(default=True)),
            ],
            options={
                "table": "streetbank_category",
                "app": "streetbank",
                "unique_together": (("community", "key"),),
                "pk_attr": "id",
                "table_description": "A kind of service that earns points, with its rate per hour or per task.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ServiceRecord",
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
                        related_name="streetbank_services",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "person",
                    fields.ForeignKeyField(
                        "core.Person",
                        source_field="person_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="streetbank_services",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "category",
                    fields.ForeignKeyField(
                        "streetbank.ServiceCategory",
                        source_field="category_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="records",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("quantity", fields.DecimalField(max_digits=8, decimal_places=2)),
                ("points", fields.IntField()),
                ("served_on", fields.DateField()),
                ("note", fields.CharField(default="", max_length=300)),
                ("source", fields.CharField(default="form", max_length=16)),
                ("reference", fields.CharField(default="", max_length=128)),
                (
                    "recorded_by",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="recorded_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="streetbank_services",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "entry",
                    fields.OneToOneField(
                        "streetbank.Entry",
                        source_field="entry_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="service",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "streetbank_service",
                "app": "streetbank",
                "pk_attr": "id",
                "table_description": "Verified service credited to a person, from a worker's form or an event.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Voucher",
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
                        related_name="streetbank_vouchers",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("code", fields.CharField(unique=True, max_length=16)),
                (
                    "person",
                    fields.ForeignKeyField(
                        "core.Person",
                        source_field="person_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="streetbank_vouchers",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "item",
                    fields.ForeignKeyField(
                        "streetbank.CatalogueItem",
                        source_field="item_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="vouchers",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "partner",
                    fields.ForeignKeyField(
                        "streetbank.Partner",
                        source_field="partner_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="vouchers",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("points", fields.IntField()),
                ("month", fields.CharField(max_length=7)),
                ("status", fields.CharField(default="issued", db_index=True, max_length=12)),
                (
                    "redeem_entry",
                    fields.OneToOneField(
                        "streetbank.Entry",
                        source_field="redeem_entry_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="voucher",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "refund_entry",
                    fields.OneToOneField(
                        "streetbank.Entry",
                        source_field="refund_entry_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="refunded_voucher",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "issued_by",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="issued_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="streetbank_vouchers_issued",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("on_behalf", fields.BooleanField(default=False)),
                (
                    "issued_at",
                    fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False),
                ),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("used_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                (
                    "used_by",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="used_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="streetbank_vouchers_used",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("closed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "streetbank_voucher",
                "app": "streetbank",
                "pk_attr": "id",
                "table_description": "What a resident shows the partner: a short code (and its QR code).",
            },
            bases=["Model"],
        ),
    ]
