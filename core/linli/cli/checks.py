"""``linli plugins check NAME``: what a plugin author should fix before publishing.

Each check returns a list of problems (English sentences, one per problem); an empty
list means the check passed. :func:`check_plugin` runs them all in order. The command
line lives in :mod:`linli.cli`; nothing here prints.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from types import ModuleType

import msgspec
import pluggy
from litestar.routes import HTTPRoute, WebSocketRoute
from tortoise import Tortoise

from linli.domain import db
from linli.domain.indexes import unindexed_foreign_keys
from linli.kernel import hookspecs, icons
from linli.kernel.contracts import SHARED_EVENTS
from linli.kernel.i18n import Catalogues, message_ids, missing_translations, placeholder_mismatches
from linli.kernel.plugins import ENTRY_POINT_GROUP, PROJECT, Manifest, contract_problem
from linli.kernel.registry import (
    LoadedPlugin,
    PluginRegistry,
    api_incompatibility,
    missing_module_reason,
)
from linli.kernel.settings import Settings

#: The checks, in the order they run and are reported.
KINDS = ("manifest", "hooks", "routes", "events", "templates", "migrations", "translations")
#: Languages a manifest's title and description must have.
LANGUAGES = ("zh_CN", "en")
#: The language whose catalogue must translate every message id.
TRANSLATED = "zh_CN"
#: Methods Litestar adds to routes by itself.
AUTOMATIC = {"HEAD", "OPTIONS"}


@dataclass
class CheckReport:
    """Problems found per kind (in :data:`KINDS` order); a kind that could not run
    (because the plugin does not even load) is listed in ``skipped`` with the reason."""

    name: str
    problems: dict[str, list[str]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.skipped and not any(self.problems.values())

    def lines(self) -> list[str]:
        """One line per problem, grouped by kind; ``<kind>: ok`` for a passed check."""
        out: list[str] = []
        for kind in KINDS:
            if kind in self.skipped:
                out.append(f"{kind}: skipped ({self.skipped[kind]})")
            elif self.problems.get(kind):
                out.extend(f"{kind}: {problem}" for problem in self.problems[kind])
            elif kind in self.problems:
                out.append(f"{kind}: ok")
        return out


def _entry_points() -> dict[str, metadata.EntryPoint]:
    found: dict[str, metadata.EntryPoint] = {}
    for entry_point in metadata.entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(entry_point.name, entry_point)
    return found


def check_manifest(name: str, module: ModuleType) -> list[str]:
    """The module's ``manifest``: present, a :class:`linli.Manifest`, named like the
    entry point, titled and described in every language, made for this plugin API."""
    manifest = getattr(module, "manifest", None)
    if manifest is None:
        return [f"module {module.__name__} has no `manifest = linli.Manifest(...)`"]
    if not isinstance(manifest, Manifest):
        return [f"`manifest` is a {type(manifest).__name__}, not a linli.Manifest"]
    problems: list[str] = []
    if manifest.name != name:
        problems.append(
            f"the manifest is named {manifest.name!r} but the entry point {name!r}; "
            "they must be equal"
        )
    for part in ("title", "description"):
        texts = getattr(manifest, part)
        missing = [lang for lang in LANGUAGES if not texts.get(lang)]
        if missing:
            problems.append(f"{part} has no text for {', '.join(missing)}")
    incompatible = api_incompatibility(manifest)
    if incompatible:
        problems.append(incompatible)
    if manifest.icon is not None and manifest.icon not in icons.sprite_names():
        problems.append(
            f"icon {manifest.icon!r} is not one of linli's icons ({icons.SPRITE_FILE}; "
            "the demo's /style page shows them)"
        )
    try:
        manifest.load_settings(None)
    except (msgspec.ValidationError, TypeError) as exc:
        problems.append(f"the default settings do not validate: {exc}")
    return problems


def check_hooks(name: str, module: ModuleType) -> list[str]:
    """Hook implementations that match no hook (typos) or take arguments the hook does
    not offer; pluggy's ``check_pending`` in a private plugin manager, every one listed."""
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(hookspecs)
    try:
        pm.register(module, name=name)
    except pluggy.PluginValidationError as exc:
        return [str(exc)]
    try:
        pm.check_pending()
    except pluggy.PluginValidationError:
        pass  # list every unknown hook below, not only the first
    else:
        return []
    problems = []
    for hook_name, caller in sorted(vars(pm.hook).items()):
        if not isinstance(caller, pluggy.HookCaller) or caller.has_spec():
            continue
        for impl in caller.get_hookimpls():
            if not impl.optionalhook:
                problems.append(
                    f"{hook_name} is not a linli hook (a typo? see linli.kernel.hookspecs)"
                )
    return problems


def check_routes(name: str, registry: PluginRegistry) -> list[str]:
    """Routes from ``linli_routes`` that declare neither a ``requires(...)`` guard nor
    ``opt=PUBLIC``, mounted as the app mounts them."""
    from linli.web.app import community_router
    from linli.web.auth import declared_requirement

    problems: list[str] = []
    for _, handlers in registry.call("linli_routes", only=[name]):
        router = community_router(name, list(handlers), plugin=name)
        for route in router.routes:
            if not isinstance(route, HTTPRoute | WebSocketRoute):
                continue
            for handler in route.route_handlers:
                # Litestar answers OPTIONS itself; HEAD goes with GET.
                methods = sorted(getattr(handler, "http_methods", {"WEBSOCKET"}) - AUTOMATIC)
                if not methods or declared_requirement(handler) is not None:
                    continue
                problems.append(
                    f"{'/'.join(methods)} {route.path} ({handler.handler_name}) declares no "
                    "permission: add guards=[requires('<plugin>.<action>')] or opt=PUBLIC"
                )
    return problems


def check_events(name: str, settings: Settings, registry: PluginRegistry) -> list[str]:
    """The events the plugin declares are its own (``<name>.…``, not the core's shared
    ones), and each of its subscriptions fits what the installed emitter sends (the
    same version, every field it needs present with its type)."""
    problems: list[str] = []
    for _, declared in registry.call("linli_event_types", only=[name]):
        for event in declared:
            if event in SHARED_EVENTS:
                problems.append(f"declares {event!r}, which linli itself declares: only emit it")
            elif not event.startswith(f"{name}."):
                problems.append(
                    f"declares {event!r}: a plugin declares only its own events, "
                    f"named '{name}.<what happened>'"
                )
    # The emitters are whichever plugins the instance loads, not only those required.
    everyone = PluginRegistry.discover(msgspec.structs.replace(settings, block_plugins=[]))
    if name not in everyone.loaded:
        everyone = registry
    types = everyone.event_types()
    for _, handler in registry.collect("linli_event_handlers", only=[name]):
        emitted = types.get(handler.event)
        if emitted is None:
            continue
        why = contract_problem(emitted, handler)
        if why:
            problems.append(f"subscription {handler.name} {why}")
    return problems


def check_templates(name: str, registry: PluginRegistry) -> list[str]:
    """Files in the plugin's template folders that are not under ``<name>/``, where
    they could shadow the core's or another plugin's templates."""
    problems: list[str] = []
    for folder in registry.template_dirs().get(name, []):
        if not folder.is_dir():
            problems.append(f"template folder {folder} does not exist")
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.relative_to(folder).parts[0] != name:
                relative = path.relative_to(folder).as_posix()
                problems.append(f"{relative} (in {folder}) is outside the {name}/ namespace")
    return problems


async def _model_changes(name: str, settings: Settings, registry: PluginRegistry) -> list[str]:
    labels = {
        label for _, apps in registry.call("linli_tortoise_apps", only=[name]) for label in apps
    }
    if not labels:
        return []
    with tempfile.TemporaryDirectory(prefix="linli-check-") as folder:
        scratch = msgspec.structs.replace(
            settings, database_url=f"sqlite://{Path(folder) / 'check.sqlite3'}"
        )
        async with db.database(scratch, registry):
            writers = await db.model_changes(scratch, registry)
            unindexed = unindexed_foreign_keys(
                model for label in sorted(labels) for model in Tortoise.apps[label].values()
            )
    return [
        f"app {writer.app_label} needs a migration ({writer.name}): "
        "run `linli makemigrations` and commit the file"
        for writer in writers
        if writer.app_label in labels
    ] + [
        f"{name} is a foreign key without an index (a page that follows it reads the "
        "whole table): give the field db_index=True, or list its column in the model's "
        "Meta.indexes, and run `linli makemigrations`"
        for name in unindexed
    ]


def check_migrations(name: str, settings: Settings, registry: PluginRegistry) -> list[str]:
    """Model changes of the plugin's Tortoise apps that no migration covers, detected
    against a temporary SQLite database (no real database is needed), and foreign keys
    without an index (:mod:`linli.domain.indexes`)."""
    try:
        return asyncio.run(_model_changes(name, settings, registry))
    except Exception as exc:
        return [
            f"the models could not be compared with the migrations: {type(exc).__name__}: {exc}"
        ]


def check_translations(module: ModuleType, language: str = TRANSLATED) -> list[str]:
    """Message ids in the plugin's code and templates that its ``locale/<language>``
    catalogue leaves untranslated."""
    source = Path(module.__file__ or "")
    if hasattr(module, "__path__"):
        missing = missing_translations(source.parent, language)
    else:  # a single-module plugin: look at that file only (it has no catalogue)
        with tempfile.TemporaryDirectory(prefix="linli-check-") as folder:
            shutil.copy(source, folder)
            missing = missing_translations(Path(folder), language)
    problems = [f"{message!r} has no {language} translation" for message in missing]
    if hasattr(module, "__path__"):
        problems += [
            f"{message!r}: the {language} translation does not keep its placeholders"
            for message in placeholder_mismatches(source.parent, language)
        ]
    return problems


def check_ambiguous_words(
    name: str, module: ModuleType, settings: Settings, language: str = TRANSLATED
) -> list[str]:
    """Message ids the plugin shows that neither it nor the core translates, while the
    other installed plugins translate them differently: its pages would take one of
    their words, perhaps the wrong one."""
    if not hasattr(module, "__path__"):
        return []
    package = Path(module.__file__ or "").parent
    domains = PluginRegistry.discover(settings).locale_domains()
    domains[name] = [package / "locale"]
    catalogues = Catalogues(domains)
    return [
        f"{message!r} has no {language} translation of its own and other plugins "
        f"translate it differently ({', '.join(sorted(set(words.values())))})"
        for message in catalogues.ambiguous(name, message_ids(package), language)
        for words in [catalogues.translations_of(message, language)]
    ]


def _requirements(manifest: Manifest | None, found: dict[str, metadata.EntryPoint]) -> list[str]:
    """The plugins ``manifest`` requires, directly or not (best effort)."""
    needed: list[str] = []
    pending = list(manifest.requires if manifest else ())
    while pending:
        current = pending.pop()
        if current in needed:
            continue
        needed.append(current)
        if current in found:
            try:
                required = getattr(found[current].load(), "manifest", None)
            except Exception:
                continue
            if isinstance(required, Manifest):
                pending.extend(required.requires)
    return needed


def _registry_for(
    name: str, module: ModuleType, settings: Settings, found: dict[str, metadata.EntryPoint]
) -> tuple[PluginRegistry, list[str]]:
    """A registry with the plugins ``name`` requires loaded as usual and ``name`` itself
    registered even if it would be refused, so that every check can still look at it."""
    manifest = getattr(module, "manifest", None)
    manifest = manifest if isinstance(manifest, Manifest) else None
    needed = _requirements(manifest, found)
    registry = PluginRegistry.discover(
        msgspec.structs.replace(settings, load_plugins=needed, block_plugins=[])
    )
    problems = [
        f"requires plugin {required}, which does not load: "
        + (registry.failed[required].error if required in registry.failed else "not installed")
        for required in needed
        if required not in registry.loaded
    ]
    registry.pm.register(module, name=name)
    if manifest is not None:
        registry.loaded[name] = LoadedPlugin(name, manifest, module)
    return registry, problems


def check_plugin(name: str, settings: Settings) -> CheckReport:
    """Run every check on the installed plugin ``name``."""
    report = CheckReport(name)
    found = _entry_points()
    if name not in found:
        installed = ", ".join(sorted(found)) or "none"
        report.problems["manifest"] = [
            f"no plugin {name!r} is installed (entry points {ENTRY_POINT_GROUP}: {installed})"
        ]
        _skip(report, KINDS[1:], "the plugin is not installed")
        return report
    try:
        module = found[name].load()
    except ModuleNotFoundError as exc:
        report.problems["manifest"] = [f"the plugin does not import: {missing_module_reason(exc)}"]
        _skip(report, KINDS[1:], "the plugin does not import")
        return report
    except Exception as exc:
        report.problems["manifest"] = [f"the plugin does not import: {type(exc).__name__}: {exc}"]
        _skip(report, KINDS[1:], "the plugin does not import")
        return report

    report.problems["manifest"] = check_manifest(name, module)
    report.problems["hooks"] = check_hooks(name, module)
    try:
        registry, unmet = _registry_for(name, module, settings, found)
    except pluggy.PluginValidationError:
        _skip(report, ("routes", "events", "templates", "migrations"), "fix the hooks first")
        report.problems["translations"] = check_translations(module)
        return report
    report.problems["manifest"].extend(unmet)
    for kind, run in (
        ("routes", lambda: check_routes(name, registry)),
        ("events", lambda: check_events(name, settings, registry)),
        ("templates", lambda: check_templates(name, registry)),
        ("migrations", lambda: check_migrations(name, settings, registry)),
    ):
        try:
            report.problems[kind] = run()
        except Exception as exc:
            report.problems[kind] = [f"the check failed: {type(exc).__name__}: {exc}"]
    report.problems["translations"] = check_translations(module) + check_ambiguous_words(
        name, module, settings
    )
    return report


def _skip(report: CheckReport, kinds: Iterable[str], reason: str) -> None:
    for kind in kinds:
        report.skipped[kind] = reason
