"""The core's own features — accounts, the resident register, the administration — are
built-in plugins: loaded by the registry with everyone else, on the same conventions and
hooks, always on, and their names reserved."""

import re
from importlib import metadata

from linli.kernel.registry import BUILTINS, PluginRegistry
from linli.kernel.settings import load_settings
from linli.testing import form_post, log_in, make_account


def test_the_built_ins_are_loaded_by_the_registry_and_not_switchable(linli_registry):
    assert list(linli_registry.builtins) == ["account", "register", "admin", "inbox"]
    assert not set(linli_registry.builtins) & set(linli_registry.loaded)
    routed = {name for name, _ in linli_registry.call("linli_routes")}
    assert {"account", "register", "admin", "inbox"} <= routed  # ROUTES in routes.py, by convention
    templates = linli_registry.template_dirs()
    assert templates["admin"][0].joinpath("admin", "base.html").is_file()
    assert [b.module for b in BUILTINS if b.site_wide] == ["linli.builtin.account"]


def test_an_installed_plugin_cannot_take_a_built_ins_name(tmp_path):
    settings = load_settings(tmp_path, mode="test", load_plugins=[])
    registry = PluginRegistry.discover(settings)
    impostor = metadata.EntryPoint(name="admin", value="linli_sample", group="linli.plugins")
    registry._load(impostor, settings)
    assert "admin" not in registry.loaded
    assert registry.failed["admin"].error == (
        "'admin' is the name of one of linli's built-in features"
    )
    assert registry.builtins["admin"].module.__name__ == "linli.builtin.admin"


async def test_the_built_ins_pages_work_in_a_community_with_no_plugin_enabled(
    linli_client, linli_community
):
    await make_account("worker", linli_community, "community_worker")
    assert (await linli_client.get("/login")).status_code == 200  # at the site's root
    await log_in(linli_client, "worker")
    home = (await linli_client.get("/c/test/")).text
    for plugin, title in (("register", "居民底册"), ("admin", "管理")):
        link = rf'<a href="/c/test/{plugin}/" data-plugin="{plugin}"><svg[^>]*>.*?</svg>{title}</a>'
        assert re.search(link, home), plugin
    assert (await linli_client.get("/c/test/register/")).status_code == 200
    assert (await linli_client.get("/c/test/admin/")).status_code == 200
    assert (await linli_client.get("/c/test/account/password")).status_code == 404
    await form_post(linli_client, "/logout", {})


async def test_the_administrations_menu_is_its_sections_for_the_visitor(
    linli_client, linli_community
):
    await make_account("boss", linli_community, "administrator")
    await make_account("estate", linli_community, "property_staff")
    await log_in(linli_client, "boss")
    page = (await linli_client.get("/c/test/admin/trees")).text
    assert 'class="section-tabs"' in page
    assert 'href="/c/test/admin/plugins"' in page and 'href="/c/test/admin/audit"' in page
    assert 'href="/c/test/admin/trees" aria-current="page"' in page
    await form_post(linli_client, "/logout", {})
    await log_in(linli_client, "estate")  # may view the trees, nothing else here
    page = (await linli_client.get("/c/test/admin/trees")).text
    assert 'href="/c/test/admin/plugins"' not in page
    assert 'href="/c/test/admin/audit"' not in page
    assert 'href="/c/test/admin/"' in page  # the link in the navigation
    assert 'href="/c/test/register/"' not in page
