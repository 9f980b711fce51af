"""Discovering, loading and calling plugins and themes.

Entry points are loaded one at a time so that a plugin that fails to import, to register
or to validate is recorded as failed and skipped, and the site still starts.
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import msgspec
import pluggy

from linli.kernel import hookspecs, settings_schema
from linli.kernel.contracts import SHARED_EVENTS
from linli.kernel.conventions import CONVENTIONS
from linli.kernel.i18n import Catalogues
from linli.kernel.plugins import (
    ENTRY_POINT_GROUP,
    PROJECT,
    THEME_ENTRY_POINT_GROUP,
    EventHandler,
    Manifest,
    Permission,
    Role,
    contract_problem,
)
from linli.kernel.settings import Settings, SettingsError
from linli.kernel.themes import Theme

if TYPE_CHECKING:
    from linli.kernel.jobs import Job
    from linli.kernel.notifications import Channel, NotificationKind

log = logging.getLogger(__name__)


def api_incompatibility(manifest: Manifest) -> str | None:
    """Why linli cannot load a plugin made for another plugin API, or ``None``."""
    from linli import PLUGIN_API_VERSION  # the package imports this module

    if manifest.supports_api(PLUGIN_API_VERSION):
        return None
    needs = f"needs linli plugin API {manifest.linli_api}, this linli offers {PLUGIN_API_VERSION}"
    if manifest.supports_older_api(PLUGIN_API_VERSION):
        return (
            f"{needs}: the plugin was written for an older plugin API; upgrade the plugin, "
            "or port it as docs/plugins/changes.md says"
        )
    return f"{needs}; upgrade linli or use a version of the plugin made for it"


def missing_module_reason(exc: ModuleNotFoundError) -> str:
    """Why a plugin that imports a module that is not there cannot load: for one of
    linli's, what to import instead."""
    from linli import PLUGIN_API_VERSION

    missing = exc.name or ""
    if missing == "linli" or not missing.startswith("linli."):
        return f"ModuleNotFoundError: {exc}"
    return (
        f"imports {missing}, which linli {PLUGIN_API_VERSION} does not have: a plugin "
        "imports linli.kit only (plugin API 2); port it as docs/plugins/changes.md says"
    )


@dataclass(frozen=True)
class BuiltIn:
    """One of the core's own features, loaded as a plugin (:mod:`linli.builtin`)."""

    module: str
    #: Its pages are the site's (``/login``), not under ``/c/<community>/<name>/``.
    site_wide: bool = False


#: The core's built-in plugins, loaded before any installed one and always enabled.
BUILTINS: tuple[BuiltIn, ...] = (
    BuiltIn("linli.builtin.account", site_wide=True),
    BuiltIn("linli.builtin.register"),
    BuiltIn("linli.builtin.admin"),
    BuiltIn("linli.builtin.inbox"),
)


class PluginError(RuntimeError):
    """A plugin's data hook failed; the site cannot run correctly without it."""


@dataclass
class LoadedPlugin:
    name: str
    manifest: Manifest
    module: ModuleType
    settings: msgspec.Struct | None = None
    #: How the core loads it when it is one of its built-ins (``None`` for a plugin).
    builtin: BuiltIn | None = None


@dataclass
class FailedPlugin:
    name: str
    error: str


@dataclass
class PluginRegistry:
    """The plugins of one running instance: loaded, failed and left out by settings.

    ``loaded`` holds the installed plugins a community may enable; ``builtins`` the
    core's own features (:data:`BUILTINS`), whose hooks are called like any plugin's
    and which every community has."""

    pm: pluggy.PluginManager
    loaded: dict[str, LoadedPlugin] = field(default_factory=dict)
    builtins: dict[str, LoadedPlugin] = field(default_factory=dict)
    failed: dict[str, FailedPlugin] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    @classmethod
    def discover(cls, settings: Settings) -> PluginRegistry:
        pm = pluggy.PluginManager(PROJECT)
        pm.add_hookspecs(hookspecs)
        registry = cls(pm=pm)
        for builtin in BUILTINS:
            registry._load_builtin(builtin)
        for entry_point in sorted(
            metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name
        ):
            name = entry_point.name
            if name in registry.loaded or name in registry.failed:
                continue
            allowed = settings.load_plugins is None or name in settings.load_plugins
            if not allowed or name in settings.block_plugins:
                registry.skipped.append(name)
                continue
            registry._load(entry_point, settings)
        registry._drop_unmet_requirements()
        return registry

    def _load(self, entry_point: metadata.EntryPoint, settings: Settings) -> None:
        name = entry_point.name
        if name in self.builtins:
            self._fail(name, f"{name!r} is the name of one of linli's built-in features")
            return
        try:
            module = entry_point.load()
            manifest = getattr(module, "manifest", None)
            if not isinstance(manifest, Manifest):
                raise TypeError("the module has no `manifest = linli.Manifest(...)`")
            if manifest.name != name:
                raise TypeError(
                    f"the manifest is named {manifest.name!r} but the entry point {name!r}"
                )
            problem = api_incompatibility(manifest)
            if problem:
                self._fail(name, problem)
                return
            plugin_settings = manifest.load_settings(settings.plugins.get(name))
        except ModuleNotFoundError as exc:
            self._fail(name, missing_module_reason(exc))
            return
        except Exception as exc:
            self._fail(name, f"{type(exc).__name__}: {exc}")
            return
        try:
            self.pm.register(module, name=name)
            self.pm.check_pending()
        except Exception as exc:
            if self.pm.is_registered(module):
                self.pm.unregister(module)
            self._fail(name, f"{type(exc).__name__}: {exc}")
            return
        self.loaded[name] = LoadedPlugin(name, manifest, module, plugin_settings)
        try:
            self._check_events(name)
        except Exception as exc:
            self.pm.unregister(module)
            del self.loaded[name]
            self._fail(name, f"{type(exc).__name__}: {exc}")
            return
        settings_schema.declare(name, manifest.community_settings)

    def _load_builtin(self, builtin: BuiltIn) -> None:
        """Load one of the core's features; unlike a plugin's, its failure stops the
        site (it is part of linli)."""
        module = importlib.import_module(builtin.module)
        manifest: Manifest = module.manifest
        self.pm.register(module, name=manifest.name)
        self.builtins[manifest.name] = LoadedPlugin(manifest.name, manifest, module, None, builtin)

    def plugin(self, name: str) -> LoadedPlugin | None:
        """The built-in or loaded plugin called ``name``."""
        return self.builtins.get(name) or self.loaded.get(name)

    def _check_events(self, name: str) -> None:
        """A plugin declares only its own events (``<plugin>.…``), never the core's
        shared ones nor another plugin's."""
        for _, declared in self.call("linli_event_types", only=[name]):
            for event in declared:
                if event in SHARED_EVENTS:
                    raise PluginError(
                        f"event {event!r} is declared by linli itself; emit it with "
                        "linli.kit's payload type instead of declaring it"
                    )
                if not event.startswith(f"{name}."):
                    raise PluginError(
                        f"event {event!r} belongs to another plugin: a plugin declares only "
                        f"the events it emits, named '{name}.<what happened>'; subscribe to "
                        "another's event with its own view of the payload"
                    )

    def _fail(self, name: str, error: str) -> None:
        log.error("plugin %s failed to load and is skipped: %s", name, error)
        self.failed[name] = FailedPlugin(name, error)

    def _drop_unmet_requirements(self) -> None:
        changed = True
        while changed:
            changed = False
            for plugin in list(self.loaded.values()):
                missing = [req for req in plugin.manifest.requires if req not in self.loaded]
                if missing:
                    self.pm.unregister(plugin.module)
                    del self.loaded[plugin.name]
                    self._fail(plugin.name, f"requires {', '.join(missing)}, not loaded")
                    changed = True

    def requirements_of(self, name: str) -> list[str]:
        """``name`` and every plugin it needs, needed ones first."""
        order: list[str] = []

        def visit(current: str) -> None:
            for required in self.loaded[current].manifest.requires:
                visit(required)
            if current not in order:
                order.append(current)

        visit(name)
        return order

    def dependents_of(self, name: str) -> list[str]:
        return [p.name for p in self.loaded.values() if name in p.manifest.requires]

    def call(
        self,
        hook: str,
        *,
        only: Iterable[str] | None = None,
        isolate: bool = False,
        **kwargs: Any,
    ) -> list[tuple[str, Any]]:
        """Call ``hook`` on each plugin (in load order), optionally on ``only`` those
        plugins, returning ``(plugin name, result)`` for every non-``None`` result.

        A plugin that does not implement a hook the convention answers
        (:data:`linli.kernel.conventions.CONVENTIONS`: its models, routes, folders, demo data)
        gets the conventional answer from its package's layout instead.

        With ``isolate`` an implementation that raises is logged and left out; without
        it the error propagates as a :class:`PluginError` naming the plugin.
        """
        wanted = None if only is None else set(only)
        found: dict[str, Any] = {}
        caller = getattr(self.pm.hook, hook)
        for impl in reversed(caller.get_hookimpls()):
            if wanted is not None and impl.plugin_name not in wanted:
                continue
            try:
                found[impl.plugin_name] = impl.function(
                    **{arg: kwargs[arg] for arg in impl.argnames}
                )
            except Exception as exc:
                if isolate:
                    log.exception("plugin %s: hook %s failed", impl.plugin_name, hook)
                    continue
                raise PluginError(f"plugin {impl.plugin_name}: {hook} failed: {exc}") from exc
        convention = CONVENTIONS.get(hook)
        if convention is not None:
            for name, plugin in self._everyone().items():
                if name in found or (wanted is not None and name not in wanted):
                    continue
                try:
                    found[name] = convention(plugin.name, plugin.module)
                except Exception as exc:
                    raise PluginError(f"plugin {name}: {hook} (by convention): {exc}") from exc
        order = {name: index for index, name in enumerate(self._everyone())}
        return sorted(
            ((name, result) for name, result in found.items() if result is not None),
            key=lambda pair: order.get(pair[0], len(order)),
        )

    def _everyone(self) -> dict[str, LoadedPlugin]:
        """The built-ins, then the installed plugins, in load order."""
        return {**self.builtins, **self.loaded}

    def collect(self, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Flatten list results of ``hook`` into ``(plugin name, item)`` pairs."""
        return [(name, item) for name, items in self.call(hook, **kwargs) for item in items]

    def tortoise_apps(self) -> dict[str, dict[str, Any]]:
        apps: dict[str, dict[str, Any]] = {}
        for name, contributed in self.call("linli_tortoise_apps"):
            for label, app in contributed.items():
                if label in apps or label == "core":
                    raise PluginError(f"plugin {name}: Tortoise app {label!r} already exists")
                apps[label] = app
        return apps

    def event_types(self) -> dict[str, type[msgspec.Struct]]:
        """The payload type of every event: the core's shared events and those each
        loaded plugin emits (a plugin declaring another's event was refused at load)."""
        types: dict[str, type[msgspec.Struct]] = dict(SHARED_EVENTS)
        for _, declared in self.call("linli_event_types"):
            types.update(declared)
        return types

    def event_handlers(self) -> list[tuple[str, EventHandler]]:
        """Every subscription whose event and version the emitter agrees with; the
        others are logged (and listed by ``linli plugins check``) and left out, so a
        disagreement shows at start-up instead of at the first delivery."""
        refused = {(plugin, handler.name) for plugin, handler, _ in self.subscription_problems()}
        return [
            (plugin, handler)
            for plugin, handler in self.collect("linli_event_handlers")
            if (plugin, handler.name) not in refused
        ]

    def subscription_problems(self) -> list[tuple[str, EventHandler, str]]:
        """``(plugin, handler, why)`` for each subscription that cannot decode what the
        event's emitter sends (another version, a missing or retyped field)."""
        types = self.event_types()
        problems = []
        for plugin, handler in self.collect("linli_event_handlers"):
            payload = types.get(handler.event)
            if payload is None:
                continue  # nobody loaded emits it: nothing will arrive
            why = contract_problem(payload, handler)
            if why:
                log.error("plugin %s: subscription %s left out: %s", plugin, handler.name, why)
                problems.append((plugin, handler, why))
        return problems

    def notification_kinds(self) -> dict[str, NotificationKind]:
        """Every loaded plugin's notification kinds by name; a plugin's kinds are named
        after it (``<plugin>.…``), others are refused."""
        kinds: dict[str, NotificationKind] = {}
        for name, kind in self.collect("linli_notification_kinds"):
            if not kind.name.startswith(f"{name}."):
                raise PluginError(f"plugin {name}: notification kind {kind.name!r} lacks prefix")
            kinds[kind.name] = dataclasses.replace(kind, plugin=name)
        return kinds

    def jobs(self) -> list[Job]:
        """Every loaded plugin's jobs, each knowing its plugin."""
        found = []
        for name, declared in self.collect("linli_jobs"):
            if not declared.name.startswith(f"{name}."):
                raise PluginError(f"plugin {name}: job {declared.name!r} lacks prefix")
            found.append(dataclasses.replace(declared, plugin=name))
        return found

    def notification_channels(self) -> list[tuple[str, Channel]]:
        """Each channel plugin's channels, made with the plugin's own settings."""
        found: list[tuple[str, Channel]] = []
        for name, plugin in self.loaded.items():
            found += [
                (owner, channel)
                for owner, channels in self.call(
                    "linli_notification_channels",
                    only=[name],
                    isolate=True,
                    settings=plugin.settings,
                )
                for channel in channels
            ]
        return found

    def permissions(self) -> list[tuple[str, Permission]]:
        found = self.collect("linli_permissions")
        for name, permission in found:
            if not permission.name.startswith(f"{name}."):
                raise PluginError(f"plugin {name}: permission {permission.name!r} lacks prefix")
        return found

    def default_roles(self) -> list[tuple[str, Role]]:
        return self.collect("linli_default_roles")

    def template_dirs(self) -> dict[str, list[Path]]:
        return {name: [Path(d) for d in dirs] for name, dirs in self.call("linli_template_dirs")}

    def static_dirs(self) -> list[Path]:
        return [Path(d) for _, d in self.collect("linli_static_dirs")]

    def locale_dirs(self) -> list[Path]:
        return [Path(d) for _, d in self.collect("linli_locale_dirs")]

    def audit_titles(self) -> dict[str, tuple[str, str]]:
        """Each plugin's audit titles: key → (its domain, the message id)."""
        return {
            key: (name, title)
            for name, titles in self.call("linli_audit_titles", isolate=True)
            for key, title in titles.items()
        }

    def locale_domains(self) -> dict[str, list[Path]]:
        """Each loaded plugin's catalogue folders, under its name (its domain)."""
        return {name: [Path(d) for d in dirs] for name, dirs in self.call("linli_locale_dirs")}

    def package_domains(self) -> dict[str, str]:
        """The top-level package of each loaded plugin, with its translation domain."""
        return {
            getattr(p.module, "__name__", type(p.module).__module__).split(".")[0]: name
            for name, p in self.loaded.items()
        }

    @cached_property
    def catalogues(self) -> Catalogues:
        """The translations of the core and of every loaded plugin, a domain each."""
        return Catalogues(self.locale_domains(), packages=self.package_domains())


def load_theme(name: str) -> Theme:
    """The installed theme called ``name``; a missing theme is a settings error."""
    found = {ep.name: ep for ep in metadata.entry_points(group=THEME_ENTRY_POINT_GROUP)}
    if name not in found:
        installed = ", ".join(sorted(found)) or "none"
        raise SettingsError(
            f"setting theme: {name!r} is not installed (installed: {installed}); "
            "install its package or choose another"
        )
    theme = found[name].load()
    if not isinstance(theme, Theme):
        raise SettingsError(
            f"setting theme: entry point {name!r} is not a linli.kernel.themes.Theme"
        )
    return theme
