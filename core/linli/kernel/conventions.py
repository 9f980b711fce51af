"""What linli finds in a plugin's package without being told.

A plugin is its folder: the registry answers the hooks below from the package's layout
for every plugin that does not implement them, so a plugin's ``__init__.py`` holds only
its manifest and its real extension points. An explicit hook implementation always wins
over the convention.

==========================  ==================================================
hook                        found by convention
==========================  ==================================================
``linli_tortoise_apps``     ``<package>.models`` (and ``<package>/migrations/``),
                            as the Tortoise app named after the plugin
``linli_routes``            ``ROUTES`` in ``<package>.routes``
``linli_template_dirs``     ``<package>/templates/`` (holding ``<plugin>/…``)
``linli_static_dirs``       ``<package>/static/`` (holding ``<plugin>/…``)
``linli_locale_dirs``       ``<package>/locale/``
``linli_demo_data``         ``seed`` in ``<package>.demo``
``linli_event_types``       the payloads in ``<package>.events`` marked with
                            :func:`linli.kernel.plugins.event`
``linli_event_handlers``    the functions in ``<package>.events`` marked with
                            :func:`linli.kernel.plugins.subscribe`
``linli_notification_kinds`` the ``NotificationKind`` objects in ``<package>.notifications``
``linli_jobs``              the functions in ``<package>.jobs`` marked with
                            :func:`linli.kernel.jobs.job`
==========================  ==================================================

Modules are imported only when their hook is called, so a plugin's routes (and the web
stack they import) load only when an application is built.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from linli.kernel.plugins import EVENT_MARK, HANDLER_MARK, EventHandler


def package_dir(module: ModuleType) -> Path | None:
    """The folder of a plugin that is a package; ``None`` for a single module (which has
    no layout to read: it implements every hook itself)."""
    file = getattr(module, "__file__", None)
    if file is None or Path(file).name != "__init__.py":
        return None
    return Path(file).parent


def _submodule(module: ModuleType, name: str) -> ModuleType | None:
    """``<package>.<name>`` when the package has such a module, imported."""
    folder = package_dir(module)
    if folder is None:
        return None
    if not ((folder / f"{name}.py").is_file() or (folder / name / "__init__.py").is_file()):
        return None
    return importlib.import_module(f"{module.__name__}.{name}")


def _folder(module: ModuleType, name: str) -> list[Path] | None:
    folder = package_dir(module)
    if folder is None or not (folder / name).is_dir():
        return None
    return [folder / name]


def tortoise_apps(plugin: str, module: ModuleType) -> dict[str, dict[str, Any]] | None:
    folder = package_dir(module)
    if folder is None or not (folder / "models.py").is_file():
        return None
    app: dict[str, Any] = {"models": [f"{module.__name__}.models"]}
    if (folder / "migrations" / "__init__.py").is_file():
        app["migrations"] = f"{module.__name__}.migrations"
    return {plugin: app}


def routes(plugin: str, module: ModuleType) -> list[Any] | None:
    found = _submodule(module, "routes")
    return None if found is None else list(found.ROUTES)


def demo_data(plugin: str, module: ModuleType) -> Any:
    found = _submodule(module, "demo")
    return None if found is None else found.seed


def event_types(plugin: str, module: ModuleType) -> dict[str, type] | None:
    found = _submodule(module, "events")
    if found is None:
        return None
    declared = {
        getattr(value, EVENT_MARK).name: value
        for value in vars(found).values()
        if isinstance(value, type)
        and getattr(value, EVENT_MARK, None) is not None
        # a payload imported from elsewhere (a shared contract) is not declared here
        and value.__module__ == found.__name__
    }
    return declared or None


def event_handlers(plugin: str, module: ModuleType) -> list[EventHandler] | None:
    found = _submodule(module, "events")
    if found is None:
        return None
    handlers = [
        getattr(value, HANDLER_MARK)
        for value in vars(found).values()
        if callable(value) and isinstance(getattr(value, HANDLER_MARK, None), EventHandler)
    ]
    return handlers or None


def notification_kinds(plugin: str, module: ModuleType) -> list[Any] | None:
    from linli.kernel.notifications import NotificationKind

    found = _submodule(module, "notifications")
    if found is None:
        return None
    kinds = [value for value in vars(found).values() if isinstance(value, NotificationKind)]
    return kinds or None


def jobs(plugin: str, module: ModuleType) -> list[Any] | None:
    from linli.kernel.jobs import JOB_MARK, Job

    found = _submodule(module, "jobs")
    if found is None:
        return None
    declared = [
        getattr(value, JOB_MARK)
        for value in vars(found).values()
        if callable(value) and isinstance(getattr(value, JOB_MARK, None), Job)
    ]
    return declared or None


#: The hooks a plugin's layout answers, with how.
CONVENTIONS: dict[str, Callable[[str, ModuleType], Any]] = {
    "linli_tortoise_apps": tortoise_apps,
    "linli_routes": routes,
    "linli_template_dirs": lambda plugin, module: _folder(module, "templates"),
    "linli_static_dirs": lambda plugin, module: _folder(module, "static"),
    "linli_locale_dirs": lambda plugin, module: _folder(module, "locale"),
    "linli_demo_data": demo_data,
    "linli_event_types": event_types,
    "linli_event_handlers": event_handlers,
    "linli_notification_kinds": notification_kinds,
    "linli_jobs": jobs,
}
