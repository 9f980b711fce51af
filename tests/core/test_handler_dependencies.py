"""What a plugin's handler may ask for by name: ``actor``, ``person`` and ``today``
(docs/plugins.md, "Routes"). Each is checked against the type the handler declares, as
a plugin declares it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from litestar import get
from litestar.di import NamedDependency

from linli.kernel.models import PluginState
from linli.kernel.registry import LoadedPlugin
from linli.kit import PUBLIC, Actor, Manifest, Person, hookimpl
from linli.testing import log_in, make_account, make_person


class AskingPlugin:
    manifest = Manifest(name="asking", title={"zh_CN": "问", "en": "Asking"}, version="1")

    @hookimpl
    def linli_routes(self) -> list[Any]:
        @get("/who", opt=PUBLIC)
        async def who(
            actor: NamedDependency[Actor],
            person: NamedDependency[Person | None],
            today: NamedDependency[date],
        ) -> str:
            account = actor.account.username if actor.account else "anonymous"
            return f"{account}|{person.name if person else '-'}|{today.isoformat()}"

        return [who]


@pytest.fixture
async def asking(linli_registry, linli_community):
    plugin = AskingPlugin()
    linli_registry.pm.register(plugin, name="asking")
    linli_registry.loaded["asking"] = LoadedPlugin("asking", plugin.manifest, plugin)
    await PluginState.create(community=linli_community, plugin="asking", enabled=True)
    return plugin


async def test_a_handler_gets_the_visitor_their_record_and_today(
    asking, linli_client, linli_community
):
    anonymous = await linli_client.get("/c/test/asking/who")
    assert anonymous.status_code == 200
    account, person, today = anonymous.text.split("|")
    assert (account, person) == ("anonymous", "-")
    assert date.fromisoformat(today)

    grandma = await make_person(linli_community, "李阿姨")
    await make_account("li", linli_community, "resident", person=grandma)
    await log_in(linli_client, "li")
    answer = await linli_client.get("/c/test/asking/who")
    assert answer.status_code == 200
    assert answer.text.split("|")[:2] == ["li", "李阿姨"]
