"""What a plugin author imports: the hook marker, the manifest and the small value types
that hooks return. Everything here is part of linli's public plugin API."""

from __future__ import annotations

import decimal
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any, TypeVar

import msgspec
import pluggy
from packaging.specifiers import InvalidSpecifier, SpecifierSet

if TYPE_CHECKING:
    from linli.kernel.events import Event
    from linli.kernel.models import Community

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
    ``community_settings`` is a ``msgspec.Struct`` of the settings each community chooses
    for itself (stored by the core, changed on the admin's settings page of the plugin,
    read with :func:`linli.domain.community_settings.settings_of`); its defaults are the
    defaults and its fields are limited to the kinds that page can show (see
    :mod:`linli.domain.community_settings`). ``settings_template`` names a template of the plugin
    (``"<name>/…"``) that page renders instead of the generic form.
    ``linli_api`` is a PEP 440 specifier of the plugin API versions the plugin works with
    (``linli.PLUGIN_API_VERSION``); linli refuses to load it when its version is outside.
    """

    name: str
    title: dict[str, str]
    version: str
    description: dict[str, str] = field(default_factory=dict)
    requires: tuple[str, ...] = ()
    settings: type[msgspec.Struct] | None = None
    community_settings: type[msgspec.Struct] | None = None
    settings_template: str = ""
    linli_api: str = ">=2,<3"
    #: Where the plugin's link stands in the navigation (lower first), when it has
    #: sections.
    nav_order: int = 100
    #: The name of the plugin's icon in linli's icon set (``"utensils"``; the set is
    #: listed in :data:`linli.kernel.icons.ICONS` and shown on a demo's ``/style`` page),
    #: drawn beside its link in the menu, on its card among the community's services
    #: and on its tile of the elder-mode home. ``None``: the words alone.
    #:
    #: .. versionadded:: 2.1
    icon: str | None = None

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
        self._check_community_settings()
        _check_icon(self.icon, f"plugin {self.name!r}")
        try:
            SpecifierSet(self.linli_api)
        except (InvalidSpecifier, TypeError) as exc:
            raise ManifestError(
                f"linli_api {self.linli_api!r} is not a version specifier like '>=1,<2'"
            ) from exc

    def _check_community_settings(self) -> None:
        if self.community_settings is not None:
            from linli.kernel.settings_schema import SchemaError, describe

            try:
                describe(self.community_settings)
            except SchemaError as exc:
                raise ManifestError(f"community_settings: {exc}") from exc
        if self.settings_template:
            if self.community_settings is None:
                raise ManifestError("settings_template needs community_settings")
            if not (
                self.settings_template.startswith(f"{self.name}/")
                and self.settings_template.endswith(".html")
            ):
                raise ManifestError(
                    f"settings_template {self.settings_template!r} must be one of the "
                    f"plugin's templates, like '{self.name}/settings.html'"
                )

    def supports_api(self, version: str) -> bool:
        """Whether the plugin works with linli's plugin API ``version``."""
        return SpecifierSet(self.linli_api).contains(version, prereleases=True)

    def supports_older_api(self, version: str) -> bool:
        """Whether the plugin was made for a plugin API older than ``version`` (it
        accepts a lower major version and none from ``version``'s up)."""
        major = int(version.split(".")[0])
        specifiers = SpecifierSet(self.linli_api)
        accepts = [m for m in range(0, major + 10) if specifiers.contains(f"{m}.0")]
        return bool(accepts) and max(accepts) < major

    def title_in(self, language: str) -> str:
        return self.title.get(language) or self.title["en"]

    def description_in(self, language: str) -> str:
        return self.description.get(language) or self.description.get("en", "")

    def load_settings(self, raw: dict[str, Any] | None) -> msgspec.Struct | None:
        """Validate an instance's settings for this plugin, filling in defaults."""
        if self.settings is None:
            return None
        return msgspec.convert(raw or {}, self.settings, strict=False)


def _check_icon(icon: str | None, owner: str) -> None:
    from linli.kernel.icons import is_icon_name

    if icon is not None and not is_icon_name(icon):
        raise ManifestError(
            f"{owner}: icon {icon!r} must be an icon's name, like 'utensils' or 'hand-heart'"
        )


@dataclass(frozen=True)
class NavItem:
    """A link in a community's navigation. ``label`` is a message id (English) that the
    merged catalogues translate; ``path`` is relative to the community (``"notes/"``);
    ``icon`` names an icon of linli's set (else the plugin's own, from its manifest).

    .. versionchanged:: 2.1 ``icon``.
    """

    label: str
    path: str
    order: int = 100
    icon: str | None = None

    def __post_init__(self) -> None:
        _check_icon(self.icon, f"nav item {self.path!r}")


@dataclass(frozen=True)
class Section:
    """A part of a plugin a visitor can open: ``label`` (a message id), ``path`` relative
    to the plugin (``"me"``, ``"worker/record"``), and who sees it: holders of
    ``permission`` (one name or several, any of them, held anywhere in the community;
    the page's guard still decides what they may do there), or without a permission
    ``audience`` — ``"members"`` (logged-in members of the community) or
    ``"everyone"`` (anonymous visitors too).

    From a plugin's sections (the ``linli_sections`` hook, in order) the core builds its
    link in the navigation, its start page ``/c/<community>/<plugin>/`` (the first
    section the visitor may open) and the tab bar its layout shows with
    ``{% include "core:tabs.html" %}``.

    .. versionadded:: 2.0
    """

    label: str
    path: str
    permission: str | tuple[str, ...] | None = None
    audience: str = "members"

    def __post_init__(self) -> None:
        if self.audience not in ("members", "everyone"):
            raise ValueError(f"section {self.path!r}: audience is 'members' or 'everyone'")

    @property
    def permissions(self) -> tuple[str, ...]:
        if self.permission is None:
            return ()
        return (self.permission,) if isinstance(self.permission, str) else self.permission


@dataclass(frozen=True)
class Widget:
    """A block on a community's dashboard, rendered from ``template`` with the context
    that ``load(community)`` returns. ``load`` may return ``None`` to hide the widget."""

    title: str
    template: str
    load: Callable[[Community], Awaitable[dict[str, Any] | None]]
    order: int = 100
    #: The core may keep what ``load`` returned, per community and local day, until a
    #: table of the plugin changes: say so only when ``load`` reads nothing but the
    #: community's data (never the visitor's) and the plugin stamps its tables in a
    #: migration (:func:`linli.kit.stamp_tables`); without the stamp nothing is kept.
    #:
    #: .. versionadded:: 2.1
    cached: bool = False


@dataclass(frozen=True)
class HomeItem:
    """One entry of "For you" (为您) at the top of a community's home, for the visitor who
    is logged in: their balance, today's meal, their open requests, a worker's worklist.

    ``title`` (a message id) names it, ``path`` (relative to the plugin, as a
    :class:`Section`'s) is where a tap on it goes, and ``query`` is a Tortoise query that
    yields **one value**: a ``.count()``, or a ``.limit(1).values_list(column,
    flat=True)`` for a single row's column. The core does not await the queries one by
    one: it runs every item's query of every plugin as the columns of **one** SQL
    statement, so "For you" costs the home one query however many plugins add to it.

    The value is shown large (a number, or a row's text such as a dish's name) with
    ``note`` (a message id, may use ``%(value)s``) under it. A value of 0 or ``None``
    hides the item, unless ``empty`` (a message id) says what to show instead ("Nothing
    ordered yet"). ``urgent`` marks an item that waits for the visitor (a question to
    answer, hours to approve); urgent items come first. ``permission`` (one or several,
    any held anywhere in the community, like a section's) offers the item only to those
    who hold it; the query still decides what they see, so narrow it to the visitor's
    own rows (``actor.visible(...)``) and to ``community``.

    .. versionadded:: 2.2
    """

    title: str
    path: str
    query: Any
    note: str = ""
    empty: str = ""
    urgent: bool = False
    order: int = 100
    permission: str | tuple[str, ...] | None = None

    @property
    def permissions(self) -> tuple[str, ...]:
        if self.permission is None:
            return ()
        return (self.permission,) if isinstance(self.permission, str) else self.permission


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
    """Subscribes ``handle`` to version ``version`` of the domain event ``event``.
    ``name`` identifies the handler in the delivery record, so keep it stable: renaming
    it redelivers nothing, but a new name counts as a new handler.

    ``payload`` is the subscriber's own view of the payload (a ``msgspec.Struct`` with
    the fields it reads: a plugin never imports another's types); the handler receives
    the event's payload decoded into it. Without it, the emitter's type is used.

    .. versionchanged:: 2.0 ``version`` and ``payload``; declare handlers with
       :func:`subscribe` in the plugin's ``events.py``.
    """

    event: str
    name: str
    handle: Callable[[Event], Awaitable[None]]
    version: int = 1
    payload: type[msgspec.Struct] | None = None


#: The attribute :func:`event` and :func:`subscribe` leave on what they mark.
EVENT_MARK = "__linli_event__"
HANDLER_MARK = "__linli_handler__"


@dataclass(frozen=True)
class EventDeclaration:
    """An event a payload type is declared for: its name and the version of its payload."""

    name: str
    version: int = 1


_P = TypeVar("_P", bound=type[msgspec.Struct])
_EVENT_NAME = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_.]*$")


def event(name: str, *, version: int = 1) -> Callable[[_P], _P]:
    """Declare the class below as the payload of version ``version`` of event ``name``
    (``<plugin>.<what happened>``), in the emitting plugin's ``events.py``::

        @event("canteen.delivery_done", version=1)
        class DeliveryDone(msgspec.Struct):
            order: int
            volunteer: int | None

    Change a payload compatibly (add a field with a default) within a version; remove or
    retype a field only with a new version, so subscribers of the old one are told at
    start-up rather than failing at delivery.

    .. versionadded:: 2.0
    """
    if not _EVENT_NAME.match(name):
        raise ValueError(f"event name {name!r} must be '<plugin>.<what_happened>'")
    if version < 1:
        raise ValueError(f"event {name!r}: a version is a positive whole number")

    def mark(payload: _P) -> _P:
        if not (isinstance(payload, type) and issubclass(payload, msgspec.Struct)):
            raise TypeError(f"event {name!r}: the payload must be a msgspec.Struct class")
        setattr(payload, EVENT_MARK, EventDeclaration(name, version))
        return payload

    return mark


def subscribe(
    name: str,
    *,
    version: int = 1,
    payload: type[msgspec.Struct] | None = None,
    handler: str | None = None,
) -> Callable[[Callable[[Event], Awaitable[None]]], Callable[[Event], Awaitable[None]]]:
    """Subscribe the function below to version ``version`` of event ``name``, in the
    subscribing plugin's ``events.py``; ``payload`` is the subscriber's view of the
    payload (see :class:`EventHandler`), ``handler`` the stable name of the subscription
    (the function's name by default)::

        class DeliveryDone(msgspec.Struct):  # the fields the street bank reads
            order: int

        @subscribe("canteen.delivery_done", version=1, payload=DeliveryDone)
        async def credit_volunteer(event: Event) -> None: ...

    .. versionadded:: 2.0
    """

    def mark(
        handle: Callable[[Event], Awaitable[None]],
    ) -> Callable[[Event], Awaitable[None]]:
        subscription = EventHandler(
            name, handler or handle.__name__, handle, version=version, payload=payload
        )
        setattr(handle, HANDLER_MARK, subscription)
        return handle

    return mark


DemoSeeder = Callable[["Community"], Awaitable[list[str] | None]]


def contract_problem(emitted: type[msgspec.Struct], handler: EventHandler) -> str | None:
    """Why ``handler`` cannot take the events whose payload type is ``emitted``, or
    ``None``: another version, or a payload its own view cannot decode (a field it needs
    is missing or has another type). Checked with a sample payload of the emitted type
    that fills every field, so a subscriber may ignore fields but never need one that
    is absent."""
    declared = getattr(emitted, EVENT_MARK, None)
    version = declared.version if isinstance(declared, EventDeclaration) else 1
    if handler.version != version:
        return (
            f"subscribes to version {handler.version} of {handler.event!r}, "
            f"which is emitted at version {version}"
        )
    if handler.payload is None:
        return None
    sample = msgspec.to_builtins(_sample(msgspec.inspect.type_info(emitted)))
    try:
        msgspec.convert(sample, handler.payload)
    except msgspec.ValidationError as exc:
        return f"its payload {handler.payload.__name__} does not fit {handler.event!r}: {exc}"
    return None


def _sample(info: msgspec.inspect.Type) -> Any:
    """A value of the type ``info`` describes (every field filled, ``None`` last)."""
    inspect = msgspec.inspect
    if isinstance(info, inspect.StructType):
        return info.cls(**{f.name: _sample(f.type) for f in info.fields})
    if isinstance(info, inspect.UnionType):
        concrete = [t for t in info.types if not isinstance(t, inspect.NoneType)]
        return _sample(concrete[0]) if concrete else None
    if isinstance(info, inspect.LiteralType):
        return info.values[0]
    if isinstance(info, inspect.EnumType):
        return next(iter(info.cls))
    if isinstance(info, inspect.ListType | inspect.SetType | inspect.FrozenSetType):
        return [_sample(info.item_type)]
    if isinstance(info, inspect.TupleType | inspect.VarTupleType):
        items = getattr(info, "item_types", None) or (info.item_type,)  # type: ignore[union-attr]
        return [_sample(t) for t in items]
    if isinstance(info, inspect.DictType):
        return {_sample(info.key_type): _sample(info.value_type)}
    samples: dict[type, Any] = {
        inspect.IntType: 1,
        inspect.FloatType: 1.5,
        inspect.StrType: "x",
        inspect.BoolType: True,
        inspect.DateTimeType: datetime(2026, 1, 1, 8, 0, tzinfo=UTC),
        inspect.DateType: date(2026, 1, 1),
        inspect.TimeType: time(8, 0),
        inspect.UUIDType: uuid.UUID(int=1),
        inspect.DecimalType: decimal.Decimal("1.5"),
        inspect.NoneType: None,
    }
    return samples.get(type(info))
