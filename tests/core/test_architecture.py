"""Architecture rules: the core imports no plugin, a plugin imports no other plugin, and
plugins use only linli's plugin API: ``linli.kit`` in their code, and ``linli.testing``
besides in their tests (docs/plugins.md)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
CORE = ROOT / "core" / "linli"
PLUGINS = sorted(path for path in (ROOT / "plugins").glob("*/linli_*") if path.is_dir())

#: What a plugin's code may import from linli: the kit, and nothing else.
PLUGIN_API = {"linli.kit"}
#: What a plugin's tests may import from linli besides the kit.
TEST_API = {"linli.kit", "linli.testing"}


def _imports(path: Path) -> set[str]:
    """Every module a Python file imports (absolute imports)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _python_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def test_the_core_imports_no_plugin_and_no_theme():
    offending = {
        f"{path.relative_to(ROOT)}: {module}"
        for path in _python_files(CORE)
        for module in _imports(path)
        if module.split(".")[0].startswith("linli_")
    }
    assert offending == set()


def test_the_rules_see_the_bundled_plugins():
    assert "linli_streetbank" in [path.name for path in PLUGINS]


def _offending(package: str, files: list[Path], allowed: set[str]) -> set[str]:
    found = set()
    for path in files:
        for module in _imports(path):
            top = module.split(".")[0]
            if top.startswith("linli_") and top != package:
                found.add(f"{path.relative_to(ROOT)}: imports plugin {module}")
            if top == "linli" and module not in allowed:
                found.add(f"{path.relative_to(ROOT)}: imports {module}, not linli.kit")
    return found


@pytest.mark.parametrize("package", PLUGINS, ids=lambda path: path.name)
def test_a_plugin_imports_only_the_kit_and_no_other_plugin(package):
    assert _offending(package.name, _python_files(package), PLUGIN_API) == set()


@pytest.mark.parametrize("package", PLUGINS, ids=lambda path: path.name)
def test_a_plugins_tests_import_only_the_kit_the_test_kit_and_their_plugin(package):
    tests = ROOT / "tests" / "plugins" / package.name.removeprefix("linli_")
    assert tests.is_dir()
    assert _offending(package.name, _python_files(tests), TEST_API) == set()
