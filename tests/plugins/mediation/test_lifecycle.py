"""Acceptance 2: the lifecycle rules, the conflict-of-interest check, referral and
escalation, follow-ups and signatures; and the pages that drive them."""

import asyncio
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from linli.kit import AuditEntry, Escalation, Membership, Person, community_root, create_community
from linli.testing import count_queries, forget_pages, form_post, log_in, make_account
from linli_mediation import services
from linli_mediation.models import Assignment, Case, FollowUp, Session, Transition

pytestmark = pytest.mark.linli_plugins("mediation")

BASE = "/c/test/mediation"
SHANGHAI = ZoneInfo("Asia/Shanghai")


async def _actions(case):
    return [t.action for t in await Transition.filter(case_id=case.id).order_by("id")]


async def _everyone_signs(gate, case, day=date(2026, 5, 2)):
    for party in await case.parties.all():
        await services.record_signature(gate, party.id, day)


async def test_the_whole_path_from_intake_to_close(world):
    case = await world.open()
    assert case.status == "accepted" and case.number.endswith(f"{case.id:04d}")
    gate = await world.access(world.mediator_a, case)
    await services.apply(gate, "start")
    with pytest.raises(services.WrongState):
        await services.apply(gate, "close")
    await services.add_session(gate, held_on=date(2026, 5, 1), notes="第一次")
    await services.apply(gate, "agree", services.StepInput(facts="事实", terms="条款"))
    assert gate.case.follow_up_due == datetime.now(UTC).date() + timedelta(days=30)
    await _everyone_signs(gate, case)
    await services.apply(gate, "follow_up")
    with pytest.raises(services.MissingRecords) as refused:
        await services.apply(gate, "close")
    assert "follow-up visit" in refused.value.message
    await services.add_follow_up(gate, visited_on=date(2026, 6, 1), kept=True)
    await services.apply(gate, "close", services.StepInput(reason="协议已履行"))
    stored = await Case.get(id=case.id)
    assert stored.status == "closed" and stored.closed_at is not None
    assert stored.follow_up_due is None
    assert await _actions(case) == ["intake", "start", "agree", "follow_up", "close"]
    last = await Transition.filter(case_id=case.id).order_by("-id").first()
    assert last.reason == "协议已履行" and last.actor_id == world.mediator_a.id
    assert await AuditEntry.filter(action="mediation.case.close").count() == 1


async def test_a_case_cannot_close_without_a_session(world):
    case = await world.open()
    gate = await world.access(world.mediator_a, case)
    await services.apply(gate, "start")
    # an agreement without a session is possible (reached on the phone), closing is not
    await services.apply(gate, "agree", services.StepInput(facts="f", terms="t"))
    await services.add_follow_up(gate, visited_on=date(2026, 6, 1))
    await _everyone_signs(gate, case)
    await services.apply(gate, "follow_up")
    with pytest.raises(services.MissingRecords) as refused:
        await services.apply(gate, "close")
    assert "session" in refused.value.message
    assert (await Case.get(id=case.id)).status == "follow_up"
    assert await Session.filter(case_id=case.id).count() == 0


async def test_not_resolved_needs_a_reason_and_then_closes_after_follow_up(world):
    case = await world.open()
    gate = await world.access(world.mediator_a, case)
    await services.apply(gate, "start")
    await services.add_session(gate, held_on=date(2026, 5, 1))
    with pytest.raises(services.MediationError):
        await services.apply(gate, "not_resolved")
    await services.apply(gate, "not_resolved", services.StepInput(reason="分歧太大"))
    await services.apply(gate, "follow_up")
    await services.apply(gate, "close")  # no visit needed without an agreement
    assert (await Case.get(id=case.id)).outcome == "not_resolved"


async def test_referral_needs_a_target_and_a_reason_and_ends_the_case(world):
    case = await world.open(category="thrown")
    gate = await world.access(world.mediator_a, case)
    for bad in (services.StepInput(reason="x"), services.StepInput(target="police")):
        with pytest.raises(services.MediationError):
            await services.apply(gate, "refer", bad)
    await services.apply(gate, "refer", services.StepInput(target="police", reason="涉嫌违法"))
    stored = await Case.get(id=case.id)
    assert (stored.status, stored.referred_to, stored.outcome) == ("referred", "police", "referred")
    with pytest.raises(services.WrongState):
        await services.apply(gate, "start")
    with pytest.raises(services.WrongState):
        await services.add_session(gate, held_on=date(2026, 5, 1))


async def test_a_resident_requests_and_the_supervisor_assigns(world):
    actor = await world.actor(world.zhang_account)
    case = await services.request_mediation(
        world.community, actor, summary="楼上噪音", category="noise", other_name="楼上住户"
    )
    assert case.status == "requested" and case.node_id == world.group10.id
    gate = await world.access(world.zhang_account, case)
    assert gate.party is not None and not gate.staff
    with pytest.raises(services.CaseNotFound):
        await world.access(world.mediator_b, case)
    boss = await world.access(world.supervisor, case)
    await services.assign(boss, world.mediator_b)
    gate_b = await world.access(world.mediator_b, case)
    await services.apply(gate_b, "accept")
    assert await _actions(case) == ["request", "accept"]
    with pytest.raises(services.MediationError):
        await services.assign(boss, world.mediator_b)  # twice


async def test_a_worker_takes_a_case_in_for_a_mediator_and_then_does_not_see_it(world):
    actor = await world.actor(world.worker)
    case = await services.open_case(
        world.community, actor, summary="停车纠纷", category="parking", place=world.flat11,
        parties=[services.PartyInput(person=world.wang), services.PartyInput(name="外来车主",
                 contact="13800000000", side="respondent")],
        mediator=world.mediator_b,
    )  # fmt: skip
    assert await Assignment.exists(case_id=case.id, account_id=world.mediator_b.id)
    with pytest.raises(services.CaseNotFound):
        await world.access(world.worker, case)
    # no mediator named and not one themselves: refused
    with pytest.raises(services.MediationError):
        await services.open_case(
            world.community, actor, summary="x", category="noise",
            parties=[services.PartyInput(name="甲"), services.PartyInput(name="乙")],
        )  # fmt: skip


async def test_bad_intake_input_is_refused(world):
    for bad in (
        {"summary": "  "},
        {"category": "gossip"},
        {"urgency": "yesterday"},
        {"parties": [services.PartyInput(person=world.zhang)]},
        {
            "parties": [
                services.PartyInput(person=world.zhang),
                services.PartyInput(person=world.zhang),
            ]
        },
    ):
        with pytest.raises(services.MediationError):
            await world.open(**bad)
    assert await Case.all().count() == 0


async def test_the_conflict_check_flags_party_household_and_open_case(world):
    case = await world.open()  # Zhang and Li
    # a mediator who is a party
    chen = await Person.create(community=world.community, name="陈老师")
    chen_mediator = await make_account(
        "cm", world.community, ("mediator", world.studio_a.node), person=chen
    )
    chen_case = await world.open(
        parties=[
            services.PartyInput(person=chen),
            services.PartyInput(name="楼下", side="respondent"),
        ]
    )
    # a mediator who lives with Li
    spouse = await Person.create(community=world.community, name="李太太")
    li_home = await Membership.get(person_id=world.li.id)
    await Membership.create(
        household_id=li_home.household_id, person=spouse, started_on=date(2020, 1, 1)
    )
    spouse_mediator = await make_account(
        "sm", world.community, ("mediator", world.studio_a.node), person=spouse
    )
    # a mediator with an open case against Zhang
    feud = await Person.create(community=world.community, name="赵先生")
    feud_mediator = await make_account(
        "fm", world.community, ("mediator", world.studio_b.node), person=feud
    )
    await world.open(
        summary="旧案",
        parties=[
            services.PartyInput(person=feud),
            services.PartyInput(person=world.zhang, side="respondent"),
        ],
    )
    assert await services.conflicts_of(chen_case, chen_mediator) == ["party"]
    assert await services.conflicts_of(case, chen_mediator) == []
    assert await services.conflicts_of(case, spouse_mediator) == ["household"]
    assert await services.conflicts_of(case, feud_mediator) == ["open_case"]
    assert await services.conflicts_of(case, world.mediator_b) == []

    boss = await world.access(world.supervisor, case)
    flagged = await services.assign(boss, feud_mediator)
    assert flagged.conflict == "open_case" and not flagged.effective
    with pytest.raises(services.CaseNotFound):  # kept out until cleared
        await world.access(feud_mediator, case)
    mediator_gate = await world.access(world.mediator_a, case)
    with pytest.raises(services.NotAllowed):  # only a supervisor clears
        await services.clear_conflict(mediator_gate, flagged.id, "熟人")
    with pytest.raises(services.MediationError):  # with a reason
        await services.clear_conflict(boss, flagged.id, "  ")
    cleared = await services.clear_conflict(boss, flagged.id, "旧案已调解完毕,双方无私怨")
    assert cleared.effective and cleared.cleared_by_id == world.supervisor.id
    assert (await world.access(feud_mediator, case)).mediator
    with pytest.raises(services.MediationError):
        await services.clear_conflict(boss, flagged.id, "again")


async def test_escalation_goes_group_branch_committee(world):
    case = await world.open()
    assert case.node_id == world.group10.id
    branch_boss = await make_account(
        "branch", world.community, ("mediation_supervisor", world.branch)
    )
    group_boss = await make_account(
        "group", world.community, ("mediation_supervisor", world.group10)
    )
    gate = await world.access(group_boss, case)
    # the assigned mediator holds matters.escalate only at the studio: refused, nothing moved
    with pytest.raises(services.MediationError) as refused:
        await services.escalate_case(await world.access(world.mediator_a, case), "太难了")
    assert refused.value.message == "You may not escalate cases here."
    with pytest.raises(services.MediationError):
        await services.escalate_case(gate, "  ")
    assert await services.escalate_case(gate, "涉及整栋楼") == world.branch
    # the group-level supervisor lost sight of it; the mediator keeps it
    with pytest.raises(services.CaseNotFound):
        await world.access(group_boss, case)
    assert (await world.access(world.mediator_a, case)).mediator
    up = await services.escalate_case(await world.access(branch_boss, case), "涉及整个小区")
    assert up == world.committee
    with pytest.raises(services.MediationError) as top:
        await services.escalate_case(await world.access(world.supervisor, case), "更高")
    assert top.value.message == "The case is already at the top level."
    steps = await Escalation.filter(matter_type="mediation.Case", matter_id=str(case.id))
    assert [(s.from_node_id, s.to_node_id) for s in steps] == [
        (world.group10.id, world.branch.id),
        (world.branch.id, world.committee.id),
    ]
    stored = await Case.get(id=case.id)
    assert stored.escalations == 2 and stored.status == "accepted"
    assert await _actions(case) == ["intake", "escalate", "escalate"]


async def test_signatures_once_per_party(world):
    case = await world.open()
    gate = await world.access(world.mediator_a, case)
    party = (await case.parties.all())[0]
    with pytest.raises(services.WrongState):  # no agreement yet
        await services.record_signature(gate, party.id, date(2026, 5, 1))
    await services.apply(gate, "start")
    await services.apply(gate, "agree", services.StepInput(facts="f", terms="t"))
    await services.record_signature(gate, party.id, date(2026, 5, 1))
    with pytest.raises(services.MediationError):
        await services.record_signature(gate, party.id, date(2026, 5, 2))
    with pytest.raises(services.MediationError):
        await services.record_signature(gate, 987654, date(2026, 5, 2))


async def test_two_mediators_clicking_at_once_apply_a_step_once(world):
    case = await world.open()
    boss_gate = await world.access(world.supervisor, case)
    await services.assign(boss_gate, world.mediator_b)
    gates = [await world.access(m, case) for m in (world.mediator_a, world.mediator_b)]
    results = await asyncio.gather(
        *(services.apply(g, "start") for g in gates), return_exceptions=True
    )
    # the second click hears "already done", not an error
    assert sorted(type(r).__name__ for r in results) == ["AlreadyDone", "Case"]
    assert await _actions(case) == ["intake", "start"]


async def test_the_dashboard_shows_overdue_follow_ups_and_late_cases(world):
    old = await world.open(now=datetime.now(UTC) - timedelta(days=60))
    gate = await world.access(world.mediator_a, old)
    await services.apply(gate, "start", now=datetime.now(UTC) - timedelta(days=50))
    await services.apply(
        gate, "agree", services.StepInput(facts="f", terms="t"),
        now=datetime.now(UTC) - timedelta(days=40),
    )  # fmt: skip
    late = await world.open(now=datetime.now(UTC) - timedelta(days=45), summary="拖了很久")
    await world.open(summary="新案")
    today = datetime.now(SHANGHAI).date()
    board = await services.dashboard(
        await world.actor(world.mediator_a), world.community, today=today, zone=SHANGHAI
    )
    assert [c.id for c in board.overdue_follow_ups] == [old.id]
    assert [c.id for c in board.past_limit] == [late.id]
    assert board.open_count == 3
    assert (
        await services.dashboard(
            await world.actor(world.mediator_b), world.community, today=today, zone=SHANGHAI
        )
        is None
    )
    await services.add_follow_up(gate, visited_on=today)
    board = await services.dashboard(
        await world.actor(world.mediator_a), world.community, today=today, zone=SHANGHAI
    )
    assert board.overdue_count == 0


async def test_figures_are_counts_with_small_cells_suppressed(world):
    for n in range(4):
        await world.open(summary=f"噪音{n}", category="noise")
    await world.open(category="pets")
    data = await services.figures(world.community, datetime.now(SHANGHAI).year, zone=SHANGHAI)
    by_category = dict(data.by_category)
    assert by_category["noise"] == "4" and by_category["pets"] == "<3"
    assert by_category["leak"] == "0" and data.total == 5
    assert data.resolved_share is None  # fewer than 3 decided cases


# ----------------------------------------------------------------------------- pages


async def test_a_mediator_drives_a_case_through_the_pages(linli_client, world):
    await log_in(linli_client, "lian")
    form = await linli_client.get(f"{BASE}/new")
    assert form.status_code == 200
    done = await form_post(linli_client, f"{BASE}/new", {
        "summary": "狗在楼道便溺", "category": "pets", "urgency": "normal",
        "party_1": f"#{world.zhang.id}", "party_2": "外卖小哥", "contact_2": "13900000000",
        "place": str(world.flat10.id), "studio": str(world.studio_a.id),
    })  # fmt: skip
    assert done.status_code == 200 and "狗在楼道便溺" in done.text
    case = await Case.get(summary="狗在楼道便溺")
    url = f"{BASE}/cases/{case.id}"
    assert (await form_post(linli_client, f"{url}/step", {"action": "start"})).status_code == 200
    session = await form_post(
        linli_client, f"{url}/sessions", {"held_on": "2026-05-02", "notes": "谈了"}
    )
    assert session.status_code == 200
    bad_date = await form_post(linli_client, f"{url}/sessions", {"held_on": "明天"})
    assert bad_date.status_code == 400
    wrong = await form_post(linli_client, f"{url}/step", {"action": "close"})
    assert wrong.status_code == 409
    unknown = await form_post(linli_client, f"{url}/step", {"action": "explode"})
    assert unknown.status_code == 400
    agreed = await form_post(linli_client, f"{url}/step", {
        "action": "agree", "facts": "狗在楼道便溺", "terms": "牵绳并清理", "deadline": "2026-06-01",
    })  # fmt: skip
    assert agreed.status_code == 200 and "牵绳并清理" in agreed.text
    assert (await Case.get(id=case.id)).status == "agreement"
    assert await Session.filter(case_id=case.id).count() == 1
    visit = await form_post(
        linli_client, f"{url}/follow-ups", {"visited_on": "2026-06-02", "kept": "yes"}
    )
    assert visit.status_code == 200
    assert await FollowUp.filter(case_id=case.id).count() == 1


async def test_the_same_request_form_sent_twice_opens_one_case(linli_client, world):
    import re

    await log_in(linli_client, "wang")
    page = await linli_client.get(f"{BASE}/request")
    key = re.search(r'name="request_key" value="([^"]+)"', page.text).group(1)
    form = {"request_key": key, "summary": "楼上漏水", "category": "leak"}
    first = await form_post(linli_client, f"{BASE}/request", form)
    again = await form_post(linli_client, f"{BASE}/request", form)
    # the second sending (a double click) shows the case it opened, and says so
    assert first.status_code == 200 and again.status_code == 200
    assert "申请已经提交过了" in again.text and "楼上漏水" in again.text
    assert str(again.url).endswith(f"/cases/{(await Case.get()).id}")
    assert await Case.all().count() == 1
    actor = await world.actor(world.wang_account)
    racing = await asyncio.gather(
        *(
            services.request_mediation(
                world.community, actor, summary="同时", category="noise", key="same-key"
            )
            for _ in range(3)
        ),
        return_exceptions=True,
    )
    assert sorted(type(r).__name__ for r in racing) == ["Case", "Duplicate", "Duplicate"]
    assert await Case.filter(summary="同时").count() == 1


async def test_forged_ids_in_the_intake_form_are_refused(linli_client, world, linli_registry):
    other = await create_community("other", "别的社区", linli_registry)
    foreign_place = await community_root(other)
    await log_in(linli_client, "lian")
    form = {"summary": "x", "category": "noise", "party_1": "甲", "party_2": "乙"}
    for forged in (
        {"place": str(foreign_place.id)},
        {"place": "abc"},
        {"studio": "987654"},
        {"party_1": "#987654"},
        {"party_1": "#abc"},
        {"mediator": "nobody"},
        {"mediator": "worker"},  # an account, not a mediator
    ):
        response = await form_post(linli_client, f"{BASE}/new", form | forged)
        assert response.status_code == 400, forged
    assert await Case.all().count() == 0


async def test_a_resident_asks_for_mediation_through_the_page(linli_client, world):
    await log_in(linli_client, "wang")
    assert (await linli_client.get(f"{BASE}/request")).status_code == 200
    missing = await form_post(linli_client, f"{BASE}/request", {"summary": "", "category": "noise"})
    assert missing.status_code == 400
    done = await form_post(linli_client, f"{BASE}/request", {
        "summary": "楼上半夜拖椅子", "category": "noise", "other_name": "楼上",
    })  # fmt: skip
    assert done.status_code == 200 and "楼上半夜拖椅子" in done.text
    assert (await Case.get(summary="楼上半夜拖椅子")).status == "requested"


async def test_the_widget_shows_a_mediator_their_cases_only(linli_client, world):
    old = await world.open(now=datetime.now(UTC) - timedelta(days=45))
    anonymous = await linli_client.get(f"{BASE}/widget")
    assert anonymous.status_code == 200 and old.number not in anonymous.text
    await log_in(linli_client, "fan")
    assert old.number not in (await linli_client.get(f"{BASE}/widget")).text
    await log_in(linli_client, "lian")
    assert old.number in (await linli_client.get(f"{BASE}/widget")).text
    home = await linli_client.get("/c/test/")
    assert f"{BASE}/widget" in home.text


async def test_the_figures_page_is_for_the_committee(linli_client, world):
    await world.open()
    await log_in(linli_client, "lian")
    assert (await linli_client.get(f"{BASE}/figures")).status_code == 403
    await make_account("secretary", world.community, "committee_secretary")
    await log_in(linli_client, "secretary")
    page = await linli_client.get(f"{BASE}/figures")
    assert page.status_code == 200
    assert "楼上漏水到楼下" not in page.text and "张阿姨" not in page.text
    assert (await linli_client.get(f"{BASE}/figures?year=1")).status_code == 400


async def test_the_case_page_makes_a_constant_number_of_queries(linli_client, world):
    case = await world.open()
    gate = await world.access(world.mediator_a, case)
    await services.apply(gate, "start")
    await log_in(linli_client, "lian")
    url = f"{BASE}/cases/{case.id}"
    await linli_client.get(url)
    forget_pages(linli_client)
    with count_queries() as few:
        await linli_client.get(url)
    for n in range(15):
        await services.add_session(gate, held_on=date(2026, 5, 1 + n), notes=f"第{n}次")
    with count_queries() as many:
        page = await linli_client.get(url)
    assert "第14次" in page.text
    assert len(many) == len(few)
