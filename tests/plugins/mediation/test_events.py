"""What the mediation tells other features (issue 21): one ``mediation.case_opened``
when a case is taken in or requested, one ``mediation.case_closed`` when it ends in the
community (closed or referred), in the transaction of the change. Each carries the
case's id and number and the register ids of the parties who are residents, and nothing
of the case's content: no summary, description, category, names or outcome. A refused
or rolled-back action tells nothing."""

from datetime import date

import pytest
from tortoise.transactions import in_transaction

from linli.testing import emitted_events
from linli_mediation import services
from linli_mediation.models import Case

pytestmark = pytest.mark.linli_plugins("mediation")

SECRET = "张阿姨家的防水层老化,内部记录"


async def payloads(name: str) -> list[dict]:
    return [payload for _, payload in await emitted_events(name)]


async def _to_follow_up(world, case) -> services.Access:
    gate = await world.access(world.mediator_a, case)
    await services.apply(gate, "start")
    await services.add_session(gate, held_on=date(2026, 5, 1), notes=SECRET)
    await services.apply(gate, "not_resolved", services.StepInput(reason=SECRET))
    await services.apply(gate, "follow_up")
    return gate


async def test_an_intake_names_only_its_residents_and_nothing_of_the_case(world):
    outsider = services.PartyInput(name="外卖骑手", contact="13800001111", side="respondent")
    case = await world.open(
        parties=[world.zhang, world.li, outsider], summary="楼上漏水", description=SECRET
    )
    assert await payloads("mediation.case_opened") == [
        {"case": case.id, "number": case.number, "parties": sorted([world.zhang.id, world.li.id])}
    ]
    text = str(await emitted_events())
    for content in ("楼上漏水", SECRET, "leak", "外卖骑手", "13800001111", "张阿姨", "莲姐"):
        assert content not in text


async def test_a_residents_request_names_the_applicant(world):
    actor = await world.actor(world.zhang_account)
    case = await services.request_mediation(
        world.community, actor, summary="楼上噪音", category="noise", other_contact="702"
    )
    assert await payloads("mediation.case_opened") == [
        {"case": case.id, "number": case.number, "parties": [world.zhang.id]}
    ]


async def test_a_refused_repeated_or_rolled_back_opening_tells_nothing_more(world):
    with pytest.raises(services.MediationError):
        await world.open(parties=[world.zhang])  # one party: no dispute
    await world.open(key="form-1")
    with pytest.raises(services.Duplicate):
        await world.open(key="form-1")  # the same form sent twice
    with pytest.raises(RuntimeError):
        async with in_transaction():
            await world.open()
            raise RuntimeError("the page failed after the case was taken in")
    assert await Case.all().count() == 1
    assert len(await payloads("mediation.case_opened")) == 1


async def test_closing_tells_once_with_the_parties_of_the_register(world):
    case = await world.open()
    gate = await _to_follow_up(world, case)
    assert await payloads("mediation.case_closed") == []
    await services.apply(gate, "close")
    with pytest.raises(services.AlreadyDone):
        await services.apply(await world.access(world.mediator_a, case), "close")
    assert await payloads("mediation.case_closed") == [
        {"case": case.id, "number": case.number, "parties": sorted([world.zhang.id, world.li.id])}
    ]
    assert SECRET not in str(await emitted_events())


async def test_a_referral_ends_the_case_without_saying_where(world):
    case = await world.open()
    gate = await world.access(world.mediator_a, case)
    await services.apply(gate, "refer", services.StepInput(target="police", reason=SECRET))
    [payload] = await payloads("mediation.case_closed")
    assert payload["case"] == case.id
    assert "police" not in str(await emitted_events()) and SECRET not in str(await emitted_events())


async def test_other_steps_tell_nothing(world):
    case = await world.open()
    gate = await world.access(world.mediator_a, case)
    await services.apply(gate, "start")
    with pytest.raises(services.WrongState):
        await services.apply(gate, "close")
    assert [name for name, _ in await emitted_events()] == ["mediation.case_opened"]
