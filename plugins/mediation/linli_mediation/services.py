"""The plugin's rules. No HTTP here: routes, demo data and commands call these."""

from __future__ import annotations

from linli.i18n import N_
from linli.models import Community
from linli_mediation.models import Item

MAX_TITLE = 200


class ItemError(ValueError):
    """A rule was broken; the message is a message id, translated where it is shown."""


async def add_item(community: Community, title: str) -> Item:
    """Add an item to the community's list. A title is required and at most
    ``MAX_TITLE`` characters long, surrounding spaces removed."""
    title = title.strip()
    if not title:
        raise ItemError(N_("An item needs a title."))
    if len(title) > MAX_TITLE:
        raise ItemError(N_("The title is too long."))
    return await Item.create(community=community, title=title)


async def latest_items(community: Community, limit: int = 50) -> list[Item]:
    """The community's items, newest first."""
    return await Item.filter(community=community).limit(limit)
