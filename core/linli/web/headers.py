"""The security headers of every response, set in one place (the app's ``before_send``
hook), so error pages, redirects and static files carry them as pages do.

- ``Content-Security-Policy``: scripts, styles and everything else from this site only,
  no inline script or style, no framing, forms posting here only. Behaviour a page
  needs (a print button) is declared with a data attribute and wired up by
  ``static/linli/linli.js``.
- ``X-Frame-Options`` (for browsers without ``frame-ancestors``), ``nosniff`` and a
  same-origin ``Referrer-Policy``.
- Over HTTPS (the ``https`` setting, or a request whose scheme is https: served with
  TLS, or behind a proxy whose ``X-Forwarded-Proto`` the server trusts): every cookie is
  ``Secure`` and ``Strict-Transport-Security`` tells the browser never to use plain HTTP.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from litestar.types import Message, Scope

from linli.web.styles import COOKIE_MAX_AGE, FIRST_VISIT_COOKIE

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
#: One year; subdomains are left alone, they may be other services of the same host name.
STRICT_TRANSPORT_SECURITY = "max-age=31536000"

SECURITY_HEADERS: dict[bytes, bytes] = {
    b"content-security-policy": CONTENT_SECURITY_POLICY.encode(),
    b"x-frame-options": b"DENY",
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"same-origin",
}
_SECURE = re.compile(rb";\s*secure\s*(;|$)", re.IGNORECASE)


def is_https(scope: Scope, *, https_setting: bool) -> bool:
    """Whether the visitor's browser talks HTTPS to us. The scheme is rewritten from
    ``X-Forwarded-Proto`` only by the server's proxy-header handling, for the proxies it
    trusts; a header from anyone else does not change it."""
    return https_setting or scope.get("scheme") == "https"


def add_security_headers(
    message: Message, *, https: bool, inline_styles: Sequence[str] = ()
) -> None:
    """Set the security headers on a response's start message (others pass through).
    ``inline_styles`` are the CSP hash sources of the ``<style>`` elements this answer
    carries (a visitor's first page, linli.web.styles): the policy allows exactly those,
    and the answer sets the cookie that says the visitor has them."""
    if message["type"] != "http.response.start":
        return
    extra = dict(SECURITY_HEADERS)
    if https:
        extra[b"strict-transport-security"] = STRICT_TRANSPORT_SECURITY.encode()
    if inline_styles:
        policy = CONTENT_SECURITY_POLICY.replace(
            "style-src 'self'", " ".join(["style-src 'self'", *inline_styles])
        )
        extra[b"content-security-policy"] = policy.encode()
        message.setdefault("headers", [])
        cookie = f"{FIRST_VISIT_COOKIE}=1; Max-Age={COOKIE_MAX_AGE}; Path=/; SameSite=Lax"
        message["headers"] = [*message["headers"], (b"set-cookie", cookie.encode())]
    headers: list[tuple[bytes, bytes]] = []
    for name, value in message.get("headers", []):
        lowered = name.lower()
        if lowered in extra:
            continue  # ours win over a handler's
        if https and lowered == b"set-cookie" and not _SECURE.search(value):
            value = value + b"; Secure"
        headers.append((name, value))
    headers.extend(extra.items())
    message["headers"] = headers
