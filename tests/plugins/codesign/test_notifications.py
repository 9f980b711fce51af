"""What participatory design tells (issue 17): those who took part hear that the vote
opens, and, when it closes, that the results are out; the others hear nothing."""

import pytest

from linli.kit import Person
from linli.testing import notifications_of
from linli_codesign.models import BUILD, VOTE
from linli_codesign.testing import move_to

from .test_vote import _designs, _vote

pytestmark = pytest.mark.linli_plugins("codesign")


async def test_participants_hear_the_vote_open_and_close(place):
    designer, voter, *others = place.residents
    a, _b, _c = await _designs(place)
    told = await notifications_of(designer)
    assert [n["kind"] for n in told] == ["codesign.vote_open"]
    assert told[0]["subject"] == place.project.title
    await _vote(place, voter, [a.id])
    await move_to(place.project, BUILD)
    assert [n["kind"] for n in await notifications_of(designer)][-1] == "codesign.vote_closed"
    assert [n["kind"] for n in await notifications_of(voter)] == ["codesign.vote_closed"]
    for person in others:
        assert await notifications_of(person) == []
    assert VOTE and isinstance(voter, Person)
