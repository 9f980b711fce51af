"""Architecture rules: the core imports no plugin, a plugin imports no other plugin, and
plugins use only linli's public API (the modules listed in PUBLIC_API, which
docs/plugins.md and docs/permissions.md describe)."""

import ast
from pathlib import Path

ROOT = Path(__file__).parents[2]
CORE = ROOT / "core" / "linli"
PLUGINS = sorted(path for path in (ROOT / "plugins").glob("*/linli_*") if path.is_dir())

#: What a plugin may import from linli.
PUBLIC_API = {
    "linli.settings",  # canteen reads the instance zone; issue 15 passes it to hooks
    "linli.sorting",
    "linli.web.edge",
    "linli.web.feedback",
    "linli",
    "linli.audit.services",
    "linli.cli",
    "linli.communities",
    "linli.events",
    "linli.hierarchy.escalation",
    "linli.hierarchy.models",
    "linli.hierarchy.services",
    "linli.i18n",
    "linli.identity.behalf",
    "linli.identity.models",
    "linli.identity.services",
    "linli.models",
    "linli.permissions.models",
    "linli.permissions.services",
    "linli.plugins",
    "linli.refusals",
    "linli.testing",
    "linli.uploads",
    "linli.web.auth",
    "linli.web.charts",
    "linli.web.errors",
    "linli.web.site",
}


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


def test_plugins_import_no_other_plugin_and_only_the_public_api():
    offending = set()
    for package in PLUGINS:
        for path in _python_files(package):
            for module in _imports(path):
                top = module.split(".")[0]
                if top.startswith("linli_") and top != package.name:
                    offending.add(f"{path.relative_to(ROOT)}: imports plugin {module}")
                if top == "linli" and module not in PUBLIC_API:
                    offending.add(f"{path.relative_to(ROOT)}: imports private {module}")
    assert offending == set()
