"""Acceptance 1: the stages' rules, eligibility by place and age, support once,
moderation that hides with a reason, contributions and the survey."""

from datetime import date

import pytest

from linli.kit import AuditEntry, Membership
from linli.testing import emitted_events
from linli_codesign import services
from linli_codesign.models import (
    BUILD,
    CLOSED,
    CONFIRMED,
    DESIGN,
    EVALUATE,
    IDEAS,
    STAGES,
    VOTE,
    Ballot,
    Comment,
    Contribution,
    Project,
    Proposal,
    Support,
    SurveyAnswer,
    Voter,
)
from linli_codesign.testing import move_to

from .conftest import DAY, make_participant

pytestmark = pytest.mark.linli_plugins("codesign")


async def _idea(place, i=0, title="放几张旧桌椅"):
    return await services.submit_proposal(
        place.project, person_id=place.residents[i].id, title=title, body="", on=DAY
    )


async def test_stages_advance_in_order_one_step_at_a_time(linli_bus, place):
    actor = await place.worker_actor()
    project = place.project
    assert project.stage == IDEAS
    await services.advance(project, actor=actor, on=date(2026, 6, 10))
    assert (await Project.get(id=project.id)).stage == DESIGN
    with pytest.raises(services.CodesignError, match="at least one design"):
        await services.advance(project, actor=actor, on=date(2026, 6, 20))
    await services.submit_proposal(
        project, person_id=place.residents[0].id, title="方案一", body="", on=DAY
    )
    for stage in (VOTE, BUILD, EVALUATE, CLOSED):
        await services.advance(project, actor=actor, on=date(2026, 7, 1))
        saved = await Project.get(id=project.id)
        assert saved.stage == stage and getattr(saved, f"{stage}_on") == date(2026, 7, 1)
    with pytest.raises(services.CodesignError, match="already finished"):
        await services.advance(project, actor=actor, on=date(2026, 7, 2))
    assert await AuditEntry.filter(action="codesign.project.advance").count() == 5


async def test_a_stale_advance_moves_the_project_once(linli_bus, place):
    actor = await place.worker_actor()
    stale = await Project.get(id=place.project.id)
    await services.advance(place.project, actor=actor, on=DAY)
    with pytest.raises(services.CodesignError, match="already moved on"):
        await services.advance(stale, actor=actor, on=DAY)
    assert (await Project.get(id=place.project.id)).stage == DESIGN


async def test_dates_must_follow_each_other(linli_bus, place):
    with pytest.raises(services.CodesignError, match="in order"):
        await services.create_project(
            place.community, title="x", place=place.b10,
            dates={"ideas": date(2026, 5, 1), "vote": date(2026, 4, 1)},
        )  # fmt: skip
    assert await Project.all().count() == 1


async def _counts():
    return (
        await Proposal.all().count(), await Ballot.all().count(),
        await Contribution.all().count(), await SurveyAnswer.all().count(),
    )  # fmt: skip


async def test_what_residents_may_do_depends_on_the_stage(linli_bus, place):
    design = await services.submit_proposal(
        place.project, person_id=place.residents[1].id, title="方案", body="", on=DAY
    )
    await Proposal.filter(id=design.id).update(kind="design")
    me = place.residents[0].id
    attempts = {
        "proposal": lambda: services.submit_proposal(
            place.project, person_id=me, title="t", body="", on=DAY
        ),
        "ballot": lambda: services.cast_ballot(
            place.project, person_id=me, choices=[design.id], on=DAY
        ),
        "contribution": lambda: services.offer_contribution(
            place.project, person_id=me, kind="time", hours="2", description="刷墙", on=DAY
        ),
        "survey": lambda: services.answer_survey(
            place.project, person_id=me, score=5, comment="", on=DAY
        ),
    }
    allowed = {
        IDEAS: "proposal", DESIGN: "proposal", VOTE: "ballot", BUILD: "contribution",
        EVALUATE: "survey", CLOSED: None,
    }  # fmt: skip
    for stage, expected in allowed.items():
        await move_to(place.project, stage)
        for name, attempt in attempts.items():
            if name == expected:
                done = await attempt()
                if name == "proposal":
                    assert done.kind == {IDEAS: "idea", DESIGN: "design"}[stage]
                continue
            before = await _counts()
            with pytest.raises(services.WrongStage) as refused:
                await attempt()
            assert refused.value.status == 409
            assert await _counts() == before, (stage, name)


async def test_only_residents_of_the_place_take_part(linli_bus, place):
    with pytest.raises(services.NotEligible) as refused:
        await services.submit_proposal(
            place.project, person_id=place.outsider.id, title="t", body="", on=DAY
        )
    assert refused.value.values["place"] == "10栋"
    with pytest.raises(services.NotEligible):
        await services.submit_proposal(place.project, person_id=None, title="t", body="", on=DAY)
    # Moving out ends the membership: no longer eligible.
    await Membership.filter(person_id=place.residents[0].id).update(ended_on=date(2026, 1, 1))
    with pytest.raises(services.NotEligible):
        await _idea(place, 0)
    assert await _idea(place, 1)
    assert await Proposal.all().count() == 1


async def test_a_project_for_the_community_includes_every_building(linli_bus, place):
    project = await services.create_project(place.community, title="文明养犬", place=None)
    assert project.place_id == place.root.id
    assert await services.submit_proposal(
        project, person_id=place.outsider.id, title="拴绳", body="", on=DAY
    )


async def test_minimum_age(linli_bus, place):
    await Project.filter(id=place.project.id).update(min_age=16)
    place.project.min_age = 16
    child, _ = await make_participant(place.community, place.b10, "小明", born=date(2012, 6, 2))
    with pytest.raises(services.NotEligible, match="16"):
        await services.submit_proposal(
            place.project, person_id=child.id, title="t", body="", on=date(2028, 6, 1)
        )
    assert await services.submit_proposal(
        place.project, person_id=child.id, title="t", body="", on=date(2028, 6, 2)
    )


async def test_support_counts_once_per_resident(linli_bus, place):
    idea = await _idea(place)
    project = place.project
    assert await services.support(idea, project, person_id=place.residents[1].id, on=DAY)
    assert not await services.support(idea, project, person_id=place.residents[1].id, on=DAY)
    with pytest.raises(services.NotEligible):
        await services.support(idea, project, person_id=place.outsider.id, on=DAY)
    assert await Support.filter(proposal_id=idea.id).count() == 1


async def test_hiding_a_comment_keeps_it_with_the_reason(linli_bus, place):
    idea = await _idea(place)
    comment = await services.add_comment(
        idea, place.project, person_id=place.residents[1].id, body="广告:低价装修", on=DAY
    )
    actor = await place.worker_actor()
    with pytest.raises(services.CodesignError, match="reason"):
        await services.hide_comment(comment, reason="  ", actor=actor)
    await services.hide_comment(comment, reason="广告", actor=actor)
    saved = await Comment.get(id=comment.id)
    assert saved.body == "广告:低价装修" and saved.hidden_reason == "广告"
    assert saved.hidden_by_id == place.worker.id
    with pytest.raises(services.CodesignError, match="already hidden"):
        await services.hide_comment(saved, reason="again", actor=actor)
    entry = await AuditEntry.get(action="codesign.comment.hide")
    assert entry.after == {"reason": "广告"}


async def test_a_design_cannot_be_hidden_once_the_vote_opened(linli_bus, place):
    await move_to(place.project, DESIGN)
    design = await _idea(place, title="方案一")
    await move_to(place.project, VOTE)
    with pytest.raises(services.CodesignError, match="vote has opened"):
        await services.hide_proposal(
            design, place.project, reason="x", actor=await place.worker_actor()
        )
    assert not (await Proposal.get(id=design.id)).hidden


async def test_confirming_time_emits_the_street_bank_event_once(linli_bus, place):
    await move_to(place.project, BUILD)
    offered = await services.offer_contribution(
        place.project, person_id=place.residents[0].id, kind="time", hours="3.5",
        description="手绘壁画", on=DAY,
    )  # fmt: skip
    item = await services.offer_contribution(
        place.project, person_id=place.residents[1].id, kind="item", hours="",
        description="旧书桌", on=DAY,
    )  # fmt: skip
    actor = await place.worker_actor()
    await services.decide_contribution(offered, place.project, confirm=True, actor=actor)
    await services.decide_contribution(item, place.project, confirm=True, actor=actor)
    with pytest.raises(services.CodesignError, match="already decided"):
        await services.decide_contribution(offered, place.project, confirm=True, actor=actor)
    events = await emitted_events("service.verified")
    assert events == [
        (
            "service.verified",
            {"person": place.residents[0].id, "source": "codesign",
             "reference": f"codesign-contribution-{offered.id}", "category": "clean-up",
             "hours": 3.5, "tasks": 1, "note": ""},
        )
    ]  # fmt: skip
    assert await Contribution.filter(status=CONFIRMED).count() == 2


async def test_bad_hours_are_refused(linli_bus, place):
    await move_to(place.project, BUILD)
    for hours in ["0", "-1", "abc", "25", "NaN", ""]:
        with pytest.raises(services.CodesignError, match="hours"):
            await services.offer_contribution(
                place.project, person_id=place.residents[0].id, kind="time", hours=hours,
                description="x", on=DAY,
            )  # fmt: skip
    assert await Contribution.all().count() == 0


async def test_a_worker_may_not_confirm_their_own_time(linli_bus, place):
    await move_to(place.project, BUILD)
    worker_person = await place.worker.person
    home = await Membership.get(person_id=place.residents[0].id)
    await Membership.create(household_id=home.household_id, person=worker_person, started_on=DAY)
    mine = await services.offer_contribution(
        place.project, person_id=worker_person.id, kind="time", hours="2", description="x",
        on=DAY,
    )  # fmt: skip
    with pytest.raises(services.NotAllowed):
        await services.decide_contribution(
            mine, place.project, confirm=True, actor=await place.worker_actor()
        )
    assert (await Contribution.get(id=mine.id)).status == "offered"
    assert await emitted_events("service.verified") == []


async def test_the_survey_takes_one_answer_per_resident(linli_bus, place):
    await move_to(place.project, EVALUATE)
    for i, score in enumerate((5, 4, 2)):
        await services.answer_survey(
            place.project, person_id=place.residents[i].id, score=score, comment="", on=DAY
        )
    with pytest.raises(services.AlreadyAnswered):
        await services.answer_survey(
            place.project, person_id=place.residents[0].id, score=1, comment="", on=DAY
        )
    with pytest.raises(services.CodesignError, match="1 to 5"):
        await services.answer_survey(
            place.project, person_id=place.residents[0].id, score=6, comment="", on=DAY
        )
    loaded = await services.project_with_figures(place.community.id, place.project.id, None)
    assert (loaded.n_answers, loaded.n_satisfied) == (3, 2)
    assert services.satisfaction(loaded.n_answers, loaded.n_satisfied) == 67
    assert services.satisfaction(0, 0) is None


async def test_every_created_project_is_announced(linli_bus, place):
    events = await emitted_events("codesign.project_created")
    assert events == [
        (
            "codesign.project_created",
            {"project": place.project.id, "topic": None, "title": "10栋法治架空层",
             "url": f"/c/test/codesign/projects/{place.project.id}"},
        )
    ]  # fmt: skip


def test_the_stages_are_the_issue_s_five_and_a_finish():
    assert STAGES == ("ideas", "design", "vote", "build", "evaluate", "closed")


async def test_voters_and_ballots_share_no_column_but_the_project(linli_db):
    voter_columns = set(Voter._meta.db_fields)
    ballot_columns = set(Ballot._meta.db_fields)
    assert voter_columns & ballot_columns == {"id", "project_id"}
    assert not any("time" in c or "_at" in c or "person" in c for c in ballot_columns)
    assert not any("_at" in c or "ballot" in c for c in voter_columns)


async def test_a_topic_link_is_kept_only_when_it_is_a_web_link(linli_bus, place):
    payload = services.ProjectRequested(topic=5, title="t", topic_url="javascript:alert(1)")
    project = await services.project_from_topic(place.community.id, payload)
    assert project.topic_url == "" and project.topic_id == 5
    assert services.safe_link("/c/test/council/topics/5") == "/c/test/council/topics/5"
