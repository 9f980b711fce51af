"""What participatory design tells (issue 17): those who took part hear that the vote
opens, and, when it closes, that the results are out; the others hear nothing."""

import pytest

from linli.testing import notifications_of
from linli_codesign import services
from linli_codesign.models import DESIGN

from .conftest import DAY
from .test_vote import _vote

pytestmark = pytest.mark.linli_plugins("codesign")


async def test_participants_hear_the_vote_open_and_close(place):
    designer, voter, *others = place.residents
    worker = await place.worker_actor()
    project = place.project
    while project.stage != DESIGN:
        project = await services.advance(project, actor=worker, on=DAY)
    a = await services.submit_proposal(
        project, person_id=designer.id, title="方案一", body="", on=DAY
    )
    project = await services.advance(project, actor=worker, on=DAY)  # the vote opens
    told = await notifications_of(designer)
    assert [n["kind"] for n in told] == ["codesign.vote_open"]
    assert told[0]["subject"] == place.project.title
    await _vote(place, voter, [a.id])
    await services.advance(project, actor=worker, on=DAY)  # the vote closes
    assert [n["kind"] for n in await notifications_of(designer)][-1] == "codesign.vote_closed"
    assert [n["kind"] for n in await notifications_of(voter)] == ["codesign.vote_closed"]
    for person in others:
        assert await notifications_of(person) == []
