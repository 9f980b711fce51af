"""Jinja2: the loader chain theme → plugins → core, and what templates may call.

``"core:base.html"`` (or ``"<plugin>:…"``, ``"theme:…"``) names one layer's copy of a
template, so a theme can extend the very template it overrides.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    pass_context,
    select_autoescape,
)
from jinja2.runtime import Context
from litestar.plugins.jinja import JinjaTemplateEngine

from linli.i18n import LANGUAGE_NAMES, N_
from linli.sorting import natural_sort
from linli.web.feedback import take_flashes
from linli.web.site import community_of, elder_mode_of, language_of, site_of

CORE_TEMPLATES = Path(__file__).parent.parent / "templates"
CORE_STATIC = Path(__file__).parent.parent / "static"
STATIC_PREFIX = "/static"


class StaticFiles:
    """Finds a static file in the theme, plugin and core folders (first match wins, as
    the static router serves them) and gives it a URL that changes with its content."""

    def __init__(self, folders: list[Path]) -> None:
        self.folders = folders
        self._versions: dict[str, str] = {}

    def url(self, file_path: str) -> str:
        version = self._versions.get(file_path)
        if version is None:
            version = self._version(file_path)
            self._versions[file_path] = version
        return f"{STATIC_PREFIX}/{file_path}?v={version}"

    def _version(self, file_path: str) -> str:
        for folder in self.folders:
            candidate = folder / file_path
            if candidate.is_file():
                return hashlib.sha256(candidate.read_bytes()).hexdigest()[:12]
        raise FileNotFoundError(f"static file {file_path!r} is in no static folder")


def _request(context: Context) -> Any:
    return context["request"]


# Jinja's new-style gettext wraps these and applies ``%(name)s`` variables itself.
@pass_context
def _gettext(context: Context, message: str) -> str:
    request = _request(context)
    return site_of(request).catalogues.translate(language_of(request), message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    request = _request(context)
    return site_of(request).catalogues.get(language_of(request)).ungettext(singular, plural, n)


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
def _account(context: Context) -> Any:
    """The logged-in account, if the request loaded one (every page does)."""
    actor = _request(context).state.get("actor")
    return actor.account if actor is not None else None


#: Core sections linked from the navigation for those who may use them.
STAFF_SECTIONS = [
    (N_("Resident register"), "register/", "identity.person.view"),
    (N_("Administration"), "admin/", "hierarchy.node.view"),
]


@pass_context
def _staff_links(context: Context) -> list[dict[str, str]]:
    """Links to the core's staff sections, shown to visitors holding the permission
    somewhere in this community (the pages' guards still decide what they may do)."""
    request = _request(context)
    community = community_of(request)
    actor = request.state.get("actor")
    if community is None or actor is None:
        return []
    catalogues = site_of(request).catalogues
    language = language_of(request)
    return [
        {"label": catalogues.translate(language, label), "href": f"/c/{community.slug}/{path}"}
        for label, path, permission in STAFF_SECTIONS
        if any(
            permission in held.permissions and held.community_id == community.id
            for held in actor.grants
        )
    ]


@pass_context
def _nav_items(context: Context) -> list[dict[str, str]]:
    """Navigation of the current community: the enabled plugins' items, in order."""
    request = _request(context)
    community = community_of(request)
    if community is None:
        return []
    site = site_of(request)
    language = language_of(request)
    enabled = request.state.get("enabled_plugins", [])
    items = site.registry.collect(
        "linli_nav_items", only=enabled, isolate=True, community=community
    )
    items.sort(key=lambda pair: (pair[1].order, pair[1].label))
    return [
        {
            "label": site.catalogues.translate(language, item.label),
            "href": f"/c/{community.slug}/{item.path}",
            "plugin": plugin,
        }
        for plugin, item in items
    ]


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
        extensions=["jinja2.ext.i18n"],
        auto_reload=False,
    )
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        static_url=static.url,
        current_language=_language,
        elder_mode=_elder_mode,
        current_community=_community,
        nav_items=_nav_items,
        staff_links=_staff_links,
        current_account=_account,
        flashes=_flashes,
        here=_here,
        language_names=LANGUAGE_NAMES,
    )
    env.filters["natural_sort"] = natural_sort
    return JinjaTemplateEngine.from_environment(env)
