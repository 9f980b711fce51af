"""The Open311 API limits calls per minute — posts per client key (or per address
without a valid key), reads per address — with counters in the database that every web
worker shares, answering 429 in the spec's error shape with ``Retry-After``; and it
answers in English when the call asks for it (``locale``, else ``Accept-Language``)."""

from __future__ import annotations

import asyncio
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
import time_machine

from linli_requests import open311, services
from linli_requests.models import ApiHit, Category, Request
from linli_requests.testing import make_request

from .test_open311 import API, key_for

pytestmark = pytest.mark.linli_plugins("requests")
#: 10:00:20 in UTC: 40 seconds left in the minute.
INSTANT = datetime(2026, 12, 3, 10, 0, 20, tzinfo=UTC)
FORM = {
    "service_code": "streetlight",
    "lat": "30.5836",
    "long": "114.2702",
    "description": "路灯不亮",
}


async def test_posts_over_the_limit_answer_429_with_retry_after(linli_client, world, monkeypatch):
    monkeypatch.setattr(open311, "POST_PER_MINUTE", 3)
    key, other = await key_for(world), await key_for(world)
    with time_machine.travel(INSTANT, tick=False):
        for _ in range(3):
            posted = await linli_client.post(f"{API}/requests.json", data={**FORM, "api_key": key})
            assert posted.status_code == 201, posted.text
        refused = await linli_client.post(f"{API}/requests.json", data={**FORM, "api_key": key})
        assert refused.status_code == 429 and refused.headers["retry-after"] == "40"
        assert refused.json() == [
            {"code": 429, "description": "Too many calls: try again in 40 seconds"}
        ]
        xml = await linli_client.post(f"{API}/requests.xml", data={**FORM, "api_key": key})
        root = ET.fromstring(xml.content)
        assert xml.status_code == 429 and root.find("error/code").text == "429"
        # another client has its own count
        posted = await linli_client.post(f"{API}/requests.json", data={**FORM, "api_key": other})
        assert posted.status_code == 201
    assert await Request.all().count() == 4  # nothing was recorded for a refused call
    with time_machine.travel(INSTANT.replace(minute=1), tick=False):
        posted = await linli_client.post(f"{API}/requests.json", data={**FORM, "api_key": key})
        assert posted.status_code == 201  # a new minute


async def test_guessing_keys_is_limited_by_address(linli_client, world, monkeypatch):
    monkeypatch.setattr(open311, "POST_PER_MINUTE", 2)
    with time_machine.travel(INSTANT, tick=False):
        answers = [
            (await linli_client.post(f"{API}/requests.json", data={**FORM, "api_key": f"k{i}"}))
            for i in range(4)
        ]
    assert [a.status_code for a in answers] == [403, 403, 429, 429]


async def test_concurrent_posts_share_one_count(linli_client, world, monkeypatch):
    """Every call counts on the one row of its key and minute, by guarded UPDATEs: as
    many calls at once as the limit allows pass, whichever worker serves them."""
    monkeypatch.setattr(open311, "POST_PER_MINUTE", 3)
    key = await key_for(world)
    with time_machine.travel(INSTANT, tick=False):
        answers = await asyncio.gather(
            *(
                linli_client.post(f"{API}/requests.json", data={**FORM, "api_key": key})
                for _ in range(8)
            )
        )
    assert sorted(a.status_code for a in answers) == [201] * 3 + [429] * 5
    [hit] = await ApiHit.all()
    assert hit.count == 3 and hit.window == INSTANT.replace(second=0)


async def test_admit_counts_each_call_once_under_a_race(world):
    with time_machine.travel(INSTANT, tick=False):
        waits = await asyncio.gather(*(services.admit("1:race", 5) for _ in range(12)))
    assert sorted(waits) == [0] * 5 + [40] * 7


async def test_reads_have_a_looser_limit_per_address(linli_client, world, monkeypatch):
    monkeypatch.setattr(open311, "GET_PER_MINUTE", 2)
    with time_machine.travel(INSTANT, tick=False):
        assert (await linli_client.get(f"{API}/services.json")).status_code == 200
        assert (await linli_client.get(f"{API}/requests.json")).status_code == 200
        refused = await linli_client.get(f"{API}/services/leak.json")
        assert refused.status_code == 429 and refused.headers["retry-after"] == "40"
        assert refused.json()[0]["code"] == 429
    with time_machine.travel(INSTANT.replace(minute=1), tick=False):
        assert (await linli_client.get(f"{API}/services.json")).status_code == 200


async def test_the_api_answers_in_english_when_asked(linli_client, world):
    await Category.filter(community_id=world.community.id, code="leak").update(
        description="屋顶、外墙、管道漏水", description_en="Leaking roofs, walls and pipes"
    )
    leak = await make_request(world.community, world.resident, "leak", by=world.resident_account)
    await services.work(
        leak,
        services.Change(
            status_id=(await services.status_by_key(world.community.id, "in_progress", "open")).id,
            public_note="已派人查看",
        ),
        actor=await world.actor(world.worker),
    )
    chinese = await linli_client.get(f"{API}/services.json")
    assert chinese.headers["content-language"] == "zh-CN"
    row = next(s for s in chinese.json() if s["service_code"] == "leak")
    assert (row["service_name"], row["description"]) == ("漏水", "屋顶、外墙、管道漏水")
    for asked in (
        {"params": {"locale": "en"}},
        {"params": {"locale": "en_US"}},
        {"headers": {"Accept-Language": "en-GB,en;q=0.9,zh-CN;q=0.8"}},
        {"headers": {"Accept-Language": "fr-FR, zh;q=0.3, en;q=0.7"}},
    ):
        english = await linli_client.get(f"{API}/services.json", **asked)
        assert english.headers["content-language"] == "en", asked
        row = next(s for s in english.json() if s["service_code"] == "leak")
        assert (row["service_name"], row["description"]) == (
            "Leak",
            "Leaking roofs, walls and pipes",
        ), asked
    # locale wins over the header
    chosen = await linli_client.get(
        f"{API}/services.json", params={"locale": "zh_CN"}, headers={"Accept-Language": "en"}
    )
    assert next(s for s in chosen.json() if s["service_code"] == "leak")["service_name"] == "漏水"
    definition = (await linli_client.get(f"{API}/services/leak.json?locale=en")).json()
    assert [a["description"] for a in definition["attributes"]] == ["Floor", "Where it leaks"]
    [zh] = (await linli_client.get(f"{API}/requests/{leak.id}.json")).json()
    [en] = (await linli_client.get(f"{API}/requests/{leak.id}.json?locale=en")).json()
    assert zh["status_notes"] == "已派人查看" and zh["service_name"] == "漏水"
    assert en["status_notes"] == "In progress: 已派人查看" and en["service_name"] == "Leak"
    [listed] = (await linli_client.get(f"{API}/requests.json?locale=en")).json()
    assert listed == en
    root = ET.fromstring((await linli_client.get(f"{API}/requests.xml?locale=en")).content)
    assert root.find("request/status_notes").text == "In progress: 已派人查看"
