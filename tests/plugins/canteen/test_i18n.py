"""Every message the canteen shows exists in Chinese (ids are English), and the plugin
passes ``linli plugins check``: its manifest, hooks, routes, events, templates,
migrations and catalogue, as an operator installing it would check them."""

import os
import subprocess

import pytest

from linli.testing import cli_command, log_in

pytestmark = pytest.mark.linli_plugins("canteen")


def test_linli_plugins_check_finds_nothing_wrong(tmp_path):
    instance = str(tmp_path / "instance")
    env = {**os.environ, "LINLI_LOAD_PLUGINS": "canteen"}
    env.pop("LINLI_DATABASE_URL", None)
    subprocess.run([*cli_command(), "--instance", instance, "init"], env=env, check=True)
    checked = subprocess.run(
        [*cli_command(), "--instance", instance, "plugins", "check", "canteen"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert checked.stdout.splitlines() == [
        "manifest: ok",
        "hooks: ok",
        "routes: ok",
        "events: ok",
        "templates: ok",
        "migrations: ok",
        "translations: ok",
    ], checked.stdout + checked.stderr
    assert checked.returncode == 0


async def test_a_page_speaks_the_core_s_chinese_and_the_canteen_s(linli_client, kit):
    await log_in(linli_client, "zhang")
    page = await linli_client.get("/c/test/canteen/menu")
    assert page.status_code == 200
    assert "首页" in page.text  # the core's navigation
    assert "本周菜单" in page.text and "我的订餐" in page.text  # the canteen's tabs
