"""``linli new-plugin``: write a new plugin distribution, laid out like the bundled ones.

The files are rendered from the ``*.tmpl`` files under ``files/`` with
:class:`string.Template` (``${name}``), so the ``{{ }}`` and ``{% %}`` of the generated
Jinja templates pass through untouched. In the paths under ``files/``, the token ``NAME``
stands for the plugin's name.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from string import Template

import linli.migrations
from linli.kernel.plugins import Manifest

FILES = Path(__file__).parent / "files"
NAME = re.compile(r"^[a-z][a-z0-9_]{1,31}$")
_MIGRATION = re.compile(r"^(\d{4})_\w+\.py$")


class ScaffoldError(ValueError):
    """The plugin cannot be written (bad name, existing target)."""


def check_name(name: str) -> None:
    if not NAME.match(name):
        raise ScaffoldError(
            f"invalid plugin name {name!r}: it must be 2-32 characters, lowercase letters, "
            "digits or underscores, starting with a letter (like tool_library)"
        )


def latest_core_migration() -> str:
    """The name of the core's newest migration, which a plugin's first one follows."""
    folder = Path(next(iter(linli.migrations.__path__)))
    names = sorted(
        path.stem for path in folder.iterdir() if _MIGRATION.match(path.name) is not None
    )
    if not names:
        raise ScaffoldError(f"no migrations found in {folder}")
    return names[-1]


def _context(name: str) -> dict[str, str]:
    title = name.replace("_", " ").capitalize()
    fields = {field.name for field in dataclasses.fields(Manifest)}
    return {
        "name": name,
        "title_en": title,
        "title_zh": title,
        "controller": "".join(part.capitalize() for part in name.split("_")) + "Controller",
        "core_migration": latest_core_migration(),
        # The plugin API range, where this core's Manifest knows the field.
        "linli_api": '\n    linli_api=">=2,<3",' if "linli_api" in fields else "",
    }


def render(name: str) -> dict[Path, str]:
    """The files of plugin ``name``, relative to its distribution folder."""
    check_name(name)
    context = _context(name)
    files: dict[Path, str] = {}
    for source in sorted(FILES.rglob("*.tmpl")):
        relative = source.relative_to(FILES).with_suffix("")  # drop .tmpl
        target = Path(*(part.replace("NAME", name) for part in relative.parts))
        files[target] = Template(source.read_text(encoding="utf-8")).substitute(context)
    return files


def new_plugin(name: str, path: Path) -> Path:
    """Write plugin ``name`` into ``path/name`` (which must not exist); return that folder."""
    check_name(name)
    target = path / name
    if target.exists():
        raise ScaffoldError(f"{target} already exists: choose another name or --path")
    files = render(name)
    for relative, text in files.items():
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(text, encoding="utf-8")
    return target
