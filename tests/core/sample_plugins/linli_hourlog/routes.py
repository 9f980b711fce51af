from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template

from linli.kit import N_, PUBLIC, Community, find_person, flash, form_page, parse_float, requires
from linli_hourlog import services
from linli_hourlog.models import Hours


class LogForm(msgspec.Struct):
    who: str = ""
    hours: str = ""
    task: str = ""


async def log_page(community: Community, form: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"recent": await Hours.filter(community=community).limit(5), "form": form or {}}


@get("/hours", opt=PUBLIC)
async def hours(community: NamedDependency[Community]) -> Template:
    rows = await Hours.filter(community=community).limit(20)
    return Template("hourlog/hours.html", context={"rows": rows})


@get("/log", guards=[requires("hourlog.log")])
async def log(community: NamedDependency[Community]) -> Template:
    return Template("hourlog/log.html", context=await log_page(community))


@post(
    "/log",
    guards=[requires("hourlog.log")],
    opt=form_page("hourlog/log.html", log_page),
)
async def log_submit(
    request: Request[Any, Any, Any],
    community: NamedDependency[Community],
    data: URLEncodedBody[LogForm],
) -> Redirect:
    person = await find_person(community, data.who, field="who")
    hours = parse_float(data.hours, "hours", low=0.5)
    assert person is not None and hours is not None
    await services.log_hours(community, person, hours, data.task)
    flash(request, N_("Hours logged."))
    return Redirect(f"/c/{community.slug}/hourlog/hours", status_code=303)


ROUTES = [hours, log, log_submit]
