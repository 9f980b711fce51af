"""Who is visiting, and the one-line guard that says what a route requires.

Sessions live in the shared store (:mod:`linli.kernel.sessions`), so any worker can read them
and they survive a restart. The session holds the account id and a stamp derived from
the password hash: changing the password ends every other session.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, NotFoundException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.stores.base import Store

from linli.domain.communities import community_root
from linli.domain.hierarchy.models import Node
from linli.domain.identity.models import Account
from linli.domain.identity.services import session_stamp
from linli.domain.notifications.services import with_unread
from linli.domain.permissions.services import ANONYMOUS, Actor, load_actor

Connection = ASGIConnection[Any, Any, Any, Any]
NodeResolver = Callable[[Connection], Awaitable[Node]]

SESSION_COOKIE = "linli_session"
SESSION_DAYS = 14
PUBLIC_OPT = "public"
#: Route ``opt`` that marks a route as open to everyone (``opt=PUBLIC``).
PUBLIC = {PUBLIC_OPT: True}
BEFORE_PASSWORD_CHANGE_OPT = "before_password_change"
#: Route ``opt`` of the few routes an account that must change its password may use
#: (the password page, logging out, language and elder mode, static files).
BEFORE_PASSWORD_CHANGE = {BEFORE_PASSWORD_CHANGE_OPT: True}


class LoginRequired(NotAuthorizedException):
    """The visitor must log in first: pages redirect to the login page."""


class PasswordChangeRequired(NotAuthorizedException):
    """An administrator reset the password: the visitor must choose a new one first."""


async def current_actor(connection: Connection) -> Actor:
    """The visiting actor, loaded once per request (three queries when logged in: the
    session, the account, its grants; none for an anonymous visitor)."""
    cached = connection.state.get("actor")
    if cached is not None:
        return cached
    actor = ANONYMOUS
    session = connection.scope.get("session") or {}
    account_id = session.get("account_id") if isinstance(session, dict) else None
    if account_id is not None:
        # the person comes in the same query: the header names them
        # the unread notifications too, for the bell (a subquery: no query of its own)
        account = await with_unread(
            Account.filter(id=account_id, is_active=True).select_related("person"), account_id
        ).first()
        if account is not None and session.get("stamp") == session_stamp(account):
            actor = await load_actor(account)
    connection.state.actor = actor
    return actor


async def community_node(connection: Connection) -> Node:
    """The default node a permission is checked at: the community's own place node."""
    node = connection.state.get("community_node")
    if node is None:
        node = await community_root(connection.state.community)
        connection.state.community_node = node
    return node


def requires(
    permission: str, *, node: NodeResolver | None = None, hide: bool = False
) -> Callable[[Connection, BaseRouteHandler], Awaitable[None]]:
    """A guard: ``guards=[requires("streetbank.redeem")]``.

    Anonymous visitors are sent to log in (pages) or refused (actions); a visitor
    without the permission at the node gets 403, or 404 with ``hide=True`` for things
    whose very existence is private. ``node`` resolves the node from the request; by
    default it is the community's own place node.
    """
    resolve = node or community_node

    async def guard(connection: Connection, _: BaseRouteHandler) -> None:
        actor = await current_actor(connection)
        if actor.is_anonymous:
            raise LoginRequired()
        target = await resolve(connection)
        if not actor.can(permission, target):
            raise NotFoundException() if hide else PermissionDeniedException()

    guard.permission = permission  # type: ignore[attr-defined]  # read by the route audit
    return guard


async def logged_in(connection: Connection, _: BaseRouteHandler) -> None:
    """A guard for pages every logged-in visitor may see (their own account)."""
    if (await current_actor(connection)).is_anonymous:
        raise LoginRequired()


logged_in.permission = "authenticated"  # type: ignore[attr-defined]


async def password_is_current(connection: Connection, handler: BaseRouteHandler) -> None:
    """The app-wide guard of every route: an account whose password an administrator
    reset may do nothing but choose a new one (routes marked ``BEFORE_PASSWORD_CHANGE``
    and static files excepted), whatever the route's own guards say."""
    if handler.opt.get(BEFORE_PASSWORD_CHANGE_OPT):
        return
    actor = await current_actor(connection)
    if actor.account is not None and actor.account.must_change_password:
        raise PasswordChangeRequired()


def declared_requirement(handler: BaseRouteHandler) -> str | None:
    """What a route requires: a permission name, ``"authenticated"``, ``"public"``, or
    ``None`` when it declares nothing (which the route test refuses)."""
    for guard in handler.resolve_guards():
        permission = getattr(guard, "permission", None)
        if permission is not None:
            return permission
    if handler.opt.get(PUBLIC_OPT):
        return "public"
    return None


class LoginThrottle:
    """Counts login attempts in the shared store, each one *before* its password is
    checked, so that a crowd of simultaneous guesses cannot all be tried.

    Three counts, each over :attr:`WINDOW_SECONDS`: the account from one address (a few
    tries, then that address waits: a stranger elsewhere cannot lock a resident out),
    the account from anywhere (slows a guesser spread over many addresses), and the
    address for any account (high, for a whole service centre behind one NAT). A
    successful login forgets the account's counts. The wait is told in minutes, and
    the next attempt is welcome once the window has passed: a slow-down, not a lock.
    """

    WINDOW_SECONDS = 10 * 60
    PER_ACCOUNT_AND_ADDRESS = 5
    PER_ACCOUNT = 30
    PER_ADDRESS = 100

    def __init__(self, store: Store) -> None:
        self.store = store

    def _keys(self, login: str, address: str) -> list[tuple[str, int]]:
        account = login.strip().lower()
        return [
            (f"pair:{account}|{address}", self.PER_ACCOUNT_AND_ADDRESS),
            (f"account:{account}", self.PER_ACCOUNT),
            (f"address:{address}", self.PER_ADDRESS),
        ]

    async def admit(self, login: str, address: str) -> bool:
        """Count this attempt; whether its password may be checked."""
        admitted = True
        for key, limit in self._keys(login, address):
            count = await self.store.increment(key, self.WINDOW_SECONDS)  # type: ignore[attr-defined]
            admitted = admitted and count <= limit
        return admitted

    async def succeeded(self, login: str, address: str) -> None:
        for key, _ in self._keys(login, address)[:2]:
            await self.store.forget(key)  # type: ignore[attr-defined]
