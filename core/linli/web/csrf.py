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

ALPHABET = "0123456789abcdef"
_INDEX = {letter: i for i, letter in enumerate(ALPHABET)}


def mask(token: str) -> str:
    """The token under a new random mask: twice its length, different every time."""
    pad = "".join(secrets.choice(ALPHABET) for _ in token)
    shifted = (
        ALPHABET[(_INDEX[letter] + _INDEX[key]) % len(ALPHABET)]
        for letter, key in zip(token, pad, strict=True)
    )
    return pad + "".join(shifted)


def unmask(token: str, plain_length: int) -> str:
    """The plain token of a masked one (twice ``plain_length``); a token of the plain
    length comes back as it was given, to be checked as it is."""
    if len(token) != 2 * plain_length or any(letter not in _INDEX for letter in token):
        return token
    pad, cipher = token[:plain_length], token[plain_length:]
    return "".join(
        ALPHABET[(_INDEX[letter] - _INDEX[key]) % len(ALPHABET)]
        for letter, key in zip(cipher, pad, strict=True)
    )


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
