"""Acceptance 1: one ballot per eligible resident under concurrency, choices as
configured, results only after the vote, counted reproducibly (ties reported), and a
secret ballot: nothing stored ties a voter to a choice, not even the rows' order."""

import asyncio
import itertools
import random
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linli_codesign import services
from linli_codesign.models import BUILD, DESIGN, VOTE, Ballot, Project, Voter
from linli_codesign.testing import move_to

from .conftest import DAY, make_participant

pytestmark = pytest.mark.linli_plugins("codesign")


async def _designs(place, n=3):
    await move_to(place.project, DESIGN)
    designs = [
        await services.submit_proposal(
            place.project, person_id=place.residents[0].id, title=f"方案{i}", body="", on=DAY
        )
        for i in range(n)
    ]
    await move_to(place.project, VOTE)
    return designs


async def _vote(place, person, choices, rng=None):
    return await services.cast_ballot(
        place.project, person_id=person.id, choices=choices, on=DAY, rng=rng
    )


async def test_the_same_resident_voting_ten_times_at_once_counts_once(linli_bus, place):
    a, b, _ = await _designs(place)
    me = place.residents[1]
    results = await asyncio.gather(
        *(_vote(place, me, [a.id if i % 2 else b.id]) for i in range(10)),
        return_exceptions=True,
    )
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(refused) == 9
    assert all(isinstance(r, services.AlreadyVoted) for r in refused), refused
    assert await Voter.filter(project_id=place.project.id).count() == 1
    assert await Ballot.filter(project_id=place.project.id).count() == 1


async def test_many_residents_voting_at_once_lose_no_ballot(linli_bus, place):
    a, b, c = await _designs(place)
    voters = [
        (await make_participant(place.community, place.b10, f"投票人{i}"))[0] for i in range(24)
    ]
    picks = [a.id] * 12 + [b.id] * 8 + [c.id] * 4
    results = await asyncio.gather(
        *(_vote(place, person, [pick]) for person, pick in zip(voters, picks, strict=True)),
        return_exceptions=True,
    )
    assert [r for r in results if isinstance(r, BaseException)] == []
    await move_to(place.project, BUILD)
    counted = await services.results(place.project)
    assert counted.ballots == 24
    assert [(d.id, n) for d, n in counted.rows] == [(a.id, 12), (b.id, 8), (c.id, 4)]
    assert [d.id for d in counted.winners] == [a.id] and not counted.tie


async def test_choices_follow_the_project_s_settings(linli_bus, place):
    a, b, c = await _designs(place)
    me = place.residents[1]
    with pytest.raises(services.CodesignError, match="at most 1"):
        await _vote(place, me, [a.id, b.id])
    with pytest.raises(services.CodesignError, match="at least one"):
        await _vote(place, me, [])
    other = await services.create_project(place.community, title="别的项目", place=place.b10)
    await move_to(other, DESIGN)
    foreign = await services.submit_proposal(
        other, person_id=me.id, title="别处方案", body="", on=DAY
    )
    with pytest.raises(services.CodesignError, match="among the designs"):
        await _vote(place, me, [foreign.id])
    with pytest.raises(services.NotEligible):
        await _vote(place, place.outsider, [a.id])
    assert await Voter.all().count() == 0 and await Ballot.all().count() == 0
    await Project.filter(id=place.project.id).update(max_choices=2)
    place.project.max_choices = 2
    await _vote(place, me, [c.id, a.id, a.id])
    assert await Ballot.get().values_list("choices", flat=True) == f"{a.id},{c.id}"


async def test_results_are_hidden_until_the_vote_closes(linli_bus, place):
    a, *_ = await _designs(place)
    await _vote(place, place.residents[1], [a.id])
    with pytest.raises(services.ResultsHidden):
        await services.results(place.project)
    await move_to(place.project, BUILD)
    assert (await services.results(place.project)).rows[0][1] == 1


async def test_a_tie_is_reported_not_broken(linli_bus, place):
    a, b, c = await _designs(place)
    await _vote(place, place.residents[0], [b.id])
    await _vote(place, place.residents[1], [a.id])
    await _vote(place, place.residents[2], [c.id])
    await move_to(place.project, BUILD)
    first = await services.results(place.project)
    again = await services.results(place.project)
    assert first.tie and {d.id for d in first.winners} == {a.id, b.id, c.id}
    assert [(d.id, n) for d, n in first.rows] == [(d.id, n) for d, n in again.rows]
    assert [d.id for d, _ in first.rows] == sorted([a.id, b.id, c.id])


async def test_each_ballot_is_shuffled_into_those_already_cast(linli_bus, place):
    """The new ballot swaps content with one cast before (here: a random source that
    always picks the first): the row written last holds an earlier voter's choices, so
    the rows' order is not the voters' order, and no choice is lost."""

    class First(random.Random):
        def randrange(self, stop):
            return 0

    project_id = place.project.id
    earlier = await Ballot.create(id=uuid.uuid4(), project_id=project_id, choices="7")
    own = await Ballot.create(id=uuid.uuid4(), project_id=project_id, choices="9")
    await services._shuffle_in(project_id, own, "9", First())
    assert (await Ballot.get(id=earlier.id)).choices == "9"
    assert (await Ballot.get(id=own.id)).choices == "7"


async def test_a_lone_first_ballot_keeps_its_place(linli_bus, place):
    a, *_ = await _designs(place)
    await _vote(place, place.residents[0], [a.id], rng=random.Random(1))
    assert await Ballot.all().values_list("choices", flat=True) == [str(a.id)]


@given(st.lists(st.lists(st.integers(1, 6), min_size=1, max_size=3), max_size=40))
def test_counting_ignores_the_order_of_the_ballots(ballots):
    texts = [",".join(str(i) for i in sorted(set(b))) for b in ballots]
    counted = services.count_ballots(texts, range(1, 7))
    assert counted == services.count_ballots(list(reversed(texts)), range(1, 7))
    assert counted == services.count_ballots(sorted(texts), [6, 5, 4, 3, 2, 1])
    assert sum(n for _, n in counted) == sum(len(set(b)) for b in ballots)
    votes = [n for _, n in counted]
    assert votes == sorted(votes, reverse=True)
    for (d1, n1), (d2, n2) in itertools.pairwise(counted):
        assert n1 > n2 or d1 < d2  # ties in design order


async def test_no_query_ties_a_voter_to_a_choice(linli_bus, place):
    a, b, _ = await _designs(place)
    await _vote(place, place.residents[0], [a.id])
    await _vote(place, place.residents[1], [b.id])
    ballots = await Ballot.all().values()
    for ballot in ballots:
        assert set(ballot) == {"id", "project_id", "choices"}
        assert ballot["id"].version == 4  # random, not sequential
    voters = await Voter.all().values()
    assert all(set(v) == {"id", "project_id", "person_id"} for v in voters)
