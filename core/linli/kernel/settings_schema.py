"""What a community may choose for a plugin: the settings schema a plugin declares in its
manifest (``Manifest(community_settings=...)``), checked when the manifest is built, and
which loaded plugin declared which. The values themselves are stored by the domain
(:mod:`linli.domain.community_settings`)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import msgspec
from msgspec import inspect as types

from linli.kernel.models import Community

#: Who may change a plugin's settings in a community (those who switch plugins on and off).
SETTINGS_PERMISSION = "admin.plugins.manage"
#: The kinds of field a settings form can show.
KINDS = ("int", "float", "str", "bool", "time", "date", "choice")
SUPPORTED = (
    "int, float, str, bool, datetime.time, datetime.date or a Literal of strings or of integers"
)
#: Examples shown in the messages about a date or a time.
DATE_EXAMPLE = "2026-12-31"
TIME_EXAMPLE = "09:30"
#: Words a form or a caller may use for yes and no.
YES = ("on", "true", "1", "yes")
NO = ("", "off", "false", "0", "no")


class SchemaError(ValueError):
    """A settings struct has a field the core cannot store or show."""


@dataclass(frozen=True)
class SettingField:
    """One setting of a plugin, as its form shows it. ``title`` and ``description`` are
    English message ids of the plugin's domain; ``choices`` are ``(value, label message
    id)`` pairs of a ``choice``; ``annotation`` is the declared type, which checks a value's
    bounds."""

    name: str
    kind: str
    default: Any
    annotation: Any
    title: str = ""
    description: str = ""
    low: int | float | None = None
    high: int | float | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    choices: tuple[tuple[Any, str], ...] = ()


def _unwrap(info: Any) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    """The field's type without its metadata, its JSON-schema extras (title,
    description) and its ``extra``."""
    schema: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    while isinstance(info, types.Metadata):
        schema.update(info.extra_json_schema or {})
        extra.update(info.extra or {})
        info = info.type
    return info, schema, extra


def _field(field: types.Field, annotation: Any) -> SettingField:
    name = field.name
    info, schema, extra = _unwrap(field.type)
    if field.default is not msgspec.NODEFAULT:
        default = field.default
    elif field.default_factory is not msgspec.NODEFAULT:
        default = field.default_factory()
    else:
        raise SchemaError(f"field {name!r} needs a default: it is the community's default")
    common = {
        "name": name,
        "default": default,
        "annotation": annotation,
        "title": str(schema.get("title", "")),
        "description": str(schema.get("description", "")),
    }
    if isinstance(info, types.BoolType):
        described = SettingField(kind="bool", **common)
    elif isinstance(info, types.IntType | types.FloatType):
        kind = "int" if isinstance(info, types.IntType) else "float"
        if info.gt is not None or info.lt is not None or info.multiple_of is not None:
            raise SchemaError(f"field {name!r}: bound a number with ge= and le= only")
        described = SettingField(kind=kind, low=info.ge, high=info.le, **common)
    elif isinstance(info, types.StrType):
        described = SettingField(
            kind="str",
            min_length=info.min_length,
            max_length=info.max_length,
            pattern=info.pattern,
            **common,
        )
    elif isinstance(info, types.DateType):
        described = SettingField(kind="date", **common)
    elif isinstance(info, types.TimeType):
        if info.tz:
            raise SchemaError(f"field {name!r}: a time of day has no time zone here")
        described = SettingField(kind="time", **common)
    elif isinstance(info, types.LiteralType):
        values = tuple(info.values)
        if not (
            all(isinstance(v, str) for v in values)
            or all(isinstance(v, int) and not isinstance(v, bool) for v in values)
        ):
            raise SchemaError(f"field {name!r}: a Literal of strings or of integers only")
        labels = extra.get("choices", {})
        if not isinstance(labels, Mapping) or set(labels) - set(values):
            raise SchemaError(
                f"field {name!r}: extra={{'choices': ...}} must map some of {values!r} "
                "to their labels"
            )
        choices = tuple((value, str(labels.get(value, value))) for value in values)
        described = SettingField(kind="choice", choices=choices, **common)
    else:
        raise SchemaError(
            f"field {name!r} has a type the settings page cannot show ({type(info).__name__}); "
            f"use {SUPPORTED}"
        )
    try:
        msgspec.convert(default, annotation)
    except msgspec.ValidationError as exc:
        raise SchemaError(f"the default of field {name!r} is not valid: {exc}") from None
    return described


@functools.cache
def describe(schema: type[msgspec.Struct]) -> tuple[SettingField, ...]:
    """The fields of a settings struct, checked: each has a default and a kind the core
    can store and show. Raises :class:`SchemaError` naming the field otherwise."""
    if not (isinstance(schema, type) and issubclass(schema, msgspec.Struct)):
        raise SchemaError("must be a msgspec.Struct class")
    try:
        info = types.type_info(schema)
        annotations = {f.name: f.type for f in msgspec.structs.fields(schema)}
    except (TypeError, ValueError) as exc:
        raise SchemaError(str(exc)) from exc
    assert isinstance(info, types.StructType)
    return tuple(_field(field, annotations[field.name]) for field in info.fields)


def settings_path(community: Community | str, plugin: str) -> str:
    """The address of ``plugin``'s settings page in ``community`` (or its slug): for a
    link from the plugin's own pages, shown to those who hold
    :data:`SETTINGS_PERMISSION`."""
    slug = community if isinstance(community, str) else community.slug
    return f"/c/{slug}/admin/plugins/{plugin}/settings"


# Which plugin has which settings

_schemas: dict[str, type[msgspec.Struct]] = {}


def declare(plugin: str, schema: type[msgspec.Struct] | None) -> None:
    """Make ``plugin``'s settings struct known (the registry does it as it loads the
    plugin)."""
    if schema is None:
        _schemas.pop(plugin, None)
    else:
        _schemas[plugin] = schema


def schema_of(plugin: str) -> type[msgspec.Struct]:
    try:
        return _schemas[plugin]
    except KeyError:
        raise LookupError(
            f"plugin {plugin!r} is not loaded or declares no community_settings"
        ) from None
