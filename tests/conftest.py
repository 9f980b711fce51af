"""Shared setup of linli's own tests. The fixtures come from linli's test kit
(``linli.testing``), exactly as a plugin author gets them."""

import sys
from pathlib import Path
from typing import Any

import pytest

#: Plugins the core's tests load, registered as distributions with entry points (each
#: has a ``.dist-info`` folder here), so discovery takes the same path as for an
#: installed package.
pytest_plugins = ["pytester"]  # the test kit's own tests run pytest inside pytest

SAMPLE_PLUGINS = Path(__file__).parent / "core" / "sample_plugins"
sys.path.insert(0, str(SAMPLE_PLUGINS))


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Spread the tests one by one over the workers, except that each browser module
    goes whole to one worker: its demo server and browser then start once, not once on
    every worker that runs one of its tests. The accessibility walk, minutes long, goes
    in two halves, one per language (its parameters are ``zh-…`` and ``en-…``): each
    half then serves its own demo, and the two run side by side."""
    from xdist.scheduler import LoadScopeScheduling

    class BrowserModulesWhole(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            if module == "tests/e2e/test_accessibility_browser.py" and "[" in nodeid:
                return module + "::" + nodeid.split("[", 1)[1].split("-", 1)[0]
            return module if module.startswith("tests/e2e/") else nodeid

    return BrowserModulesWhole(config, log)
