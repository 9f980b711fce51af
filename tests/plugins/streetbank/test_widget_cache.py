"""The home page's street bank figures are kept in each worker's memory until a table
of the street bank changes (its stamp, raised by triggers): a second visit reads no
ledger, and points earned show on the very next visit."""

import re

import pytest

from linli.testing import count_queries

pytestmark = pytest.mark.linli_plugins("streetbank")


def _issued(page: str) -> int:
    found = re.search(r'data-figure="issued">(\d+)<', page)
    assert found is not None
    return int(found.group(1))


async def test_the_widget_is_kept_until_the_ledger_changes(linli_client, bank):
    await bank.earn(bank.resident, 3, "e1")
    assert _issued((await linli_client.get("/c/test/")).text) == 30
    with count_queries() as queries:
        again = await linli_client.get("/c/test/")
    assert _issued(again.text) == 30
    assert not any("streetbank_" in query for query in queries)
    await bank.earn(bank.resident, 2, "e2")
    assert _issued((await linli_client.get("/c/test/")).text) == 50
