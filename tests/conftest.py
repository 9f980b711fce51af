"""Shared setup of linli's own tests. The fixtures come from linli's test kit
(``linli.testing``), exactly as a plugin author gets them."""

import sys
from pathlib import Path

#: Plugins the core's tests load, registered as distributions with entry points (each
#: has a ``.dist-info`` folder here), so discovery takes the same path as for an
#: installed package.
SAMPLE_PLUGINS = Path(__file__).parent / "core" / "sample_plugins"
sys.path.insert(0, str(SAMPLE_PLUGINS))
