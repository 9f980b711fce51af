"""Versions: the core, the theme and every bundled plugin carry a semantic PEP 440
version, one number in one place each; ``linli --version`` shows them with the plugin API
version, and each bundled plugin accepts the plugin API this core offers."""

from __future__ import annotations

import importlib
import re
import tomllib
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from packaging.version import Version

import linli
from linli import PLUGIN_API_VERSION
from linli.cli import main
from linli.kernel.plugins import Manifest

ROOT = Path(__file__).resolve().parents[2]


def _members() -> list[dict[str, Any]]:
    """The ``[project]`` table of each distribution of the workspace."""
    workspace = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return [
        tomllib.loads((ROOT / member / "pyproject.toml").read_text(encoding="utf-8"))["project"]
        for member in workspace["tool"]["uv"]["workspace"]["members"]
    ]


def _plugins() -> dict[str, str]:
    """Each bundled plugin's distribution name and module."""
    found = {}
    for project in _members():
        for module in project.get("entry-points", {}).get("linli.plugins", {}).values():
            found[project["name"]] = module
    return found


def test_every_distribution_has_a_semantic_pep440_version() -> None:
    projects = _members()
    assert {project["name"] for project in projects} >= {"linli", "linli-theme-default"}
    for project in projects:
        parsed = Version(project["version"])  # raises on a version PEP 440 refuses
        assert len(parsed.release) == 3 and parsed.local is None, project
        assert version(project["name"]) == project["version"], "run uv sync"


def test_the_core_says_its_version_once() -> None:
    assert linli.__version__ == version("linli")


@pytest.mark.parametrize("distribution", sorted(_plugins()))
def test_a_bundled_plugin_shows_its_distributions_version_and_takes_this_api(
    distribution: str,
) -> None:
    manifest: Manifest = importlib.import_module(_plugins()[distribution]).manifest
    assert manifest.version == version(distribution)
    assert manifest.supports_api(PLUGIN_API_VERSION)


def test_the_plugin_api_version_is_major_dot_minor() -> None:
    assert re.fullmatch(r"[1-9]\d*\.\d+", PLUGIN_API_VERSION)


def test_linli_version_shows_the_core_the_plugin_api_the_theme_and_the_plugins() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"linli {linli.__version__} (plugin API {PLUGIN_API_VERSION})"
    assert f"theme default: linli-theme-default {version('linli-theme-default')}" in lines
    for distribution, module in _plugins().items():
        name = module.removeprefix("linli_")
        assert f"plugin {name}: {distribution} {version(distribution)}" in lines
