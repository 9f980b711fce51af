"""What a crowd can race on: "me too" on one request, two workers merging the same
pair (in either direction), two workers changing one request, two people opening the
same week's round-table. On SQLite the one connection serialises the transactions; on
PostgreSQL (LINLI_TEST_DATABASE_URL) they really race."""

import asyncio
from datetime import datetime, timedelta

import pytest

from linli.kit import Person
from linli_requests import services
from linli_requests.models import AgendaItem, Meeting, Reporter, Request, Update
from linli_requests.testing import make_request

pytestmark = pytest.mark.linli_plugins("requests")


async def test_twenty_neighbours_say_me_too_at_once_and_one_twice(world):
    matter = await make_request(world.community, world.resident, by=world.resident_account)
    people = [await Person.create(community=world.community, name=f"邻居{i}") for i in range(20)]
    crowd = [*people, people[0], people[0]]  # a double tap
    results = await asyncio.gather(
        *(services.me_too(matter, person) for person in crowd), return_exceptions=True
    )
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 2 and all(isinstance(r, services.AlreadyReported) for r in refused)
    matter = await Request.get(id=matter.id)
    assert matter.reporter_count == 21 == await Reporter.filter(request_id=matter.id).count()
    assert await Update.filter(request_id=matter.id, kind="metoo").count() == 20


async def test_two_workers_merge_the_same_pair_in_opposite_directions(world):
    first = await make_request(world.community, world.resident, by=world.resident_account)
    second = await make_request(world.community, world.neighbour, by=world.neighbour_account)
    both = await Person.create(community=world.community, name="两边都报")
    await services.me_too(first, both)
    await services.me_too(second, both)
    worker = await world.actor(world.worker)
    secretary = await world.actor(world.secretary)
    a, b = await Request.get(id=first.id), await Request.get(id=second.id)
    results = await asyncio.gather(
        services.merge(a, b, actor=worker),
        services.merge(
            await Request.get(id=second.id), await Request.get(id=first.id), actor=secretary
        ),
        return_exceptions=True,
    )
    assert sum(isinstance(r, Request) for r in results) == 1, results
    assert all(isinstance(r, (Request, services.RequestsError)) for r in results), results
    kept = next(r for r in results if isinstance(r, Request))
    gone = second.id if kept.id == first.id else first.id
    kept = await Request.get(id=kept.id)
    gone_row = await Request.get(id=gone)
    assert gone_row.duplicate_of_id == kept.id and gone_row.status_type == "closed"
    # the union of reporters: 张阿姨, 李大爷 and the one who reported both, once
    reporters = await Reporter.filter(request_id=kept.id).values_list("person_id", flat=True)
    assert sorted(reporters) == sorted({world.resident.id, world.neighbour.id, both.id})
    assert kept.reporter_count == 3 and gone_row.reporter_count == 0
    assert await Reporter.filter(request_id=gone).count() == 0


async def test_two_workers_change_one_request_and_neither_is_lost(world):
    matter = await make_request(world.community, world.resident, by=world.resident_account)
    worker = await world.actor(world.worker)
    staff = await world.actor(world.staff)
    results = await asyncio.gather(
        services.work(
            await Request.get(id=matter.id),
            services.Change(priority=1, public_note="急"),
            actor=worker,
        ),
        services.work(
            await Request.get(id=matter.id),
            services.Change(priority=3, public_note="缓"),
            actor=staff,
        ),
        return_exceptions=True,
    )
    done = [r for r in results if isinstance(r, Update)]
    stale = [r for r in results if isinstance(r, services.Stale)]
    assert len(done) + len(stale) == 2 and done, results
    matter = await Request.get(id=matter.id)
    assert matter.version == len(done)
    notes = (
        await Update.filter(request_id=matter.id)
        .exclude(kind="created")
        .values_list("public_note", flat=True)
    )
    assert len(notes) == len(done)  # every change that took is in the history, no more


async def test_two_people_open_the_same_weeks_round_table(world):
    await make_request(world.community, world.resident, by=world.resident_account)
    held_on = datetime.now(services.DEFAULT_ZONE).date() + timedelta(days=1)
    results = await asyncio.gather(
        *(services.meeting_for(world.community, held_on) for _ in range(4)), return_exceptions=True
    )
    assert all(isinstance(r, Meeting) for r in results), results
    assert await Meeting.filter(held_on=held_on).count() == 1
    assert await AgendaItem.all().count() == 1
