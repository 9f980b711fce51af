"""A layout never shadows a page's variables: "我的积分" once showed a blank balance
because the core's layout set ``account`` over the page's own."""

import importlib
from pathlib import Path
from typing import Any

import pytest
from jinja2 import Environment, nodes
from litestar import Request, get
from litestar.params import FromQuery
from litestar.response import Template

import linli
import linli_theme_default
from linli import Manifest, hookimpl
from linli.kernel.models import PluginState
from linli.kernel.registry import LoadedPlugin
from linli.testing import log_in, make_account

#: The layouts every page extends: the core's, the default theme's, each plugin's.
PLUGIN_LAYOUTS = [
    f"{name}/_layout.html" for name in ("canteen", "codesign", "council", "mediation", "streetbank")
]
LAYOUTS = ["core:base.html", "theme:base.html", *PLUGIN_LAYOUTS]
#: Names a page commonly passes, besides the bare forms of the layouts' own names.
PAGE_NAMES = ["account", "community", "language", "items", "item", "link", "nav", "message"]


def _stored_names(template: nodes.Template) -> set[str]:
    """Every name the template assigns with ``{% set %}``, at any depth."""
    return {
        target.name
        for assign in template.find_all((nodes.Assign, nodes.AssignBlock))
        for target in assign.find_all(nodes.Name)
        if target.ctx == "store"
    }


def _layout_sources() -> dict[str, nodes.Template]:
    """The layouts, parsed from their files."""
    files = {
        "core:base.html": Path(linli.__file__).parent / "templates" / "base.html",
        "theme:base.html": Path(linli_theme_default.__file__).parent / "templates" / "base.html",
    }
    for layout in PLUGIN_LAYOUTS:
        plugin = layout.split("/")[0]
        package = Path(importlib.import_module(f"linli_{plugin}").__file__).parent
        files[layout] = package / "templates" / layout
    env = Environment(extensions=["jinja2.ext.i18n"])
    return {name: env.parse(path.read_text(encoding="utf-8")) for name, path in files.items()}


class ProbePlugin:
    """A plugin whose page extends a chosen layout and prints the page's own values."""

    manifest = Manifest(name="probe", title={"zh_CN": "探针", "en": "Probe"}, version="1")

    def __init__(self, folder: Path, names: list[str]) -> None:
        self.folder = folder
        shown = "".join(f"<i id='{n}'>{{{{ {n} }}}}</i>" for n in names)
        (folder / "probe").mkdir(parents=True)
        (folder / "probe" / "page.html").write_text(
            "{% extends layout %}{% block content %}" + shown + "{% endblock %}"
        )
        self.names = names

    @hookimpl
    def linli_template_dirs(self) -> list[Path]:
        return [self.folder]

    @hookimpl
    def linli_routes(self) -> list[Any]:
        names = self.names

        @get("/page", name="probe:page")
        async def page(request: Request[Any, Any, Any], layout: FromQuery[str]) -> Template:
            values = {name: f"page-{name}" for name in names}
            return Template("probe/page.html", context={"layout": layout, **values})

        return [page]


@pytest.fixture
def probe(linli_registry, tmp_path):
    names = set(PAGE_NAMES)
    for template in _layout_sources().values():
        names |= {name.removeprefix("linli_") for name in _stored_names(template)}
    plugin = ProbePlugin(tmp_path, sorted(names))
    linli_registry.pm.register(plugin, name="probe")
    linli_registry.loaded["probe"] = LoadedPlugin("probe", plugin.manifest, plugin)
    return plugin


def test_layouts_name_their_own_variables_linli_():
    for name, template in _layout_sources().items():
        own = {n for n in _stored_names(template) if not n.startswith("linli_")}
        assert not own, f"{name} sets {sorted(own)}: name them linli_… so no page is shadowed"


@pytest.mark.linli_plugins("canteen", "codesign", "council", "mediation", "streetbank")
@pytest.mark.parametrize("layout", LAYOUTS)
async def test_every_layout_leaves_the_pages_variables_alone(
    probe, linli_client, linli_community, layout
):
    await PluginState.create(community=linli_community, plugin="probe", enabled=True)
    await make_account("worker", linli_community, "community_worker")
    await log_in(linli_client, "worker")
    page = await linli_client.get("/c/test/probe/page", params={"layout": layout})
    assert page.status_code == 200, page.text[:500]
    for name in probe.names:
        assert f"<i id='{name}'>page-{name}</i>" in page.text, f"{layout} shadows {name}"
