"""Jinja2: the loader chain theme → plugins → core, and what templates may call.

``"core:base.html"`` (or ``"<plugin>:…"``, ``"theme:…"``) names one layer's copy of a
template, so a theme can extend the very template it overrides.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    Template,
    pass_context,
    select_autoescape,
)
from jinja2.ext import InternationalizationExtension
from jinja2.lexer import Token, TokenStream
from jinja2.runtime import Context
from litestar.plugins.jinja import JinjaTemplateEngine
from markupsafe import Markup

from linli.domain.identity.people import GENDER_WORDS, RELATION_WORDS, TAG_WORDS
from linli.kernel import icons
from linli.kernel.i18n import LANGUAGE_NAMES
from linli.kernel.models import english_place
from linli.kernel.sorting import natural_sort
from linli.web import sections, styles
from linli.web.feedback import take_flashes
from linli.web.site import community_of, elder_mode_of, language_of, site_of

CORE_TEMPLATES = Path(__file__).parent.parent / "templates"
CORE_STATIC = Path(__file__).parent.parent / "static"
STATIC_PREFIX = "/static"
HTMX = "linli/htmx-2.0.11.min.js"
#: An htmx attribute that sends a request. A page with none does not load htmx (17 KB of
#: the 30 a cheap phone may spend on a first visit); the few that have one do.
HTMX_REQUEST = re.compile(r"\shx-(?:get|post|put|patch|delete)=['\"]")


class PageTemplate(Template):
    """A template whose full pages load htmx only when they use it: after rendering,
    htmx's script goes at the end of the ``<head>`` of a page that has an attribute
    sending a request. Templates need not say anything; fragments (no ``</head>``) are
    left as they are. ``htmx_script`` is set by :func:`build_engine`."""

    htmx_script: str = ""

    def render(self, *args: Any, **kwargs: Any) -> str:
        html = super().render(*args, **kwargs)
        if "</head>" in html and HTMX_REQUEST.search(html):
            html = html.replace("</head>", f"{self.htmx_script}</head>", 1)
        return html


class StaticFiles:
    """Finds a static file in the theme, plugin and core folders (first match wins, as
    the static router serves them) and gives it a URL that changes with its content."""

    def __init__(self, folders: list[Path]) -> None:
        self.folders = folders
        self._versions: dict[str, str] = {}
        self._icons: frozenset[str] | None = None
        self._inline: dict[str, tuple[str, str]] = {}

    def path(self, file_path: str) -> Path | None:
        """The file the static router serves for ``file_path``, if any."""
        return next(
            (folder / file_path for folder in self.folders if (folder / file_path).is_file()),
            None,
        )

    def icon_url(self, name: str | None) -> str | None:
        """The address of icon ``name`` in the served sprite (a theme may ship its own),
        or ``None`` without a name or for a name the sprite lacks (with a warning: see
        :class:`linli.kernel.icons.UnknownIconWarning`)."""
        if not name:
            return None
        if self._icons is None:
            sprite = self.path(icons.SPRITE_FILE)
            self._icons = icons.sprite_names(sprite) if sprite is not None else frozenset()
        if icons.known(name, self._icons) is None:
            return None
        return f"{self.url(icons.SPRITE_FILE)}#{name}"

    def url(self, file_path: str) -> str:
        version = self._versions.get(file_path)
        if version is None:
            version = self._version(file_path)
            self._versions[file_path] = version
        return f"{STATIC_PREFIX}/{file_path}?v={version}"

    def inline(self, file_path: str) -> tuple[str, str]:
        """A stylesheet's text to write into a page, and its CSP hash source."""
        found = self._inline.get(file_path)
        if found is None:
            text = styles.inline_text(
                self._path(file_path).read_text(encoding="utf-8"),
                file_path.rpartition("/")[0],
                self.url,
            )
            found = self._inline[file_path] = (text, styles.style_hash(text))
        return found

    def _version(self, file_path: str) -> str:
        return hashlib.sha256(self._path(file_path).read_bytes()).hexdigest()[:12]

    def _path(self, file_path: str) -> Path:
        for folder in self.folders:
            candidate = folder / file_path
            if candidate.is_file():
                return candidate
        raise FileNotFoundError(f"static file {file_path!r} is in no static folder")


def _stylesheet(static: StaticFiles) -> Any:
    """``stylesheet(path)`` for templates: the file's text in a ``<style>`` on a
    visitor's first page, a ``<link>`` to it afterwards (linli.web.styles)."""

    @pass_context
    def stylesheet(context: Context, file_path: str) -> Markup:
        request = _request(context)
        if not styles.first_visit(request):
            return Markup('<link rel="stylesheet" href="{}">').format(static.url(file_path))
        text, source = static.inline(file_path)
        styles.record_inline(request.scope, source)
        return styles.style_element(text)

    return stylesheet


def _request(context: Context) -> Any:
    return context["request"]


def _catalogue(context: Context, domain: str | None) -> Any:
    request = _request(context)
    return site_of(request).catalogues.get(language_of(request), domain)


def _gettext_in(domain: str | None) -> Any:
    """Jinja's new-style ``gettext`` for ``domain``: the translation, marked safe when
    autoescaping, always formatted with its ``%(name)s`` variables (as Jinja's own)."""

    @pass_context
    def gettext(__context: Context, __string: str, **variables: Any) -> str:
        request = _request(__context)
        catalogues = site_of(request).catalogues
        language = language_of(request)
        words = catalogues.words(language, domain)
        text = words.get(__string)
        if text is None:
            text = words[__string] = catalogues.translate(language, __string, domain)
        if __context.eval_ctx.autoescape:
            text = Markup(text)
        # formatting escapes every variable: skip it for the many words that have none
        return text % variables if variables or "%" in text else text

    return gettext


def _ngettext_in(domain: str | None) -> Any:
    @pass_context
    def ngettext(
        __context: Context, __singular: str, __plural: str, __num: int, **variables: Any
    ) -> str:
        variables.setdefault("num", __num)
        text = _catalogue(__context, domain).ungettext(__singular, __plural, __num)
        if __context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    return ngettext


#: The names templates translate with.
_GETTEXT_NAMES = {"_": "gettext", "gettext": "gettext", "ngettext": "ngettext"}


def _domain_name(domain: str, function: str) -> str:
    return "_linli_" + re.sub(r"\W", "_", domain) + "_" + function


class DomainTranslations(InternationalizationExtension):
    """Jinja's i18n extension, with each template translating in its own domain: when a
    plugin's template is compiled, its ``_()``, ``gettext()`` and ``ngettext()`` calls
    are renamed to that plugin's functions, so two plugins can translate one English
    word differently and a core layout never takes a plugin's words."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        domains: frozenset[str] = getattr(self.environment, "linli_domains", frozenset())
        name = stream.name or ""
        head = name.split(":", 1)[0] if ":" in name else name.split("/", 1)[0]
        if head not in domains:
            yield from stream
            return
        for token in stream:
            if token.type == "name" and token.value in _GETTEXT_NAMES:
                renamed = _domain_name(head, _GETTEXT_NAMES[token.value])
                yield Token(token.lineno, "name", renamed)
            else:
                yield token


@pass_context
def _language(context: Context) -> str:
    return language_of(_request(context))


@pass_context
def _elder_mode(context: Context) -> bool:
    return elder_mode_of(_request(context))


@pass_context
def _community(context: Context) -> Any:
    return community_of(_request(context))


@pass_context
def _here(context: Context) -> str:
    """The address of this page as the visitor asked for it (Litestar's ``url.path``
    drops a trailing slash), for forms that come back to it."""
    scope = _request(context).scope
    path = scope.get("raw_path", b"").decode("latin-1") or scope["path"]
    query = scope.get("query_string", b"").decode("latin-1")
    return f"{path}?{query}" if query else path


@pass_context
def _flashes(context: Context) -> list[str]:
    """The one-time messages of the visitor's last actions (shown once, then gone)."""
    return take_flashes(_request(context))


@pass_context
def _register_word(context: Context, value: str) -> str:
    """A gender, tag or household relation of the register, or a numbered place's name
    ("3单元"), all stored in Chinese, in the visitor's language; a word a community
    added itself is shown as written."""
    message = GENDER_WORDS.get(value) or TAG_WORDS.get(value) or RELATION_WORDS.get(value)
    request = _request(context)
    if message is None:  # a numbered place ("3单元") is spelled out in English
        return (language_of(request) == "en" and english_place(value)) or value
    return site_of(request).catalogues.translate(language_of(request), message)


@pass_context
def _account_label(context: Context) -> str:
    """How the header names the visitor: their name in the register, else the
    username (an administrator's account may have no person)."""
    actor = _request(context).state.get("actor")
    account = actor.account if actor is not None else None
    return account.display_name if account is not None else ""


@pass_context
def _account(context: Context) -> Any:
    """The logged-in account, if the request loaded one (every page does)."""
    actor = _request(context).state.get("actor")
    return actor.account if actor is not None else None


@pass_context
def _unread_count(context: Context) -> int | None:
    """The visitor's unread notifications, counted once per page before rendering (see
    :func:`linli.web.bell.load_bell`); ``None`` when not counted."""
    return _request(context).state.get("linli_unread")


@pass_context
def _nav_items(context: Context) -> list[dict[str, Any]]:
    """Navigation of the current community (:func:`linli.web.sections.nav_items`)."""
    return sections.nav_items(_request(context))


@pass_context
def _current_service(context: Context) -> str | None:
    """The plugin whose page this is (:func:`linli.web.sections.current_service`)."""
    return sections.current_service(_request(context))


@pass_context
def _section_tabs(context: Context) -> list[dict[str, Any]]:
    """The current plugin's tab bar (``core:tabs.html``)."""
    return sections.tabs(_request(context))


@pass_context
def _section_trail(context: Context) -> list[tuple[str, str]]:
    """ "You are here" above the current plugin's page (``core:tabs.html``)."""
    return sections.trail(_request(context))


def build_engine(
    theme_templates: Path,
    plugin_templates: dict[str, list[Path]],
    static: StaticFiles,
) -> JinjaTemplateEngine:
    core_loader = FileSystemLoader(CORE_TEMPLATES)
    theme_loader = FileSystemLoader(theme_templates)
    plugin_loaders = {name: FileSystemLoader(dirs) for name, dirs in plugin_templates.items()}
    loader = ChoiceLoader(
        [
            theme_loader,
            *plugin_loaders.values(),
            core_loader,
            PrefixLoader(
                {"core": core_loader, "theme": theme_loader, **plugin_loaders}, delimiter=":"
            ),
        ]
    )
    env = Environment(
        loader=loader,
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=[DomainTranslations],
        auto_reload=False,
    )
    env.template_class = type(
        "PageTemplate",
        (PageTemplate,),
        {"htmx_script": f'<script src="{static.url(HTMX)}" defer></script>'},
    )
    env.extend(linli_domains=frozenset(plugin_templates))
    env.globals.update(gettext=_gettext_in(None), _=_gettext_in(None), ngettext=_ngettext_in(None))
    for domain in plugin_templates:
        env.globals[_domain_name(domain, "gettext")] = _gettext_in(domain)
        env.globals[_domain_name(domain, "ngettext")] = _ngettext_in(domain)
    env.globals.update(
        static_url=static.url,
        icon_url=static.icon_url,
        stylesheet=_stylesheet(static),
        current_language=_language,
        elder_mode=_elder_mode,
        current_community=_community,
        nav_items=_nav_items,
        current_service=_current_service,
        section_tabs=_section_tabs,
        section_trail=_section_trail,
        current_account=_account,
        account_label=_account_label,
        unread_count=_unread_count,
        register_word=_register_word,
        flashes=_flashes,
        here=_here,
        language_names=LANGUAGE_NAMES,
    )
    env.filters["natural_sort"] = natural_sort
    return JinjaTemplateEngine.from_environment(env)
