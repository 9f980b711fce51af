"""Council: a linli plugin.

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
    name="council",
    title={
        "zh_CN": "Council",
        "en": "Council",
    },
    description={
        "zh_CN": "Council",
        "en": "Council",
    },
    version="0.1.0",
    linli_api=">=1,<2",
)


@hookimpl
def linli_tortoise_apps() -> dict[str, dict[str, Any]]:
    return {
        "council": {
            "models": ["linli_council.models"],
            "migrations": "linli_council.migrations",
        }
    }


@hookimpl
def linli_routes() -> list[Any]:
    from linli_council import routes

    return [routes.CouncilController]


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
            N_("Council"),
            "council/",
            order=50,
        ),
    ]


@hookimpl
def linli_permissions() -> list[Permission]:
    return [
        Permission(
            "council.edit",
            N_("Add and change Council items"),
        ),
    ]


@hookimpl
def linli_default_roles() -> list[Role]:
    return [
        Role(
            "council_editor",
            N_("Council editor"),
            ("council.edit",),
        ),
    ]


@hookimpl
def linli_demo_data() -> Any:
    async def seed(community: Community) -> list[str]:
        from linli_council import services

        await services.add_item(community, "Council")
        return ["council: one item"]

    return seed
