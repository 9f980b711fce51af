"""Builders for tests of the requests plugin, and of plugins and communities that build
on it: requests reported through :mod:`linli_requests.services` (so each has its first
reporter and its "created" update), and status changes recorded as updates.

    from linli_requests.testing import make_request, move

    leak = await make_request(community, resident, "leak", by=resident_account,
                              attributes={"floor": "6", "where": "roof"})
    await move(leak, "fixed", by=worker, note="已修复")
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from linli.kit import Account, Community, Person, load_actor
from linli_requests import services
from linli_requests.models import Category, Request, Status

__all__ = ["category", "make_request", "move"]


async def category(community: Community, code: str) -> Category:
    """The community's category ``code`` (the default catalogue is made if missing)."""
    await services.ensure_defaults(community)
    return await Category.get(community_id=community.id, code=code)


async def make_request(
    community: Community,
    reporter: Person | None,
    code: str = "leak",
    *,
    by: Account,
    description: str = "楼顶漏水,雨天滴水",
    attributes: dict[str, Any] | None = None,
    channel: str = "online",
    at: datetime | None = None,
    **fields: Any,
) -> Request:
    """A request of category ``code`` reported by ``reporter`` (or found on a walk when
    ``None``), recorded by ``by``. Attributes default to answers the default catalogue
    accepts; ``fields`` go to :class:`~linli_requests.services.Report`."""
    chosen = await category(community, code)
    answers = attributes
    if answers is None:
        answers = {}
        for attribute in chosen.attributes:
            values = attribute.get("values") or []
            answers[attribute["code"]] = values[0]["key"] if values else "3"
    if reporter is not None and by.person_id != reporter.id and channel == "online":
        channel = "phone"
    return await services.report(
        community,
        services.Report(
            category=chosen,
            description=description,
            channel=channel,
            reporter=reporter,
            attributes=answers,
            **fields,
        ),
        actor=await load_actor(by),
        at=at,
    )


async def move(
    request: Request,
    status_key: str,
    *,
    by: Account,
    note: str = "",
    private_note: str = "",
    at: datetime | None = None,
) -> Request:
    """Move ``request`` to the community's status ``status_key``, with notes."""
    status = await Status.get(community_id=request.community_id, key=status_key)
    await services.work(
        request,
        services.Change(status_id=status.id, public_note=note, private_note=private_note),
        actor=await load_actor(by),
        at=at,
    )
    return request
