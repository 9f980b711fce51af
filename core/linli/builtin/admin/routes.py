"""The community's admin pages, under ``/c/{community_slug}/admin/``: the trees, roles
and grants, the audit trail, the community's phone numbers, the plugin switches and the
plugins' settings.

Handlers are thin: they read the form, call the services of
:mod:`linli.domain.hierarchy.services` and :mod:`linli.domain.permissions.admin`, and
show the result.
An id in the path or in a form is looked up within the community, so an id from another
community answers 404 and changes nothing. Pages about one node check the permission at
that node; a grant at the community's own node reaches every tree of the community.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict
from datetime import tzinfo
from typing import Annotated, Any
from urllib.parse import urlencode

import msgspec
from litestar import Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER
from markupsafe import escape

from linli.builtin.admin.settings_form import field_views, submitted
from linli.domain.audit.models import AuditEntry
from linli.domain.communities import PhoneError, set_phones
from linli.domain.community_settings import change_settings, settings_of
from linli.domain.hierarchy.models import Node
from linli.domain.hierarchy.services import (
    IDS,
    TreeError,
    add_child,
    add_root,
    ancestors,
    child_counts,
    children_of,
    covered_by,
    edit_node,
    move_subtree,
    node_in_community,
    search_nodes,
    tree_kinds,
    tree_roots,
)
from linli.domain.identity.models import Account
from linli.domain.permissions.admin import (
    AdminError,
    AuditFilters,
    account_in_community,
    active_grants,
    add_role,
    audit_choices,
    audit_entries,
    community_account,
    community_accounts,
    edit_role,
    give_role,
    grant_in_community,
    known_permissions,
    open_account,
    parse_day,
    reset_account_password,
    set_account_active,
    switch_plugin,
    withdraw_grant,
)
from linli.domain.permissions.models import Grant, Role
from linli.domain.permissions.services import holders_at_or_above
from linli.kernel.i18n import N_
from linli.kernel.models import Community
from linli.kernel.refusals import Refusal
from linli.kernel.registry import LoadedPlugin
from linli.kernel.settings_schema import SETTINGS_PERMISSION, describe, settings_path
from linli.web.auth import Connection, community_node, current_actor, requires
from linli.web.errors import VisibleError
from linli.web.feedback import FormError, confirmation, flash, form_error, form_values, is_confirmed
from linli.web.site import language_of, safe_next, site_of, translate

log = logging.getLogger("linli.web")

AnyRequest = Request[Any, Any, Any]
PER_PAGE = 50
MAX_PAGE = 100_000
QUERY_LENGTH = 100

#: Titles of the trees :data:`linli.domain.communities.DEFAULT_KINDS` sets up; a tree another
#: installation adds is shown by its key.
TREE_TITLES = {
    "place": N_("Places"),
    "party": N_("Party organisation"),
    "property": N_("Property services"),
    "partner": N_("Partner units and merchants"),
}

#: Titles of the audit trail's actions; a plugin's own actions are shown as written.
ACTION_TITLES = {
    "node.add": N_("Node added"),
    "node.edit": N_("Node edited"),
    "node.move": N_("Node moved"),
    "role.add": N_("Role created"),
    "role.edit": N_("Role edited"),
    "grant.add": N_("Role given"),
    "grant.withdraw": N_("Role withdrawn"),
    "community.phones": N_("Community phone numbers changed"),
    "plugin.enable": N_("Plugin switched on"),
    "plugin.disable": N_("Plugin switched off"),
    "matter.escalate": N_("Matter escalated"),
    "account.create_admin": N_("Administrator created"),
    "account.reset_password": N_("Password reset"),
    "account.create": N_("Account created"),
    "account.deactivate": N_("Account switched off"),
    "account.activate": N_("Account switched on"),
    "identity.person.moved": N_("Person moved to another household"),
    "identity.person.tag_added": N_("Tag added"),
    "identity.person.tag_removed": N_("Tag removed"),
    "identity.person.imported": N_("Person added by a register import"),
    "identity.person.reimported": N_("Person changed by a register import"),
    "identity.register.imported": N_("Register imported"),
    "identity.person.id_number_shown": N_("Full ID-card number shown"),
    "identity.register.exported": N_("Register exported"),
}
#: The title of ``<plugin>.settings``, the change of a plugin's settings in a community
#: (a plugin's own title for it wins).
SETTINGS_CHANGED = N_("Settings of %(plugin)s changed")
#: What the core's kinds of record are called in the audit trail.
OBJECT_TITLES = {
    "core.Community": N_("Community"),
    "core.PluginState": N_("Plugin"),
    "core.PluginSettings": N_("Settings of a plugin"),
    "core.Node": N_("Node"),
    "core.Person": N_("Person"),
    "core.Household": N_("Household"),
    "core.Membership": N_("Household membership"),
    "core.Account": N_("Account"),
    "core.Role": N_("Role"),
    "core.Grant": N_("Grant of a role"),
    "core.Upload": N_("Uploaded file"),
}

BAD_FORM = N_("This form was not filled in correctly. Please try again.")
NO_NODE = N_("There is no such node in this community.")


# Looking things up for the guards and handlers


async def _path_node(connection: Connection) -> Node:
    """The node named by ``{node_id}`` in the path, within the community (else 404),
    loaded once per request."""
    node = connection.state.get("admin_node")
    if node is None:
        community = connection.state.community
        node = await node_in_community(community.id, connection.path_params["node_id"])
        if node is None:
            raise VisibleError(status_code=404, detail=NO_NODE)
        connection.state.admin_node = node
    return node


async def _path_grant(connection: Connection) -> Grant:
    row = connection.state.get("admin_grant")
    if row is None:
        community = connection.state.community
        row = await grant_in_community(community.id, connection.path_params["grant_id"])
        if row is None:
            raise VisibleError(
                status_code=404, detail=N_("There is no such role holder in this community.")
            )
        connection.state.admin_grant = row
    return row


async def _grant_node(connection: Connection) -> Node:
    return (await _path_grant(connection)).node


def _node_guard(permission: str) -> list[Any]:
    return [requires(permission, node=_path_node)]


def _the_node(request: AnyRequest) -> Node:
    return request.state.admin_node


def _the_grant(request: AnyRequest) -> Grant:
    return request.state.admin_grant


NODE = {"node": Provide(_the_node, sync_to_thread=False)}
GRANT = {"held": Provide(_the_grant, sync_to_thread=False)}


# Small helpers


def _translate(request: AnyRequest, message: str) -> str:
    return site_of(request).catalogues.translate(language_of(request), message)


def _explain(request: AnyRequest, error: AdminError | TreeError) -> str:
    """The error's message in the visitor's language."""
    if isinstance(error, AdminError):
        return error.text(lambda message: _translate(request, message))
    return _translate(request, str(error))


def _refuse(request: AnyRequest, error: AdminError) -> VisibleError:
    """An error page with the message. The error page passes its detail through
    ``_()``, which marks it safe, so the already translated text is escaped here."""
    return VisibleError(status_code=error.status, detail=str(escape(_explain(request, error))))


def _number(value: str) -> int:
    """An id or number from a form; a clear 400 for anything else."""
    try:
        return int(value.strip())
    except ValueError:
        raise VisibleError(status_code=400, detail=BAD_FORM) from None


def _zone(request: AnyRequest) -> tzinfo:
    return site_of(request).settings.zone


def _base(community: Community) -> str:
    return f"/c/{community.slug}/admin"


def _see_other(path: str) -> Redirect:
    return Redirect(path, status_code=HTTP_303_SEE_OTHER)


async def _page(
    request: AnyRequest,
    community: Community,
    template: str,
    *,
    status: int = 200,
    **context: Any,
) -> Template:
    """An admin page (its menu is the built-in's sections: ``core:tabs.html``)."""
    base = _base(community)
    return Template(
        template,
        context={
            "community": community,
            "base": base,
            "zone": _zone(request),
            **context,
        },
        status_code=status,
    )


def _pages(page: int, more: bool, query: dict[str, str]) -> dict[str, Any]:
    """Links to the previous and next page, keeping the other query parameters."""
    page = _page_number(page)
    kept = {key: value for key, value in query.items() if value}

    def link(number: int) -> str:
        return "?" + urlencode({**kept, "page": number})

    return {
        "number": page,
        "previous": link(page - 1) if page > 1 else "",
        "next": link(page + 1) if more else "",
    }


def _page_number(page: int) -> int:
    """A page number a database can skip to (``?page=`` is whatever the visitor typed)."""
    return min(max(page, 1), MAX_PAGE)


def _offset(page: int) -> int:
    return (_page_number(page) - 1) * PER_PAGE


# Overview and trees


@get("/", name="admin:index", guards=[requires("hierarchy.node.view")])
async def overview(request: AnyRequest, community: NamedDependency[Community]) -> Template:
    """The sections of the admin area the visitor may use."""
    return await _page(request, community, "admin/index.html")


async def _trees_context(request: AnyRequest, community: Community) -> dict[str, Any]:
    actor = await current_actor(request)
    root = await community_node(request)
    kinds = await tree_kinds()
    roots = await tree_roots(community.id)
    counts = await child_counts(roots)
    trees = [
        {
            "key": tree,
            "title": _translate(request, TREE_TITLES[tree]) if tree in TREE_TITLES else tree,
            "kinds": kinds_of_tree,
            "roots": [node for node in roots if node.tree == tree],
        }
        for tree, kinds_of_tree in kinds.items()
    ]
    return {
        "trees": trees,
        "counts": counts,
        "can_edit": actor.can("hierarchy.node.edit", root),
        "error": "",
        "error_tree": "",
        "form": {},
    }


@get("/trees", name="admin:trees", guards=[requires("hierarchy.node.view")])
async def trees_page(request: AnyRequest, community: NamedDependency[Community]) -> Template:
    """Every tree of the community with its tops; each node opens to show its children."""
    context = await _trees_context(request, community)
    return await _page(request, community, "admin/trees.html", **context)


class NodeForm(msgspec.Struct):
    name: str = ""
    name_en: str = ""
    code: str = ""
    kind: str = ""


@post("/trees/{tree:str}/add", name="admin:add_root", guards=[requires("hierarchy.node.edit")])
async def add_root_submit(
    request: AnyRequest,
    community: NamedDependency[Community],
    tree: FromPath[str],
    data: URLEncodedBody[NodeForm],
) -> Template | Redirect:
    """Start a tree (the party committee, a property company, a partner network)."""
    if tree not in await tree_kinds():
        raise VisibleError(status_code=404, detail=N_("There is no such tree."))
    actor = await current_actor(request)
    try:
        node = await add_root(
            community.id,
            tree,
            kind_id=_number(data.kind),
            name=data.name,
            name_en=data.name_en,
            code=data.code,
            actor=actor,
        )
    except TreeError as exc:
        context = await _trees_context(request, community)
        context.update(error=_explain(request, exc), error_tree=tree, form=data)
        return await _page(request, community, "admin/trees.html", status=400, **context)
    return _see_other(f"{_base(community)}/nodes/{node.id}")


@get(
    "/nodes/{node_id:int}",
    name="admin:node",
    guards=_node_guard("hierarchy.node.view"),
    dependencies=NODE,
)
async def node_page(
    request: AnyRequest, community: NamedDependency[Community], node: NamedDependency[Node]
) -> Template:
    """A node: its kind and place in the tree, what is below it, what it covers and who
    holds a role at it or above it."""
    actor = await current_actor(request)
    children = await children_of(node)
    return await _page(
        request,
        community,
        "admin/node.html",
        node=node,
        ancestors=(await ancestors(node))[:-1],
        children=children,
        counts=await child_counts(children),
        covered_by=await covered_by(node),
        holders=await holders_at_or_above(node),
        can_edit=actor.can("hierarchy.node.edit", node),
        can_grant=actor.can("permissions.grant", node),
    )


@get(
    "/nodes/{node_id:int}/children",
    name="admin:node_children",
    guards=_node_guard("hierarchy.node.view"),
    dependencies=NODE,
)
async def node_children(
    request: AnyRequest, community: NamedDependency[Community], node: NamedDependency[Node]
) -> Template | Redirect:
    """The children of a node as list items, for the tree view's htmx request; a
    browser without JavaScript is sent to the node's page."""
    if request.headers.get("hx-request") != "true":
        return _see_other(f"{_base(community)}/nodes/{node.id}")
    children = await children_of(node)
    return Template(
        "admin/_children.html",
        context={
            "base": _base(community),
            "children": children,
            "counts": await child_counts(children),
        },
    )


@get("/search", name="admin:search", guards=[requires("hierarchy.node.view")])
async def search_page(
    request: AnyRequest,
    community: NamedDependency[Community],
    q: FromQuery[str] = "",
    page: FromQuery[int] = 1,
) -> Template:
    """Find nodes by name or code."""
    text = q.strip()[:QUERY_LENGTH]
    results, more = [], False
    if text:
        results, more = await search_nodes(community.id, text, offset=_offset(page), limit=PER_PAGE)
    return await _page(
        request,
        community,
        "admin/search.html",
        q=text,
        results=results,
        pages=_pages(page, more, {"q": text}),
    )


# Editing the trees


@get(
    "/nodes/{node_id:int}/edit",
    name="admin:node_edit",
    guards=_node_guard("hierarchy.node.edit"),
    dependencies=NODE,
)
async def node_edit_page(
    request: AnyRequest, community: NamedDependency[Community], node: NamedDependency[Node]
) -> Template:
    form = {"name": node.name, "name_en": node.name_en, "code": node.code}
    return await _page(request, community, "admin/node_edit.html", node=node, form=form, error="")


@post(
    "/nodes/{node_id:int}/edit",
    name="admin:node_edit_submit",
    guards=_node_guard("hierarchy.node.edit"),
    dependencies=NODE,
)
async def node_edit_submit(
    request: AnyRequest,
    community: NamedDependency[Community],
    node: NamedDependency[Node],
    data: URLEncodedBody[NodeForm],
) -> Template | Redirect:
    try:
        await edit_node(
            node,
            name=data.name,
            name_en=data.name_en,
            code=data.code,
            actor=await current_actor(request),
        )
    except TreeError as exc:
        return await _page(
            request,
            community,
            "admin/node_edit.html",
            status=400,
            node=node,
            form=data,
            error=_explain(request, exc),
        )
    return _see_other(f"{_base(community)}/nodes/{node.id}")


async def _add_context(node: Node) -> dict[str, Any]:
    """The kinds a child of ``node`` may have, the next level down chosen first."""
    kinds = (await tree_kinds()).get(node.tree, [])
    lower = [kind for kind in kinds if kind.rank > node.kind.rank]
    suggested = lower[0].id if lower else (kinds[0].id if kinds else 0)
    return {"node": node, "kinds": kinds, "suggested": suggested}


@get(
    "/nodes/{node_id:int}/add",
    name="admin:node_add",
    guards=_node_guard("hierarchy.node.edit"),
    dependencies=NODE,
)
async def node_add_page(
    request: AnyRequest, community: NamedDependency[Community], node: NamedDependency[Node]
) -> Template:
    context = await _add_context(node)
    return await _page(
        request,
        community,
        "admin/node_add.html",
        form={"kind": str(context["suggested"])},
        error="",
        **context,
    )


@post(
    "/nodes/{node_id:int}/add",
    name="admin:node_add_submit",
    guards=_node_guard("hierarchy.node.edit"),
    dependencies=NODE,
)
async def node_add_submit(
    request: AnyRequest,
    community: NamedDependency[Community],
    node: NamedDependency[Node],
    data: URLEncodedBody[NodeForm],
) -> Template | Redirect:
    try:
        await add_child(
            node,
            kind_id=_number(data.kind),
            name=data.name,
            name_en=data.name_en,
            code=data.code,
            actor=await current_actor(request),
        )
    except TreeError as exc:
        context = await _add_context(node)
        return await _page(
            request,
            community,
            "admin/node_add.html",
            status=400,
            form=data,
            error=_explain(request, exc),
            **context,
        )
    return _see_other(f"{_base(community)}/nodes/{node.id}")


async def _move_context(node: Node, q: str, page: int) -> dict[str, Any]:
    text = q.strip()[:QUERY_LENGTH]
    candidates, more = await search_nodes(
        node.community_id, text, tree=node.tree, offset=_offset(page), limit=PER_PAGE
    )
    return {
        "node": node,
        "q": text,
        "candidates": [each for each in candidates if not each.path.startswith(node.path)],
        "pages": _pages(page, more, {"q": text}),
        "error": "",
    }


@get(
    "/nodes/{node_id:int}/move",
    name="admin:node_move",
    guards=_node_guard("hierarchy.node.edit"),
    dependencies=NODE,
)
async def node_move_page(
    request: AnyRequest,
    community: NamedDependency[Community],
    node: NamedDependency[Node],
    q: FromQuery[str] = "",
    page: FromQuery[int] = 1,
) -> Template:
    """Choose where a node goes, with everything below it."""
    context = await _move_context(node, q, page)
    return await _page(request, community, "admin/node_move.html", **context)


class MoveForm(msgspec.Struct):
    parent: str = ""


@post(
    "/nodes/{node_id:int}/move",
    name="admin:node_move_submit",
    guards=_node_guard("hierarchy.node.edit"),
    dependencies=NODE,
)
async def node_move_submit(
    request: AnyRequest,
    community: NamedDependency[Community],
    node: NamedDependency[Node],
    data: URLEncodedBody[MoveForm],
) -> Template | Redirect:
    actor = await current_actor(request)
    parent = await node_in_community(community.id, _number(data.parent))
    if parent is None:
        raise VisibleError(status_code=404, detail=NO_NODE)
    if not actor.can("hierarchy.node.edit", parent):
        raise VisibleError(
            status_code=403, detail=N_("You may not change the tree at the chosen place.")
        )
    try:
        await move_subtree(node, parent, actor=actor)
    except TreeError as exc:
        context = await _move_context(node, "", 1)
        context["error"] = _explain(request, exc)
        return await _page(request, community, "admin/node_move.html", status=400, **context)
    return _see_other(f"{_base(community)}/nodes/{node.id}")


# Roles


def _permission_groups(request: AnyRequest) -> list[dict[str, Any]]:
    """The permissions to tick, grouped by who declares them (the core, then plugins)."""
    site = site_of(request)
    language = language_of(request)
    groups: dict[str, list[dict[str, str]]] = {}
    for name, (source, title) in known_permissions(site.registry).items():
        groups.setdefault(source, []).append({"name": name, "title": title})
    titled = []
    for source, permissions in groups.items():
        plugin = site.registry.loaded.get(source)
        label = plugin.manifest.title_in(language) if plugin else _translate(request, N_("Core"))
        titled.append({"source": source, "title": label, "permissions": permissions})
    return titled


async def _roles_context(request: AnyRequest, community: Community) -> dict[str, Any]:
    actor = await current_actor(request)
    root = await community_node(request)
    titles = {
        name: title for name, (_, title) in known_permissions(site_of(request).registry).items()
    }
    return {
        "roles": await Role.filter(community_id=community.id).order_by("id"),
        "titles": titles,
        "can_edit": actor.can("permissions.role.edit", root),
        "error": "",
        "form": {},
    }


@get("/roles", name="admin:roles", guards=[requires("hierarchy.node.view")])
async def roles_page(request: AnyRequest, community: NamedDependency[Community]) -> Template:
    """The community's roles and what each allows."""
    context = await _roles_context(request, community)
    return await _page(request, community, "admin/roles.html", **context)


class NewRoleForm(msgspec.Struct):
    key: str = ""
    name: str = ""
    name_en: str = ""


@post("/roles", name="admin:role_add", guards=[requires("permissions.role.edit")])
async def role_add_submit(
    request: AnyRequest,
    community: NamedDependency[Community],
    data: URLEncodedBody[NewRoleForm],
) -> Template | Redirect:
    try:
        role = await add_role(
            community,
            key=data.key,
            name=data.name,
            name_en=data.name_en,
            actor=await current_actor(request),
        )
    except AdminError as exc:
        context = await _roles_context(request, community)
        context.update(error=_explain(request, exc), form=data)
        return await _page(
            request,
            community,
            "admin/roles.html",
            status=exc.status,
            **context,
        )
    return _see_other(f"{_base(community)}/roles/{role.id}")


async def _community_role(community: Community, role_id: int) -> Role:
    role = await Role.get_or_none(id=role_id, community_id=community.id) if role_id in IDS else None
    if role is None:
        raise VisibleError(status_code=404, detail=N_("There is no such role in this community."))
    return role


@get("/roles/{role_id:int}", name="admin:role_edit", guards=[requires("permissions.role.edit")])
async def role_edit_page(
    request: AnyRequest, community: NamedDependency[Community], role_id: FromPath[int]
) -> Template:
    role = await _community_role(community, role_id)
    return await _page(
        request,
        community,
        "admin/role_edit.html",
        role=role,
        groups=_permission_groups(request),
        ticked=set(role.permissions),
        form={"name": role.name, "name_en": role.name_en},
        error="",
    )


class RoleForm(msgspec.Struct):
    name: str = ""
    name_en: str = ""
    permission: list[str] | str = msgspec.field(default_factory=list)


@post(
    "/roles/{role_id:int}",
    name="admin:role_edit_submit",
    guards=[requires("permissions.role.edit")],
)
async def role_edit_submit(
    request: AnyRequest,
    community: NamedDependency[Community],
    role_id: FromPath[int],
    data: URLEncodedBody[RoleForm],
) -> Template | Redirect:
    role = await _community_role(community, role_id)
    ticked = [data.permission] if isinstance(data.permission, str) else data.permission
    try:
        await edit_role(
            role,
            permissions=ticked,
            name=data.name,
            name_en=data.name_en,
            registry=site_of(request).registry,
            actor=await current_actor(request),
            community_node=await community_node(request),
        )
    except AdminError as exc:
        return await _page(
            request,
            community,
            "admin/role_edit.html",
            status=exc.status,
            role=role,
            groups=_permission_groups(request),
            ticked=set(ticked),
            form=data,
            error=_explain(request, exc),
        )
    return _see_other(f"{_base(community)}/roles")


# Grants


@get("/grants", name="admin:grants", guards=[requires("permissions.grant")])
async def grants_page(
    request: AnyRequest,
    community: NamedDependency[Community],
    account: FromQuery[str] = "",
    page: FromQuery[int] = 1,
) -> Template:
    """Who holds which role where, for one account or everyone."""
    login = account.strip()[:QUERY_LENGTH]
    rows, more = await active_grants(
        community.id, login=login, offset=_offset(page), limit=PER_PAGE
    )
    return await _page(
        request,
        community,
        "admin/grants.html",
        account=login,
        grants=rows,
        pages=_pages(page, more, {"account": login}),
    )


async def _grant_form_context(community: Community, node: Node) -> dict[str, Any]:
    return {
        "node": node,
        "roles": await Role.filter(community_id=community.id).order_by("id"),
        "holders": await holders_at_or_above(node),
        "error": "",
        "form": {},
    }


@get(
    "/nodes/{node_id:int}/grant",
    name="admin:grant_add",
    guards=_node_guard("permissions.grant"),
    dependencies=NODE,
)
async def grant_page(
    request: AnyRequest, community: NamedDependency[Community], node: NamedDependency[Node]
) -> Template:
    """Give someone a role at this node."""
    context = await _grant_form_context(community, node)
    return await _page(request, community, "admin/grant_form.html", **context)


class GrantForm(msgspec.Struct):
    account: str = ""
    role: str = ""
    ends_on: str = ""


@post(
    "/nodes/{node_id:int}/grant",
    name="admin:grant_add_submit",
    guards=_node_guard("permissions.grant"),
    dependencies=NODE,
)
async def grant_submit(
    request: AnyRequest,
    community: NamedDependency[Community],
    node: NamedDependency[Node],
    data: URLEncodedBody[GrantForm],
) -> Template | Redirect:
    role = await _community_role(community, _number(data.role))
    try:
        account = await community_account(community.id, data.account)
        if account is None:
            raise AdminError(N_("No account of this community has that name."), status=404)
        await give_role(
            account=account,
            role=role,
            node=node,
            ends_on=parse_day(data.ends_on),
            actor=await current_actor(request),
            zone=_zone(request),
        )
    except AdminError as exc:
        context = await _grant_form_context(community, node)
        context.update(error=_explain(request, exc), form=data)
        return await _page(
            request,
            community,
            "admin/grant_form.html",
            status=exc.status,
            **context,
        )
    return _see_other(f"{_base(community)}/nodes/{node.id}")


class WithdrawForm(msgspec.Struct):
    next: str = ""
    confirmed: str = ""


@post(
    "/grants/{grant_id:int}/withdraw",
    name="admin:grant_withdraw",
    guards=[requires("permissions.grant", node=_grant_node)],
    dependencies=GRANT,
)
async def grant_withdraw(
    request: AnyRequest,
    community: NamedDependency[Community],
    held: NamedDependency[Grant],
    data: URLEncodedBody[WithdrawForm],
) -> Redirect:
    """End a grant now, after the visitor confirms; it stays in the history."""
    target = data.next if data.next.startswith(_base(community)) else ""
    back = safe_next(target) if target else f"{_base(community)}/nodes/{held.node_id}"
    if not is_confirmed(data.confirmed):
        await held.fetch_related("account", "role", "node")
        language = language_of(request)
        return confirmation(
            request,
            question=translate(
                request,
                N_("Withdraw the role %(role)s from %(account)s?"),
                role=held.role.name_in(language),
                account=held.account.username,
            ),
            consequences=[
                translate(
                    request,
                    N_(
                        "From now on %(account)s can no longer do what the role allows at %(node)s."
                    ),
                    account=held.account.username,
                    node=held.node.name_in(language),
                ),
                translate(request, N_("The grant stays in the history and the audit trail.")),
            ],
            action=str(request.url.path),
            back=back,
            confirm_label=translate(request, N_("Withdraw the role")),
            fields=form_values(data),
        )
    try:
        await withdraw_grant(held, actor=await current_actor(request))
    except AdminError as exc:
        raise _refuse(request, exc) from exc
    flash(request, N_("The role was withdrawn."))
    return _see_other(back)


# The audit trail


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _changes(entry: AuditEntry) -> list[dict[str, Any]]:
    """The entry's values before and after, field by field, changed ones marked."""
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    rows = []
    for key in dict.fromkeys([*before, *after]):
        old, new = before.get(key), after.get(key)
        lists = isinstance(old, list) and isinstance(new, list)
        rows.append(
            {
                "field": key,
                "before": _shown(old) if key in before else "",
                "after": _shown(new) if key in after else "",
                "changed": key not in before or key not in after or old != new,
                "added": [_shown(item) for item in new if item not in old] if lists else [],
                "removed": [_shown(item) for item in old if item not in new] if lists else [],
            }
        )
    return rows


def _audit_titles(request: AnyRequest) -> dict[str, str]:
    """Titles of audit actions and kinds of record (the core's and the plugins'), in
    the visitor's language: the trail never shows a bare key like core.Grant."""
    site = site_of(request)
    language = language_of(request)
    titles = {
        key: site.catalogues.translate(language, message)
        for key, message in {**ACTION_TITLES, **OBJECT_TITLES}.items()
    }
    settings_changed = site.catalogues.translate(language, SETTINGS_CHANGED)
    for name, plugin in site.registry.loaded.items():
        if plugin.manifest.community_settings is not None:
            title = plugin.manifest.title_in(language)
            titles[f"{name}.settings"] = settings_changed % {"plugin": title}
    for key, (domain, message) in site.registry.audit_titles().items():
        titles[key] = site.catalogues.translate(language, message, domain)
    return titles


@get("/audit", name="admin:audit", guards=[requires("audit.view")])
async def audit_page(
    request: AnyRequest,
    community: NamedDependency[Community],
    action: FromQuery[str] = "",
    # ``?actor=``, under another name: ``actor`` is a handler's visitor (a dependency)
    by: Annotated[str, QueryParameter(name="actor")] = "",
    object_type: FromQuery[str] = "",
    since: FromQuery[str] = "",
    until: FromQuery[str] = "",
    page: FromQuery[int] = 1,
) -> Template:
    """Every write of staff and every permission change in the community, newest first."""
    filters = AuditFilters(
        action=action[:QUERY_LENGTH],
        actor=by[:QUERY_LENGTH],
        object_type=object_type[:QUERY_LENGTH],
        since=since[:QUERY_LENGTH],
        until=until[:QUERY_LENGTH],
    )
    error, status = "", 200
    try:
        entries, more = await audit_entries(
            community.id, filters, zone=_zone(request), offset=_offset(page), limit=PER_PAGE
        )
    except AdminError as exc:
        entries, more = [], False
        error, status = _explain(request, exc), exc.status
    actions, object_types = await audit_choices(community.id)
    return await _page(
        request,
        community,
        "admin/audit.html",
        status=status,
        error=error,
        filters=filters,
        actions=actions,
        titles=_audit_titles(request),
        object_types=object_types,
        entries=[{"entry": entry, "changes": _changes(entry)} for entry in entries],
        pages=_pages(page, more, asdict(filters)),
    )


# Plugins


async def _plugins_context(request: AnyRequest) -> dict[str, Any]:
    registry = site_of(request).registry
    enabled = set(request.state.get("enabled_plugins", []))
    return {
        "plugins": [
            {"plugin": plugin, "enabled": name in enabled}
            for name, plugin in registry.loaded.items()
        ],
        "with_settings": [
            plugin.manifest
            for name, plugin in registry.loaded.items()
            if name in enabled and plugin.manifest.community_settings is not None
        ],
        "failed": list(registry.failed.values()),
        "error": "",
    }


@get("/plugins", name="admin:plugins", guards=[requires("admin.plugins.manage")])
async def plugins_page(request: AnyRequest, community: NamedDependency[Community]) -> Template:
    """The installed plugins, and which this community has switched on."""
    context = await _plugins_context(request)
    return await _page(request, community, "admin/plugins.html", **context)


class SwitchForm(msgspec.Struct):
    confirmed: str = ""


async def _consequences(request: AnyRequest, community: Community, name: str) -> list[str]:
    """What switching plugin ``name`` off would stop here, in the visitor's language."""
    site = site_of(request)
    language = language_of(request)
    lines = []
    for plugin, consequence in site.registry.collect(
        "linli_disable_consequences", only=[name], isolate=True, community=community
    ):
        try:
            count = await consequence.count(community)
        except Exception:
            log.exception("plugin %s: a disable consequence failed", plugin)
            continue
        if count:
            text = site.catalogues.translate(language, consequence.message, plugin)
            lines.append(text % {"count": count})
    return lines


async def _switch(
    request: AnyRequest, community: Community, name: str, *, on: bool, confirmed: bool = True
) -> Template | Redirect:
    registry = site_of(request).registry
    enabled = set(request.state.get("enabled_plugins", []))
    needed_by = enabled.intersection(registry.dependents_of(name))
    if not on and not confirmed and name in registry.loaded and not needed_by:
        title = registry.loaded[name].manifest.title_in(language_of(request))
        return confirmation(
            request,
            question=translate(
                request, N_("Switch %(plugin)s off in this community?"), plugin=title
            ),
            consequences=[
                *await _consequences(request, community, name),
                translate(
                    request,
                    N_(
                        "Residents and staff no longer see it; its data is kept, and "
                        "switching it on again brings everything back."
                    ),
                ),
            ],
            action=str(request.url.path),
            back=f"{_base(community)}/plugins",
            confirm_label=translate(request, N_("Switch off")),
        )
    try:
        await switch_plugin(
            community,
            name,
            on=on,
            registry=site_of(request).registry,
            actor=await current_actor(request),
        )
    except AdminError as exc:
        if exc.status == 404:
            raise _refuse(request, exc) from exc
        context = await _plugins_context(request)
        context["error"] = _explain(request, exc)
        return await _page(
            request,
            community,
            "admin/plugins.html",
            status=exc.status,
            **context,
        )
    flash(request, N_("Switched on.") if on else N_("Switched off."))
    return _see_other(f"{_base(community)}/plugins")


@post(
    "/plugins/{name:str}/enable",
    name="admin:plugin_enable",
    guards=[requires("admin.plugins.manage")],
)
async def plugin_enable(
    request: AnyRequest, community: NamedDependency[Community], name: FromPath[str]
) -> Template | Redirect:
    return await _switch(request, community, name, on=True)


@post(
    "/plugins/{name:str}/disable",
    name="admin:plugin_disable",
    guards=[requires("admin.plugins.manage")],
)
async def plugin_disable(
    request: AnyRequest,
    community: NamedDependency[Community],
    name: FromPath[str],
    data: URLEncodedBody[SwitchForm],
) -> Template | Redirect:
    """Switch a plugin off, once the worker has seen what that stops and confirmed."""
    return await _switch(request, community, name, on=False, confirmed=is_confirmed(data.confirmed))


# The community's phone numbers


class PhonesForm(msgspec.Struct):
    service_phone: str = ""
    duty_phone: str = ""


async def _phones_page(
    request: AnyRequest,
    community: Community,
    *,
    form: PhonesForm | None = None,
    status: int = 200,
    error: FormError | None = None,
) -> Template:
    shown = form or PhonesForm(community.service_phone, community.duty_phone)
    return await _page(
        request,
        community,
        "admin/phones.html",
        status=status,
        form=form_values(shown),
        form_error=error,
    )


@get("/phones", name="admin:phones", guards=[requires(SETTINGS_PERMISSION)])
async def phones_page(request: AnyRequest, community: NamedDependency[Community]) -> Template:
    """The numbers residents call the community on: the call link of every page."""
    return await _phones_page(request, community)


@post("/phones", name="admin:phones_save", guards=[requires(SETTINGS_PERMISSION)])
async def phones_save(
    request: AnyRequest, community: NamedDependency[Community], data: URLEncodedBody[PhonesForm]
) -> Template | Redirect:
    """Change the numbers: both, or, refused, neither."""
    try:
        await set_phones(
            community,
            service_phone=data.service_phone[:QUERY_LENGTH],
            duty_phone=data.duty_phone[:QUERY_LENGTH],
            actor=await current_actor(request),
        )
    except PhoneError as exc:
        return await _phones_page(
            request, community, form=data, status=exc.status, error=form_error(request, exc)
        )
    flash(request, N_("Phone numbers saved."))
    return _see_other(f"{_base(community)}/phones")


# Settings of the plugins


def _configurable(request: AnyRequest, name: str) -> LoadedPlugin:
    """The plugin ``name`` if it has settings and is switched on here; else 404."""
    plugin = site_of(request).registry.loaded.get(name)
    enabled = request.state.get("enabled_plugins", [])
    if plugin is None or plugin.manifest.community_settings is None or name not in enabled:
        raise VisibleError(
            status_code=404, detail=N_("No plugin with settings is switched on here by that name.")
        )
    return plugin


async def _settings_page(
    request: AnyRequest,
    community: Community,
    plugin: LoadedPlugin,
    *,
    status: int = 200,
    error: FormError | None = None,
    form: dict[str, str] | None = None,
) -> Template:
    """The settings form of a plugin, or the plugin's own ``settings_template``."""
    manifest = plugin.manifest
    assert manifest.community_settings is not None
    settings = await settings_of(community, plugin.name)
    fields = describe(manifest.community_settings)
    return await _page(
        request,
        community,
        manifest.settings_template or "admin/plugin_settings.html",
        status=status,
        plugin=manifest,
        plugin_title=manifest.title_in(language_of(request)),
        settings=settings,
        fields=field_views(request, plugin.name, fields, settings, form),
        action=settings_path(community, plugin.name),
        form_error=error,
        form=form or {},
    )


@get(
    "/plugins/{name:str}/settings",
    name="admin:plugin_settings",
    guards=[requires(SETTINGS_PERMISSION)],
)
async def plugin_settings_page(
    request: AnyRequest, community: NamedDependency[Community], name: FromPath[str]
) -> Template:
    """What this community has chosen for a plugin (its defaults until changed)."""
    return await _settings_page(request, community, _configurable(request, name))


@post(
    "/plugins/{name:str}/settings",
    name="admin:plugin_settings_save",
    guards=[requires(SETTINGS_PERMISSION)],
)
async def plugin_settings_save(
    request: AnyRequest, community: NamedDependency[Community], name: FromPath[str]
) -> Template | Redirect:
    """Change a plugin's settings here: all of them or, refused, none."""
    plugin = _configurable(request, name)
    assert plugin.manifest.community_settings is not None
    values = submitted(describe(plugin.manifest.community_settings), await request.form())
    try:
        await change_settings(community, name, values, actor=await current_actor(request))
    except Refusal as exc:
        return await _settings_page(
            request,
            community,
            plugin,
            status=exc.status,
            error=form_error(request, exc),
            form=values,
        )
    flash(request, N_("Settings saved."))
    return _see_other(settings_path(community, name))


# Accounts


class AccountForm(msgspec.Struct):
    username: str = ""
    phone: str = ""
    person_id: str = ""


class ActiveForm(msgspec.Struct):
    active: str = "off"


async def _accounts_page(
    request: AnyRequest,
    community: Community,
    *,
    search: str = "",
    page: int = 1,
    status: int = 200,
    **extra: Any,
) -> Template:
    rows = await community_accounts(community.id, search, offset=_offset(page), limit=PER_PAGE + 1)
    context: dict[str, Any] = {"error": "", "issued": None, "form": {}, **extra}
    return await _page(
        request,
        community,
        "admin/accounts.html",
        status=status,
        q=search,
        accounts=rows[:PER_PAGE],
        pages=_pages(page, len(rows) > PER_PAGE, {"q": search}),
        **context,
    )


@get("/accounts", name="admin:accounts", guards=[requires("identity.account.manage")])
async def accounts_page(
    request: AnyRequest,
    community: NamedDependency[Community],
    q: FromQuery[str] = "",
    page: FromQuery[int] = 1,
) -> Template:
    """The community's accounts: residents' and staff's logins."""
    return await _accounts_page(request, community, search=q[:QUERY_LENGTH], page=page)


@post("/accounts", name="admin:account_add", guards=[requires("identity.account.manage")])
async def account_add(
    request: AnyRequest, community: NamedDependency[Community], data: URLEncodedBody[AccountForm]
) -> Template:
    """Open an account; its temporary password is shown once, to hand over in person."""
    try:
        person_id = _number(data.person_id) if data.person_id.strip() else None
        account, password = await open_account(
            community.id,
            username=data.username,
            phone=data.phone,
            person_id=person_id,
            actor=await current_actor(request),
        )
    except AdminError as exc:
        return await _accounts_page(
            request, community, status=exc.status, error=_explain(request, exc), form=data
        )
    return await _accounts_page(
        request, community, search=account.username, issued=(account, password)
    )


async def _account(request: AnyRequest, community: Community, account_id: int) -> Account:
    try:
        return await account_in_community(community.id, account_id)
    except AdminError as exc:
        raise _refuse(request, exc) from exc


@post(
    "/accounts/{account_id:int}/reset",
    name="admin:account_reset",
    guards=[requires("identity.account.manage")],
)
async def account_reset(
    request: AnyRequest, community: NamedDependency[Community], account_id: FromPath[int]
) -> Template:
    """Reset a password: the holder must choose a new one at the next login."""
    account = await _account(request, community, account_id)
    password = await reset_account_password(
        account, community_id=community.id, actor=await current_actor(request)
    )
    return await _accounts_page(
        request, community, search=account.username, issued=(account, password)
    )


@post(
    "/accounts/{account_id:int}/active",
    name="admin:account_active",
    guards=[requires("identity.account.manage")],
)
async def account_state(
    request: AnyRequest,
    community: NamedDependency[Community],
    account_id: FromPath[int],
    data: URLEncodedBody[ActiveForm],
) -> Template | Redirect:
    """Switch an account off (it can no longer log in) or on again."""
    account = await _account(request, community, account_id)
    try:
        await set_account_active(
            account,
            data.active == "on",
            community_id=community.id,
            actor=await current_actor(request),
        )
    except AdminError as exc:
        return await _accounts_page(
            request, community, status=exc.status, error=_explain(request, exc)
        )
    return _see_other(f"{_base(community)}/accounts?{urlencode({'q': account.username})}")


ROUTES: list[Any] = [
    overview,
    trees_page,
    add_root_submit,
    node_page,
    node_children,
    search_page,
    node_edit_page,
    node_edit_submit,
    node_add_page,
    node_add_submit,
    node_move_page,
    node_move_submit,
    roles_page,
    role_add_submit,
    role_edit_page,
    role_edit_submit,
    grants_page,
    grant_page,
    grant_submit,
    grant_withdraw,
    audit_page,
    phones_page,
    phones_save,
    plugins_page,
    plugin_enable,
    plugin_disable,
    plugin_settings_page,
    plugin_settings_save,
    accounts_page,
    account_add,
    account_reset,
    account_state,
]
