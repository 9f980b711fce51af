"""Built-in ``admin``: the administration of a community — its trees, roles and grants,
the audit trail, its phone numbers, its plugins and their settings, and accounts. Its
sections are the admin area's menu (``core:tabs.html``) and its link in the navigation."""

from __future__ import annotations

from linli import __version__
from linli.kernel.i18n import N_
from linli.kernel.plugins import Manifest, Section, hookimpl

manifest = Manifest(
    name="admin",
    title={"zh_CN": "管理", "en": "Administration"},
    description={
        "zh_CN": "树、角色、授权、审计记录、插件和账户",
        "en": "Trees, roles, grants, the audit trail, plugins and accounts.",
    },
    version=__version__,
    nav_order=910,
    icon="settings",
)


@hookimpl
def linli_sections() -> list[Section]:
    return [
        Section(N_("Overview"), "", permission="hierarchy.node.view"),
        Section(N_("Trees"), "trees", permission="hierarchy.node.view"),
        Section(N_("Search"), "search", permission="hierarchy.node.view"),
        Section(N_("Roles"), "roles", permission="hierarchy.node.view"),
        Section(N_("Who holds which role"), "grants", permission="permissions.grant"),
        Section(N_("Audit trail"), "audit", permission="audit.view"),
        Section(N_("Phone numbers"), "phones", permission="admin.plugins.manage"),
        Section(N_("Plugins"), "plugins", permission="admin.plugins.manage"),
        Section(N_("Accounts"), "accounts", permission="identity.account.manage"),
    ]
