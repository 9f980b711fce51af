"""Grants are read by account on every request that loads a visitor: index it."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("core", "0005_site_stamp")]

    initial = False

    operations = [
        ops.AlterField(
            model_name="Grant",
            name="account",
            field=fields.ForeignKeyField(
                "core.Account",
                source_field="account_id",
                db_index=True,
                db_constraint=True,
                to_field="id",
                related_name="grants",
                on_delete=OnDelete.CASCADE,
            ),
        ),
    ]
