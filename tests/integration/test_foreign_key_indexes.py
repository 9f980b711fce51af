"""Every foreign key of the core and of every bundled plugin has an index, in the models
and in the database the migrations built: a page that follows a relation from its other
end (an entry's postings, a person's memberships) must not read a whole table once a
community has years of data."""

import pytest
from tortoise import Tortoise, connections

from linli.domain.indexes import unindexed_foreign_keys

PLUGINS = (
    "streetbank", "canteen", "council", "requests", "volunteers", "care", "mediation",
    "codesign", "email", "sms",
)  # fmt: skip
pytestmark = pytest.mark.linli_plugins(*PLUGINS)

#: PostgreSQL: every single-column foreign key whose column leads no index
POSTGRES_UNINDEXED = """
SELECT c.conrelid::regclass::text || '.' || a.attname
FROM pg_constraint c
JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
WHERE c.contype = 'f' AND array_length(c.conkey, 1) = 1 AND NOT EXISTS (
    SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1]
)
ORDER BY 1
"""


async def _unindexed_in_sqlite(connection) -> list[str]:
    _, tables = await connection.execute_query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    missing = []
    for (table,) in (tuple(row) for row in tables):
        _, keys = await connection.execute_query(f'PRAGMA foreign_key_list("{table}")')
        _, indexes = await connection.execute_query(f'PRAGMA index_list("{table}")')
        leading = set()
        for index in indexes:
            _, columns = await connection.execute_query(f'PRAGMA index_info("{index["name"]}")')
            leading |= {column["name"] for column in columns if column["seqno"] == 0}
        missing += [f"{table}.{key['from']}" for key in keys if key["from"] not in leading]
    return sorted(missing)


async def test_every_model_indexes_its_foreign_keys(linli_community):
    models = [model for app in Tortoise.apps.values() for model in app.values()]
    assert len(models) > 100, "every bundled plugin's models are loaded"
    assert unindexed_foreign_keys(models) == []


async def test_the_migrated_database_indexes_every_foreign_key(linli_community):
    connection = connections.get("default")
    if connection.capabilities.dialect == "postgres":
        _, rows = await connection.execute_query(POSTGRES_UNINDEXED)
        missing = [row[0] for row in rows]
    else:
        missing = await _unindexed_in_sqlite(connection)
    assert missing == [], missing
