"""Translations with Babel. Message ids are English; ``zh_CN`` is the default language.

Catalogues are ``.po`` files, compiled in memory when the app starts, so a catalogue
edited in a checkout needs no build step and a stale ``.mo`` can never be served.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from linli.settings import LANGUAGES

CORE_LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"

#: How each language calls itself, for the language switch.
LANGUAGE_NAMES = {"zh_CN": "中文", "en": "English"}


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it here: it is translated
    where it is shown, in the visitor's language."""
    return message


def _compile(po_path: Path) -> Translations:
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=po_path.parent.parent.name)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


class Catalogues:
    """The merged translations of core and every loaded plugin, one per language."""

    def __init__(self, locale_dirs: Iterable[Path]) -> None:
        self._by_language: dict[str, NullTranslations] = {}
        folders = [CORE_LOCALE_DIR, *locale_dirs]
        for language in LANGUAGES:
            merged: Translations | None = None
            for folder in folders:
                po_path = folder / language / "LC_MESSAGES" / f"{DOMAIN}.po"
                if not po_path.exists():
                    continue
                compiled = _compile(po_path)
                merged = compiled if merged is None else merged.merge(compiled)
            self._by_language[language] = merged or NullTranslations()

    def get(self, language: str) -> NullTranslations:
        return self._by_language.get(language) or NullTranslations()

    def translate(self, language: str, message: str) -> str:
        return self.get(language).ugettext(message)


#: Where the message ids of a package are: its Python code and its templates.
_EXTRACT_METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]
_EXTRACT_OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
_KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def message_ids(package_dir: Path) -> set[str]:
    """Every message id a package marks for translation, in code and templates."""
    found = extract_from_dir(
        str(package_dir),
        method_map=_EXTRACT_METHODS,
        options_map=_EXTRACT_OPTIONS,
        keywords=_KEYWORDS,
    )
    ids: set[str] = set()
    for _, _, message, _, _ in found:
        ids.update(message if isinstance(message, tuple) else (message,))
    return ids


#: A ``%(name)s`` or ``%(name)d`` placeholder of a message.
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def placeholder_mismatches(package_dir: Path, language: str = "zh_CN") -> list[str]:
    """Message ids whose translation in ``locale/<language>`` drops a placeholder of the
    id or adds one, sorted: the page would show a wrong value or fail to render."""
    po_path = package_dir / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_path.exists():
        return []
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    return sorted(
        message.id
        for message in catalog
        if message.id
        and isinstance(message.id, str)
        and message.string
        and sorted(PLACEHOLDER.findall(message.id)) != sorted(PLACEHOLDER.findall(message.string))
    )


def missing_translations(package_dir: Path, language: str = "zh_CN") -> list[str]:
    """Message ids of the package that its ``locale/<language>`` catalogue leaves
    untranslated (or marks fuzzy), sorted."""
    po_path = package_dir / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    translated: set[str] = set()
    if po_path.exists():
        with po_path.open("rb") as handle:
            catalog = read_po(handle)
        translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    return sorted(message_ids(package_dir) - translated)
