"""What the settings page of a plugin shows: one input per setting, labelled in the
visitor's language, holding the value in force or the value the visitor just typed.

The page itself is an admin page (:mod:`linli.builtin.admin.routes`); the rules are in
:mod:`linli.domain.community_settings`. A plugin's own ``settings_template`` gets the same
``fields`` and may render each with the macros of ``admin/_settings.html``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time
from typing import Any

import msgspec
from litestar.datastructures import FormMultiDict

from linli.kernel.settings_schema import SettingField
from linli.web.site import language_of, site_of

#: The HTML input of each kind of setting (a choice is a ``select``, yes/no a checkbox).
INPUT_TYPES = {"int": "number", "float": "number", "str": "text", "time": "time", "date": "date"}


def shown(value: Any) -> str:
    """A setting's value as an input holds it."""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, time):
        return value.strftime("%H:%M" if not value.second else "%H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def submitted(fields: tuple[SettingField, ...], form: FormMultiDict) -> dict[str, str]:
    """The settings a form sent, as text. A field the form does not carry is left out
    (a plugin's own template may show some settings only); a checkbox comes with a
    hidden empty input of the same name before it, so the last value counts: ``on``
    when ticked, empty when not."""
    values: dict[str, str] = {}
    for field in fields:
        sent = form.getall(field.name) if field.name in form else []
        if sent:
            last = sent[-1]
            values[field.name] = last if isinstance(last, str) else ""
    return values


def field_views(
    request: Any,
    plugin: str,
    fields: tuple[SettingField, ...],
    settings: msgspec.Struct,
    form: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """One dict per setting for the template: ``name``, ``kind``, ``label`` and ``help``
    (in the visitor's language, from the plugin's catalogue), ``value`` (the typed-in
    text when the form comes back refused, else the value in force), ``checked``,
    ``options`` of a choice, the input's ``type`` and its bounds."""
    catalogues = site_of(request).catalogues
    language = language_of(request)

    def words(message: str) -> str:
        return catalogues.translate(language, message, plugin) if message else ""

    views = []
    for field in fields:
        value = (
            form[field.name]
            if form and field.name in form
            else shown(getattr(settings, field.name))
        )
        views.append(
            {
                "name": field.name,
                "kind": field.kind,
                "label": words(field.title) or field.name.replace("_", " ").capitalize(),
                "help": words(field.description),
                "value": value,
                "checked": value.lower() in ("on", "true", "1", "yes"),
                "type": INPUT_TYPES.get(field.kind, ""),
                "min": field.low,
                "max": field.high,
                "step": "1" if field.kind == "int" else "any",
                "minlength": field.min_length,
                "maxlength": field.max_length,
                "pattern": field.pattern,
                "options": [
                    {"value": str(choice), "label": words(label), "selected": str(choice) == value}
                    for choice, label in field.choices
                ],
            }
        )
    return views
