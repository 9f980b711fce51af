"""The test kit's plugin registries and web apps, built once and shared by the tests that
ask for the same plugins and settings.

Building the app costs 0.1–0.5 s (Litestar builds a signature model per handler), far
more than a test's own work, so a test process builds one app per distinct set of
settings (the plugin set, and any setting a test chose) and hands it to every test that
asks for it. What a test can change is put back before the next one gets the app:

- the app's ``state`` is restored to what it was when the app was built, and the
  site's fields (settings, registry, event bus, catalogues, theme) likewise;
- the site's settings are the test's own (its database, its folder);
- a test that changes its plugin registry (registers a plugin object of its own, say)
  gets a registry and an app of its own, and the shared ones are built again for the
  next test.

Each test has its own database, so sessions, login throttles and every row are the
test's own too (see :mod:`linli.testing.databases`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec
from litestar import Litestar

from linli.kernel.registry import PluginRegistry
from linli.kernel.settings import Settings


def settings_key(settings: Settings) -> bytes:
    """What makes two tests' settings need different apps: everything but the
    database, the instance folder and the throwaway secret."""
    shared = msgspec.structs.replace(
        settings, instance_dir=Path("/"), database_url="", secret_key=""
    )
    return msgspec.json.encode(shared, enc_hook=str)


def registry_fingerprint(registry: PluginRegistry) -> tuple[Any, ...]:
    """Changes when a plugin is registered or unregistered, loaded or failed."""
    registered = sorted((name, id(plugin)) for name, plugin in registry.pm.list_name_plugin())
    return (tuple(registered), tuple(registry.loaded), tuple(registry.failed))


@dataclass
class _Shared:
    registry: PluginRegistry
    fingerprint: tuple[Any, ...]
    app: Litestar | None = None
    state: dict[str, Any] = field(default_factory=dict)
    site: dict[str, Any] = field(default_factory=dict)


class TestApps:
    """Registries and apps of one test process, keyed by :func:`settings_key`."""

    __test__ = False

    def __init__(self) -> None:
        self._shared: dict[bytes, _Shared] = {}

    def registry(self, settings: Settings) -> PluginRegistry:
        """The shared registry for ``settings`` (discovered on first use)."""
        key = settings_key(settings)
        shared = self._shared.get(key)
        if shared is None or registry_fingerprint(shared.registry) != shared.fingerprint:
            registry = PluginRegistry.discover(settings)
            shared = _Shared(registry, registry_fingerprint(registry))
            self._shared[key] = shared
        return shared.registry

    def app(self, settings: Settings, registry: PluginRegistry) -> Litestar:
        """An app of ``registry`` serving with ``settings``, as if just built."""
        from linli.web.app import create_app

        shared = self._shared.get(settings_key(settings))
        if (
            shared is None
            or shared.registry is not registry
            or registry_fingerprint(registry) != shared.fingerprint
        ):
            return create_app(settings, registry=registry)  # this test's own
        if shared.app is None:
            shared.app = create_app(settings, registry=registry)
            shared.state = dict(shared.app.state.dict())
            shared.site = dict(vars(shared.app.state.site))
        app = shared.app
        app.state.clear()
        app.state.update(shared.state)
        site = app.state.site
        vars(site).clear()
        vars(site).update(shared.site, settings=settings)
        site.cache.clear()  # what it cached came from another test's database
        site.pages.clear()
        return app

    def check_in(self, settings: Settings, registry: PluginRegistry) -> None:
        """After a test: forget the shared registry and app if the test changed the
        registry, so that the next test gets them as discovered."""
        key = settings_key(settings)
        shared = self._shared.get(key)
        if (
            shared is not None
            and registry_fingerprint(registry) != shared.fingerprint
            and shared.registry is registry
        ):
            del self._shared[key]
