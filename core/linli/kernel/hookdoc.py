"""The hook reference, generated from the docstrings in :mod:`linli.kernel.hookspecs`.

``python -m linli.kernel.hookdoc > docs/plugins/hooks.md`` rewrites the page; a test fails when
a hook has no docstring or the page is stale.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from types import ModuleType
from typing import Any

from linli.kernel import hookspecs
from linli.kernel.plugins import PROJECT

HEADER = """# Hook reference

Generated from the docstrings in `core/linli/kernel/hookspecs.py` by
`python -m linli.kernel.hookdoc > docs/plugins/hooks.md`; do not edit by hand. How to use hooks
in a plugin is in [../plugins.md](../plugins.md).

Since plugin API 2.0 a plugin implements only the hooks that are real extension points:
the core answers the hooks marked *optional* from the package's layout. A
`versionadded`/`versionchanged` note says in which plugin API version a hook came or
changed; what changed in each version, the removed hooks included
(`linli_object_permission`, removed in 2.0), is in [changes.md](changes.md).
"""


def hook_functions(module: ModuleType = hookspecs) -> list[tuple[str, Callable[..., Any]]]:
    """The hook specifications of ``module``, in the order they are written."""
    marker = f"{PROJECT}_spec"
    found = [
        (name, value)
        for name, value in vars(module).items()
        if inspect.isfunction(value) and hasattr(value, marker)
    ]
    return sorted(found, key=lambda pair: pair[1].__code__.co_firstlineno)


def undocumented_hooks(module: ModuleType = hookspecs) -> list[str]:
    return [name for name, function in hook_functions(module) if not inspect.getdoc(function)]


def render(module: ModuleType = hookspecs) -> str:
    """The Markdown page: an index, then each hook's signature and documentation."""
    hooks = hook_functions(module)
    lines = [HEADER, "| hook | in short |", "| --- | --- |"]
    for name, function in hooks:
        summary = (inspect.getdoc(function) or "").split("\n\n")[0].replace("\n", " ")
        lines.append(f"| [`{name}`](#{name}) | {summary} |")
    for name, function in hooks:
        signature = str(inspect.signature(function)).replace("'", "")
        lines += ["", f"## {name}", "", "```python", f"def {name}{signature}: ...", "```", ""]
        lines.append(inspect.getdoc(function) or "")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render(), end="")
