from __future__ import annotations

from linli.kit import Community


async def seed(community: Community) -> list[str]:
    return ["hourlog: nothing to seed"]
