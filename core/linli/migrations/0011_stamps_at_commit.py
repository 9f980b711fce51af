"""On PostgreSQL, stamps are raised when the transaction commits, not when it writes.

A trigger raised its stamp by updating the stamp's row at once, and the row stayed
locked until the commit: a transaction that wrote two tables of one plugin took the
stamp's lock between its own row locks, and two such transactions could wait for each
other (a me-too racing a merge of council needs: "deadlock detected"). Now the trigger
only notes the stamp in the transaction (a transaction-local setting, no lock); the
first note also queues one row in ``core_stamp_pending``, whose deferred trigger runs at
the commit and raises every noted stamp in name order. A transaction then takes stamp
locks only at its very end, holding no other lock anyone waits for, in the same order
as every other. A rolled-back transaction raises nothing, as before; SQLite (one writer
at a time) keeps its triggers as they are."""

from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops

NOTE = """CREATE OR REPLACE FUNCTION core_bump_stamp() RETURNS trigger AS $$
DECLARE
    noted text := coalesce(current_setting('linli.stamps', true), '');
BEGIN
    IF position(',' || TG_ARGV[0] || ',' IN noted) = 0 THEN
        IF noted = '' THEN
            INSERT INTO core_stamp_pending (xid) VALUES (txid_current());
            noted := ',';
        END IF;
        PERFORM set_config('linli.stamps', noted || TG_ARGV[0] || ',', true);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql"""

FLUSH = """CREATE FUNCTION core_raise_stamps() RETURNS trigger AS $$
DECLARE
    noted text := coalesce(current_setting('linli.stamps', true), '');
    stamp text;
BEGIN
    PERFORM set_config('linli.stamps', '', true);
    FOR stamp IN
        SELECT unnest(string_to_array(trim(BOTH ',' FROM noted), ',')) ORDER BY 1
    LOOP
        UPDATE core_stamp SET version = version + 1 WHERE name = stamp;
    END LOOP;
    DELETE FROM core_stamp_pending WHERE xid = NEW.xid;
    RETURN NULL;
END $$ LANGUAGE plpgsql"""

STATEMENTS = [
    "CREATE TABLE core_stamp_pending (xid BIGINT NOT NULL)",
    FLUSH,
    "CREATE CONSTRAINT TRIGGER core_stamp_pending_raise AFTER INSERT ON core_stamp_pending "
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION core_raise_stamps()",
    NOTE,
]

AT_ONCE = """CREATE OR REPLACE FUNCTION core_bump_stamp() RETURNS trigger AS $$
BEGIN
    UPDATE core_stamp SET version = version + 1 WHERE name = TG_ARGV[0];
    RETURN NULL;
END $$ LANGUAGE plpgsql"""


async def at_commit(apps: Any, schema_editor: Any) -> None:
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        for statement in STATEMENTS:
            await client.execute_script(statement)


async def at_once(apps: Any, schema_editor: Any) -> None:
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        await client.execute_script(AT_ONCE)
        await client.execute_script("DROP TABLE core_stamp_pending")
        await client.execute_script("DROP FUNCTION core_raise_stamps()")


class Migration(migrations.Migration):
    dependencies = [("core", "0010_page_stamps")]

    operations = [ops.RunPython(at_commit, at_once)]
