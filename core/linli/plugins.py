"""What a plugin author imports: the hook marker, the manifest and the small value types
that hooks return. Everything here is part of linli's public plugin API."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import msgspec
import pluggy
from packaging.specifiers import InvalidSpecifier, SpecifierSet

if TYPE_CHECKING:
    from linli.events import Event
    from linli.models import Community

PROJECT = "linli"
ENTRY_POINT_GROUP = "linli.plugins"
THEME_ENTRY_POINT_GROUP = "linli.themes"

hookimpl = pluggy.HookimplMarker(PROJECT)
hookspec = pluggy.HookspecMarker(PROJECT)

_NAME = re.compile(r"^[a-z][a-z0-9_]{1,31}$")


class ManifestError(ValueError):
    """A plugin's manifest is malformed."""


@dataclass(frozen=True, kw_only=True)
class Manifest:
    """Who a plugin is. Every plugin module exposes one as ``manifest``.

    ``title`` and ``description`` map a language code (``zh_CN``, ``en``) to text.
    ``settings`` is a ``msgspec.Struct`` whose defaults are the plugin's default settings;
    an instance's ``[plugins.<name>]`` table in ``linli.toml`` is validated against it.
    ``linli_api`` is a PEP 440 specifier of the plugin API versions the plugin works with
    (``linli.PLUGIN_API_VERSION``); linli refuses to load it when its version is outside.
    """

    name: str
    title: dict[str, str]
    version: str
    description: dict[str, str] = field(default_factory=dict)
    requires: tuple[str, ...] = ()
    settings: type[msgspec.Struct] | None = None
    linli_api: str = ">=1,<2"

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ManifestError(
                f"name {self.name!r} must be 2-32 lowercase letters, digits or underscores"
            )
        missing = [lang for lang in ("zh_CN", "en") if not self.title.get(lang)]
        if missing:
            raise ManifestError(f"title needs a text for {', '.join(missing)}")
        if self.settings is not None and not (
            isinstance(self.settings, type) and issubclass(self.settings, msgspec.Struct)
        ):
            raise ManifestError("settings must be a msgspec.Struct class")
        try:
            SpecifierSet(self.linli_api)
        except (InvalidSpecifier, TypeError) as exc:
            raise ManifestError(
                f"linli_api {self.linli_api!r} is not a version specifier like '>=1,<2'"
            ) from exc

    def supports_api(self, version: str) -> bool:
        """Whether the plugin works with linli's plugin API ``version``."""
        return SpecifierSet(self.linli_api).contains(version, prereleases=True)

    def title_in(self, language: str) -> str:
        return self.title.get(language) or self.title["en"]

    def description_in(self, language: str) -> str:
        return self.description.get(language) or self.description.get("en", "")

    def load_settings(self, raw: dict[str, Any] | None) -> msgspec.Struct | None:
        """Validate an instance's settings for this plugin, filling in defaults."""
        if self.settings is None:
            return None
        return msgspec.convert(raw or {}, self.settings, strict=False)


@dataclass(frozen=True)
class NavItem:
    """A link in a community's navigation. ``label`` is a message id (English) that the
    merged catalogues translate; ``path`` is relative to the community (``"notes/"``)."""

    label: str
    path: str
    order: int = 100


@dataclass(frozen=True)
class Widget:
    """A block on a community's dashboard, rendered from ``template`` with the context
    that ``load(community)`` returns. ``load`` may return ``None`` to hide the widget."""

    title: str
    template: str
    load: Callable[[Community], Awaitable[dict[str, Any] | None]]
    order: int = 100


@dataclass(frozen=True)
class Consequence:
    """What switching a plugin off would stop in a community, told to the worker before
    they confirm: ``message`` (a message id with a ``%(count)s`` placeholder, "%(count)s
    meals ordered for today would not be delivered") and ``count(community)``, how many
    right now. A count of 0 is not shown."""

    message: str
    count: Callable[[Community], Awaitable[int]]


@dataclass(frozen=True)
class PersonSection:
    """A block on a person's page: ``template`` rendered with what ``load(person)``
    returns (``None`` hides it)."""

    title: str
    template: str
    load: Callable[[Any], Awaitable[dict[str, Any] | None]]
    order: int = 100


@dataclass(frozen=True)
class Permission:
    """A permission a plugin declares, named ``<plugin>.<action>``."""

    name: str
    title: str


@dataclass(frozen=True)
class Role:
    """A default role a plugin offers: a name, a title and the permissions it grants."""

    name: str
    title: str
    permissions: tuple[str, ...]


@dataclass(frozen=True)
class EventHandler:
    """Subscribes ``handle`` to the domain event ``event``. ``name`` identifies the handler
    in the delivery record, so keep it stable: renaming it redelivers nothing, but a new
    name counts as a new handler."""

    event: str
    name: str
    handle: Callable[[Event], Awaitable[None]]


DemoSeeder = Callable[["Community"], Awaitable[list[str] | None]]
