"""A plugin whose UI hooks fail and whose page crashes: pages must still render, and
the crash must show the friendly 500 page."""

from typing import Any

from litestar import get

from linli import Manifest, NavItem, Permission, Widget, hookimpl
from linli.kernel.plugins import HomeItem
from linli.web.auth import PUBLIC

manifest = Manifest(name="flaky", title={"zh_CN": "不稳定", "en": "Flaky"}, version="0.1")


@hookimpl
def linli_nav_items(community: object) -> list[NavItem]:
    raise RuntimeError("nav items exploded")


@hookimpl
def linli_dashboard_widgets(community: object) -> list[Widget]:
    async def load(community: object) -> dict[str, Any]:
        raise RuntimeError("widget data exploded")

    return [Widget("Broken widget", "flaky/none.html", load)]


@hookimpl
def linli_home_items(community: object) -> list[HomeItem]:
    return [HomeItem("Broken item", "", query="not a query")]


@hookimpl
def linli_permissions() -> list[Permission]:
    raise RuntimeError("permissions exploded")


@get("/crash", name="flaky:crash", opt=PUBLIC)
async def crash() -> str:
    raise RuntimeError("secret internal detail")


@hookimpl
def linli_routes() -> list[Any]:
    return [crash]
