"""``linli.kit``: everything a plugin imports from linli, in one place.

A plugin imports ``linli.kit`` (and ``linli.testing`` in its tests) and nothing else of
linli; the architecture test holds every bundled plugin to it. What is here is the plugin
API whose version is :data:`PLUGIN_API_VERSION` (see ``docs/plugins/changes.md``).

The names load on first use: ``import linli.kit`` costs nothing, and a plugin's
manifest, models and services never load the web server stack — only its routes do,
when an application is built.

The contract
    :func:`hookimpl`, :class:`Manifest`, :class:`Section`, :class:`Widget`,
    :class:`NavItem`, :class:`PersonSection`, :class:`Permission`, :class:`Role`,
    :class:`Consequence`, :class:`Refusal`, :func:`N_`
Events
    :func:`event` (declare a payload), :func:`subscribe`, :func:`emit`, :class:`Event`,
    :class:`EventHandler`, the shared :class:`ServiceVerified` and
    :class:`ServiceWithdrawn`
The core's records and services
    :class:`Community`, :class:`Node`, :class:`Person`, :class:`Account`, … and
    :func:`audit`, :func:`grant_role`, :func:`settings_of` and :func:`change_settings`
    (a community's settings of the plugin), …
Pages
    :func:`requires`, :func:`form_page`, :func:`flash`, :func:`confirmation`,
    :func:`parse_date`, :func:`find_person`, :func:`today_of`, …
"""

# The names below the TYPE_CHECKING guard are for type checkers; __all__ lists them. mypy
# cannot read a computed __all__, so the comment below tells it that every name imported
# here is exported: a plugin checked with `mypy --strict` may import them.
# mypy: implicit-reexport
# ruff: noqa: F401

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: Where each name of the kit lives (``module`` or ``module:attribute``); nothing else
#: of linli is part of the plugin API.
_HOMES: dict[str, str] = {
    # the contract
    "PLUGIN_API_VERSION": "linli",
    "hookimpl": "linli.plugins",
    "Manifest": "linli.plugins",
    "Section": "linli.plugins",
    "NavItem": "linli.plugins",
    "Widget": "linli.plugins",
    "PersonSection": "linli.plugins",
    "Permission": "linli.plugins",
    "Role": "linli.plugins",
    "Consequence": "linli.plugins",
    "DemoSeeder": "linli.plugins",
    "Refusal": "linli.refusals",
    "N_": "linli.i18n",
    # events
    "event": "linli.plugins",
    "subscribe": "linli.plugins",
    "EventHandler": "linli.plugins",
    "Event": "linli.events",
    "emit": "linli.events",
    "ServiceVerified": "linli.contracts",
    "ServiceWithdrawn": "linli.contracts",
    # the core's records
    "AuditEntry": "linli.audit.models",
    "Community": "linli.models",
    "CommunityRole": "linli.permissions.models:Role",
    "Node": "linli.hierarchy.models",
    "Person": "linli.identity.models",
    "Account": "linli.identity.models",
    "Household": "linli.identity.models",
    "Membership": "linli.identity.models",
    "PersonTag": "linli.identity.models",
    "Grant": "linli.permissions.models",
    "OutboxEvent": "linli.models",
    "Upload": "linli.uploads",
    # the core's services
    "Actor": "linli.permissions.services",
    "load_actor": "linli.permissions.services",
    "grant_role": "linli.permissions.services",
    "create_account": "linli.identity.services",
    "check_on_behalf": "linli.identity.behalf",
    "home_node": "linli.identity.behalf",
    "OnBehalfError": "linli.identity.behalf",
    "community_root": "linli.communities",
    "create_community": "linli.communities",
    "ensure_node_kinds": "linli.communities",
    "add_node": "linli.hierarchy.services",
    "addresses": "linli.hierarchy.services",
    "escalate": "linli.hierarchy.escalation",
    "Escalation": "linli.hierarchy.escalation",
    "EscalationError": "linli.hierarchy.escalation",
    "EscalationNotAllowed": "linli.hierarchy.escalation",
    "AlreadyAtTop": "linli.hierarchy.escalation",
    "ReasonMissing": "linli.hierarchy.escalation",
    "audit": "linli.audit.services:record",
    "current_zone": "linli.settings",
    "natural_key": "linli.sorting",
    "natural_sorted": "linli.sorting",
    "save_image": "linli.uploads",
    "save_file": "linli.uploads",
    "UploadRefused": "linli.uploads",
    "settings_of": "linli.community_settings",
    "change_settings": "linli.community_settings",
    "settings_path": "linli.community_settings",
    "SETTINGS_PERMISSION": "linli.community_settings",
    # pages
    "requires": "linli.web.auth",
    "logged_in": "linli.web.auth",
    "current_actor": "linli.web.auth",
    "community_node": "linli.web.auth",
    "PUBLIC": "linli.web.auth",
    "LoginRequired": "linli.web.auth",
    "form_page": "linli.web.feedback",
    "form_again": "linli.web.feedback",
    "form_values": "linli.web.feedback",
    "refusal_response": "linli.web.feedback",
    "flash": "linli.web.feedback",
    "confirmation": "linli.web.feedback",
    "is_confirmed": "linli.web.feedback",
    "parse_date": "linli.web.forms",
    "parse_int": "linli.web.forms",
    "parse_float": "linli.web.forms",
    "as_list": "linli.web.forms",
    "own_person": "linli.web.people",
    "need_person": "linli.web.people",
    "find_person": "linli.web.people",
    "translate": "linli.web.site",
    "language_of": "linli.web.site",
    "site_of": "linli.web.site",
    "today_of": "linli.web.site",
    "zone_of": "linli.web.site",
    "bar_chart": "linli.web.charts",
    "file_response": "linli.uploads",
    "Id": "linli.web.edge",
    "Count": "linli.web.edge",
    "Year": "linli.web.edge",
    # the command line
    "Instance": "linli.cli",
    "pass_instance": "linli.cli",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"linli.kit has no {name!r} (the plugin API is linli.kit.__all__)")
    module, _, attribute = home.partition(":")
    value = getattr(importlib.import_module(module), attribute or name)
    globals()[name] = value  # the next lookup is a plain attribute
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:
    from linli import PLUGIN_API_VERSION
    from linli.audit.models import AuditEntry
    from linli.audit.services import record as audit
    from linli.cli import Instance, pass_instance
    from linli.communities import community_root, create_community, ensure_node_kinds
    from linli.community_settings import (
        SETTINGS_PERMISSION,
        change_settings,
        settings_of,
        settings_path,
    )
    from linli.contracts import ServiceVerified, ServiceWithdrawn
    from linli.events import Event, emit
    from linli.hierarchy.escalation import (
        AlreadyAtTop,
        Escalation,
        EscalationError,
        EscalationNotAllowed,
        ReasonMissing,
        escalate,
    )
    from linli.hierarchy.models import Node
    from linli.hierarchy.services import add_node, addresses
    from linli.i18n import N_
    from linli.identity.behalf import OnBehalfError, check_on_behalf, home_node
    from linli.identity.models import Account, Household, Membership, Person, PersonTag
    from linli.identity.services import create_account
    from linli.models import Community, OutboxEvent
    from linli.permissions.models import Grant
    from linli.permissions.models import Role as CommunityRole
    from linli.permissions.services import (
        Actor,
        grant_role,
        load_actor,
    )
    from linli.plugins import (
        Consequence,
        DemoSeeder,
        EventHandler,
        Manifest,
        NavItem,
        Permission,
        PersonSection,
        Role,
        Section,
        Widget,
        event,
        hookimpl,
        subscribe,
    )
    from linli.refusals import Refusal
    from linli.settings import current_zone
    from linli.sorting import natural_key, natural_sorted
    from linli.uploads import Upload, UploadRefused, file_response, save_file, save_image
    from linli.web.auth import (
        PUBLIC,
        LoginRequired,
        community_node,
        current_actor,
        logged_in,
        requires,
    )
    from linli.web.charts import bar_chart
    from linli.web.edge import Count, Id, Year
    from linli.web.feedback import (
        confirmation,
        flash,
        form_again,
        form_page,
        form_values,
        is_confirmed,
        refusal_response,
    )
    from linli.web.forms import as_list, parse_date, parse_float, parse_int
    from linli.web.people import find_person, need_person, own_person
    from linli.web.site import language_of, site_of, today_of, translate, zone_of
