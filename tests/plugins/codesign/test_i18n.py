"""Acceptance 4: every message of the plugin exists in Chinese (ids are English), as
``linli plugins check`` finds, and the catalogue merges with the core's."""

import asyncio
import os
import subprocess

import pytest

from linli.testing import cli_command


def _check(folder):
    return subprocess.run(
        [*cli_command(), "plugins", "check", "codesign"],
        capture_output=True, text=True, cwd=folder, timeout=120, check=False,
        env={**os.environ, "LINLI_SECRET_KEY": "codesign-check-" * 3},
    )  # fmt: skip


async def test_linli_plugins_check_passes_with_every_message_in_chinese(tmp_path):
    """What a plugin author runs before publishing: the manifest, hooks, routes'
    permissions, events, templates and migrations, and every message translated into
    Chinese with the placeholders of its English id."""
    checked = await asyncio.to_thread(_check, tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    lines = checked.stdout.splitlines()
    assert "translations: ok" in lines and "events: ok" in lines


@pytest.mark.linli_plugins("codesign")
def test_the_catalogue_merges_with_the_core(linli_registry):
    catalogues = linli_registry.catalogues
    said = catalogues.translate("zh_CN", "Hidden by moderator: %(reason)s", "codesign")
    assert said.startswith("已被")
    assert catalogues.translate("en", "Co-design", "codesign") == "Co-design"
    assert catalogues.translate("zh_CN", "Home", "codesign") == "首页"  # the core's word
