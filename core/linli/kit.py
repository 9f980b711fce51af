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
    :class:`Consequence`, :class:`Refusal`, :func:`N_`; :class:`HomeItem` (2.2)
Events
    :func:`event` (declare a payload), :func:`subscribe`, :func:`emit`, :class:`Event`,
    :class:`EventHandler`, the shared :class:`ServiceVerified`,
    :class:`ServiceWithdrawn`, :class:`WelfareConcern`, :class:`WelfareResolved` and
    :class:`RegisterChanged`
The core's records and services
    :class:`Community`, :class:`Node`, :class:`Person`, :class:`Account`, … and
    :func:`audit`, :func:`grant_role`, :func:`settings_of` and :func:`change_settings`
    (a community's settings of the plugin), …
Notifications and scheduled jobs (2.1)
    :class:`NotificationKind`, :func:`notify`, :class:`RoleAt`; :func:`job`,
    :func:`schedule`, :func:`unschedule`, :class:`JobCall`; for channel plugins
    :class:`Channel`, :class:`Message`, :class:`Recipient`
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

#: Where each name of the kit lives (``module`` or ``module:attribute``; a module named
#: like the kit's name is that module itself); nothing else of linli is part of the
#: plugin API.
_HOMES: dict[str, str] = {
    # the contract
    "PLUGIN_API_VERSION": "linli",
    "hookimpl": "linli.kernel.plugins",
    "Manifest": "linli.kernel.plugins",
    "Section": "linli.kernel.plugins",
    "NavItem": "linli.kernel.plugins",
    "Widget": "linli.kernel.plugins",
    "HomeItem": "linli.kernel.plugins",
    "PersonSection": "linli.kernel.plugins",
    "Permission": "linli.kernel.plugins",
    "Role": "linli.kernel.plugins",
    "Consequence": "linli.kernel.plugins",
    "DemoSeeder": "linli.kernel.plugins",
    "Refusal": "linli.kernel.refusals",
    "N_": "linli.kernel.i18n",
    # events
    "event": "linli.kernel.plugins",
    "subscribe": "linli.kernel.plugins",
    "EventHandler": "linli.kernel.plugins",
    "Event": "linli.kernel.events",
    "emit": "linli.kernel.events",
    "ServiceVerified": "linli.kernel.contracts",
    "ServiceWithdrawn": "linli.kernel.contracts",
    "WelfareConcern": "linli.kernel.contracts",
    "WelfareResolved": "linli.kernel.contracts",
    "RegisterChanged": "linli.kernel.contracts",
    # the core's records
    "AuditEntry": "linli.domain.audit.models",
    "Community": "linli.kernel.models",
    "CommunityRole": "linli.domain.permissions.models:Role",
    "Node": "linli.domain.hierarchy.models",
    "Person": "linli.domain.identity.models",
    "Account": "linli.domain.identity.models",
    "Household": "linli.domain.identity.models",
    "Membership": "linli.domain.identity.models",
    "PersonTag": "linli.domain.identity.models",
    "Grant": "linli.domain.permissions.models",
    "OutboxEvent": "linli.kernel.models",
    "Upload": "linli.domain.uploads",
    # the core's services
    "Actor": "linli.domain.permissions.services",
    "load_actor": "linli.domain.permissions.services",
    "grant_role": "linli.domain.permissions.services",
    "create_account": "linli.domain.identity.services",
    "check_on_behalf": "linli.domain.identity.behalf",
    "home_node": "linli.domain.identity.behalf",
    "OnBehalfError": "linli.domain.identity.behalf",
    "community_root": "linli.domain.communities",
    "create_community": "linli.domain.communities",
    "ensure_node_kinds": "linli.domain.communities",
    "add_node": "linli.domain.hierarchy.services",
    "addresses": "linli.domain.hierarchy.services",
    "escalate": "linli.domain.hierarchy.escalation",
    "Escalation": "linli.domain.hierarchy.escalation",
    "EscalationError": "linli.domain.hierarchy.escalation",
    "EscalationNotAllowed": "linli.domain.hierarchy.escalation",
    "AlreadyAtTop": "linli.domain.hierarchy.escalation",
    "ReasonMissing": "linli.domain.hierarchy.escalation",
    "audit": "linli.domain.audit.services:record",
    "current_zone": "linli.kernel.settings",
    "natural_key": "linli.kernel.sorting",
    "natural_sorted": "linli.kernel.sorting",
    "save_image": "linli.domain.uploads",
    "illustration": "linli.domain.illustrations",
    "scenes": "linli.domain.scenes",
    "save_file": "linli.domain.uploads",
    "UploadRefused": "linli.domain.uploads",
    "settings_of": "linli.domain.community_settings",
    "change_settings": "linli.domain.community_settings",
    "settings_path": "linli.kernel.settings_schema",
    "stamp_tables": "linli.domain.stamps",
    "one_time_key": "linli.domain.reads",
    "NO_PAGE_CACHE": "linli.web.page_cache",
    "AddIndexes": "linli.domain.indexes",
    "sqlite_repair": "linli.domain.indexes",
    "SETTINGS_PERMISSION": "linli.kernel.settings_schema",
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
    "file_response": "linli.domain.uploads",
    "Id": "linli.web.edge",
    "Count": "linli.web.edge",
    "Year": "linli.web.edge",
    # notifications and scheduled jobs (2.1)
    "NotificationKind": "linli.kernel.notifications",
    "Channel": "linli.kernel.notifications",
    "Message": "linli.kernel.notifications",
    "Recipient": "linli.kernel.notifications",
    "notify": "linli.domain.notifications.services",
    "RoleAt": "linli.domain.notifications.services",
    "job": "linli.kernel.jobs",
    "Job": "linli.kernel.jobs",
    "JobCall": "linli.kernel.jobs",
    "schedule": "linli.kernel.jobs",
    "unschedule": "linli.kernel.jobs",
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
    imported = importlib.import_module(module)
    whole = not attribute and module.rpartition(".")[2] == name
    value = imported if whole else getattr(imported, attribute or name)
    globals()[name] = value  # the next lookup is a plain attribute
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:
    from linli import PLUGIN_API_VERSION
    from linli.cli import Instance, pass_instance
    from linli.domain import scenes
    from linli.domain.audit.models import AuditEntry
    from linli.domain.audit.services import record as audit
    from linli.domain.communities import community_root, create_community, ensure_node_kinds
    from linli.domain.community_settings import change_settings, settings_of
    from linli.domain.hierarchy.escalation import (
        AlreadyAtTop,
        Escalation,
        EscalationError,
        EscalationNotAllowed,
        ReasonMissing,
        escalate,
    )
    from linli.domain.hierarchy.models import Node
    from linli.domain.hierarchy.services import add_node, addresses
    from linli.domain.identity.behalf import OnBehalfError, check_on_behalf, home_node
    from linli.domain.identity.models import Account, Household, Membership, Person, PersonTag
    from linli.domain.identity.services import create_account
    from linli.domain.illustrations import illustration
    from linli.domain.indexes import AddIndexes, sqlite_repair
    from linli.domain.notifications.services import RoleAt, notify
    from linli.domain.permissions.models import Grant
    from linli.domain.permissions.models import Role as CommunityRole
    from linli.domain.permissions.services import (
        Actor,
        grant_role,
        load_actor,
    )
    from linli.domain.reads import one_time_key
    from linli.domain.stamps import stamp_tables
    from linli.domain.uploads import Upload, UploadRefused, file_response, save_file, save_image
    from linli.kernel.contracts import (
        RegisterChanged,
        ServiceVerified,
        ServiceWithdrawn,
        WelfareConcern,
        WelfareResolved,
    )
    from linli.kernel.events import Event, emit
    from linli.kernel.i18n import N_
    from linli.kernel.jobs import Job, JobCall, job, schedule, unschedule
    from linli.kernel.models import Community, OutboxEvent
    from linli.kernel.notifications import Channel, Message, NotificationKind, Recipient
    from linli.kernel.plugins import (
        Consequence,
        DemoSeeder,
        EventHandler,
        HomeItem,
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
    from linli.kernel.refusals import Refusal
    from linli.kernel.settings import current_zone
    from linli.kernel.settings_schema import SETTINGS_PERMISSION, settings_path
    from linli.kernel.sorting import natural_key, natural_sorted
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
    from linli.web.page_cache import NO_PAGE_CACHE
    from linli.web.people import find_person, need_person, own_person
    from linli.web.site import language_of, site_of, today_of, translate, zone_of
