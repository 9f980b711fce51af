"""Mediation: a linli plugin.

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
    name="mediation",
    title={
        "zh_CN": "Mediation",
        "en": "Mediation",
    },
    description={
        "zh_CN": "Mediation",
        "en": "Mediation",
    },
    version="0.1.0",
    linli_api=">=1,<2",
)


@hookimpl
def linli_tortoise_apps() -> dict[str, dict[str, Any]]:
    return {
        "mediation": {
            "models": ["linli_mediation.models"],
            "migrations": "linli_mediation.migrations",
        }
    }


@hookimpl
def linli_routes() -> list[Any]:
    from linli_mediation import routes

    return [routes.MediationController]


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
            N_("Mediation"),
            "mediation/",
            order=50,
        ),
    ]


@hookimpl
def linli_permissions() -> list[Permission]:
    return [
        Permission(
            "mediation.edit",
            N_("Add and change Mediation items"),
        ),
    ]


@hookimpl
def linli_default_roles() -> list[Role]:
    return [
        Role(
            "mediation_editor",
            N_("Mediation editor"),
            ("mediation.edit",),
        ),
    ]


@hookimpl
def linli_demo_data() -> Any:
    async def seed(community: Community) -> list[str]:
        from linli_mediation import services

        await services.add_item(community, "Mediation")
        return ["mediation: one item"]

    return seed
