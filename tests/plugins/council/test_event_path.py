"""Acceptance 2: council → codesign → council through domain events only. Both plugins
are loaded; neither imports the other (tests/core/test_architecture.py checks that)."""

import pytest

from linli_council import services
from linli_council.models import DISCUSSED, IN_ACTION, SCHEDULED, TimelineEntry, Topic
from linli_council.testing import make_need, make_topic

pytestmark = pytest.mark.linli_plugins("council", "codesign")


async def test_a_decided_project_comes_back_on_the_topics_timeline(council, linli_bus):
    worker = await council.actor(council.worker)
    need = await make_need(
        council.community, council.resident, "狗粪没人清理", category="pets", by=council.worker
    )
    topic = await make_topic(
        council.community, [need], title="文明养犬", category="pets", node=council.group,
        place=council.b10, by=council.worker,
    )  # fmt: skip
    await services.move_topic(topic, SCHEDULED, actor=worker)
    await services.move_topic(topic, DISCUSSED, actor=worker)
    await services.decide(topic, "开展文明养犬共建项目", actor=worker, start_project=True)
    # council.project_requested → codesign creates the project and emits
    # codesign.project_created → the council notes it on the topic's timeline
    for _ in range(3):
        await linli_bus.dispatch_due()
    entries = await TimelineEntry.filter(topic_id=topic.id, kind="project_started")
    assert len(entries) == 1
    assert entries[0].link.startswith("/c/test/codesign/")
    assert (await Topic.get(id=topic.id)).state == IN_ACTION
    for _ in range(2):  # nothing more happens on later rounds
        await linli_bus.dispatch_due()
    assert await TimelineEntry.filter(topic_id=topic.id, kind="project_started").count() == 1


def test_the_councils_view_of_project_created_fits_what_codesign_emits(linli_registry):
    """The contract of the council's one subscription, checked against codesign's
    declared payload: a changed or removed field the council reads fails here."""
    assert "codesign.project_created" in linli_registry.event_types()
    subscriptions = [h for name, h in linli_registry.event_handlers() if name == "council"]
    assert [(h.event, h.version, h.name) for h in subscriptions] == [
        ("codesign.project_created", 1, "note_project")
    ]
    assert [p for p in linli_registry.subscription_problems() if p[0] == "council"] == []
