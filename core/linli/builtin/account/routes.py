"""Logging in and out, and changing one's password."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from linli.domain.identity.services import (
    AccountError,
    authenticate,
    change_password,
    session_stamp,
)
from linli.kernel.i18n import N_
from linli.kernel.sessions import renew_session
from linli.web.auth import BEFORE_PASSWORD_CHANGE, PUBLIC, LoginThrottle, current_actor, logged_in
from linli.web.errors import VisibleError
from linli.web.site import safe_next, site_of, translate

AnyRequest = Request[Any, Any, Any]


class LoginForm(msgspec.Struct):
    login: str = ""
    password: str = ""
    next: str = "/"


class PasswordForm(msgspec.Struct):
    current: str = ""
    new: str = ""
    repeat: str = ""


def _throttle(request: AnyRequest) -> LoginThrottle:
    return LoginThrottle(request.app.stores.get("throttle"))


def _address(request: AnyRequest) -> str:
    return request.client.host if request.client else "unknown"


@get("/login", name="login", opt=PUBLIC)
async def login_page(request: AnyRequest) -> Template:
    target = safe_next(request.query_params.get("next", "/"))
    context = {
        "next": target,
        "error": "",
        "login": request.query_params.get("login", "")[:100],
        "demo": site_of(request).settings.mode == "demo",
    }
    return Template("account/login.html", context=context)


@post("/login", name="login_submit", opt=PUBLIC)
async def login_submit(request: AnyRequest, data: URLEncodedBody[LoginForm]) -> Any:
    """Check the password, with failed attempts throttled per account and address."""
    throttle = _throttle(request)
    address = _address(request)
    if not await throttle.admit(data.login, address):
        raise VisibleError(
            status_code=429,
            detail=translate(
                request,
                N_("Too many attempts. Wait %(minutes)s minutes, or ask your community worker."),
                minutes=throttle.WINDOW_SECONDS // 60,
            ),
            headers={"Retry-After": str(throttle.WINDOW_SECONDS)},
        )
    account = await authenticate(data.login, data.password)
    if account is None:
        return Template(
            "account/login.html",
            context={
                "next": safe_next(data.next),
                "error": N_("The account or the password is not right."),
                "login": data.login,
            },
            status_code=400,
        )
    await throttle.succeeded(data.login, address)
    renew_session(request, {"account_id": account.id, "stamp": session_stamp(account)})
    target = "/account/password" if account.must_change_password else safe_next(data.next)
    return Redirect(target, status_code=HTTP_303_SEE_OTHER)


@post("/logout", name="logout", opt={**PUBLIC, **BEFORE_PASSWORD_CHANGE})
async def logout(request: AnyRequest) -> Redirect:
    renew_session(request, None)
    return Redirect("/", status_code=HTTP_303_SEE_OTHER)


@get("/account/password", name="password", guards=[logged_in], opt=BEFORE_PASSWORD_CHANGE)
async def password_page(request: AnyRequest) -> Template:
    actor = await current_actor(request)
    forced = bool(actor.account and actor.account.must_change_password)
    return Template("account/password.html", context={"forced": forced, "error": ""})


@post(
    "/account/password",
    name="password_submit",
    guards=[logged_in],
    opt=BEFORE_PASSWORD_CHANGE,
)
async def password_submit(request: AnyRequest, data: URLEncodedBody[PasswordForm]) -> Any:
    actor = await current_actor(request)
    assert actor.account is not None
    error = ""
    if data.new != data.repeat:
        error = N_("The two new passwords are not the same.")
    else:
        try:
            await change_password(actor.account, data.current, data.new)
        except AccountError as exc:
            error = str(exc)
    if error:
        forced = actor.account.must_change_password
        return Template(
            "account/password.html", context={"forced": forced, "error": error}, status_code=400
        )
    renew_session(request, {"account_id": actor.account.id, "stamp": session_stamp(actor.account)})
    return Redirect("/", status_code=HTTP_303_SEE_OTHER)


ROUTES = [login_page, login_submit, logout, password_page, password_submit]
