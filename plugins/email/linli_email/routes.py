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


async def address_context(request: Req, community: Community) -> dict[str, Any]:
    actor = await current_actor(request)
    assert actor.account is not None
    found = await EmailAddress.get_or_none(account_id=actor.account.id)
    return {"address": found.address if found else "", "community": community}


@get("/address", guards=[requires("email.use")])
async def address_page(request: Req, community: NamedDependency[Community]) -> Template:
    return Template("email/address.html", context=await address_context(request, community))


@post(
    "/address",
    guards=[requires("email.use")],
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
