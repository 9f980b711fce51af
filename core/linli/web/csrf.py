"""CSRF protection whose token is written differently on every page.

Litestar's CSRF middleware (a signed token in a cookie, the same token sent back in the
form's ``_csrf_token`` field or the ``x-csrftoken`` header) is kept, with one change:
the token a page carries is *masked* afresh for each answer, as Django and Rails do. A
page is compressed (a cheap phone on a slow network gets a third of the bytes), and a
compressed answer that holds a secret next to text the visitor typed lets someone who
watches the answers' sizes guess the secret letter by letter (BREACH). With a new mask
on every answer there is nothing constant to guess. The cookie keeps the plain token.

A masked token is ``mask + cipher``, both in the token's own alphabet (hex digits):
each letter of the cipher is the token's letter shifted by the mask's. A plain token is
still accepted (the test client and scripts send the cookie's value back as it is).
"""

from __future__ import annotations

import secrets

from litestar.config.csrf import CSRFConfig
from litestar.enums import RequestEncodingType, ScopeType
from litestar.exceptions import PermissionDeniedException
from litestar.middleware.base import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware, generate_csrf_token
from litestar.types import Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

ALPHABET = frozenset("0123456789abcdef")
#: The cookie holding the plain token.
CSRF_COOKIE = "linli_csrf"


def _masks(length: int) -> tuple[int, int, int]:
    """For a number of ``length`` hex digits: the bits of every other digit (from the
    last), of the digits between them, and a 1 in every digit."""
    even = int(("0f" * (length // 2 + 1))[-length:], 16)
    return even, even ^ int("f" * length, 16), int("1" * length, 16)


def _add_digits(a: int, b: int, length: int) -> int:
    """Each hex digit of ``a`` plus the same digit of ``b``, modulo 16, digit by digit:
    the even and the odd digits are added apart, so that no carry reaches a digit that
    is kept."""
    even, odd, _ = _masks(length)
    return (((a & even) + (b & even)) & even) | (((a & odd) + (b & odd)) & odd)


def mask(token: str) -> str:
    """The token under a new random mask: twice its length, different every time."""
    length = len(token)
    pad = secrets.randbits(4 * length)
    cipher = _add_digits(int(token, 16), pad, length)
    return f"{pad:0{length}x}{cipher:0{length}x}"


def unmask(token: str, plain_length: int) -> str:
    """The plain token of a masked one (twice ``plain_length``); a token of the plain
    length comes back as it was given, to be checked as it is."""
    if len(token) != 2 * plain_length or not ALPHABET.issuperset(token):
        return token
    _, _, ones = _masks(plain_length)
    pad, cipher = int(token[:plain_length], 16), int(token[plain_length:], 16)
    # cipher - pad = cipher + (15 - pad) + 1, digit by digit
    negated = _add_digits(pad ^ (ones * 15), ones, plain_length)
    return f"{_add_digits(cipher, negated, plain_length):0{plain_length}x}"


class MaskedCSRFMiddleware(CSRFMiddleware):
    """Litestar's check, with the page's token masked and the returned token unmasked."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or self._bypassed(scope):
            await self.app(scope, receive, send)
            return
        request = scope["litestar_app"].request_class(scope=scope, receive=receive)
        cookie = request.cookies.get(self.config.cookie_name)
        state = ScopeState.from_scope(scope)
        if request.method in self.config.safe_methods:
            token = cookie if cookie and self._decode_csrf_token(cookie) else None
            if token is None:
                token = generate_csrf_token(secret=self.config.secret)
            state.csrf_token = mask(token)
            await self.app(scope, receive, self._sending_cookie(send, token, cookie != token))
            return
        sent = request.headers.get(self.config.header_name)
        content_type, _ = request.content_type
        if not sent and content_type in {
            RequestEncodingType.URL_ENCODED,
            RequestEncodingType.MULTI_PART,
        }:
            sent = (await request.form()).get("_csrf_token")
        if (
            isinstance(sent, str)
            and cookie is not None
            and self._csrf_tokens_match(unmask(sent, len(cookie)), cookie)
        ):
            state.csrf_token = mask(cookie)
            await self.app(scope, receive, send)
            return
        raise PermissionDeniedException("CSRF token verification failed")

    def _bypassed(self, scope: Scope) -> bool:
        """A route that says ``opt={"exclude_from_csrf": True}`` (an API for other
        machines, with its own keys) is not checked."""
        return bool(scope["route_handler"].opt.get(self.config.exclude_from_csrf_key))

    def _sending_cookie(self, send: Send, token: str, needed: bool) -> Send:
        if not needed:
            return send

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                self._set_cookie_if_needed(message=message, token=token)
            await send(message)

        return sending


def csrf_middleware(config: CSRFConfig) -> DefineMiddleware:
    """The middleware to put in the app's ``middleware`` list, in place of passing
    ``csrf_config`` to Litestar (which would add its own, unmasked, check)."""
    return DefineMiddleware(MaskedCSRFMiddleware, config=config)
