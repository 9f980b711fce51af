"""Acceptance 2: the Open311 GeoReport v2 endpoints answer with the spec's field names
and error shapes, in JSON and XML; posting needs a key (403 without one or with a bad
one); private requests and personal data never appear; coordinates are truncated."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest

from linli.kit import change_settings
from linli_requests import services
from linli_requests.models import ApiClient, Request, Update
from linli_requests.testing import category, make_request, move

pytestmark = pytest.mark.linli_plugins("requests")

API = "/c/test/requests/open311/v2"
SERVICE_FIELDS = {
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
}
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}
PERSONAL = ("张阿姨", "李大爷", "13800000000", "resident@example.org", "601")


async def key_for(world) -> str:
    _, key = await services.issue_key(
        world.community, "12345 hotline", actor=await world.actor(world.worker)
    )
    return key


async def test_discovery_and_services(linli_client, world):
    discovery = await linli_client.get(f"{API}/discovery.json")
    assert discovery.status_code == 200
    endpoint = discovery.json()["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith(API) and "text/xml" in endpoint["formats"]
    services_ = (await linli_client.get(f"{API}/services.json")).json()
    assert {s["service_code"] for s in services_} >= {"leak", "garbage", "lift", "streetlight"}
    assert "neighbour" not in {s["service_code"] for s in services_}  # a private category
    assert all(set(s) == SERVICE_FIELDS for s in services_)
    leak = next(s for s in services_ if s["service_code"] == "leak")
    assert leak["metadata"] is True and leak["type"] == "realtime"
    xml = await linli_client.get(f"{API}/services.xml")
    assert xml.headers["content-type"].startswith("text/xml")
    root = ET.fromstring(xml.content)
    assert root.tag == "services" and root.find("service/service_code") is not None


async def test_a_service_definition_has_the_attributes_and_datatypes(linli_client, world):
    definition = (await linli_client.get(f"{API}/services/leak.json")).json()
    assert definition["service_code"] == "leak"
    floor, where = definition["attributes"]
    assert set(floor) == {
        "variable",
        "code",
        "datatype",
        "required",
        "datatype_description",
        "order",
        "description",
        "values",
    }
    assert (floor["code"], floor["datatype"], floor["required"]) == ("floor", "number", True)
    assert where["datatype"] == "singlevaluelist"
    assert {"key": "roof", "name": "屋顶"} in where["values"]
    root = ET.fromstring((await linli_client.get(f"{API}/services/leak.xml")).content)
    assert root.tag == "service_definition"
    assert root.find("attributes/attribute/values/value/key") is not None
    for missing in ("nothing.json", "neighbour.json", "leak.html"):
        answer = await linli_client.get(f"{API}/services/{missing}")
        assert answer.status_code == 404
        assert set(answer.json()[0]) == {"code", "description"}


async def test_requests_list_and_one_request_keep_private_things_private(linli_client, world):
    public = await make_request(world.community, world.resident, "leak", by=world.resident_account)
    await Request.filter(id=public.id).update(place_id=(await make_flat(world)).id)
    await services.work(
        public,
        services.Change(public_note="已派人查看", private_note="住户张阿姨电话13800000000"),
        actor=await world.actor(world.worker),
    )
    quarrel = await make_request(
        world.community, world.neighbour, "neighbour", by=world.neighbour_account
    )
    marked = await make_request(
        world.community, world.resident, "garbage", by=world.resident_account, private=True
    )
    listing = await linli_client.get(f"{API}/requests.json")
    assert listing.status_code == 200
    rows = listing.json()
    assert [r["service_request_id"] for r in rows] == [str(public.id)]
    row = rows[0]
    assert set(row) == REQUEST_FIELDS
    assert row["status"] == "open" and row["status_notes"] == "已派人查看"
    assert row["agency_responsible"] == "江汉里物业"
    assert row["address"] == "江汉里二期 10栋"  # never the flat
    assert (row["lat"], row["long"]) == (30.583, 114.27)  # cut, not rounded
    for text in (listing.text, (await linli_client.get(f"{API}/requests.xml")).text):
        for secret in PERSONAL:
            assert secret not in text
    for hidden in (quarrel, marked):
        one = await linli_client.get(f"{API}/requests/{hidden.id}.json")
        assert one.status_code == 404 and one.json()[0]["code"] == 404
    one = await linli_client.get(f"{API}/requests/{public.id}.json")
    assert one.json()[0]["service_request_id"] == str(public.id)
    root = ET.fromstring((await linli_client.get(f"{API}/requests/{public.id}.xml")).content)
    assert root.tag == "service_requests" and root.find("request/status").text == "open"
    # closed is closed, whatever the community calls it
    await move(public, "fixed", by=world.worker)
    assert (await linli_client.get(f"{API}/requests/{public.id}.json")).json()[0][
        "status"
    ] == "closed"
    closed = await linli_client.get(f"{API}/requests.json?status=closed")
    assert [r["service_request_id"] for r in closed.json()] == [str(public.id)]
    assert (await linli_client.get(f"{API}/requests.json?status=open")).json() == []


async def make_flat(world):
    from linli.testing import make_place

    entrance = await make_place(world.community, "entrance", "2单元", parent=world.b10)
    return await make_place(world.community, "household", "601室", parent=entrance)


async def test_the_default_window_paging_and_bad_parameters(linli_client, world):
    now = services.now_utc()
    old = await make_request(
        world.community, world.resident, by=world.resident_account, at=now - timedelta(days=100)
    )
    recent = [
        await make_request(
            world.community, world.resident, by=world.resident_account, at=now - timedelta(days=d)
        )
        for d in (1, 2, 3)
    ]
    ids = [r["service_request_id"] for r in (await linli_client.get(f"{API}/requests.json")).json()]
    assert ids == [str(m.id) for m in recent]  # newest first, the last 90 days
    start = (now - timedelta(days=120)).isoformat()
    wide = (await linli_client.get(f"{API}/requests.json", params={"start_date": start})).json()
    assert str(old.id) in {r["service_request_id"] for r in wide}
    page2 = (await linli_client.get(f"{API}/requests.json?page_size=2&page=2")).json()
    assert [r["service_request_id"] for r in page2] == [str(recent[2].id)]
    chosen = (
        await linli_client.get(f"{API}/requests.json?service_request_id={old.id},{recent[0].id}")
    ).json()
    assert {r["service_request_id"] for r in chosen} == {str(old.id), str(recent[0].id)}
    for bad in (
        "page_size=0",
        "page_size=5000",
        "page=x",
        "start_date=yesterday",
        "status=pending",
        "service_request_id=1;drop",
    ):
        answer = await linli_client.get(f"{API}/requests.json?{bad}")
        assert answer.status_code == 400, bad
        assert answer.json()[0]["code"] == 400
    xml = await linli_client.get(f"{API}/requests.xml?page_size=0")
    root = ET.fromstring(xml.content)
    assert xml.status_code == 400 and root.tag == "errors" and root.find("error/code").text == "400"


async def test_posting_needs_a_valid_key(linli_client, world):
    form = {
        "service_code": "streetlight",
        "lat": "30.5836",
        "long": "114.2702",
        "description": "路灯不亮",
    }
    missing = await linli_client.post(f"{API}/requests.json", data=form)
    assert missing.status_code == 403 and missing.json() == [
        {"code": 403, "description": "api_key is missing or not valid"}
    ]
    wrong = await linli_client.post(f"{API}/requests.xml", data={**form, "api_key": "guess"})
    assert (
        wrong.status_code == 403 and ET.fromstring(wrong.content).find("error/code").text == "403"
    )
    key = await key_for(world)
    client = await ApiClient.get()
    await services.revoke_key(client, actor=await world.actor(world.worker))
    revoked = await linli_client.post(f"{API}/requests.json", data={**form, "api_key": key})
    assert revoked.status_code == 403
    assert await Request.all().count() == 0


async def test_a_client_posts_a_request_and_finds_it_by_token(linli_client, world):
    key = await key_for(world)
    form = {
        "api_key": key,
        "service_code": "leak",
        "lat": "30.58361",
        "long": "114.27027",
        "description": "楼顶漏水",
        "attribute[floor]": "6",
        "attribute[where]": "roof",
        "first_name": "张",
        "last_name": "阿姨",
        "phone": "13800000000",
        "email": "resident@example.org",
    }
    posted = await linli_client.post(f"{API}/requests.json", data=form)
    assert posted.status_code == 201, posted.text
    answer = posted.json()[0]
    matter = await Request.get(id=int(answer["service_request_id"]))
    assert matter.channel == "api" and matter.attributes == {"floor": 6.0, "where": "roof"}
    assert matter.contact["phone"] == "13800000000"  # kept for the workers ...
    assert matter.body_id == world.property.id
    token = (await linli_client.get(f"{API}/tokens/{answer['token']}.json")).json()
    assert token == [{"service_request_id": str(matter.id), "token": matter.token}]
    shown = await linli_client.get(f"{API}/requests/{matter.id}.json")
    for secret in PERSONAL:  # ... and never shown
        assert secret not in shown.text
    bad = [
        ({**form, "service_code": "neighbour"}, "service_code"),  # private category
        ({**form, "attribute[floor]": "high"}, "attribute[floor]"),
        ({k: v for k, v in form.items() if k not in ("lat", "long")}, "location"),
        ({**form, "lat": "north"}, "lat"),
        ({**form, "description": ""}, "description"),
    ]
    for data, word in bad:
        refused = await linli_client.post(f"{API}/requests.json", data=data)
        assert refused.status_code == 400 and word in refused.json()[0]["description"], data
    assert await Request.all().count() == 1
    xml = await linli_client.post(f"{API}/requests.xml", data=form)
    assert ET.fromstring(xml.content).find("request/service_request_id") is not None


async def test_updates_show_public_notes_only(linli_client, world):
    matter = await make_request(world.community, world.resident, by=world.resident_account)
    await move(matter, "fixed", by=world.worker, note="已修好", private_note="张阿姨不满意")
    rows = (await linli_client.get(f"{API}/servicerequestupdates.json")).json()
    assert [r["description"] for r in rows] == ["", "已修好"]
    assert set(rows[0]) == {
        "update_id",
        "service_request_id",
        "status",
        "updated_datetime",
        "description",
        "media_url",
    }
    assert rows[1]["status"] == "closed"
    assert "张阿姨" not in (await linli_client.get(f"{API}/servicerequestupdates.xml")).text
    assert await Update.filter(private_note="张阿姨不满意").count() == 1


async def test_a_community_may_switch_the_api_off(linli_client, world):
    await change_settings(
        world.community, "requests", {"api_enabled": False}, actor=await world.actor(world.worker)
    )
    for path in ("services.json", "requests.json", "services/leak.json"):
        answer = await linli_client.get(f"{API}/{path}")
        assert answer.status_code == 404 and answer.json()[0]["code"] == 404
    assert (await category(world.community, "leak")).code == "leak"
