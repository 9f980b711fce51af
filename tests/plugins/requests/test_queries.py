"""Every page of the requests plugin makes at most 8 queries, and as many with a long
history, many reporters, a full agenda and a year of figures as with one request."""

from __future__ import annotations

from datetime import timedelta

import pytest

from linli.testing import log_in, page_queries
from linli_requests import services
from linli_requests.models import AgendaItem, Request
from linli_requests.testing import category, make_request, move

pytestmark = pytest.mark.linli_plugins("requests")
BASE = "/c/test/requests"


async def counts(client, paths: list[str]) -> list[int]:
    return [len(await page_queries(client, BASE + path)) for path in paths]


async def grow(world, leak, meeting) -> None:
    """More of everything: requests of every category, notes, reporters, agenda items
    of several bodies, attendees, and the secretary among the leak's reporters."""
    for code in ("leak", "garbage", "lift", "streetlight", "thrown", "other"):
        for _ in range(2):
            other = await make_request(
                world.community, world.neighbour, code, by=world.neighbour_account
            )
            await move(other, "in_progress", by=world.worker, note="已派人")
            await AgendaItem.get_or_create(
                meeting=meeting, request=other, defaults={"reason": "new", "body_id": other.body_id}
            )
    for note in ("已派人查看", "材料已订购", "明天施工"):
        await move(leak, "in_progress", by=world.staff, note=note, private_note="内部")
        await move(leak, "waiting", by=world.staff, note=note)
    await services.me_too(leak, world.neighbour, account=world.neighbour_account)
    secretary = await world.secretary.person
    await services.me_too(leak, secretary, account=world.secretary)
    for account in (world.staff, world.worker):
        await services.add_attendee(
            meeting, actor=await world.actor(world.secretary), account=account
        )
    await services.decide(
        await AgendaItem.get(meeting=meeting, request=leak),
        decision="物业本周修复", owner_id=world.staff.id, due_on=None,
        actor=await world.actor(world.secretary),
    )  # fmt: skip


async def test_every_page_makes_few_queries_however_much_data(client, world):
    leak = await make_request(world.community, world.resident, "leak", by=world.resident_account)
    await move(leak, "in_progress", by=world.staff, note="已派人查看")
    await move(leak, "fixed", by=world.staff, note="已修好")  # the resident may reopen it
    meeting = await services.meeting_for(world.community, services.now_utc().date() + timedelta(1))
    await AgendaItem.get_or_create(
        meeting=meeting, request=leak, defaults={"reason": "new", "body_id": leak.body_id}
    )
    cat = await category(world.community, "leak")
    staff_pages = [
        f"/{leak.id}", f"/{leak.id}/reporters", "/work/triage", "/work/open", "/work/overdue",
        "/meetings", f"/meetings/{meeting.id}", f"/meetings/{meeting.id}/print", "/figures",
        "/categories", f"/categories/{cat.id}",
    ]  # fmt: skip
    resident_pages = ["/", "/mine", "/new", f"/new?category={cat.id}", f"/{leak.id}"]
    await log_in(client, "secretary")
    few_staff = await counts(client, staff_pages)
    await log_in(client, "resident")
    few_resident = await counts(client, resident_pages)
    await grow(world, leak, meeting)
    await move(await Request.get(id=leak.id), "fixed", by=world.staff, note="已修好")
    await log_in(client, "secretary")
    many_staff = await counts(client, staff_pages)
    await log_in(client, "resident")
    many_resident = await counts(client, resident_pages)
    assert many_staff == few_staff, list(zip(staff_pages, few_staff, many_staff, strict=True))
    assert many_resident == few_resident, list(
        zip(resident_pages, few_resident, many_resident, strict=True)
    )
    assert max(many_staff + many_resident) <= 8, (many_staff, many_resident)
