"""Domain events: written with the change, delivered after commit, at most once per
handler, retried after a failure, visible to operators when they keep failing."""

import asyncio

import pytest
from tortoise.transactions import in_transaction

import linli
import linli_sample
from linli.domain.enablement import disable
from linli.kernel.events import MAX_ATTEMPTS, EventBus, UnknownEventError, failed_events
from linli.kernel.models import EventDelivery, OutboxEvent
from linli_sample.models import Note

pytestmark = pytest.mark.linli_plugins("sample")


class Boom(Exception):
    pass


@pytest.fixture(autouse=True)
def no_injected_failures():
    linli_sample.FAILURES_TO_INJECT["count"] = 0
    yield
    linli_sample.FAILURES_TO_INJECT["count"] = 0


async def _note_with_event(community, text="有人在楼道放电动车"):
    async with in_transaction():
        note = await Note.create(community=community, text=text)
        await linli.emit(
            "sample.note_added", {"note_id": note.id, "text": text}, community=community
        )
    return note


async def test_event_of_a_rolled_back_change_is_never_delivered(linli_bus, linli_community):
    with pytest.raises(Boom):
        async with in_transaction():
            note = await Note.create(community=linli_community, text="不会保存")
            await linli.emit(
                "sample.note_added", {"note_id": note.id, "text": "x"}, community=linli_community
            )
            raise Boom
    assert await OutboxEvent.all().count() == 0
    assert await Note.all().count() == 0
    assert await linli_bus.dispatch_due() == 0


async def test_committed_event_is_delivered_exactly_once(linli_bus, linli_community):
    note = await _note_with_event(linli_community)
    assert await linli_bus.dispatch_due() == 1
    await note.refresh_from_db()
    assert note.acknowledged == 1
    assert await linli_bus.dispatch_due() == 0
    event = await OutboxEvent.get()
    assert event.state == "done"
    assert await EventDelivery.filter(event=event).count() == 1


async def test_failed_handler_is_retried_and_then_delivered_once(linli_bus, linli_community):
    linli_sample.FAILURES_TO_INJECT["count"] = 1
    note = await _note_with_event(linli_community)
    assert await linli_bus.dispatch_due() == 0
    event = await OutboxEvent.get()
    assert event.state == "pending" and event.attempts == 1
    assert "injected failure" in event.last_error
    await note.refresh_from_db()
    assert note.acknowledged == 0  # the failed attempt's work was rolled back with it
    assert await EventDelivery.all().count() == 0
    assert [e.id for e in await failed_events()] == [event.id]
    assert await linli_bus.dispatch_due() == 0  # not due yet: back-off
    assert await linli_bus.retry() == 1
    await note.refresh_from_db()
    assert note.acknowledged == 1
    assert await linli_bus.dispatch_due() == 0
    assert await EventDelivery.filter(event=event).count() == 1
    assert await failed_events() == []


async def test_an_event_that_keeps_failing_is_given_up_and_listed(linli_bus, linli_community):
    linli_sample.FAILURES_TO_INJECT["count"] = MAX_ATTEMPTS
    await _note_with_event(linli_community)
    for _ in range(MAX_ATTEMPTS):
        await OutboxEvent.all().update(next_attempt_at=(await OutboxEvent.get()).created_at)
        await linli_bus.dispatch_due()
    event = await OutboxEvent.get()
    assert event.state == "failed" and event.attempts == MAX_ATTEMPTS
    assert await failed_events() == [event]
    assert await linli_bus.retry([event.id]) == 1
    assert (await OutboxEvent.get()).state == "done"


async def test_concurrent_dispatchers_deliver_once(linli_bus, linli_community, linli_registry):
    await _note_with_event(linli_community)
    other = EventBus(linli_registry)
    row = await OutboxEvent.get()
    again = await OutboxEvent.get()
    await asyncio.gather(linli_bus.deliver(row), other.deliver(again))
    assert await EventDelivery.all().count() == 1


async def test_handlers_of_a_disabled_plugin_do_not_run(linli_bus, linli_community, linli_registry):
    note = await _note_with_event(linli_community)
    await disable(linli_community, "sample", linli_registry)
    assert await linli_bus.dispatch_due() == 1
    await note.refresh_from_db()
    assert note.acknowledged == 0


async def test_unknown_event_or_bad_payload_is_refused(linli_bus, linli_community):
    with pytest.raises(UnknownEventError):
        await linli.emit("sample.note_adedd", {"note_id": 1, "text": "x"})
    with pytest.raises(Exception, match="note_id"):
        await linli.emit("sample.note_added", {"text": "x"}, community=linli_community)
    assert await OutboxEvent.all().count() == 0


async def test_event_emitted_through_a_page_is_delivered_after_the_response(
    linli_app, linli_client, linli_community
):
    from linli.testing import form_post, log_in, make_account

    await make_account("writer", linli_community, "sample_writer")
    await log_in(linli_client, "writer")
    await form_post(linli_client, "/c/test/sample/", {"text": "电梯又坏了"})
    bus = linli_app.state.site.bus
    assert await bus.dispatch_due() == 1
    note = await Note.get(text="电梯又坏了")
    assert note.acknowledged == 1


async def test_the_test_kit_captures_emitted_events(linli_bus, linli_community):
    from linli.testing import emitted_events

    note = await _note_with_event(linli_community, "周日打扫楼道")
    assert await emitted_events("sample.note_added") == [
        ("sample.note_added", {"note_id": note.id, "text": "周日打扫楼道"})
    ]
    assert await emitted_events("sample.other") == []
