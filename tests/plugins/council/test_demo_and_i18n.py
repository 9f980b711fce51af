"""The demo year of the council, who may take part, and the Chinese catalogue."""

import time
from datetime import date
from pathlib import Path

import pytest

import linli_council
from linli.kit import Account, Community, Person
from linli.testing import (
    emitted_events,
    form_post,
    log_in,
    make_account,
    missing_translations,
    placeholder_mismatches,
)
from linli_council import services
from linli_council.demo import seed
from linli_council.models import (
    NOT_FEASIBLE,
    RESOLVED,
    Attendee,
    Meeting,
    Need,
    NeedSupport,
    Topic,
)

PACKAGE = Path(linli_council.__file__).parent


@pytest.mark.linli_plugins("council")
async def test_the_demo_is_a_year_of_council_history(linli_community, linli_bus):
    started = time.monotonic()
    lines = await seed(linli_community)
    assert time.monotonic() - started < 20
    assert any("council_member / linli-demo" in line for line in lines)
    assert await Account.exists(username="council_member")
    assert await Need.filter(community=linli_community).count() >= 100
    meetings = await Meeting.filter(community=linli_community).count()
    assert meetings == 12
    assert await Attendee.filter(kind="guest", note__contains="律师").count() == 1
    topics = await Topic.filter(community=linli_community).count()
    resolved = await Topic.filter(community=linli_community, state=RESOLVED).count()
    assert resolved / topics == 0.8
    closed = await Topic.get(community=linli_community, state=NOT_FEASIBLE)
    assert closed.closed_reason
    # the counts cached on needs match their supporters
    for need in await Need.filter(community=linli_community).limit(20):
        assert need.support_count == await NeedSupport.filter(need_id=need.id).count()
    events = await emitted_events("council.project_requested")
    assert len(events) == 1 and events[0][1]["title"] == "文明养犬共建项目"
    figures = await services.figures(linli_community, date.today().year, today=date.today())
    assert figures.total > 0 and figures.overdue
    # seeding again adds nothing
    await seed(linli_community)
    assert await Topic.filter(community=linli_community).count() == topics


@pytest.mark.linli_plugins("council")
async def test_only_residents_and_participants_take_part(client, council):
    other = await Community.create(slug="other", name="别处")
    stranger = await Person.create(community=other, name="外人")
    await make_account("stranger", other, person=stranger)
    await make_account("nobody", council.community)
    # neither has a person or a grant here: the community's pages are not theirs (404)
    for username in ("stranger", "nobody"):
        await log_in(client, username)
        assert (await client.get("/c/test/council/needs/")).status_code == 404
        refused = await form_post(
            client, "/c/test/council/needs/", {"text": "x", "category": "other"}
        )
        assert refused.status_code == 404
    assert await Need.all().count() == 0
    # a worker without a register entry takes part through the permission
    await log_in(client, "worker")
    assert (await client.get("/c/test/council/needs/")).status_code == 200


def test_every_message_is_translated_into_chinese():
    assert missing_translations(PACKAGE) == []


def test_placeholders_survive_translation():
    assert placeholder_mismatches(PACKAGE) == []


@pytest.mark.linli_plugins("council")
async def test_the_pages_speak_the_councils_words_and_the_cores(linli_client, linli_community):
    linli_client.cookies.set("linli_lang", "zh_CN")
    page = await linli_client.get("/c/test/council/")
    assert page.status_code == 200
    assert "街坊议事会" in page.text and "议题" in page.text  # the council's own words
    assert "首页" in page.text  # the core's, in the same page
    linli_client.cookies.set("linli_lang", "en")
    assert "Neighbours' council" in (await linli_client.get("/c/test/council/")).text
