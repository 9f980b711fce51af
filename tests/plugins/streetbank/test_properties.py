"""Acceptance 2: random sequences of earn / redeem / verify / cancel / expire / correct
keep every invariant: no negative balance, entries sum to zero, cached balances equal
the postings, stock never negative, and every outcome is the one a simple model of the
rules predicts."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from linli.kit import Account, Community, Person, load_actor
from linli.testing import make_account
from linli_streetbank import services
from linli_streetbank.models import CatalogueItem, Entry

pytestmark = pytest.mark.linli_plugins("streetbank")

RATE = 3
PEOPLE = 3


class LedgerMachine(RuleBasedStateMachine):
    """Drives the services on a live database; the test sets ``run`` and ``world``."""

    #: Runs a coroutine on the test's event loop and returns its result (the machine
    #: runs in a thread of its own, as hypothesis drives it synchronously).
    run: ClassVar[Callable[[Coroutine[Any, Any, Any]], Any]]
    world: ClassVar[dict] = {}
    counter: ClassVar[int] = 0

    def __init__(self) -> None:
        super().__init__()
        LedgerMachine.counter += 1
        self.tag = f"m{LedgerMachine.counter}"
        self.clock = datetime(2026, 3, 1, 2, tzinfo=UTC)
        self.balance = [0] * PEOPLE
        self.vouchers: list[dict] = []  # {"voucher", "person", "status", "points", ...}
        self.earnings: list[dict] = []  # {"entry", "person", "points", "reversed"}
        self.usage: dict[tuple[int, int, str], int] = {}
        self.run(self._setup())

    async def _setup(self) -> None:
        community = self.world["community"]
        self.people, self.actors = [], []
        for i in range(PEOPLE):
            person = await Person.create(community=community, name=f"{self.tag}-{i}")
            account = await Account.create(
                username=f"{self.tag}-{i}", password_hash="-", person=person
            )
            self.people.append(person)
            self.actors.append(await load_actor(account))
        partner = self.world["partner"]
        scarce = await services.save_item(
            community, partner_id=partner.id, title=f"{self.tag} scarce", price=7, stock=3
        )
        limited = await services.save_item(
            community, partner_id=partner.id, title=f"{self.tag} limited", price=5, monthly_limit=2
        )
        self.items = [scarce, limited]
        self.stock = [3, None]

    def _month(self) -> str:
        return services.month_of(self.clock)

    # ------------------------------------------------------------------ rules

    @rule(who=st.integers(0, PEOPLE - 1), hours=st.integers(1, 4), twice=st.booleans())
    def earn(self, who, hours, twice):
        key = f"{self.tag}:earn:{len(self.earnings)}"

        async def go():
            done = await services.record_service(
                self.world["community"], person=self.people[who], category=self.world["category"],
                quantity=hours, served_on=date(2026, 3, 1), key=key,
                actor=self.world["worker"], now=self.clock,
            )  # fmt: skip
            if twice:
                again = await services.record_service(
                    self.world["community"], person=self.people[who],
                    category=self.world["category"], quantity=hours, served_on=date(2026, 3, 1),
                    key=key, actor=self.world["worker"], now=self.clock,
                )  # fmt: skip
                assert again.duplicate
            return done

        done = self.run(go())
        self.balance[who] += hours * RATE
        self.earnings.append(
            {"entry": done.value.entry_id, "person": who, "points": hours * RATE, "reversed": False}
        )

    @rule(who=st.integers(0, PEOPLE - 1), which=st.integers(0, 1), for_them=st.booleans())
    def redeem(self, who, which, for_them):
        item = self.items[which]
        key = (who, which, self._month())
        if self.stock[which] == 0:
            expected = services.OutOfStock
        elif item.monthly_limit is not None and self.usage.get(key, 0) >= item.monthly_limit:
            expected = services.LimitReached
        elif self.balance[who] < item.price:
            expected = services.InsufficientPoints
        else:
            expected = None
        actor = self.world["worker"] if for_them else self.actors[who]

        async def go():
            fresh = await CatalogueItem.get(id=item.id)
            return await services.redeem(
                self.world["community"], person=self.people[who], item=fresh, actor=actor,
                key=f"{self.tag}:redeem:{len(self.vouchers)}:{self.clock}", now=self.clock,
            )  # fmt: skip

        try:
            done = self.run(go())
        except services.StreetbankError as exc:
            assert expected is not None and isinstance(exc, expected), (exc, expected)
            return
        assert expected is None, f"expected {expected}"
        self.balance[who] -= item.price
        if self.stock[which] is not None:
            self.stock[which] -= 1
        self.usage[key] = self.usage.get(key, 0) + 1
        self.vouchers.append(
            {"voucher": done.value, "person": who, "item": which, "status": "issued",
             "month": self._month(), "expires": self.clock + timedelta(days=14)}
        )  # fmt: skip

    def _refund(self, record, status):
        record["status"] = status
        self.balance[record["person"]] += self.items[record["item"]].price
        if self.stock[record["item"]] is not None:
            self.stock[record["item"]] += 1
        key = (record["person"], record["item"], record["month"])
        self.usage[key] -= 1

    @precondition(lambda self: self.vouchers)
    @rule(pick=st.integers(0, 10_000), other_partner=st.booleans())
    def verify(self, pick, other_partner):
        record = self.vouchers[pick % len(self.vouchers)]
        if other_partner:
            with pytest.raises(services.NotAllowed):
                self.run(
                    services.verify_voucher(
                        self.world["partner"], record["voucher"].code, actor=self.world["stranger"]
                    )
                )
            return
        try:
            self.run(
                services.verify_voucher(
                    self.world["partner"], record["voucher"].code,
                    actor=self.world["operator"], now=self.clock,
                )
            )  # fmt: skip
        except services.VoucherExpired:
            assert record["status"] == "issued" and record["expires"] <= self.clock
            self._refund(record, "expired")
            return
        except services.VoucherClosed:
            assert record["status"] != "issued"
            return
        assert record["status"] == "issued" and record["expires"] > self.clock
        record["status"] = "used"

    @precondition(lambda self: self.vouchers)
    @rule(pick=st.integers(0, 10_000))
    def cancel(self, pick):
        record = self.vouchers[pick % len(self.vouchers)]
        try:
            self.run(
                services.cancel_voucher(
                    record["voucher"], actor=self.actors[record["person"]], now=self.clock
                )
            )
        except services.VoucherClosed:
            assert record["status"] != "issued"
            return
        assert record["status"] == "issued"
        self._refund(record, "cancelled")

    @rule(days=st.integers(1, 20))
    def expire(self, days):
        self.clock += timedelta(days=days)
        self.run(services.expire_vouchers(self.world["community"].id, now=self.clock))
        for record in self.vouchers:
            if record["status"] == "issued" and record["expires"] <= self.clock:
                self._refund(record, "expired")

    @precondition(lambda self: self.earnings)
    @rule(pick=st.integers(0, 10_000))
    def correct(self, pick):
        earning = self.earnings[pick % len(self.earnings)]

        async def go():
            entry = await Entry.get(id=earning["entry"])
            return await services.reverse_entry(
                entry, actor=self.world["worker"], reason="mistake", now=self.clock
            )

        try:
            done = self.run(go())
        except services.InsufficientPoints:
            assert not earning["reversed"]
            assert self.balance[earning["person"]] < earning["points"]
            return
        if earning["reversed"]:
            assert done.duplicate
            return
        assert not done.duplicate
        earning["reversed"] = True
        self.balance[earning["person"]] -= earning["points"]

    # ------------------------------------------------------------- invariants

    @invariant()
    def ledger_holds(self):
        async def check():
            report = await services.verify_ledger()
            assert report.ok, report.lines()
            for person, expected in zip(self.people, self.balance, strict=True):
                assert await services.balance_of(person) == expected
            for item, expected in zip(self.items, self.stock, strict=True):
                assert (await CatalogueItem.get(id=item.id)).stock == expected

        assert min(self.balance) >= 0
        self.run(check())


async def test_random_sequences_keep_every_invariant(linli_community: Community) -> None:
    community = linli_community
    partner = await services.create_partner(community, name="老王理发店")
    other = await services.create_partner(community, name="卫生站")
    category = await services.save_category(community, key="help", name="帮忙", rate=RATE)
    worker_person = await Person.create(community=community, name="社工")
    worker = await make_account(
        "w", community, "community_worker", "streetbank_clerk", person=worker_person
    )
    operator = await make_account("op", community)
    await services.add_operator(partner, operator)
    stranger = await make_account("op2", community)
    await services.add_operator(other, stranger)
    LedgerMachine.world = {
        "community": community, "partner": partner, "category": category,
        "worker": await load_actor(worker), "operator": await load_actor(operator),
        "stranger": await load_actor(stranger),
    }  # fmt: skip
    loop = asyncio.get_running_loop()
    LedgerMachine.run = staticmethod(
        lambda work: asyncio.run_coroutine_threadsafe(work, loop).result()
    )
    await asyncio.to_thread(
        run_state_machine_as_test,
        LedgerMachine,
        settings=settings(
            max_examples=15,
            stateful_step_count=25,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
