"""The inbox: the bell with the unread count, the list of one's notifications, marking
them read (htmx swaps the item; without JavaScript the form posts and comes back), one's
preferences (how each kind is told, quiet hours), and the paper list of the day for the
grid workers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from linli.domain.identity.models import Person
from linli.domain.notifications import services
from linli.domain.notifications.paper import PAPER_PERMISSION, paper_list
from linli.kernel.i18n import N_
from linli.kernel.models import Community
from linli.kernel.notifications import NotificationKind
from linli.web.auth import LoginRequired, current_actor
from linli.web.bell import BELL_STATE, load_bell, unread_of  # noqa: F401
from linli.web.feedback import flash, form_page
from linli.web.site import language_of, safe_next, site_of, today_of

AnyRequest = Request[Any, Any, Any]
PER_PAGE = 30


def _kinds(request: AnyRequest) -> dict[str, NotificationKind]:
    site = site_of(request)
    kinds = site.notifier.kinds if site.notifier is not None else {}
    enabled = set(request.state.get("enabled_plugins", []))
    return {name: kind for name, kind in kinds.items() if kind.plugin in enabled | {"core"}}


def _all_kinds(request: AnyRequest) -> dict[str, NotificationKind]:
    site = site_of(request)
    return site.notifier.kinds if site.notifier is not None else {}


async def member(connection: Any, _: Any) -> None:
    """A guard: a logged-in visitor of this community (a grant in it, or a person of its
    register); an account of another community gets 404, as for a page it cannot see."""
    actor = await current_actor(connection)
    if actor.is_anonymous:
        raise LoginRequired()
    community = connection.state.community
    if any(held.community_id == community.id for held in actor.grants):
        return
    assert actor.account is not None
    person_id = actor.account.person_id
    if person_id is None or not await Person.exists(id=person_id, community_id=community.id):
        raise NotFoundException()


member.permission = "authenticated"  # type: ignore[attr-defined]


async def paper_reader(connection: Any, _: Any) -> None:
    """A guard: those who may see people somewhere in this community (grid and community
    workers) may open the paper list; it shows only the homes they may see."""
    actor = await current_actor(connection)
    if actor.is_anonymous:
        raise LoginRequired()
    community = connection.state.community
    if not any(
        PAPER_PERMISSION in held.permissions and held.community_id == community.id
        for held in actor.grants
    ):
        raise NotFoundException()


paper_reader.permission = PAPER_PERMISSION  # type: ignore[attr-defined]


def _base(community: Community) -> str:
    return f"/c/{community.slug}/inbox/"


@get("/", name="inbox", guards=[member])
async def inbox_page(
    request: AnyRequest, community: NamedDependency[Community], page: FromQuery[int] = 1
) -> Template:
    actor = await current_actor(request)
    assert actor.account is not None
    page = max(1, min(page, 1000))
    rows = (
        await services.inbox_of(actor.account)
        .order_by("-id")
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE + 1)
        .values("id", "kind", "subject", "values", "link", "urgency", "read_at", "created_at")
    )
    kinds = _all_kinds(request)
    language = language_of(request)
    zone = site_of(request).settings.zone
    items = [_item(row, kinds, language, zone) for row in rows[:PER_PAGE]]
    return Template(
        "inbox/index.html",
        context={
            "items": items,
            "page": page,
            "more": len(rows) > PER_PAGE,
            "base": _base(community),
            # grid and community workers reach the day's paper list from here
            "paper": any(
                PAPER_PERMISSION in held.permissions and held.community_id == community.id
                for held in actor.grants
            ),
        },
    )


def _item(
    row: dict[str, Any], kinds: dict[str, NotificationKind], language: str, zone: Any
) -> dict[str, Any]:
    kind = kinds.get(row["kind"])
    created: datetime = row["created_at"]
    return {
        "id": row["id"],
        "title": kind.title_in(language) if kind else "",
        "text": kind.render(language, row["subject"], row["values"]) if kind else row["subject"],
        "link": safe_next(row["link"]) if row["link"] else "",
        "urgent": row["urgency"] == "urgent",
        "read": row["read_at"] is not None,
        "when": created.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
    }


async def _own(request: AnyRequest, notification_id: int) -> dict[str, Any]:
    actor = await current_actor(request)
    assert actor.account is not None
    row = (
        await services.inbox_of(actor.account)
        .filter(id=notification_id)
        .values("id", "kind", "subject", "values", "link", "urgency", "read_at", "created_at")
    )
    if not row:
        raise NotFoundException()
    return row[0]


@post("/{notification_id:int}/read", name="inbox_read", guards=[member])
async def mark_read(
    request: AnyRequest,
    community: NamedDependency[Community],
    notification_id: FromPath[int],
) -> Any:
    """Mark one of one's notifications read; another's answers 404 and changes nothing."""
    row = await _own(request, notification_id)
    actor = await current_actor(request)
    assert actor.account is not None
    await services.mark_read(actor.account, notification_id)
    if request.headers.get("hx-request"):
        row["read_at"] = True
        item = _item(row, _all_kinds(request), language_of(request), site_of(request).settings.zone)
        return Template("inbox/item.html", context={"item": item, "base": _base(community)})
    return Redirect(_base(community), status_code=HTTP_303_SEE_OTHER)


@post("/{notification_id:int}/open", name="inbox_open", guards=[member])
async def open_notification(
    request: AnyRequest,
    community: NamedDependency[Community],
    notification_id: FromPath[int],
) -> Redirect:
    """Mark it read and go where it points."""
    row = await _own(request, notification_id)
    actor = await current_actor(request)
    assert actor.account is not None
    await services.mark_read(actor.account, notification_id)
    target = safe_next(row["link"]) if row["link"] else _base(community)
    return Redirect(target, status_code=HTTP_303_SEE_OTHER)


@post("/read-all", name="inbox_read_all", guards=[member])
async def mark_all_read(request: AnyRequest, community: NamedDependency[Community]) -> Redirect:
    actor = await current_actor(request)
    assert actor.account is not None
    count = await services.mark_read(actor.account)
    flash(request, N_("%(count)s messages marked read."), count=count)
    return Redirect(_base(community), status_code=HTTP_303_SEE_OTHER)


async def preferences_context(request: AnyRequest, community: Community) -> dict[str, Any]:
    actor = await current_actor(request)
    assert actor.account is not None
    saved = await services.preferences_of(actor.account)
    language = language_of(request)
    kinds = sorted(_kinds(request).values(), key=lambda k: (k.plugin, k.name))
    return {
        "kinds": [
            {
                "name": kind.name,
                "title": kind.title_in(language),
                "mode": saved.modes.get(kind.name, kind.default_mode),
                "switchable": kind.switchable,
                "urgent": kind.urgency == "urgent",
            }
            for kind in kinds
        ],
        "quiet_from": saved.quiet_from,
        "quiet_to": saved.quiet_to,
        "base": _base(community),
    }


@get("/preferences", name="inbox_preferences", guards=[member])
async def preferences_page(request: AnyRequest, community: NamedDependency[Community]) -> Template:
    return Template("inbox/preferences.html", context=await preferences_context(request, community))


@post(
    "/preferences",
    name="inbox_preferences_save",
    guards=[member],
    opt=form_page("inbox/preferences.html", preferences_context),
)
async def preferences_save(request: AnyRequest, community: NamedDependency[Community]) -> Redirect:
    actor = await current_actor(request)
    assert actor.account is not None
    form = await request.form()
    kinds = _kinds(request)
    modes = {name: str(form.get(f"mode:{name}", kind.default_mode)) for name, kind in kinds.items()}
    await services.save_preferences(
        actor.account,
        kinds,
        modes,
        str(form.get("quiet_from", services.QUIET_FROM)).strip(),
        str(form.get("quiet_to", services.QUIET_TO)).strip(),
    )
    flash(request, N_("Your preferences are saved."))
    return Redirect(f"{_base(community)}preferences", status_code=HTTP_303_SEE_OTHER)


@get("/paper", name="inbox_paper", guards=[paper_reader])
async def paper_page(
    request: AnyRequest, community: NamedDependency[Community], day: FromQuery[str] = ""
) -> Template:
    """The printable list of the day's messages to carry to residents without a phone,
    for the homes where the visitor may see people (403 for anyone else)."""
    actor = await current_actor(request)
    try:
        chosen = date.fromisoformat(day) if day else today_of(request)
    except ValueError:
        chosen = today_of(request)
    groups = await paper_list(community, chosen, actor, language_of(request), _all_kinds(request))
    return Template(
        "inbox/paper.html", context={"groups": groups, "day": chosen, "base": _base(community)}
    )


ROUTES = [
    inbox_page,
    mark_read,
    open_notification,
    mark_all_read,
    preferences_page,
    preferences_save,
    paper_page,
]
