"""Plugin API 2: a plugin is its folder (the conventions), imports only ``linli.kit``,
lets refusals through to be answered once, declares sections, and owns typed events.

The ``hourlog`` test plugin (tests/core/sample_plugins/linli_hourlog) is written
that way and implements no derivable hook."""

from __future__ import annotations

import subprocess
import sys

import msgspec
import pytest
from linli_hourlog.models import Hours

from linli import PLUGIN_API_VERSION
from linli.kernel.plugins import EventHandler, event
from linli.kernel.registry import PluginRegistry
from linli.testing import form_post, log_in, make_account, make_person, settings_for_test

pytestmark = pytest.mark.linli_plugins("hourlog", "sample")


def test_the_kit_loads_no_web_stack_until_a_page_needs_it():
    code = (
        "import sys, linli.kit as kit\n"
        "kit.Manifest, kit.Refusal, kit.Community, kit.emit, kit.event, kit.ServiceVerified\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'litestar', 'jinja2'}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_kit_names_only_what_exists():
    import linli.kit as kit

    for name in kit.__all__:
        assert getattr(kit, name) is not None, name
    with pytest.raises(AttributeError, match="plugin API"):
        kit.create_app  # noqa: B018


def test_a_plugin_folder_answers_the_derivable_hooks(linli_registry):
    loaded = linli_registry.loaded["hourlog"]
    assert not hasattr(loaded.module, "linli_routes")
    assert linli_registry.tortoise_apps()["hourlog"] == {
        "models": ["linli_hourlog.models"],
        "migrations": "linli_hourlog.migrations",
    }
    routes = dict(linli_registry.call("linli_routes"))["hourlog"]
    assert {handler.handler_name for handler in routes} == {"hours", "log", "log_submit"}
    assert linli_registry.template_dirs()["hourlog"][0].name == "templates"
    assert "hourlog" in linli_registry.locale_domains()
    assert "hourlog.hours_logged" in linli_registry.event_types()
    subscriptions = dict(linli_registry.event_handlers())
    assert subscriptions["hourlog"].event == "sample.note_added"
    assert dict(linli_registry.call("linli_demo_data"))["hourlog"].__name__ == "seed"


def test_an_explicit_hook_wins_over_the_convention(linli_registry):
    # The sample plugin implements its hooks itself; the convention adds nothing.
    assert linli_registry.tortoise_apps()["sample"]["models"] == ["linli_sample.models"]
    routed = [name for name, _ in linli_registry.call("linli_routes")]
    # the built-ins first
    assert routed == ["account", "register", "admin", "inbox", "hourlog", "sample"]


async def _leader(community):
    leader = await make_account("leader", community, "hourlog_leader")
    await make_person(community, "李阿姨", phone="13900000001")
    return leader


async def test_a_refused_form_comes_back_with_the_message_beside_the_field(
    linli_client, linli_community
):
    await _leader(linli_community)
    await log_in(linli_client, "leader")
    url = "/c/test/hourlog/log"
    answer = await form_post(linli_client, url, {"who": "李阿姨", "hours": "30", "task": "修水管"})
    assert answer.status_code == 400
    page = answer.text
    assert 'class="field-error" id="hours-error"' in page
    assert "一次服务不超过 12 小时。" in page
    assert 'value="修水管"' in page and 'value="30"' in page  # the input is kept
    assert await Hours.all().count() == 0

    answer = await form_post(linli_client, url, {"who": "王大爷", "hours": "2", "task": "陪伴"})
    assert answer.status_code == 400
    assert 'id="who-error"' in answer.text and "没有与该姓名或电话相符的居民。" in answer.text

    answer = await form_post(linli_client, url, {"who": "李阿姨", "hours": "两", "task": "x"})
    assert answer.status_code == 400 and "请填写数字。" in answer.text

    answer = await form_post(linli_client, url, {"who": "李阿姨", "hours": "2", "task": "陪伴"})
    assert answer.status_code == 200 and "已登记服务时长。" in answer.text
    assert await Hours.all().count() == 1


async def test_a_refusal_for_htmx_is_a_fragment_for_the_alerts(linli_client, linli_community):
    await _leader(linli_community)
    await log_in(linli_client, "leader")
    answer = await form_post(
        linli_client,
        "/c/test/hourlog/log",
        {"who": "李阿姨", "hours": "30", "task": "x"},
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 200
    assert answer.headers["HX-Retarget"] == "#linli-alerts"
    assert "一次服务不超过 12 小时。" in answer.text
    assert "<html" not in answer.text
    assert await Hours.all().count() == 0


async def test_sections_make_the_nav_link_the_start_page_and_the_tabs(
    linli_client, linli_community
):
    home = await linli_client.get("/c/test/")
    assert 'href="/c/test/hourlog/"' in home.text and "时长登记" in home.text
    start = await linli_client.get("/c/test/hourlog/", follow_redirects=False)
    assert start.headers["location"] == "/c/test/hourlog/hours"  # anyone: the hours
    page = await linli_client.get("/c/test/hourlog/hours")
    assert "section-tabs" not in page.text  # one section to show: no tab bar

    await _leader(linli_community)
    await log_in(linli_client, "leader")
    page = await linli_client.get("/c/test/hourlog/log")
    assert 'class="section-tabs"' in page.text
    assert '<a href="/c/test/hourlog/log" aria-current="page">登记时长</a>' in page.text
    assert '<a href="/c/test/hourlog/hours">服务时长</a>' in page.text


async def test_the_emitted_event_reaches_the_subscriber_as_it_sees_it(
    linli_client, linli_community, linli_bus
):
    from linli_hourlog.events import SEEN

    await make_account("writer", linli_community, "sample_writer")
    await log_in(linli_client, "writer")
    await form_post(linli_client, "/c/test/sample/", {"text": "周六义诊"})
    await linli_bus.dispatch_due()
    assert SEEN and isinstance(SEEN[-1], int)


def _registry(tmp_path, *plugins: str) -> PluginRegistry:
    return PluginRegistry.discover(settings_for_test(tmp_path, "sqlite://:memory:", list(plugins)))


def test_a_convention_only_plugin_loads_beside_the_street_bank(tmp_path):
    registry = _registry(tmp_path, "hourlog", "streetbank", "sample")
    assert set(registry.loaded) == {"hourlog", "streetbank", "sample"}
    assert registry.subscription_problems() == []


def test_a_changed_payload_fails_its_subscribers_contract(tmp_path, monkeypatch):
    @event("sample.note_added", version=1)
    class Retyped(msgspec.Struct):
        note_id: str  # was an int
        text: str

    registry = _registry(tmp_path, "hourlog", "sample")
    monkeypatch.setattr(registry, "event_types", lambda: {"sample.note_added": Retyped})
    [(_, handler, why)] = [
        problem for problem in registry.subscription_problems() if problem[0] == "hourlog"
    ]
    assert handler.name == "remember_note"
    assert "Expected `int`, got `str`" in why
    assert registry.event_handlers() == [
        (name, h) for name, h in registry.event_handlers() if name != "hourlog"
    ]


def test_a_subscription_to_another_version_is_left_out_with_the_reason(tmp_path, monkeypatch):
    registry = _registry(tmp_path, "hourlog", "sample")
    original = registry.collect

    def collect(hook, **kwargs):
        found = original(hook, **kwargs)
        if hook != "linli_event_handlers":
            return found
        return [
            (name, EventHandler(h.event, h.name, h.handle, version=2, payload=h.payload))
            if name == "hourlog"
            else (name, h)
            for name, h in found
        ]

    monkeypatch.setattr(registry, "collect", collect)
    [(_, _, why)] = registry.subscription_problems()
    assert why == "subscribes to version 2 of 'sample.note_added', which is emitted at version 1"
    assert all(name != "hourlog" for name, _ in registry.event_handlers())


@pytest.mark.linli_plugins("sample")
async def test_a_plugin_written_for_api_1_is_refused_with_what_to_change(tmp_path):
    from linli.web.app import create_app

    registry = _registry(tmp_path, "oldnotes", "sample")
    assert list(registry.loaded) == ["sample"]
    # It imports modules of linli that plugin API 2 moved behind linli.kit.
    assert registry.failed["oldnotes"].error == (
        f"imports linli.events, which linli {PLUGIN_API_VERSION} does not have: a plugin imports "
        "linli.kit "
        "only (plugin API 2); port it as docs/plugins/changes.md says"
    )
    app = create_app(
        settings_for_test(tmp_path, f"sqlite://{tmp_path / 'db.sqlite3'}", ["oldnotes", "sample"]),
        registry=registry,
    )
    assert app is not None  # the site is built without the refused plugin


def test_linli_plugins_check_explains_an_api_1_plugin_without_a_traceback(tmp_path):
    from click.testing import CliRunner

    from linli.cli import main
    from linli.kernel.settings import write_instance

    instance = tmp_path / "instance"
    write_instance(instance)
    result = CliRunner().invoke(
        main,
        ["--instance", str(instance), "plugins", "check", "oldnotes"],
        env={"LINLI_LOAD_PLUGINS": "oldnotes,sample"},
        prog_name="linli",
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert any(
        line.startswith("manifest: the plugin does not import: ") and "changes.md" in line
        for line in result.output.splitlines()
    ), result.output


@pytest.mark.linli_plugins("volunteers", "streetbank")
async def test_the_bundled_volunteers_plugin_starts_the_site_beside_the_street_bank(
    linli_registry, linli_client
):
    assert {"volunteers", "streetbank"} <= set(linli_registry.loaded)
    assert linli_registry.failed == {}
    assert linli_registry.subscription_problems() == []
    assert (await linli_client.get("/healthz")).status_code == 200
