"""The home's "For you" (为您): a logged-in visitor's items from every enabled plugin,
first on the page, fetched in one statement; anonymous visitors see the home as before,
a broken item is left out, and an item with a permission reaches its holders only."""

import pytest

from linli.testing import count_queries, for_you, log_in, make_account
from linli_sample.models import Note

pytestmark = pytest.mark.linli_plugins("sample")


async def test_anonymous_visitors_have_no_for_you(linli_client, linli_community):
    await Note.create(community=linli_community, text="今晚停水")
    page = await linli_client.get("/c/test/")
    assert page.status_code == 200 and 'id="for-you"' not in page.text
    assert await for_you(linli_client) == {}


async def test_a_member_sees_the_items_in_chinese_first(linli_client, linli_community):
    await make_account("neighbour", linli_community, "resident")
    await log_in(linli_client, "neighbour")
    page = await linli_client.get("/c/test/")
    assert '<h2 id="for-you">为您</h2>' in page.text
    assert page.text.index('id="for-you"') < page.text.index('class="widgets"')
    items = await for_you(linli_client)
    assert "留言" not in items  # no notes: a count of 0 is not shown
    assert items["最新留言"].value == "" and items["最新留言"].note == "还没有人留言"
    await Note.create(community=linli_community, text="今晚停水")
    await Note.create(community=linli_community, text="周六义诊")
    items = await for_you(linli_client)
    assert items["留言"].value == "2" and items["留言"].note == "在留言板上"
    assert items["留言"].href == "/c/test/sample/"
    assert items["最新留言"].value == "周六义诊"
    assert "待确认的留言" not in items  # for holders of sample.post only


async def test_every_item_comes_in_one_statement(linli_client, linli_community):
    await make_account("writer", linli_community, "sample_writer")
    await Note.create(community=linli_community, text="今晚停水")
    await log_in(linli_client, "writer")
    linli_client.cookies.set("linli_lang", "en")
    await linli_client.get("/c/test/")
    with count_queries() as queries:
        page = await linli_client.get("/c/test/")
    [together] = [q for q in queries if '"v0"' in q]
    assert '"v2"' in together and "sample_note" in together
    items = await for_you(linli_client)
    # urgent first, whatever its order
    assert next(iter(items)) == "Notes to acknowledge" and items["Notes to acknowledge"].urgent
    assert "Waiting for you" in page.text


@pytest.mark.linli_plugins("sample", "flaky")
async def test_a_broken_item_is_left_out_and_the_others_stay(linli_client, linli_community):
    await make_account("neighbour", linli_community, "resident")
    await Note.create(community=linli_community, text="今晚停水")
    await log_in(linli_client, "neighbour")
    items = await for_you(linli_client)
    assert items["留言"].value == "1" and "Broken item" not in items


async def test_in_elder_mode_for_you_comes_before_the_service_tiles(linli_client, linli_community):
    await make_account("neighbour", linli_community, "resident")
    await log_in(linli_client, "neighbour")
    linli_client.cookies.set("linli_elder", "1")
    page = (await linli_client.get("/c/test/")).text
    assert 'class="elder"' in page
    assert page.index('id="for-you"') < page.index('id="services"')
