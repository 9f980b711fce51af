"""The plugin's tests, with linli's test kit (``linli.testing``, a pytest plugin).

Each test gets a fresh, migrated database; the marker chooses the plugins that the
test's app loads and that its community (slug ``test``) enables.
"""

import pytest

from linli.enablement import disable
from linli.testing import count_queries, form_post, log_in, make_account
from linli_council import services
from linli_council.models import Item

pytestmark = pytest.mark.linli_plugins("council")

PAGE = "/c/test/council/"


async def test_the_page_answers_in_a_community_that_enabled_the_plugin(
    linli_client, linli_community
):
    page = await linli_client.get(PAGE)
    assert page.status_code == 200
    assert f'href="{PAGE}"' in page.text  # the nav item


async def test_an_editor_adds_an_item(linli_client, linli_community):
    await make_account("editor", linli_community, "council_editor")
    await log_in(linli_client, "editor")
    response = await form_post(linli_client, PAGE, {"title": "  第一件  "})
    assert response.status_code == 200  # redirected back to the page
    assert "第一件" in response.text
    assert await Item.filter(community=linli_community, title="第一件").count() == 1


async def test_adding_needs_the_permission(linli_client, linli_community):
    anonymous = await form_post(linli_client, PAGE, {"title": "x"})
    assert anonymous.status_code == 401
    await make_account("resident", linli_community)
    await log_in(linli_client, "resident")
    refused = await form_post(linli_client, PAGE, {"title": "x"})
    assert refused.status_code == 403
    assert await Item.all().count() == 0


async def test_an_empty_title_is_refused(linli_client, linli_community):
    await make_account("editor", linli_community, "council_editor")
    await log_in(linli_client, "editor")
    response = await form_post(linli_client, PAGE, {"title": "   "})
    assert response.status_code == 400
    assert await Item.all().count() == 0


async def test_the_rule_strips_and_limits_the_title(linli_db, linli_community):
    item = await services.add_item(linli_community, " 扳手 ")
    assert item.title == "扳手"
    with pytest.raises(services.ItemError):
        await services.add_item(linli_community, "x" * (services.MAX_TITLE + 1))


async def test_a_disabled_plugin_answers_404_and_keeps_its_data(
    linli_client, linli_community, linli_registry
):
    await services.add_item(linli_community, "保留")
    await disable(linli_community, "council", linli_registry)
    assert (await linli_client.get(PAGE)).status_code == 404
    assert await Item.filter(title="保留").count() == 1


async def test_the_page_makes_a_constant_number_of_queries(linli_client, linli_community):
    await linli_client.get(PAGE)  # warm up: session, CSRF cookie
    with count_queries() as few:
        await linli_client.get(PAGE)
    for n in range(20):
        await services.add_item(linli_community, f"item {n}")
    with count_queries() as many:
        await linli_client.get(PAGE)
    assert len(many) == len(few)
