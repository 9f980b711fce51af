"""Acceptance 2: the event paths council → codesign and codesign → street bank, with
both plugins loaded and neither importing the other (only this test imports both)."""

import pytest
from tortoise.transactions import in_transaction

import linli
from linli.testing import emitted_events, log_in
from linli_codesign import services
from linli_codesign.models import BUILD, Project
from linli_codesign.testing import move_to

from .conftest import DAY, make_site


def _request(topic, place_id, title="一楼架空层改造"):
    return {
        "topic": topic,
        "title": title,
        "place": place_id,
        "summary": "议事会决定:和居民一起设计10栋架空层。",
        "topic_url": f"/c/test/council/topics/{topic}",
    }


@pytest.mark.linli_plugins("codesign", "council")
async def test_a_council_decision_creates_one_linked_project(
    linli_bus, linli_community, linli_client
):
    place = await make_site(linli_community)
    await linli_bus.dispatch_due()  # the fixture's own project_created
    for _ in range(2):  # the same topic asked twice: one project
        async with in_transaction():
            await linli.emit(
                "council.project_requested", _request(41, place.b10.id), community=linli_community
            )
    assert await linli_bus.dispatch_due() == 2
    project = await Project.get(topic_id=41)
    assert await Project.filter(topic_id=41).count() == 1
    assert (project.place_id, project.title) == (place.b10.id, "一楼架空层改造")
    assert project.topic_url == "/c/test/council/topics/41" and project.stage == "ideas"
    announced = [p for _, p in await emitted_events("codesign.project_created")]
    assert {"project": project.id, "topic": 41, "title": "一楼架空层改造",
            "url": f"/c/test/codesign/projects/{project.id}"} in announced  # fmt: skip

    await log_in(linli_client, "worker")
    page = await linli_client.get(f"/c/test/codesign/projects/{project.id}")
    assert page.status_code == 200
    assert 'href="/c/test/council/topics/41"' in page.text


@pytest.mark.linli_plugins("codesign", "council")
async def test_a_request_for_an_unknown_place_falls_back_to_the_community(
    linli_bus, linli_community
):
    place = await make_site(linli_community)
    await linli_bus.dispatch_due()
    async with in_transaction():
        await linli.emit(
            "council.project_requested", _request(7, 999_999), community=linli_community
        )
    assert await linli_bus.dispatch_due() == 1
    assert (await Project.get(topic_id=7)).place_id == place.root.id


@pytest.mark.linli_plugins("codesign", "streetbank")
async def test_confirmed_hours_earn_street_bank_points_once(linli_bus, linli_community):
    from linli_streetbank import services as bank

    await bank.save_category(linli_community, key="clean-up", name="环境整治", rate=5)
    place = await make_site(linli_community)
    await move_to(place.project, BUILD)
    painter = place.residents[0]
    offered = await services.offer_contribution(
        place.project, person_id=painter.id, kind="time", hours="4", description="手绘壁画",
        on=DAY,
    )  # fmt: skip
    await services.decide_contribution(
        offered, place.project, confirm=True, actor=await place.worker_actor()
    )
    assert await linli_bus.dispatch_due() >= 1
    assert await bank.balance_of(painter) == 20
    # Delivered again (a retry, a second worker): credited once.
    async with in_transaction():
        await linli.emit(
            "service.verified",
            {"person": painter.id, "hours": 4.0, "category": "clean-up", "source": "codesign",
             "reference": f"codesign-contribution-{offered.id}"},
            community=linli_community,
        )  # fmt: skip
    await linli_bus.dispatch_due()
    assert await bank.balance_of(painter) == 20
