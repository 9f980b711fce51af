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


#: The core's layers, lowest first: a module imports (at run time) only its own layer
#: and those below. The kit and the test kit stand above all: the plugin author's doors.
LAYERS = ("kernel", "domain", "web", "builtin", "cli")
#: Modules of the package root, and the layer they count as.
ROOT_MODULES = {"__init__": "kernel", "__main__": "cli", "kit": "top", "testing": "top"}


def _layer(module: str) -> str | None:
    """The layer of ``linli.<…>``; ``None`` for a module outside the core."""
    parts = module.split(".")
    if parts[0] != "linli":
        return None
    if len(parts) == 1:
        return "kernel"
    if parts[1] in LAYERS:
        return parts[1]
    if parts[1] == "migrations":
        return "domain"
    return ROOT_MODULES.get(parts[1], "unknown")


def _runtime_imports(path: Path) -> set[str]:
    """The linli modules a file imports when it runs: imports under ``if TYPE_CHECKING``
    only serve type checkers and do not count."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for child in ast.walk(node))
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            if node.module == "linli":  # submodules imported by name (not attributes)
                found.update(
                    f"linli.{alias.name}"
                    for alias in node.names
                    if (CORE / alias.name).is_dir() or (CORE / f"{alias.name}.py").is_file()
                )
    return {module for module in found if module.split(".")[0] == "linli"}


def test_the_core_is_laid_out_by_layer():
    flat = sorted(path.name for path in CORE.glob("*.py") if path.stem not in ROOT_MODULES)
    assert flat == [], (
        "every core module lives in a layer: kernel/, domain/, web/, builtin/ or cli/"
    )


def test_no_core_module_imports_a_layer_above_its_own():
    rank = {name: index for index, name in enumerate((*LAYERS, "top"))}
    offending = set()
    for path in _python_files(CORE):
        relative = path.relative_to(CORE.parent)
        own = _layer(".".join(relative.with_suffix("").parts))
        if own in (None, "unknown") or "scaffold/files" in str(path):
            continue
        for module in _runtime_imports(path):
            other = _layer(module)
            if other == "unknown":
                offending.add(f"{relative}: imports {module}, which is in no layer")
            elif other is not None and rank[other] > rank[own]:
                offending.add(f"{relative} ({own}) imports {module} ({other})")
    assert offending == set()
