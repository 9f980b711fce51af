"""The one page of the email plugin: one's address for notifications."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from linli.kit import N_, Community, current_actor, flash, form_page, requires
from linli_email.channel import save_address
from linli_email.models import EmailAddress

Req = Request[Any, Any, Any]
_may_use = requires("email.use", hide=True)


async def own_address(connection: Any, handler: Any) -> None:
    """A page of one's own account (every resident and staff member holds ``email.use``);
    an account of another community gets 404."""
    await _may_use(connection, handler)


own_address.permission = "authenticated"  # type: ignore[attr-defined]


async def address_context(request: Req, community: Community) -> dict[str, Any]:
    actor = await current_actor(request)
    assert actor.account is not None
    found = await EmailAddress.get_or_none(account_id=actor.account.id)
    return {"address": found.address if found else "", "community": community}


@get("/address", guards=[own_address])
async def address_page(request: Req, community: NamedDependency[Community]) -> Template:
    return Template("email/address.html", context=await address_context(request, community))


@post(
    "/address",
    guards=[own_address],
    opt=form_page("email/address.html", address_context),
)
async def address_save(request: Req, community: NamedDependency[Community]) -> Redirect:
    actor = await current_actor(request)
    assert actor.account is not None
    form = await request.form()
    saved = await save_address(actor.account, str(form.get("address", ""))[:300])
    flash(request, N_("Your email address is saved.") if saved else N_("Email is switched off."))
    return Redirect(f"/c/{community.slug}/email/address", status_code=HTTP_303_SEE_OTHER)


ROUTES = [address_page, address_save]
