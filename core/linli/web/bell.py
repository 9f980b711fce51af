"""The bell in the header: how many of the visitor's notifications are unread. Counted
once per full page (one small indexed query), not for htmx fragments or actions; the
inbox itself is the built-in ``inbox`` (:mod:`linli.builtin.inbox`)."""

from __future__ import annotations

from typing import Any

from litestar import Request

from linli.domain.notifications import services

AnyRequest = Request[Any, Any, Any]

BELL_STATE = "linli_unread"


async def load_bell(request: AnyRequest) -> None:
    """Count the visitor's unread notifications for the bell: one small indexed query,
    only for full pages (GET, not htmx) of a logged-in visitor."""
    if request.method != "GET" or request.headers.get("hx-request"):
        return
    actor = request.state.get("actor")
    if actor is None or actor.account is None:
        return
    counted = getattr(actor.account, "linli_unread", None)
    if counted is None:  # an account loaded without the subquery: one small query
        counted = await services.unread_count(actor.account.id)
    request.state[BELL_STATE] = int(counted)


def unread_of(request: AnyRequest) -> int | None:
    return request.state.get(BELL_STATE)
