"""linli (邻里): a framework for running an urban residential community.

Plugin authors import :mod:`linli.kit` (the plugin API) and :mod:`linli.testing` (the
test kit). This package itself offers the version numbers and :func:`create_app`, which
loads the web server stack only when asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Version of the plugin API that this core offers (``docs/plugins/changes.md``).
PLUGIN_API_VERSION = "2.4"

#: Names importable from the package as in its first releases (new code uses linli.kit).
_FORMER: dict[str, str] = {
    "EventHandler": "linli.kernel.plugins",
    "Manifest": "linli.kernel.plugins",
    "NavItem": "linli.kernel.plugins",
    "Permission": "linli.kernel.plugins",
    "Role": "linli.kernel.plugins",
    "Widget": "linli.kernel.plugins",
    "hookimpl": "linli.kernel.plugins",
    "emit": "linli.kernel.events",
    "create_app": "linli.web.app",
}

__all__ = ["PLUGIN_API_VERSION", "__version__", "create_app"]


def __getattr__(name: str) -> Any:
    home = _FORMER.get(name)
    if home is None:
        raise AttributeError(f"module 'linli' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(home), name)


if TYPE_CHECKING:
    from linli.web.app import create_app
