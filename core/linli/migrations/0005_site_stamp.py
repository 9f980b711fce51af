"""The stamps: numbers that the database raises, by triggers, in the same transaction
as any change to what workers cache (:mod:`linli.domain.stamps`). This migration makes
the table, PostgreSQL's trigger function, and the ``site`` stamp over what every request
needs: communities, the plugins they enable and their settings, roles, grants, accounts,
places and who is registered where."""

from typing import Any

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from linli.domain.stamps import add_stamp, drop_stamp

#: table → the columns whose update makes cached facts stale ("" for any); every insert
#: and delete does.
SITE_TABLES = {
    "core_community": "",
    "core_plugin_state": "",
    "core_plugin_settings": "",
    "core_role": "",
    "core_grant": "",
    "core_node_kind": "",
    "core_node": "",
    "core_account": "username, password_hash, is_active, must_change_password, person_id",
    "core_person": "name, community_id",
}

FUNCTION = """CREATE FUNCTION core_bump_stamp() RETURNS trigger AS $$
BEGIN
    UPDATE core_stamp SET version = version + 1 WHERE name = TG_ARGV[0];
    RETURN NULL;
END $$ LANGUAGE plpgsql"""


async def create(apps: Any, schema_editor: Any) -> None:
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        await client.execute_script(FUNCTION)
    await add_stamp(client, "site", SITE_TABLES)


async def drop(apps: Any, schema_editor: Any) -> None:
    client = schema_editor.client
    await drop_stamp(client, "site", SITE_TABLES)
    if client.capabilities.dialect == "postgres":
        await client.execute_script("DROP FUNCTION IF EXISTS core_bump_stamp()")


class Migration(migrations.Migration):
    dependencies = [("core", "0004_plugin_settings")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Stamp",
            fields=[
                ("name", fields.CharField(max_length=32, primary_key=True)),
                ("version", fields.BigIntField(default=0)),
            ],
            options={
                "table": "core_stamp",
                "app": "core",
                "pk_attr": "name",
                "table_description": "A number that database triggers raise whenever what it stands for changes",
            },
            bases=["Model"],
        ),
        ops.RunPython(create, drop),
    ]
