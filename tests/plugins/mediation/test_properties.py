"""Acceptance 3: random sequences of steps, sessions, visits, answers to the agreement
and escalations on one case. Whatever the order, no case closes without a session (nor,
with an agreement, without a follow-up visit), no agreement goes on to its follow-up
before every party signed or refused to sign; every applied step is in the history, in
order; a refused step changes nothing; the case's state is the one a small model of the
rules predicts."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Coroutine
from datetime import date
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from linli.kit import Person, add_node, community_root, load_actor
from linli.testing import make_account
from linli_mediation import services
from linli_mediation.models import FINISHED, Case, FollowUp, Party, Session, Signature, Transition

pytestmark = [pytest.mark.linli_plugins("mediation"), pytest.mark.usefixtures("linli_bus")]

STEPS = {
    # action → the inputs that satisfy it; the machine also tries it with none
    "accept": services.StepInput(),
    "start": services.StepInput(),
    "agree": services.StepInput(facts="事实", terms="条款"),
    "not_resolved": services.StepInput(reason="分歧"),
    "follow_up": services.StepInput(),
    "close": services.StepInput(),
    "refer": services.StepInput(target="police", reason="违法"),
}


OUTCOMES = {"agree": "agreement", "not_resolved": "not_resolved", "refer": "referred"}


class CaseMachine(RuleBasedStateMachine):
    """Drives the services on a live database; the test sets ``run`` and ``world``."""

    run = None
    world: ClassVar[dict] = {}

    def __init__(self) -> None:
        super().__init__()
        self.case = self.run(self._open())
        self.status = self.case.status
        self.outcome = ""
        self.sessions = 0
        self.visits = 0
        self.answered = 0  # parties (of 2) who signed the agreement or refused to
        self.depth = 2  # building group → branch → committee
        self.history = ["intake"]

    async def _open(self) -> Case:
        w = self.world
        return await services.open_case(
            w["community"], w["mediator"], summary="随机", category="noise", place=w["flat"],
            parties=[
                services.PartyInput(name="甲"), services.PartyInput(name="乙", side="respondent"),
            ],
        )  # fmt: skip

    async def _gate(self, who: str = "mediator") -> services.Access:
        return await services.access_to(self.world[who], self.world["community"], self.case.id)

    def _expected(self, action: str, complete: bool) -> bool:
        sources, _, _ = services.ACTIONS[action]
        if self.status not in sources:
            return False
        if action in ("agree", "not_resolved", "refer") and not complete:
            return False
        if action in ("follow_up", "close") and self.outcome == "agreement" and self.answered < 2:
            return False
        if action == "close":
            return self.sessions > 0 and (self.outcome != "agreement" or self.visits > 0)
        return True

    async def _snapshot(self) -> tuple:
        case = await Case.get(id=self.case.id)
        return (
            case.status, case.outcome, case.node_id, case.follow_up_due,
            await Transition.filter(case_id=case.id).count(),
            await Session.filter(case_id=case.id).count(),
            await FollowUp.filter(case_id=case.id).count(),
            await Signature.filter(party__case_id=case.id).count(),
        )  # fmt: skip

    def _attempt(self, call, allowed: bool) -> bool:
        before = self.run(self._snapshot())
        try:
            self.run(call())
        except services.MediationError:
            assert not allowed
            assert self.run(self._snapshot()) == before  # refused: nothing changed
            return False
        assert allowed
        return True

    @rule(data=st.data(), aim=st.booleans(), complete=st.booleans())
    def step(self, data, aim, complete):
        # half the time a step the state allows, referral aside (so that cases get far
        # down the lifecycle), else any step
        fitting = [
            a for a in sorted(STEPS) if self.status in services.ACTIONS[a][0] and a != "refer"
        ]
        action = data.draw(st.sampled_from(fitting if aim and fitting else sorted(STEPS)))
        allowed = self._expected(action, complete)

        async def go():
            gate = await self._gate()
            return await services.apply(gate, action, STEPS[action] if complete else None)

        if self._attempt(go, allowed):
            self.status = services.ACTIONS[action][1]
            if action in ("agree", "not_resolved", "refer"):
                self.outcome = OUTCOMES[action]
            self.history.append(action)

    @rule(day=st.integers(1, 28))
    def session(self, day):
        allowed = self.status in services.SESSION_STATES

        async def go():
            return await services.add_session(await self._gate(), held_on=date(2026, 5, day))

        if self._attempt(go, allowed):
            self.sessions += 1

    @rule(kept=st.booleans())
    def visit(self, kept):
        allowed = self.status in services.VISIT_STATES

        async def go():
            return await services.add_follow_up(
                await self._gate(), visited_on=date(2026, 6, 1), kept=kept
            )

        if self._attempt(go, allowed):
            self.visits += 1

    @rule(refused=st.booleans())
    def answer(self, refused):
        allowed = self.outcome == "agreement" and self.answered < 2

        async def go():
            party = (await Party.filter(case_id=self.case.id).order_by("id"))[min(self.answered, 1)]
            return await services.record_signature(
                await self._gate(), party.id, date(2026, 6, 1), refused=refused
            )

        if self._attempt(go, allowed):
            self.answered += 1

    @rule()
    def escalate(self):
        allowed = self.status not in FINISHED and self.depth > 0

        async def go():
            return await services.escalate_case(await self._gate("supervisor"), "上报")

        if self._attempt(go, allowed):
            self.depth -= 1
            self.history.append("escalate")

    @invariant()
    def records_hold(self):
        async def check():
            case = await Case.get(id=self.case.id)
            actions = (
                await Transition.filter(case_id=case.id)
                .order_by("id")
                .values_list("action", flat=True)
            )
            sessions = await Session.filter(case_id=case.id).count()
            visits = await FollowUp.filter(case_id=case.id).count()
            answers = await Signature.filter(party__case_id=case.id).count()
            return case, list(actions), sessions, visits, answers

        case, actions, sessions, visits, answers = self.run(check())
        assert case.status == self.status
        assert actions == self.history
        if case.status in ("follow_up", "closed") and case.outcome == "agreement":
            assert answers == 2
        if case.status == "closed":
            assert sessions >= 1
            if case.outcome == "agreement":
                assert visits >= 1


def _run_in(loop: asyncio.AbstractEventLoop, coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Run ``coroutine`` on the test's event loop (and database) from the machine's
    thread, and wait for its result."""
    return asyncio.run_coroutine_threadsafe(coroutine, loop).result()


async def test_random_sequences_keep_the_lifecycle_rules(linli_community):
    community = linli_community
    root = await community_root(community)
    building = await add_node(kind="building", name="1栋", parent=root)
    flat = await add_node(kind="household", name="1-101", parent=building)
    committee = await add_node(
        kind="party_committee", name="党委", community_id=community.id, covers=root
    )
    branch = await add_node(kind="party_branch", name="支部", parent=committee)
    await add_node(kind="party_group", name="1栋党小组", parent=branch, covers=building)
    studio = await add_node(kind="facility", name="工作室", parent=root)
    person = await Person.create(community=community, name="调解员")
    mediator = await make_account("m", community, ("mediator", studio), person=person)
    # at the community and at the committee: escalated cases stay in view
    supervisor = await make_account(
        "s", community, "mediation_supervisor", ("mediation_supervisor", committee)
    )
    CaseMachine.world = {
        "community": community, "flat": flat,
        "mediator": await load_actor(mediator), "supervisor": await load_actor(supervisor),
    }  # fmt: skip
    # The machine's rules are synchronous: it runs in a thread of its own and hands each
    # step to this test's loop, where the database is open.
    CaseMachine.run = functools.partial(_run_in, asyncio.get_running_loop())
    await asyncio.to_thread(
        run_state_machine_as_test,
        CaseMachine,
        settings=settings(
            max_examples=30,
            stateful_step_count=25,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
