"""The plugin's pages: thin controllers that call the rules in ``services.py``.

They are mounted at ``/c/{community_slug}/<plugin name>/`` and answer 404 in a community
that has not enabled the plugin. Every route declares what it needs: ``opt=PUBLIC``,
``guards=[logged_in]`` or ``guards=[requires("<plugin name>.<action>")]``.
"""

from __future__ import annotations

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template

from linli.models import Community
from linli.web.auth import PUBLIC, requires
from linli.web.errors import VisibleError
from linli_codesign import services


class ItemForm(msgspec.Struct):
    title: str


class CodesignController(Controller):
    path = "/"

    @get("/", name="codesign:index", opt=PUBLIC)
    async def index(self, community: NamedDependency[Community]) -> Template:
        items = await services.latest_items(community)
        return Template(
            "codesign/index.html",
            context={"items": items},
        )

    @post(
        "/",
        name="codesign:add",
        guards=[requires("codesign.edit")],
    )
    async def add(
        self, community: NamedDependency[Community], data: URLEncodedBody[ItemForm]
    ) -> Redirect:
        try:
            await services.add_item(community, data.title)
        except services.ItemError as exc:
            raise VisibleError(status_code=400, detail=str(exc)) from exc
        return Redirect(
            f"/c/{community.slug}/codesign/",
            status_code=303,
        )
