"""Per-community settings of a plugin, stored by the core: the schema a manifest
declares, reading and changing values, and the admin's settings page of a plugin (the
sample plugin declares one setting of every kind)."""

import dataclasses
import logging
from datetime import date, time
from typing import Annotated, Literal

import msgspec
import pytest

from linli.domain.audit.models import AuditEntry
from linli.domain.communities import create_community
from linli.domain.community_settings import change_settings, settings_of
from linli.domain.enablement import disable, enable
from linli.kernel.models import PluginSettings
from linli.kernel.plugins import Manifest, ManifestError
from linli.kernel.refusals import Refusal
from linli.testing import form_post, log_in, make_account
from linli_sample import BoardSettings

pytestmark = pytest.mark.linli_plugins("sample")

PAGE = "/c/test/admin/plugins/sample/settings"
TITLE = {"zh_CN": "试验", "en": "Trial"}


# The schema


def _manifest(schema, **extra) -> Manifest:
    return Manifest(name="trial", title=TITLE, version="1", community_settings=schema, **extra)


def test_a_manifest_accepts_every_supported_kind_of_setting():
    manifest = _manifest(BoardSettings)
    assert manifest.community_settings is BoardSettings


@pytest.mark.parametrize(
    ("annotation", "default", "words"),
    [
        (list[int], [], "type the settings page cannot show"),
        (dict[str, int], {}, "type the settings page cannot show"),
        (int | None, None, "type the settings page cannot show"),
        (bytes, b"", "type the settings page cannot show"),
        (Annotated[int, msgspec.Meta(gt=0)], 1, "ge= and le= only"),
        (Annotated[int, msgspec.Meta(ge=1, le=9)], 10, "default of field 'value' is not valid"),
        (Literal["a", 1], "a", "Literal of strings or of integers"),
        (
            Annotated[Literal["a", "b"], msgspec.Meta(extra={"choices": {"c": "C"}})],
            "a",
            "must map some of",
        ),
    ],
)
def test_a_manifest_refuses_a_setting_the_page_cannot_show(annotation, default, words):
    schema = msgspec.defstruct("Trial", [("value", annotation, default)])
    with pytest.raises(ManifestError, match="community_settings: ") as refused:
        _manifest(schema)
    assert words in str(refused.value)


def test_a_manifest_refuses_a_setting_without_default_and_a_stray_template():
    schema = msgspec.defstruct("Trial", [("value", int)])
    with pytest.raises(ManifestError, match="field 'value' needs a default"):
        _manifest(schema)
    with pytest.raises(ManifestError, match=r"must be a msgspec\.Struct class"):
        _manifest(dict)
    with pytest.raises(ManifestError, match="settings_template needs community_settings"):
        Manifest(name="trial", title=TITLE, version="1", settings_template="trial/s.html")
    ok = msgspec.defstruct("Trial", [("value", int, 1)])
    with pytest.raises(ManifestError, match="one of the plugin's templates"):
        _manifest(ok, settings_template="admin/plugin_settings.html")
    assert _manifest(ok, settings_template="trial/settings.html").settings_template


# Reading and changing


async def test_settings_are_the_defaults_until_changed_and_each_community_has_its_own(
    linli_community, linli_registry
):
    other = await create_community("other", "别的社区", linli_registry)
    await enable(other, "sample", linli_registry)
    admin = await make_account("admin", linli_community, "administrator")
    fresh = await settings_of(linli_community, "sample")
    assert fresh.per_page == 20 and fresh.order == "newest" and fresh.opens_at == time(8)
    changed = await change_settings(
        linli_community, "sample",
        {"per_page": "50", "opens_at": "07:15", "season_ends": date(2027, 6, 30),
         "moderated": True, "order": "oldest"},
        actor=admin,
    )  # fmt: skip
    assert (changed.per_page, changed.opens_at, changed.moderated) == (50, time(7, 15), True)
    again = await settings_of(linli_community, "sample")
    assert again == changed and again.greeting == "Welcome"
    assert await settings_of(other, "sample") == fresh
    # only what differs from the defaults is stored
    row = await PluginSettings.get(community=linli_community, plugin="sample")
    assert row.values == {
        "per_page": 50, "opens_at": "07:15:00", "season_ends": "2027-06-30",
        "moderated": True, "order": "oldest",
    }  # fmt: skip
    assert row.changed_by_id == admin.id
    # back to a default: no longer stored; a change that changes nothing writes nothing
    await change_settings(linli_community, "sample", {"per_page": 20}, actor=admin)
    assert "per_page" not in (await PluginSettings.get(id=row.id)).values
    await change_settings(linli_community, "sample", {"per_page": 20}, actor=admin)
    entries = await AuditEntry.filter(action="sample.settings").order_by("id")
    assert len(entries) == 2
    assert entries[0].before["per_page"] == 20 and entries[0].after["per_page"] == 50
    assert entries[1].before == {"per_page": 50} and entries[1].after == {"per_page": 20}
    assert entries[0].object_type == "core.PluginSettings"


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"per_page": "4"}, "per_page", "Enter a whole number from %(low)s to %(high)s."),
        ({"per_page": "many"}, "per_page", "Enter a whole number from %(low)s to %(high)s."),
        ({"share": "nan"}, "share", "Enter a number from %(low)s to %(high)s."),
        ({"greeting": "x" * 41}, "greeting", "Enter at most %(most)s characters."),
        ({"opens_at": "8 o'clock"}, "opens_at", "Enter a time such as %(example)s."),
        ({"season_ends": "31/12/2026"}, "season_ends", "Enter a date such as %(example)s."),
        ({"order": "random"}, "order", "Choose one of the options offered."),
        ({"moderated": "perhaps"}, "moderated", "Choose yes or no."),
        ({"colour": "red"}, "colour", "There is no such setting."),
    ],
)
async def test_bad_values_are_refused_about_their_field_and_change_nothing(
    linli_community, values, field, message
):
    good = {"per_page": "30", "greeting": "你好"}
    with pytest.raises(Refusal) as refused:
        await change_settings(linli_community, "sample", {**good, **values}, actor=None)
    assert (refused.value.field, refused.value.message) == (field, message)
    assert await settings_of(linli_community, "sample") == BoardSettings()
    assert not await AuditEntry.filter(action="sample.settings").exists()


async def test_a_stored_value_the_plugin_no_longer_accepts_falls_back_to_its_default(
    linli_community, caplog
):
    await PluginSettings.create(
        community=linli_community, plugin="sample",
        values={"per_page": 1000, "order": "by colour", "greeting": "Hi", "gone": 1},
    )  # fmt: skip
    with caplog.at_level(logging.WARNING, logger="linli.domain.community_settings"):
        settings = await settings_of(linli_community, "sample")
    assert (settings.per_page, settings.order, settings.greeting) == (20, "newest", "Hi")
    assert "per_page=1000" in caplog.text and "'by colour'" in caplog.text


# The page


async def _admin(client, community) -> None:
    await make_account("admin", community, "administrator")
    await log_in(client, "admin")


async def test_the_page_shows_each_kind_of_setting_in_the_visitors_language(
    linli_client, linli_community
):
    await _admin(linli_client, linli_community)
    plugins = await linli_client.get("/c/test/admin/plugins")
    assert f'href="{PAGE}"' in plugins.text
    page = await linli_client.get(PAGE)
    assert page.status_code == 200
    html = page.text
    assert "留言板设置" in html and "每页留言数" in html and "较早的留言显示在下一页。" in html
    assert 'type="number" value="20" step="1" inputmode="numeric" min="5" max="100"' in html
    assert 'name="share" type="number" value="0.25" step="any"' in html
    assert 'name="greeting" type="text" value="Welcome" maxlength="40"' in html
    assert '<input type="hidden" name="moderated" value="">' in html
    assert 'type="checkbox" id="moderated" name="moderated" value="on">' in html
    assert 'name="opens_at" type="time" value="08:00"' in html
    assert 'name="season_ends" type="date" value="2026-12-31"' in html
    assert '<option value="oldest">最早的在前</option>' in html
    assert '<option value="newest" selected>最新的在前</option>' in html
    assert 'name="_csrf_token"' in html
    linli_client.cookies.set("linli_lang", "en")
    english = await linli_client.get(PAGE)
    assert "Settings of Notice board" in english.text and "Notes on a page" in english.text


async def test_the_page_saves_and_says_so(linli_client, linli_community):
    await _admin(linli_client, linli_community)
    form = {
        "per_page": "40", "share": "0.5", "greeting": "大家好", "moderated": ["", "on"],
        "opens_at": "07:30", "season_ends": "2027-01-31", "order": "oldest",
    }  # fmt: skip
    saved = await form_post(linli_client, PAGE, form)
    assert saved.status_code == 200 and str(saved.url).endswith(PAGE)
    assert '<p class="flash" role="status">设置已保存。' in saved.text
    assert 'value="40"' in saved.text and 'value="07:30"' in saved.text
    assert 'name="moderated" value="on" checked' in saved.text
    settings = await settings_of(linli_community, "sample")
    assert (settings.per_page, settings.share, settings.moderated) == (40, 0.5, True)
    assert settings.season_ends == date(2027, 1, 31) and settings.order == "oldest"
    # an unticked box is sent as the hidden empty value alone
    await form_post(linli_client, PAGE, {**form, "moderated": ""})
    assert (await settings_of(linli_community, "sample")).moderated is False
    audit = await linli_client.get("/c/test/admin/audit")
    assert "修改了留言板的设置" in audit.text


async def test_a_refused_form_comes_back_with_the_message_beside_the_field(
    linli_client, linli_community
):
    await _admin(linli_client, linli_community)
    form = {"per_page": "30", "greeting": "大家好", "opens_at": "25:00", "order": "newest"}
    refused = await form_post(linli_client, PAGE, form)
    assert refused.status_code == 400
    html = refused.text
    assert 'class="error-summary"' in html and '<a href="#opens_at">' in html
    assert '<p class="field-error" id="opens_at-error">请填写时间，例如 09:30。</p>' in html
    assert 'name="opens_at" type="time" value="25:00" required aria-invalid="true"' in html
    assert 'value="30"' in html and 'value="大家好"' in html  # the input is kept
    assert await settings_of(linli_community, "sample") == BoardSettings()
    assert not await PluginSettings.exists()


async def test_the_wrong_person_and_a_plugin_without_settings_here_are_refused(
    linli_client, linli_community, linli_registry
):
    await make_account("worker", linli_community, "community_worker")
    await log_in(linli_client, "worker")
    assert (await linli_client.get(PAGE)).status_code == 403
    posted = await form_post(linli_client, PAGE, {"per_page": "50"}, follow_redirects=False)
    assert posted.status_code == 403
    assert (await settings_of(linli_community, "sample")).per_page == 20
    await form_post(linli_client, "/logout", {})
    await _admin(linli_client, linli_community)
    for missing in (
        "/c/test/admin/plugins/nothing/settings",
        "/c/other/admin/plugins/sample/settings",
    ):
        assert (await linli_client.get(f"{missing}settings")).status_code == 404
    await disable(linli_community, "sample", linli_registry)
    assert (await linli_client.get(PAGE)).status_code == 404
    assert f'href="{PAGE}"' not in (await linli_client.get("/c/test/admin/plugins")).text


async def test_a_plugin_may_show_its_settings_with_its_own_template(
    linli_client, linli_community, linli_registry, monkeypatch
):
    plugin = linli_registry.loaded["sample"]
    own = dataclasses.replace(plugin.manifest, settings_template="sample/settings.html")
    monkeypatch.setattr(plugin, "manifest", own)
    await _admin(linli_client, linli_community)
    page = await linli_client.get(PAGE)
    assert page.status_code == 200 and "留言板自己的设置页" in page.text
    assert 'name="per_page"' in page.text and 'name="order"' not in page.text
    refused = await form_post(linli_client, PAGE, {"per_page": "1"})
    assert refused.status_code == 400 and 'id="per_page-error"' in refused.text
    assert "留言板自己的设置页" in refused.text
    await form_post(linli_client, PAGE, {"per_page": "60"})
    settings = await settings_of(linli_community, "sample")
    assert settings.per_page == 60 and settings.order == "newest"  # the rest is kept
