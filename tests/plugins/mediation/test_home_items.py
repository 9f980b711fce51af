"""The home's "For you": a mediator's open cases, a party's own open case, as counts;
another mediator, a neighbour and another community see none of it."""

import pytest

from linli.testing import for_you, log_in, make_community

pytestmark = pytest.mark.linli_plugins("mediation")


@pytest.fixture(autouse=True)
def in_english(linli_client):
    linli_client.cookies.set("linli_lang", "en")


async def test_the_mediator_and_the_parties_see_the_open_case(linli_client, world):
    await world.open()
    await log_in(linli_client, "lian")  # mediator A took it in
    items = await for_you(linli_client)
    assert items["My cases"].value == "1"
    assert items["My cases"].href == "/c/test/mediation/"
    await log_in(linli_client, "zhang")  # a party
    assert (await for_you(linli_client))["My mediation"].value == "1"


async def test_nobody_else_sees_it(linli_client, world, linli_registry):
    await world.open()
    for username in ("fan", "wang", "barber"):  # another studio, a neighbour, a merchant
        await log_in(linli_client, username)
        items = await for_you(linli_client)
        assert "My cases" not in items and "My mediation" not in items, username
    await make_community("other", "别的社区", linli_registry, plugins=["mediation"])
    await log_in(linli_client, "lian")
    assert "My cases" not in await for_you(linli_client, "other")
