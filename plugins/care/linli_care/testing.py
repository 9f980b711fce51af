"""Builders for tests of care, and of plugins and communities that build on it: a
group, a carer, a visit, a programme, each in one call, made through
:mod:`linli_care.services`::

    from linli_care.testing import make_group, make_carer, make_visit

    group = await make_group(community, "高龄独居", tags="独居", min_age=80, every_days=3)
    await make_carer(elder, carer)
    await make_visit(community, elder, carer_account, outcome="well")
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from linli.kit import Account, Actor, Community, Person, load_actor
from linli_care import services
from linli_care.models import ANY_MODE, CareGroup, Carer, Programme

__all__ = ["make_carer", "make_group", "make_programme", "make_visit"]


async def make_group(
    community: Community,
    name: str = "高龄独居",
    *,
    tags: str = "独居",
    min_age: int | None = 80,
    max_age: int | None = None,
    every_days: int = 3,
    mode: str = ANY_MODE,
    today: date | None = None,
) -> CareGroup:
    return await services.save_group(
        community, name=name, tags=tags, min_age=min_age, max_age=max_age,
        every_days=every_days, mode=mode, actor=Actor(account=None),
        today=today or services.local_day(datetime.now(UTC)),
    )  # fmt: skip


async def make_carer(person: Person, carer: Person, *, kind: str = "party") -> Carer:
    """``carer`` looks after ``person`` (made directly: no worker needed)."""
    return await Carer.create(
        community_id=person.community_id, person=person, carer=carer, kind=kind,
        since=date(2026, 1, 5),
    )  # fmt: skip


async def make_visit(
    community: Community,
    person: Person,
    account: Account,
    *,
    outcome: str = "well",
    mode: str = "visit",
    note: str = "",
    at: datetime | None = None,
) -> services.Logged:
    """A visit logged by ``account`` (a carer of ``person``, or care staff)."""
    return await services.log_visit(
        community, person, outcome=outcome, mode=mode, note=note,
        token=services.new_token(), actor=await load_actor(account),
        now=at or datetime.now(UTC),
    )  # fmt: skip


async def make_programme(
    community: Community,
    title: str = "暑期托管班",
    *,
    kind: str = "youth",
    capacity: int = 20,
    starts_on: date | None = None,
) -> Programme:
    start = starts_on or services.local_day(datetime.now(UTC)) + timedelta(days=7)
    return await services.save_programme(
        community, kind=kind, title=title, place="江汉里社区活动室", starts_on=start,
        ends_on=start + timedelta(days=30), capacity=capacity, actor=Actor(account=None),
    )  # fmt: skip
