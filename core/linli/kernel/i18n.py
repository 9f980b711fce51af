"""Translations with Babel. Message ids are English; ``zh_CN`` is the default language.

Catalogues are ``.po`` files, compiled in memory when the app starts, so a catalogue
edited in a checkout needs no build step and a stale ``.mo`` can never be served.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from linli.kernel.settings import LANGUAGES

CORE_LOCALE_DIR = Path(__file__).parent.parent / "locale"
DOMAIN = "messages"
#: The core's translation domain; each plugin's is its name.
CORE_DOMAIN = "core"

#: How each language calls itself, for the language switch.
LANGUAGE_NAMES = {"zh_CN": "中文", "en": "English"}


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it here: it is translated
    where it is shown, in the visitor's language."""
    return message


def _read(po_path: Path) -> Catalog:
    with po_path.open("rb") as handle:
        return read_po(handle, locale=po_path.parent.parent.name)


def _compile(catalog: Catalog) -> Translations:
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def _po_path(folder: Path, language: str) -> Path:
    return folder / language / "LC_MESSAGES" / f"{DOMAIN}.po"


class Catalogues:
    """The translations of the core and of every loaded plugin, one domain each.

    A page's words come from its own domain first, then from the core's, then from the
    other plugins' (in load order): two plugins may translate the same English id
    differently ("Method" is 方式 in one and 做法 in another) and each page shows its
    own. A plugin's templates are its domain (``streetbank/…``), as is the code of its
    route handlers; everything else is the core's.
    """

    def __init__(
        self,
        locale_dirs: Iterable[Path] | Mapping[str, Iterable[Path]],
        packages: Mapping[str, str] | None = None,
    ) -> None:
        #: Top-level package name → domain, to find the domain of a route's code.
        self.packages = dict(packages or {})
        domains: dict[str, list[Path]] = (
            {name: list(folders) for name, folders in locale_dirs.items()}
            if isinstance(locale_dirs, Mapping)
            else {"": list(locale_dirs)}
        )
        self.domains = [name for name in domains if name]
        self._catalogs: dict[tuple[str, str], Catalog] = {}
        self._chains: dict[tuple[str, str], NullTranslations] = {}
        self._words: dict[tuple[str, str], dict[str, str]] = {}
        for language in LANGUAGES:
            core = self._load(CORE_DOMAIN, language, [CORE_LOCALE_DIR])
            others = [self._load(name, language, folders) for name, folders in domains.items()]
            merged = NullTranslations()
            for catalog in reversed([core, *others]):
                if catalog is not None:
                    merged = _chain(_compile(catalog), merged)
            self._chains[(language, CORE_DOMAIN)] = merged
            for name, catalog in zip(domains, others, strict=True):
                if name and catalog is not None:
                    self._chains[(language, name)] = _chain(_compile(catalog), merged)

    def _load(self, domain: str, language: str, folders: list[Path]) -> Catalog | None:
        found: Catalog | None = None
        for folder in folders:
            po_path = _po_path(folder, language)
            if not po_path.exists():
                continue
            catalog = _read(po_path)
            if found is None:
                found = catalog
            else:
                for message in catalog:
                    if message.id and message.id not in found:
                        found[message.id] = message
        if found is not None and domain:
            self._catalogs[(language, domain)] = found
        return found

    def domain_of_module(self, module: str) -> str:
        """The domain of code in ``module`` (a dotted name): its plugin's, else the core's."""
        return self.packages.get(module.split(".")[0], CORE_DOMAIN)

    def domain_of_template(self, name: str | None) -> str:
        """The domain of a template: ``"council/topic.html"`` and ``"council:…"`` are the
        council's; the core's and the theme's own templates are the core's."""
        if not name:
            return CORE_DOMAIN
        head = name.split(":", 1)[0] if ":" in name else name.split("/", 1)[0]
        return head if head in self.domains else CORE_DOMAIN

    def get(self, language: str, domain: str | None = None) -> NullTranslations:
        """The translations of ``domain`` (the core's when ``None`` or unknown), falling
        back to the core's and then to every plugin's."""
        chain = self._chains.get((language, domain or CORE_DOMAIN))
        if chain is None:
            chain = self._chains.get((language, CORE_DOMAIN))
        return chain or NullTranslations()

    def translate(self, language: str, message: str, domain: str | None = None) -> str:
        return self.get(language, domain).ugettext(message)

    def words(self, language: str, domain: str | None = None) -> dict[str, str]:
        """The translations of ``domain`` already looked up, message id → text, for
        pages that translate the same words again and again (a list of 50 items says
        "Redeem" 50 times): one dictionary lookup instead of a walk down the chain of
        catalogues. Fill it with :meth:`translate`."""
        key = (language, domain or CORE_DOMAIN)
        found = self._words.get(key)
        if found is None:
            found = self._words[key] = {}
        return found

    def translations_of(self, message: str, language: str = "zh_CN") -> dict[str, str]:
        """How each domain translates ``message`` (domains that do not are left out)."""
        found: dict[str, str] = {}
        for (catalog_language, domain), catalog in self._catalogs.items():
            entry = catalog.get(message) if catalog_language == language else None
            if entry is not None and entry.string and not entry.fuzzy:
                found[domain] = str(entry.string)
        return found

    def ambiguous(
        self, domain: str, message_ids: Iterable[str], language: str = "zh_CN"
    ) -> list[str]:
        """Those of ``message_ids`` (the ids ``domain`` shows) that neither ``domain`` nor
        the core translates while other plugins translate them differently: the page
        would show whichever plugin loaded first, perhaps the wrong word. Sorted."""
        problems = []
        for message in message_ids:
            translations = self.translations_of(message, language)
            if domain in translations or CORE_DOMAIN in translations:
                continue
            if len(set(translations.values())) > 1:
                problems.append(message)
        return sorted(problems)


def _chain(first: NullTranslations, fallback: NullTranslations) -> NullTranslations:
    first.add_fallback(fallback)
    return first


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
