"""linli (邻里): a framework for running an urban residential community.

The public API for plugin authors is what this module exports, together with
``linli.hookspecs`` (the hooks) and ``linli.testing`` (the test kit).
"""

from linli.events import emit
from linli.plugins import (
    EventHandler,
    Manifest,
    NavItem,
    Permission,
    Role,
    Widget,
    hookimpl,
)
from linli.web.app import create_app

__version__ = "0.1.0"

#: Version of the plugin API that this core offers.
PLUGIN_API_VERSION = "1.0"


__all__ = [
    "PLUGIN_API_VERSION",
    "EventHandler",
    "Manifest",
    "NavItem",
    "Permission",
    "Role",
    "Widget",
    "create_app",
    "emit",
    "hookimpl",
]
