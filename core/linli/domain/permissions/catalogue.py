"""The core's own permissions and the built-in roles every community starts with.

Titles are message ids (English) translated with the catalogues, so each permission and
role has a Chinese and an English label."""

from __future__ import annotations

from linli.kernel.i18n import N_
from linli.kernel.plugins import Permission, Role

CORE_PERMISSIONS = [
    Permission("identity.person.view", N_("See people in the register")),
    Permission("identity.person.view_sensitive", N_("See full ID-card numbers")),
    Permission("identity.person.edit", N_("Edit people and households")),
    Permission("identity.register.import", N_("Import and export the resident register")),
    Permission("identity.act_on_behalf", N_("Act on behalf of a resident")),
    Permission("identity.account.manage", N_("Create accounts and reset passwords")),
    Permission("hierarchy.node.view", N_("Browse the place and organisation trees")),
    Permission("hierarchy.node.edit", N_("Edit the place and organisation trees")),
    Permission("permissions.grant", N_("Give and withdraw roles")),
    Permission("permissions.role.edit", N_("Edit roles")),
    Permission("audit.view", N_("Read the audit trail")),
    Permission(
        "admin.plugins.manage",
        N_("Switch plugins on and off, change their settings and the community's phone numbers"),
    ),
    Permission("matters.escalate", N_("Escalate a matter to the level above")),
]

_STAFF = (
    "identity.person.view",
    "identity.person.edit",
    "identity.act_on_behalf",
    "hierarchy.node.view",
    "matters.escalate",
)

BUILTIN_ROLES = [
    Role("resident", N_("Resident"), ()),
    Role("volunteer", N_("Volunteer"), ("identity.act_on_behalf",)),
    Role("community_worker", N_("Community worker"), (*_STAFF, "identity.register.import")),
    Role("grid_worker", N_("Grid worker"), _STAFF),
    Role(
        "party_group_leader", N_("Party group leader"), ("hierarchy.node.view", "matters.escalate")
    ),
    Role("branch_secretary", N_("Branch secretary"), (*_STAFF,)),
    Role(
        "committee_secretary",
        N_("Committee secretary"),
        (*_STAFF, "identity.person.view_sensitive", "permissions.grant", "audit.view"),
    ),
    Role("property_staff", N_("Property staff"), ("hierarchy.node.view",)),
    Role("merchant_operator", N_("Merchant operator"), ()),
    Role("administrator", N_("Administrator"), tuple(p.name for p in CORE_PERMISSIONS)),
]
