"""Every message the street bank shows exists in Chinese (ids are English) and keeps its
placeholders, and the rest of the plugin contract holds: ``linli plugins check``, run
as a plugin author runs it."""

import os
import subprocess

from linli.testing import cli_command


def test_linli_plugins_check_passes(tmp_path):
    env = {**os.environ, "LINLI_LOAD_PLUGINS": "streetbank", "LINLI_SECRET_KEY": "k" * 40}
    command = [*cli_command(), "--instance", str(tmp_path), "plugins", "check", "streetbank"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert result.stdout.splitlines() == [
        "manifest: ok",
        "hooks: ok",
        "routes: ok",
        "events: ok",
        "templates: ok",
        "migrations: ok",
        "translations: ok",
    ], result.stdout + result.stderr
    assert result.returncode == 0
