"""Grants are read by account on every request that loads a visitor: index it.

On SQLite, altering a column rebuilds the table, and the rebuilt table has lost the
``site`` stamp's triggers (core 0005): they are made again."""

from typing import Any

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops

from linli.domain.stamps import drop_statements, trigger_statements


async def restamp(apps: Any, schema_editor: Any) -> None:
    client = schema_editor.client
    dialect = client.capabilities.dialect
    for statement in drop_statements(dialect, "site", "core_grant"):
        await client.execute_script(statement)
    for statement in trigger_statements(dialect, "site", "core_grant"):
        await client.execute_script(statement)


async def nothing(apps: Any, schema_editor: Any) -> None:
    """Undone, the triggers stay: core 0005 still wants them."""


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
        ops.RunPython(restamp, nothing),
    ]
