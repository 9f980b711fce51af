"""May this actor do this here?

An :class:`Actor` is loaded once per request with one query (its active grants, their
roles and nodes); after that :meth:`Actor.can` answers from memory, whatever the depth of
the tree. A grant at a node covers the node's subtree, so "is the node inside a granted
node" is a prefix test on materialised paths.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from linli.domain.hierarchy.models import COMMUNITY_KIND, Node

# At run time, not only for type checkers: a route that asks for the ``actor``
# dependency has Litestar check the value against Actor's fields, which names Account.
from linli.domain.identity.models import Account
from linli.domain.permissions.catalogue import BUILTIN_ROLES, CORE_PERMISSIONS
from linli.domain.permissions.models import Grant, Role
from linli.kernel.plugins import Permission
from linli.kernel.plugins import Role as RoleSpec

if TYPE_CHECKING:
    from linli.kernel.i18n import Catalogues
    from linli.kernel.models import Community
    from linli.kernel.registry import PluginRegistry

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HeldGrant:
    """A grant as the permission check needs it: where, which role, what it allows.

    A grant reaches the subtree of its node and, for an organisation unit that covers a
    place (a building party group covers its building), the subtree of that place too. A
    grant at the community's own node reaches everything of the community, in every
    tree."""

    grant_id: int
    node_id: int
    node_path: str
    community_id: int | None
    role_key: str
    permissions: frozenset[str]
    covers_path: str | None = None
    whole_community: bool = False

    def reaches(self, node: Node) -> bool:
        if node.path.startswith(self.node_path):
            return True
        if self.covers_path is not None and node.path.startswith(self.covers_path):
            return True
        return self.whole_community and node.community_id == self.community_id


@dataclass
class Actor:
    """Who is acting, and what their grants allow. Anonymous visitors have no account."""

    account: Account | None
    grants: list[HeldGrant] = field(default_factory=list)
    #: When the grants above stop being the account's (a grant starts or ends then);
    #: ``None``: not before something changes them.
    valid_until: datetime | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.account is None

    def can(self, permission: str, node: Node) -> bool:
        """Whether a grant at ``node`` or above it allows ``permission``."""
        return self.why(permission, node) is not None

    def why(self, permission: str, node: Node) -> HeldGrant | None:
        """The grant that allows ``permission`` at ``node`` (for "allowed by role X
        granted at node Y"), or ``None``."""
        for held in self.grants:
            if permission in held.permissions and held.reaches(node):
                return held
        return None

    def paths_allowing(self, permission: str) -> list[str]:
        paths = []
        for held in self.grants:
            if permission in held.permissions:
                paths.append(held.node_path)
                if held.covers_path is not None:
                    paths.append(held.covers_path)
        return paths

    def communities_allowing(self, permission: str) -> list[int]:
        return [
            held.community_id
            for held in self.grants
            if permission in held.permissions and held.whole_community and held.community_id
        ]

    def visible(
        self, permission: str, queryset: QuerySet[Any], node_field: str = "node"
    ) -> QuerySet[Any]:
        """Narrow ``queryset`` in SQL to rows whose node lies inside a node where
        ``permission`` is granted; nothing at all when it is granted nowhere."""
        paths = _outermost(self.paths_allowing(permission))
        communities = self.communities_allowing(permission)
        if not paths and not communities:
            return queryset.filter(id__in=[])
        conditions = [Q(**{f"{node_field}__path__startswith": path}) for path in paths]
        conditions += [Q(**{f"{node_field}__community_id": cid}) for cid in set(communities)]
        return queryset.filter(Q(*conditions, join_type="OR"))


ANONYMOUS = Actor(account=None)


def _outermost(paths: Iterable[str]) -> list[str]:
    """Drop paths inside other paths: they add nothing to an OR of prefixes."""
    kept: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path.startswith(outer) for outer in kept):
            kept.append(path)
    return kept


async def load_actor(account: Account | None, *, now: datetime | None = None) -> Actor:
    """The actor for ``account`` with its active grants, and the moment the next of
    its grants starts or ends (:attr:`Actor.valid_until`): one query."""
    if account is None:
        return ANONYMOUS
    moment = now or datetime.now(UTC)
    found = (
        await Grant.filter(account_id=account.id)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=moment))
        .select_related("role", "node__kind", "node__covers")
    )
    rows = [row for row in found if row.starts_at <= moment]
    changes = [row.starts_at for row in found if row.starts_at > moment]
    changes += [row.ends_at for row in rows if row.ends_at is not None]
    held = [
        HeldGrant(
            grant_id=row.id,
            node_id=row.node_id,
            node_path=row.node.path,
            community_id=row.node.community_id,
            role_key=row.role.key,
            permissions=frozenset(row.role.permissions),
            covers_path=row.node.covers.path if row.node.covers_id else None,
            whole_community=row.node.kind.key == COMMUNITY_KIND,
        )
        for row in rows
    ]
    return Actor(account=account, grants=held, valid_until=min(changes, default=None))


async def can(actor: Actor, permission: str, node: Node) -> bool:
    """``await can(actor, "streetbank.redeem", node)``: the one-line check for services."""
    return actor.can(permission, node)


def all_permissions(registry: PluginRegistry) -> list[tuple[str, Permission]]:
    """Every permission: the core's, then each loaded plugin's."""
    return [("core", p) for p in CORE_PERMISSIONS] + registry.permissions()


async def ensure_roles(
    community: Community,
    specs: Iterable[tuple[str, RoleSpec]],
    catalogues: Catalogues,
) -> list[Role]:
    """Create the roles ``specs`` describe in ``community`` where missing; returns those
    created. Existing roles are left as administrators edited them, with one exception:
    a plugin naming a role of the core (``merchant_operator``) extends it with the
    plugin's permissions, so that the core's role does the plugin's work too."""
    created = []
    async with in_transaction():
        for source, spec in specs:
            role, made = await Role.get_or_create(
                community=community,
                key=spec.name,
                defaults={
                    "name": catalogues.translate("zh_CN", spec.title, source),
                    "name_en": spec.title,
                    "permissions": list(spec.permissions),
                    "source": source,
                },
            )
            if made:
                created.append(role)
            elif role.source != source and not set(spec.permissions) <= set(role.permissions):
                role.permissions = sorted({*role.permissions, *spec.permissions})
                await role.save(update_fields=["permissions"])
    return created


def builtin_roles() -> list[tuple[str, RoleSpec]]:
    return [("core", spec) for spec in BUILTIN_ROLES]


async def grant(
    account: Account,
    role: Role,
    node: Node,
    *,
    granted_by: Account | None = None,
    ends_at: datetime | None = None,
) -> Grant:
    """Give ``role`` to ``account`` at ``node`` (the audit trail is written by callers
    that act for staff; see :mod:`linli.domain.audit`)."""
    if role.community_id != node.community_id:
        raise ValueError("a role can only be granted at a node of its own community")
    return await Grant.create(
        account=account, role=role, node=node, granted_by=granted_by, ends_at=ends_at
    )


async def grant_role(
    account: Account, key: str, node: Node, *, granted_by: Account | None = None
) -> Grant:
    """Give the role called ``key`` in ``node``'s community to ``account`` at ``node``
    (a plugin's demo data, a plugin granting one of its own roles)."""
    role = await Role.get(community_id=node.community_id, key=key)
    return await grant(account, role, node, granted_by=granted_by)


async def holders_at_or_above(node: Node) -> list[Grant]:
    """Everyone holding a role at ``node`` or any node above it: one query."""
    now = datetime.now(UTC)
    return (
        await Grant.filter(node_id__in=node.ancestor_ids())
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .select_related("account", "role", "node")
        .order_by("node__depth", "role__key")
    )
