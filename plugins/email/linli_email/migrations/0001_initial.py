from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("core", "0007_notifications_jobs")]

    initial = True

    operations = [
        ops.CreateModel(
            name="EmailAddress",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "account",
                    fields.OneToOneField(
                        "core.Account",
                        source_field="account_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="email_address",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("address", fields.CharField(max_length=254)),
                ("changed_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "email_address",
                "app": "email",
                "pk_attr": "id",
                "table_description": "An account's address for notifications (one per account).",
            },
            bases=["Model"],
        ),
    ]
