"""The street bank hears one kind of fact whoever reports it: the core's shared
``service.verified`` and ``service.withdrawn``. A service is credited once while it
stands, a withdrawn one gives its points back once, and a community rewards only the
categories it set up."""

from __future__ import annotations

import msgspec
import pytest

from linli.kit import Event, OutboxEvent, ServiceVerified, ServiceWithdrawn, emit, event
from linli.testing import emitted_events, log_in
from linli_streetbank import events, services
from linli_streetbank.models import Entry, LedgerAccount, ServiceRecord

pytestmark = pytest.mark.linli_plugins("streetbank")


def _subscriptions(registry) -> dict[str, tuple[str, int]]:
    """The street bank's subscriptions the registry keeps: handler → (event, version)."""
    return {
        handler.name: (handler.event, handler.version)
        for plugin, handler in registry.event_handlers()
        if plugin == "streetbank"
    }


def _problems(registry) -> list[str]:
    return [why for plugin, _, why in registry.subscription_problems() if plugin == "streetbank"]


# ---------------------------------------------------------------------- contracts


@pytest.mark.linli_plugins("streetbank", "canteen", "codesign")
async def test_the_credit_fits_service_verified_as_its_reporters_send_it(linli_registry):
    assert _subscriptions(linli_registry)["credit_service"] == ("service.verified", 1)
    assert _problems(linli_registry) == []


@pytest.mark.linli_plugins("streetbank", "canteen")
async def test_the_reversal_fits_service_withdrawn_as_its_reporters_send_it(linli_registry):
    assert _subscriptions(linli_registry)["withdraw_service"] == ("service.withdrawn", 1)
    assert _problems(linli_registry) == []


async def test_a_payload_without_what_the_bank_reads_is_refused_at_start_up(
    linli_registry, monkeypatch
):
    @event("service.verified", version=1)
    class WithoutTasks(msgspec.Struct):
        person: int
        source: str
        reference: str
        category: str
        hours: float

    types = {**linli_registry.event_types(), "service.verified": WithoutTasks}
    monkeypatch.setattr(linli_registry, "event_types", lambda: types)
    [why] = _problems(linli_registry)
    assert "tasks" in why
    assert "credit_service" not in _subscriptions(linli_registry)
    assert "withdraw_service" in _subscriptions(linli_registry)


# ----------------------------------------------------------------------- crediting


async def _verified(bank, bus, reference: str, *, category: str = "elder-care", **amounts):
    await emit(
        "service.verified",
        ServiceVerified(
            person=bank.resident.id, source="test", reference=reference, category=category,
            **amounts,
        ),
        community=bank.community,
    )  # fmt: skip
    while await bus.dispatch_due():  # and the street bank's own event in return
        pass


async def _withdrawn(bank, bus, reference: str):
    await emit(
        "service.withdrawn",
        ServiceWithdrawn(person=bank.resident.id, source="test", reference=reference),
        community=bank.community,
    )
    while await bus.dispatch_due():
        pass


async def _handle_again(name: str, nth: int = 0) -> None:
    """Run the street bank's handler of the ``nth`` ``name`` event once more, as a retry
    after a lost delivery record would."""
    row = (await OutboxEvent.filter(name=name).order_by("created_at"))[nth]
    handle, view = {
        "service.verified": (events.credit_service, events.VerifiedService),
        "service.withdrawn": (events.withdraw_service, events.WithdrawnService),
    }[name]
    payload = msgspec.convert(row.payload, view)
    await handle(Event(row.id, row.name, row.community_id, payload, row.created_at))


async def test_a_service_reported_twice_is_credited_once(linli_bus, bank):
    await _verified(bank, linli_bus, "v:1", hours=3)
    await _verified(bank, linli_bus, "v:1", hours=3)  # the same service, reported again
    await _handle_again("service.verified")
    assert await services.balance_of(bank.resident) == 30
    record = await ServiceRecord.get()
    assert (record.source, record.reference) == ("event", "test.v:1")
    assert record.recorded_by_id is None
    assert await OutboxEvent.exclude(state="done").count() == 0
    assert (await services.verify_ledger()).ok


async def test_the_same_reference_from_another_source_is_another_service(linli_bus, bank):
    await _verified(bank, linli_bus, "v:1", hours=1)
    await emit(
        "service.verified",
        ServiceVerified(
            person=bank.resident.id, source="other", reference="v:1", category="elder-care",
            hours=2,
        ),
        community=bank.community,
    )  # fmt: skip
    await linli_bus.dispatch_due()
    assert await services.balance_of(bank.resident) == 30


async def test_hours_pay_a_category_per_hour_and_tasks_one_per_task(linli_bus, bank):
    await services.save_category(
        bank.community, key="meal-delivery", name="爱心送餐", unit="task", rate=6
    )
    await _verified(bank, linli_bus, "delivery:1", category="meal-delivery", hours=1.0, tasks=1)
    assert await services.balance_of(bank.resident) == 6
    await _verified(bank, linli_bus, "codesign:1", hours=2.5)  # elder care, 10 an hour
    assert await services.balance_of(bank.resident) == 6 + 25


async def test_a_category_the_community_has_not_set_up_earns_nothing(linli_bus, bank):
    """A community chooses which services earn points: a report in a category it has
    not set up, or no longer uses, is done with, not a failure waiting for a retry."""
    await _verified(bank, linli_bus, "delivery:1", category="meal-delivery", tasks=1)
    await services.save_category(bank.community, key="patrol", name="巡逻", rate=8, active=False)
    await _verified(bank, linli_bus, "patrol:1", category="patrol", hours=2)
    assert await services.balance_of(bank.resident) == 0
    assert await ServiceRecord.all().count() == 0
    states = await OutboxEvent.all().values_list("state", "last_error")
    assert states == [("done", ""), ("done", "")]
    # Setting the category up switches the reward on for the services reported next.
    await services.save_category(
        bank.community, key="meal-delivery", name="爱心送餐", unit="task", rate=6
    )
    await _verified(bank, linli_bus, "delivery:2", category="meal-delivery", tasks=1)
    assert await services.balance_of(bank.resident) == 6


# ---------------------------------------------------------------------- withdrawing


async def test_a_withdrawn_service_gives_its_points_back_once_and_earns_again(linli_bus, bank):
    await _verified(bank, linli_bus, "delivery:7", hours=1)
    assert await services.balance_of(bank.resident) == 10
    await _withdrawn(bank, linli_bus, "delivery:7")
    assert await services.balance_of(bank.resident) == 0
    await _handle_again("service.withdrawn")  # a second run reverses nothing more
    await _handle_again("service.verified")  # nor does the first credit come back
    assert await services.balance_of(bank.resident) == 0
    assert await Entry.filter(kind="reversal").count() == 1

    await _verified(bank, linli_bus, "delivery:7", hours=1)  # it happened after all
    assert await services.balance_of(bank.resident) == 10
    await _handle_again("service.verified", 1)
    await _handle_again("service.withdrawn")  # the old withdrawal leaves the new credit
    assert await services.balance_of(bank.resident) == 10
    await _withdrawn(bank, linli_bus, "delivery:7")
    await _verified(bank, linli_bus, "delivery:7", hours=1)
    assert await services.balance_of(bank.resident) == 10
    assert await ServiceRecord.all().count() == 3
    assert await Entry.filter(kind="reversal").count() == 2
    assert await OutboxEvent.exclude(state="done").count() == 0

    account = await LedgerAccount.get(person_id=bank.resident.id)
    kinds = [(p.entry.kind, p.amount) for p in await services.history(account)]
    assert kinds == [
        ("earn", 10), ("reversal", -10), ("earn", 10), ("reversal", -10), ("earn", 10)
    ]  # fmt: skip
    assert (await services.verify_ledger(bank.community.id)).ok


async def test_a_withdrawal_without_a_credit_changes_nothing(linli_bus, bank):
    await _withdrawn(bank, linli_bus, "delivery:8")  # never credited
    await _verified(bank, linli_bus, "delivery:9", category="meal-delivery", tasks=1)
    await _withdrawn(bank, linli_bus, "delivery:9")  # its category earns nothing here
    assert await Entry.all().count() == 0
    assert await OutboxEvent.exclude(state="done").count() == 0


async def test_the_resident_sees_why_the_points_went_back(linli_client, linli_bus, bank):
    await _verified(bank, linli_bus, "delivery:7", hours=1)
    await _withdrawn(bank, linli_bus, "delivery:7")
    await log_in(linli_client, "zhang")
    page = await linli_client.get("/c/test/streetbank/me")
    assert page.status_code == 200
    assert "冲正 · 登记方撤回了这次服务" in page.text


async def test_the_street_bank_announces_what_it_credits_and_takes_back(linli_bus, bank):
    """``streetbank.points_credited`` and ``points_withdrawn``, with the reporter's own
    source and reference, once each; a category that earns nothing announces nothing."""
    await _verified(bank, linli_bus, "delivery:7", hours=1)
    await _verified(bank, linli_bus, "delivery:7", hours=1)  # reported again: no credit
    await _verified(bank, linli_bus, "delivery:8", category="meal-delivery", tasks=1)
    await _withdrawn(bank, linli_bus, "delivery:7")
    said = {"person": bank.resident.id, "source": "test", "reference": "delivery:7"}
    assert await emitted_events("streetbank.points_credited") == [
        ("streetbank.points_credited", {**said, "points": 10})
    ]
    assert await emitted_events("streetbank.points_withdrawn") == [
        ("streetbank.points_withdrawn", {**said, "points": 10})
    ]
