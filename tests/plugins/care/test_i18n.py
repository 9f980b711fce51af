"""Every message the care plugin shows exists in Chinese (ids are English), and the plugin
passes ``linli plugins check``: its manifest, hooks, routes, events, templates,
migrations and catalogue, as an operator installing it would check them."""

import os
import subprocess
from pathlib import Path

import pytest

import linli_care
from linli.testing import cli_command, missing_translations, placeholder_mismatches

pytestmark = pytest.mark.linli_plugins("care")


def test_linli_plugins_check_finds_nothing_wrong(tmp_path):
    instance = str(tmp_path / "instance")
    env = {**os.environ, "LINLI_LOAD_PLUGINS": "care"}
    env.pop("LINLI_DATABASE_URL", None)
    subprocess.run([*cli_command(), "--instance", instance, "init"], env=env, check=True)
    checked = subprocess.run(
        [*cli_command(), "--instance", instance, "plugins", "check", "care"],
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


def test_every_message_has_a_chinese_translation_with_its_placeholders():
    package = Path(linli_care.__file__).parent
    assert missing_translations(package) == []
    assert placeholder_mismatches(package) == []
