"""Canteen: a linli plugin.

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
    name="canteen",
    title={
        "zh_CN": "Canteen",
        "en": "Canteen",
    },
    description={
        "zh_CN": "Canteen",
        "en": "Canteen",
    },
    version="0.1.0",
    linli_api=">=1,<2",
)


@hookimpl
def linli_tortoise_apps() -> dict[str, dict[str, Any]]:
    return {
        "canteen": {
            "models": ["linli_canteen.models"],
            "migrations": "linli_canteen.migrations",
        }
    }


@hookimpl
def linli_routes() -> list[Any]:
    from linli_canteen import routes

    return [routes.CanteenController]


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
            N_("Canteen"),
            "canteen/",
            order=50,
        ),
    ]


@hookimpl
def linli_permissions() -> list[Permission]:
    return [
        Permission(
            "canteen.edit",
            N_("Add and change Canteen items"),
        ),
    ]


@hookimpl
def linli_default_roles() -> list[Role]:
    return [
        Role(
            "canteen_editor",
            N_("Canteen editor"),
            ("canteen.edit",),
        ),
    ]


@hookimpl
def linli_demo_data() -> Any:
    async def seed(community: Community) -> list[str]:
        from linli_canteen import services

        await services.add_item(community, "Canteen")
        return ["canteen: one item"]

    return seed
