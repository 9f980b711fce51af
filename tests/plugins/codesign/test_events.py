"""Acceptance 2: the event path council → codesign, with both plugins loaded and
neither importing the other: the contract of the subscription, and what it does. (That
the street bank credits confirmed hours is in ``tests/integration``.)"""

import pytest
from tortoise.transactions import in_transaction

from linli.kit import ServiceVerified, emit
from linli.testing import emitted_events, log_in
from linli_codesign.events import ProjectCreated
from linli_codesign.models import Project

from .conftest import make_site


def _request(topic, place_id, title="一楼架空层改造"):
    return {
        "topic": topic,
        "title": title,
        "place": place_id,
        "summary": "议事会决定：和居民一起设计10栋架空层。",
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
            await emit(
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
        await emit("council.project_requested", _request(7, 999_999), community=linli_community)
    assert await linli_bus.dispatch_due() == 1
    assert (await Project.get(topic_id=7)).place_id == place.root.id


@pytest.mark.linli_plugins("codesign", "council")
def test_codesign_and_the_council_read_what_the_other_sends(linli_registry):
    """The contracts, both ways: the council's ``council.project_requested`` decodes
    into codesign's own view of it, and ``codesign.project_created`` into the
    council's, at the versions they name."""
    subscribed = {
        (plugin, handler.event, handler.version)
        for plugin, handler in linli_registry.collect("linli_event_handlers")
    }
    assert ("codesign", "council.project_requested", 1) in subscribed
    assert ("council", "codesign.project_created", 1) in subscribed
    problems = [
        (plugin, handler.name, why)
        for plugin, handler, why in linli_registry.subscription_problems()
        if plugin == "codesign" or handler.event.startswith("codesign.")
    ]
    assert problems == []


@pytest.mark.linli_plugins("codesign")
def test_codesign_declares_the_event_it_emits_and_not_the_shared_one(linli_registry):
    declared = linli_registry.event_types()
    assert declared["codesign.project_created"] is ProjectCreated
    assert declared["service.verified"] is ServiceVerified  # the core's
