"""Codesign: a linli plugin.

Made with ``linli new-plugin``: a model with its migration, a rule in ``services.py``, a
page and a form in ``routes.py``, a permission and a default role, a nav item, demo data
and translations. See linli's ``docs/plugins.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from linli import Manifest, NavItem, Permission, Role, hookimpl
from linli.i18n import N_
from linli.models import Community

HERE = Path(__file__).parent

# The titles are shown in the menu and by `linli plugins list`: write the Chinese one
# here and in locale/zh_CN/LC_MESSAGES/messages.po.
manifest = Manifest(
    name="codesign",
    title={
        "zh_CN": "Codesign",
        "en": "Codesign",
    },
    description={
        "zh_CN": "Codesign",
        "en": "Codesign",
    },
    version="0.1.0",
    linli_api=">=1,<2",
)


@hookimpl
def linli_tortoise_apps() -> dict[str, dict[str, Any]]:
    return {
        "codesign": {
            "models": ["linli_codesign.models"],
            "migrations": "linli_codesign.migrations",
        }
    }


@hookimpl
def linli_routes() -> list[Any]:
    from linli_codesign import routes

    return [routes.CodesignController]


@hookimpl
def linli_template_dirs() -> list[Path]:
    return [HERE / "templates"]


@hookimpl
def linli_locale_dirs() -> list[Path]:
    return [HERE / "locale"]


@hookimpl
def linli_nav_items(community: Community) -> list[NavItem]:
    return [
        NavItem(
            N_("Codesign"),
            "codesign/",
            order=50,
        ),
    ]


@hookimpl
def linli_permissions() -> list[Permission]:
    return [
        Permission(
            "codesign.edit",
            N_("Add and change Codesign items"),
        ),
    ]


@hookimpl
def linli_default_roles() -> list[Role]:
    return [
        Role(
            "codesign_editor",
            N_("Codesign editor"),
            ("codesign.edit",),
        ),
    ]


@hookimpl
def linli_demo_data() -> Any:
    async def seed(community: Community) -> list[str]:
        from linli_codesign import services

        await services.add_item(community, "Codesign")
        return ["codesign: one item"]

    return seed
