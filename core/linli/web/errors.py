"""Friendly error pages in the visitor's language, for people rather than programs."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response
from litestar.connection import ASGIConnection
from litestar.exceptions import HTTPException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from linli.kernel.i18n import N_
from linli.kernel.refusals import Refusal
from linli.web.site import translate

log = logging.getLogger("linli.web")

#: Message ids shown for each status; anything else falls back to the generic text.
TITLES = {
    400: N_("This request could not be understood"),
    401: N_("Please log in first"),
    403: N_("You may not do this"),
    404: N_("This page does not exist"),
    405: N_("This page does not accept that action"),
    429: N_("Too many attempts; please wait a moment"),
    500: N_("Something went wrong on our side"),
    503: N_("The service is not available right now"),
}
HINTS = {
    403: N_("If you think you should be allowed, ask your community worker."),
    404: N_("The link may be old, or the feature may not be switched on in this community."),
    500: N_("The error has been recorded. Please try again in a little while."),
}


def _page(request: Request[Any, Any, Any], status: int, detail: str = "") -> Response[Any]:
    return Template(
        template_name="error.html",
        context={
            "status": status,
            "title": TITLES.get(status, N_("Something went wrong")),
            "hint": HINTS.get(status, ""),
            "detail": detail,
        },
        status_code=status,
    )


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    # Only messages meant for visitors are shown; Litestar's own details stay out.
    # Translated here, not in the template: a message may hold a "%" sign, which the
    # template's gettext would take for a placeholder.
    detail = translate(request, exc.detail) if getattr(exc, "linli_visible", False) else ""
    response = _page(request, exc.status_code, detail)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


def login_required(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    """Pages send an anonymous visitor to log in and come back; actions answer 401."""
    if request.method in ("GET", "HEAD"):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return Redirect(f"/login?{urlencode({'next': target})}", status_code=303)
    return _page(request, 401)


def password_change_required(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    """Pages send an account whose password was reset to choose a new one; actions are
    refused."""
    if request.method in ("GET", "HEAD"):
        return Redirect("/account/password", status_code=303)
    detail = translate(request, N_("Choose a new password first."))
    return _page(request, 403, detail)


def server_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _page(request, HTTP_500_INTERNAL_SERVER_ERROR)


class VisibleError(HTTPException):
    """An HTTP error whose ``detail`` is a translated message for the visitor."""

    linli_visible = True


def refused(
    connection: ASGIConnection[Any, Any, Any, Any], message: str, status: int = 400, **values: Any
) -> VisibleError:
    """A :class:`VisibleError` whose detail is ``message`` in the visitor's language:
    ``raise refused(request, N_("Choose a day."))``. Services raise their own errors with
    an English message id and values; routes turn them into this."""
    return VisibleError(status_code=status, detail=translate(connection, message, **values))


def refused_page(request: Request[Any, Any, Any], exc: Refusal) -> Response[Any]:
    """The error page for a refusal no form shows: its message, with its status."""
    return _page(request, exc.status, translate(request, exc.message, **exc.values))


def refusal(connection: ASGIConnection[Any, Any, Any, Any], exc: Refusal) -> VisibleError:
    """The page's answer to a service's :class:`~linli.kernel.refusals.Refusal`: its message in
    the visitor's language, with its status."""
    return refused(connection, exc.message, exc.status, **exc.values)
