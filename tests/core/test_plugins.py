"""Plugins: discovery through entry points, failures isolated, enabled per community."""

import pytest

from linli.domain.enablement import (
    EnablementError,
    disable,
    enable,
    enabled_plugins,
    seed_demo_data,
)
from linli.kernel.models import Community
from linli.kernel.registry import PluginRegistry
from linli.testing import form_post, log_in, make_account, settings_for_test
from linli.web.app import create_app
from linli_sample.models import Note

pytestmark = pytest.mark.linli_plugins("sample")


def _registry(tmp_path, names, **extra):
    return PluginRegistry.discover(settings_for_test(tmp_path, "sqlite://:memory:", names, **extra))


def test_plugins_are_discovered_and_failures_are_recorded(tmp_path):
    registry = _registry(tmp_path, ["sample", "broken", "typo", "needy"])
    assert list(registry.loaded) == ["needy", "sample"]
    assert "ImportError" in registry.failed["broken"].error
    assert "cannot find a library" in registry.failed["broken"].error
    assert "linli_nav_itemz" in registry.failed["typo"].error  # a misspelled hook


def test_a_plugin_whose_requirement_is_missing_is_not_loaded(tmp_path):
    registry = _registry(tmp_path, ["needy"])
    assert registry.loaded == {}
    assert "requires sample" in registry.failed["needy"].error


def test_block_list_and_safe_mode(tmp_path):
    blocked = _registry(tmp_path, ["sample", "needy"], block_plugins=["sample"])
    assert "sample" in blocked.skipped
    assert "sample" not in blocked.loaded
    safe = _registry(tmp_path, [])
    assert safe.loaded == {} and safe.failed == {}


def test_plugin_settings_are_validated_against_the_manifest(tmp_path):
    good = _registry(tmp_path, ["sample"], plugins={"sample": {"max_length": 50}})
    assert good.loaded["sample"].settings.max_length == 50
    assert _registry(tmp_path, ["sample"]).loaded["sample"].settings.max_length == 200
    bad = _registry(tmp_path, ["sample"], plugins={"sample": {"max_length": "long"}})
    assert "max_length" in bad.failed["sample"].error


async def _writer(client, community):
    await make_account("writer", community, "sample_writer")
    await log_in(client, "writer")


async def test_plugin_page_nav_item_and_widget_work(linli_client, linli_community):
    page = await linli_client.get("/c/test/sample/")
    assert page.status_code == 200
    assert 'href="/c/test/sample/"' in page.text and "留言" in page.text
    await _writer(linli_client, linli_community)
    response = await form_post(linli_client, "/c/test/sample/", {"text": "楼道灯坏了"})
    assert response.status_code == 200
    assert "楼道灯坏了" in response.text
    assert await Note.filter(community=linli_community).count() == 1
    home = await linli_client.get("/c/test/")
    assert '<p class="sample-count">1</p>' in home.text
    # the plugin among the community's services, a card leading to its page
    services = home.text[home.text.index('class="card-grid services"') :]
    assert 'href="/c/test/sample/"' in services[: services.index("</ul>")]
    assert '<p class="sample-viewer">writer</p>' in home.text  # a widget for the viewer
    await form_post(linli_client, "/logout", {})
    anonymous = await linli_client.get("/c/test/")
    assert '<p class="sample-count">1</p>' in anonymous.text
    assert "sample-viewer" not in anonymous.text


async def test_enabling_a_plugin_offers_its_default_roles(linli_community):
    from linli.domain.permissions.models import Role

    role = await Role.get(community=linli_community, key="sample_writer")
    assert role.permissions == ["sample.post"]
    assert (role.name, role.name_en, role.source) == ("留言员", "Note writer", "sample")


async def test_posting_a_note_needs_the_permission(linli_client, linli_community):
    anonymous = await form_post(linli_client, "/c/test/sample/", {"text": "匿名"})
    assert anonymous.status_code == 401
    await make_account("resident", linli_community, "resident")
    await log_in(linli_client, "resident")
    refused = await form_post(linli_client, "/c/test/sample/", {"text": "没有权限"})
    assert refused.status_code == 403
    assert await Note.all().count() == 0


async def test_bad_form_input_is_refused_in_the_visitors_language(linli_client, linli_community):
    await _writer(linli_client, linli_community)
    response = await form_post(linli_client, "/c/test/sample/", {"text": "   "})
    assert response.status_code == 400
    missing = await form_post(linli_client, "/c/test/sample/", {})
    assert missing.status_code == 400
    too_long = await form_post(linli_client, "/c/test/sample/", {"text": "长" * 300})
    assert too_long.status_code == 400  # a message with a "%" sign is shown as it is
    assert "This note is 150% of the longest allowed" in too_long.text
    assert await Note.all().count() == 0


async def test_disabling_hides_the_plugin_and_keeps_its_data(
    linli_client, linli_community, linli_registry
):
    await Note.create(community=linli_community, text="保留的留言")
    await disable(linli_community, "sample", linli_registry)
    assert (await linli_client.get("/c/test/sample/")).status_code == 404
    home = await linli_client.get("/c/test/")
    assert "/c/test/sample/" not in home.text
    assert "sample-count" not in home.text
    await enable(linli_community, "sample", linli_registry)
    again = await linli_client.get("/c/test/sample/")
    assert again.status_code == 200 and "保留的留言" in again.text


async def test_another_community_does_not_see_a_plugin_it_did_not_enable(
    linli_client, linli_community
):
    await Community.create(slug="other", name="另一个社区")
    assert (await linli_client.get("/c/other/sample/")).status_code == 404
    assert (await linli_client.get("/c/test/sample/")).status_code == 200


@pytest.mark.linli_plugins("sample", "needy")
async def test_enabling_a_plugin_enables_what_it_requires(linli_db, linli_registry):
    community = await Community.create(slug="fresh", name="新社区")
    assert await enable(community, "needy", linli_registry) == ["sample", "needy"]
    assert await enable(community, "needy", linli_registry) == []
    with pytest.raises(EnablementError, match="needed by needy"):
        await disable(community, "sample", linli_registry)
    assert await enabled_plugins(community, linli_registry) == ["needy", "sample"]
    assert await disable(community, "needy", linli_registry)
    assert await disable(community, "sample", linli_registry)


async def test_enabling_an_unknown_or_failed_plugin_is_refused(linli_db, tmp_path):
    registry = _registry(tmp_path, ["sample", "broken"])
    community = await Community.create(slug="fresh", name="新社区")
    with pytest.raises(EnablementError, match="not installed"):
        await enable(community, "ghost", registry)
    with pytest.raises(EnablementError, match="failed to load"):
        await enable(community, "broken", registry)
    assert await enabled_plugins(community, registry) == []


async def test_demo_data_is_seeded_once_per_community(linli_community, linli_registry):
    lines = await seed_demo_data(linli_community, linli_registry)
    assert lines == ["sample: one note on the board"]
    assert await seed_demo_data(linli_community, linli_registry) == []
    assert await Note.filter(community=linli_community).count() == 1


async def test_a_failed_plugin_does_not_take_the_site_down(linli_db, linli_database_url, tmp_path):
    settings = settings_for_test(tmp_path, linli_database_url, ["sample", "broken"])
    app = create_app(settings)
    assert "broken" in app.state.site.registry.failed
    await Community.create(slug="only", name="唯一社区")
    import httpx

    async with (
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client,
    ):
        response = await client.get("/c/only/")
    assert response.status_code == 200


@pytest.mark.linli_plugins("sample", "flaky")
async def test_failing_ui_hooks_are_left_out_and_the_page_renders(linli_client, linli_community):
    home = await linli_client.get("/c/test/")
    assert home.status_code == 200
    assert 'href="/c/test/sample/"' in home.text  # the healthy plugin's nav item is there
    assert "Broken widget" not in home.text


@pytest.mark.linli_plugins("flaky")
async def test_a_crash_shows_the_friendly_500_page_without_details(linli_client, linli_community):
    response = await linli_client.get("/c/test/flaky/crash")
    assert response.status_code == 500
    assert "系统出了点问题" in response.text
    assert "secret internal detail" not in response.text
    assert "Traceback" not in response.text


def test_a_failing_data_hook_fails_loudly_naming_the_plugin(tmp_path):
    from linli.kernel.registry import PluginError

    registry = _registry(tmp_path, ["flaky"])
    with pytest.raises(PluginError, match="plugin flaky: linli_permissions failed"):
        registry.permissions()


async def test_pages_make_a_constant_number_of_queries(linli_client, linli_community):
    from linli.testing import page_queries

    await Note.create(community=linli_community, text="第一条")
    few_home = await page_queries(linli_client, "/c/test/")
    few_list = await page_queries(linli_client, "/c/test/sample/")
    await Note.bulk_create([Note(community=linli_community, text=f"留言{i}") for i in range(80)])
    many_home = await page_queries(linli_client, "/c/test/")
    many_list = await page_queries(linli_client, "/c/test/sample/")
    assert len(few_home) == len(many_home) == 2  # the stamps, the widget
    assert len(few_list) == len(many_list) == 2  # the stamps, one page of notes


async def test_a_plugin_extends_a_core_role_it_names(linli_community, linli_registry):
    from linli.domain.permissions.models import Role
    from linli.domain.permissions.services import ensure_roles
    from linli.kernel.i18n import Catalogues
    from linli.kernel.plugins import Role as RoleSpec

    before = await Role.get(community=linli_community, key="merchant_operator")
    assert "sample.post" not in before.permissions
    spec = RoleSpec("merchant_operator", "Merchant operator", ("sample.post",))
    created = await ensure_roles(linli_community, [("sample", spec)], Catalogues([]))
    assert created == []
    after = await Role.get(community=linli_community, key="merchant_operator")
    assert "sample.post" in after.permissions and after.source == "core"


def test_a_column_added_to_an_existing_table_has_a_database_default():
    """An upgrade adds columns to tables that already hold rows: a NOT NULL column needs
    a default in the database (``db_default``), or the migration fails on every
    instance that has data (the demo's did)."""
    import importlib
    import pkgutil

    from tortoise.migrations.operations import AddField

    import linli.migrations

    packages = [linli.migrations] + [
        importlib.import_module(f"linli_{name}.migrations")
        for name in ("canteen", "codesign", "council", "mediation", "streetbank")
    ]
    missing = []
    for package in packages:
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for operation in module.Migration.operations:
                if not isinstance(operation, AddField):
                    continue
                field = operation.field
                has_default = type(field.db_default).__name__ != "_DB_DEFAULT_NOT_SET"
                if not (field.null or has_default or getattr(field, "related_model", None)):
                    missing.append(f"{package.__name__}.{info.name}: {operation.name}")
    assert missing == []
