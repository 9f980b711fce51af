"""Per-community settings of plugins, stored by the core.

A plugin declares what a community may choose as a ``msgspec.Struct`` in its manifest
(``Manifest(community_settings=...)``); the struct's defaults are the defaults. Each field
may carry ``Annotated[..., msgspec.Meta(title=N_("…"), description=N_("…"), ge=…, le=…)]``:
the title and description are English message ids the plugin translates, ``ge``/``le``
bound numbers, ``min_length``/``max_length``/``pattern`` bound text, and a ``Literal``
field may name its choices' labels with ``Meta(extra={"choices": {value: N_("…")}})``.

The core keeps one row per community and plugin (:class:`linli.kernel.models.PluginSettings`)
holding only the values that differ from the defaults. :func:`settings_of` always
answers a complete struct: a stored value that a newer version of the plugin no longer
accepts falls back to its default (and is logged), never an error.
:func:`change_settings` checks every value before it writes anything, refusing bad input
with a :class:`~linli.kernel.refusals.Refusal` about the field, and records the change in the
audit trail as ``<plugin>.settings``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from datetime import date, time
from typing import Any

import msgspec
from tortoise.transactions import in_transaction

from linli.domain.audit.services import record
from linli.domain.identity.models import Account
from linli.domain.permissions.services import Actor
from linli.kernel.i18n import N_
from linli.kernel.models import Community, PluginSettings
from linli.kernel.refusals import Refusal
from linli.kernel.settings_schema import (
    DATE_EXAMPLE,
    NO,
    TIME_EXAMPLE,
    YES,
    SettingField,
    describe,
    schema_of,
)

log = logging.getLogger(__name__)

# Values


def _builtin(value: Any) -> Any:
    """A value as it is stored in JSON (dates and times as ISO text)."""
    return msgspec.to_builtins(value)


def _stored(field: SettingField, value: Any) -> Any:
    """A stored value back in its type; raises if the field no longer accepts it."""
    if field.kind == "time" and isinstance(value, str):
        value = time.fromisoformat(value)
    return msgspec.convert(value, field.annotation, strict=False)


def decode(
    schema: type[msgspec.Struct], stored: Mapping[str, Any], *, where: str = ""
) -> msgspec.Struct:
    """The complete settings from the stored values: a missing value is its default, and
    so is one the struct no longer accepts (logged, with ``where`` it was found)."""
    values: dict[str, Any] = {}
    for field in describe(schema):
        if field.name not in stored:
            continue
        try:
            values[field.name] = _stored(field, stored[field.name])
        except (msgspec.ValidationError, ValueError, TypeError):
            log.warning(
                "%s: the stored setting %s=%r is no longer valid; its default is used",
                where or schema.__name__, field.name, stored[field.name],
            )  # fmt: skip
    try:
        return schema(**values)
    except (ValueError, TypeError):
        log.warning("%s: the stored settings do not fit together; the defaults are used", where)
        return schema()


def _community_id(community: Community | int) -> int:
    return community if isinstance(community, int) else community.id


async def settings_of(community: Community | int, plugin: str) -> msgspec.Struct:
    """``plugin``'s settings in ``community``: its settings struct, every field filled
    (one query)."""
    schema = schema_of(plugin)
    community_id = _community_id(community)
    rows = await PluginSettings.filter(community_id=community_id, plugin=plugin).values_list(
        "values", flat=True
    )
    stored = rows[0] if rows and isinstance(rows[0], dict) else {}
    return decode(schema, stored, where=f"community {community_id}, plugin {plugin}")


def _refusal(field: SettingField, value: Any = None) -> Refusal:
    """What is wrong with a value of ``field``, as a refusal about that field."""
    name = field.name
    if field.kind in ("int", "float"):
        low, high = field.low, field.high
        whole = field.kind == "int"
        if low is not None and high is not None:
            message = (
                N_("Enter a whole number from %(low)s to %(high)s.")
                if whole
                else N_("Enter a number from %(low)s to %(high)s.")
            )
            return Refusal(message, field=name, low=low, high=high)
        if low is not None:
            message = (
                N_("Enter a whole number of at least %(low)s.")
                if whole
                else N_("Enter a number of at least %(low)s.")
            )
            return Refusal(message, field=name, low=low)
        if high is not None:
            message = (
                N_("Enter a whole number of at most %(high)s.")
                if whole
                else N_("Enter a number of at most %(high)s.")
            )
            return Refusal(message, field=name, high=high)
        return Refusal(N_("Enter a whole number.") if whole else N_("Enter a number."), field=name)
    if field.kind == "str":
        text = value if isinstance(value, str) else ""
        if field.max_length is not None and len(text) > field.max_length:
            return Refusal(
                N_("Enter at most %(most)s characters."), field=name, most=field.max_length
            )
        if field.min_length is not None and len(text) < field.min_length:
            return Refusal(
                N_("Enter at least %(least)s characters."), field=name, least=field.min_length
            )
        return Refusal(N_("This is not written as expected."), field=name)
    if field.kind == "date":
        return Refusal(N_("Enter a date such as %(example)s."), field=name, example=DATE_EXAMPLE)
    if field.kind == "time":
        return Refusal(N_("Enter a time such as %(example)s."), field=name, example=TIME_EXAMPLE)
    if field.kind == "choice":
        return Refusal(N_("Choose one of the options offered."), field=name)
    return Refusal(N_("Choose yes or no."), field=name)


def _typed(field: SettingField, raw: Any) -> Any:
    """``raw`` (a typed value, or text from a form) as the field's type, unchecked
    against its bounds; raises :class:`ValueError` when it is not of that type at all."""
    text = raw.strip() if isinstance(raw, str) else None
    if field.kind == "bool":
        if isinstance(raw, bool):
            return raw
        if text is not None and text.lower() in YES + NO:
            return text.lower() in YES
    elif field.kind == "int":
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        if text is not None and len(text) <= 32:
            return int(text)
    elif field.kind == "float":
        number = None
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            number = float(raw)
        elif text is not None and len(text) <= 64:
            number = float(text)
        if number is not None and math.isfinite(number):
            return number
    elif field.kind == "str":
        if text is not None:
            return text
    elif field.kind == "date":
        if isinstance(raw, date):
            return raw
        if text is not None:
            return date.fromisoformat(text)
    elif field.kind == "time":
        if isinstance(raw, time):
            return raw
        if text is not None and ":" in text:
            return time.fromisoformat(text)
    elif field.kind == "choice":
        for value, _ in field.choices:
            if raw == value or (text is not None and text == str(value)):
                return value
    raise ValueError(f"not a {field.kind}")


def parse_value(field: SettingField, raw: Any) -> Any:
    """``raw`` as a valid value of ``field``; a :class:`Refusal` about the field if not."""
    try:
        value = _typed(field, raw)
        return msgspec.convert(value, field.annotation)
    except (ValueError, TypeError, msgspec.ValidationError):
        raise _refusal(field, raw.strip() if isinstance(raw, str) else raw) from None


async def change_settings(
    community: Community | int,
    plugin: str,
    values: Mapping[str, Any],
    *,
    actor: Actor | Account | None,
) -> msgspec.Struct:
    """Change some of ``plugin``'s settings in ``community`` (the others keep their
    value) and answer the settings now in force.

    ``values`` maps field names to typed values or to text as a form sends it. Every
    value is checked before anything is written: the first bad one raises a
    :class:`Refusal` naming its field, and nothing changes. The change is written in one
    transaction with its audit entry (``<plugin>.settings``, the changed values before
    and after); a change that changes nothing writes nothing."""
    schema = schema_of(plugin)
    fields = {field.name: field for field in describe(schema)}
    parsed: dict[str, Any] = {}
    for name, raw in values.items():
        field = fields.get(name)
        if field is None:
            raise Refusal(N_("There is no such setting."), field=name)
        parsed[name] = parse_value(field, raw)
    community_id = _community_id(community)
    account = actor.account if isinstance(actor, Actor) else actor
    async with in_transaction():
        await PluginSettings.get_or_create(
            community_id=community_id, plugin=plugin, defaults={"values": {}}
        )
        row = await PluginSettings.select_for_update().get(community_id=community_id, plugin=plugin)
        stored = row.values if isinstance(row.values, dict) else {}
        current = decode(schema, stored, where=f"community {community_id}, plugin {plugin}")
        merged = {name: getattr(current, name) for name in fields} | parsed
        try:
            settings = schema(**merged)
        except (ValueError, TypeError):
            raise Refusal(N_("These settings do not fit together.")) from None
        changed = [name for name in fields if merged[name] != getattr(current, name)]
        if not changed:
            return current
        row.values = {
            name: _builtin(value) for name, value in merged.items() if value != fields[name].default
        }
        row.changed_by = account
        await row.save(update_fields=["values", "changed_by_id", "changed_at"])
        await record(
            f"{plugin}.settings",
            actor=actor,
            community_id=community_id,
            obj=row,
            before={name: _builtin(getattr(current, name)) for name in changed},
            after={name: _builtin(merged[name]) for name in changed},
        )
    return settings
