"""Intake through the pages (a resident, a worker on the phone, a grid worker on a
walk), the catalogue pages, and bad input: a clear message in the visitor's language,
the right status, the input kept and nothing changed."""

import io

import pytest
from PIL import Image

from linli.kit import AuditEntry, Community, Person, Upload
from linli.testing import form_post, log_in, make_account, make_person
from linli_requests.models import ApiClient, Category, Reporter, Request, Status, Update
from linli_requests.testing import category, make_request

pytestmark = pytest.mark.linli_plugins("requests")

BASE = "/c/test/requests"


def picture() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "orange").save(out, format="JPEG")
    return out.getvalue()


async def test_a_resident_reports_a_leak_with_a_photo_and_the_questions(client, world):
    leak = await category(world.community, "leak")
    await log_in(client, "resident")
    form = await client.get(f"{BASE}/new?category={leak.id}")
    assert 'name="attribute[floor]"' in form.text and 'value="roof"' in form.text
    # their building, not others' (read in English: numbered places are spelled out)
    assert "Building 10" in form.text and "Building 11" not in form.text
    page = await form_post(
        client,
        f"{BASE}/",
        {
            "category": str(leak.id),
            "description": "楼顶漏水",
            "attribute[floor]": "6",
            "attribute[where]": "roof",
            "place": str(world.b10.id),
        },
        files={"file": ("roof.jpg", picture(), "image/jpeg")},
    )
    assert page.status_code == 200 and "request #1 is recorded" in page.text
    matter = await Request.get()
    assert matter.channel == "online" and matter.reporter_id == world.resident.id
    assert matter.attributes == {"floor": 6.0, "where": "roof"} and matter.place_id == world.b10.id
    assert "Floor" in page.text and "屋顶" in page.text  # the answers, in words
    photo = await client.get(f"{BASE}/{matter.id}/photo")
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
    # a neighbour may not see the photo of a private request, nor the request
    quarrel = await make_request(
        world.community, world.resident, "neighbour", by=world.resident_account
    )
    await log_in(client, "neighbour")
    assert (await client.get(f"{BASE}/{quarrel.id}/photo")).status_code == 404


async def test_bad_reports_are_refused_with_the_input_kept(client, world):
    leak = await category(world.community, "leak")
    await log_in(client, "resident")
    cases = [
        (
            {
                "category": str(leak.id),
                "description": "",
                "attribute[floor]": "6",
                "attribute[where]": "roof",
            },
            "Describe the problem.",
        ),
        (
            {
                "category": str(leak.id),
                "description": "漏水",
                "attribute[floor]": "six",
                "attribute[where]": "roof",
            },
            "Enter a number.",
        ),
        (
            {
                "category": str(leak.id),
                "description": "漏水",
                "attribute[floor]": "6",
                "attribute[where]": "moon",
            },
            "Choose one of the list.",
        ),
        (
            {"category": str(leak.id), "description": "漏水", "attribute[floor]": "6"},
            "Answer “漏水位置”.",
        ),
        ({"category": "999999", "description": "漏水"}, "Choose a category."),
        ({"category": "x'--", "description": "漏水"}, "Choose a category."),
        (
            {
                "category": str(leak.id),
                "description": "漏水",
                "attribute[floor]": "6",
                "attribute[where]": "roof",
                "place": str(world.b11.id),
            },
            "Choose a place of your building.",
        ),
        (
            {
                "category": str(leak.id),
                "description": "漏水" * 1500,
                "attribute[floor]": "6",
                "attribute[where]": "roof",
            },
            "at most 2000 characters",
        ),
    ]
    for data, message in cases:
        page = await form_post(client, f"{BASE}/", data)
        assert page.status_code == 400, (data, page.status_code)
        assert message in page.text, message
    kept = await form_post(client, f"{BASE}/", cases[1][0])
    assert "漏水</textarea>" in kept.text
    assert await Request.all().count() == 0 and await Update.all().count() == 0
    client.cookies.set("linli_lang", "zh_CN")
    chinese = await form_post(client, f"{BASE}/", cases[0][0])
    assert chinese.status_code == 400 and "请描述问题。" in chinese.text


async def test_a_worker_takes_a_request_on_the_phone_and_the_grid_worker_on_a_walk(client, world):
    garbage = await category(world.community, "garbage")
    await log_in(client, "worker")
    page = await form_post(
        client,
        f"{BASE}/",
        {
            "category": str(garbage.id),
            "channel": "phone",
            "for_person": "张阿姨",
            "description": "楼道垃圾没人清",
            "attribute[location_type]": "stairwell",
        },
    )
    assert page.status_code == 200, page.text[-500:]
    phoned = await Request.get()
    assert phoned.channel == "phone" and phoned.reporter_id == world.resident.id
    assert phoned.recorded_by_id == world.worker.id
    assert await AuditEntry.filter(
        action="requests.request.intake", on_behalf_of_id=world.resident.id
    ).exists()
    nobody = await form_post(
        client,
        f"{BASE}/",
        {
            "category": str(garbage.id),
            "channel": "desk",
            "for_person": "不存在的人",
            "description": "x",
            "attribute[location_type]": "bins",
        },
    )
    assert nobody.status_code == 400 and 'id="for_person-error"' in nobody.text
    await log_in(client, "grid")
    walk = await form_post(
        client,
        f"{BASE}/",
        {
            "category": str(garbage.id),
            "channel": "walk",
            "description": "绿化带有建筑垃圾",
            "attribute[location_type]": "green",
            "place": str(world.b10.id),
        },
    )
    assert walk.status_code == 200
    found = await Request.get(description="绿化带有建筑垃圾")
    assert found.channel == "walk" and found.reporter_id is None and found.reporter_count == 0
    # outside their grid: refused
    outside = await form_post(
        client,
        f"{BASE}/",
        {
            "category": str(garbage.id),
            "channel": "walk",
            "description": "11栋垃圾",
            "attribute[location_type]": "green",
            "place": str(world.b11.id),
        },
    )
    assert outside.status_code == 403
    assert await Request.all().count() == 2


async def test_me_too_and_merging_through_the_pages(client, world):
    first = await make_request(world.community, world.resident, by=world.resident_account)
    second = await make_request(world.community, world.neighbour, by=world.neighbour_account)
    await log_in(client, "neighbour")
    page = await form_post(client, f"{BASE}/{first.id}/metoo", {})
    assert page.status_code == 200 and "2 residents" in page.text
    again = await form_post(client, f"{BASE}/{first.id}/metoo", {})
    assert again.status_code == 409 and "already reported" in again.text
    await log_in(client, "worker")
    ask = await form_post(client, f"{BASE}/{second.id}/merge", {"into": f"#{first.id}"})
    assert ask.status_code == 200 and "Merge request" in ask.text
    assert (await Request.get(id=second.id)).duplicate_of_id is None
    done = await form_post(
        client, f"{BASE}/{second.id}/merge", {"into": str(first.id), "confirmed": "yes"}
    )
    assert done.status_code == 200
    assert (await Request.get(id=second.id)).duplicate_of_id == first.id
    assert await Reporter.filter(request_id=first.id).count() == 2  # the neighbour, once
    forged = await form_post(
        client, f"{BASE}/{first.id}/merge", {"into": "987654", "confirmed": "yes"}
    )
    assert forged.status_code == 400 and "No request of this community" in forged.text
    # another community's request cannot be reached, nor merged into
    other = await Community.create(slug="other", name="别处")
    stranger = await Person.create(community=other, name="外人")
    elsewhere = await Request.create(
        community=other,
        category=await Category.create(community=other, code="x", name="x"),
        status=await Status.create(community=other, key="s", name="s", type="open"),
        description="别处",
        reporter=stranger,
        created_at=first.created_at,
        updated_at=first.created_at,
    )
    assert (await client.get(f"{BASE}/{elsewhere.id}")).status_code == 404
    cross = await form_post(
        client, f"{BASE}/{first.id}/merge", {"into": str(elsewhere.id), "confirmed": "yes"}
    )
    assert cross.status_code == 400


async def test_a_worker_changes_a_request_and_a_stale_page_is_refused(client, world):
    matter = await make_request(world.community, world.resident, by=world.resident_account)
    in_progress = await Status.get(key="in_progress")
    await log_in(client, "staff")
    page = await form_post(
        client,
        f"{BASE}/{matter.id}/work",
        {
            "version": "0",
            "status": str(in_progress.id),
            "canned": "已安排人员上门查看。",
            "private_note": "钥匙在物业前台",
            "priority": "1",
        },
    )
    assert (
        page.status_code == 200
        and "已安排人员上门查看。" in page.text
        and "钥匙在物业前台" in page.text
    )
    stale = await form_post(client, f"{BASE}/{matter.id}/work", {"version": "0", "priority": "3"})
    assert stale.status_code == 409 and "Someone changed this request" in stale.text
    bad = await form_post(
        client, f"{BASE}/{matter.id}/work", {"version": "1", "expected_on": "tomorrow"}
    )
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.text
    assert (await Request.get(id=matter.id)).priority == 1
    # the resident sees the public note, not the private one
    await log_in(client, "resident")
    mine = await client.get(f"{BASE}/{matter.id}")
    assert "已安排人员上门查看。" in mine.text and "钥匙在物业前台" not in mine.text


async def test_the_catalogue_pages(client, world):
    await log_in(client, "worker")
    added = await form_post(
        client,
        f"{BASE}/categories",
        {
            "code": "pests",
            "name": "虫害",
            "name_en": "Pests",
            "body": str(world.repairs.id),
            "respond_hours": "24",
            "fix_days": "10",
            "active": "1",
        },
    )
    assert added.status_code == 200
    pests = await Category.get(code="pests")
    assert pests.body_id == world.repairs.id and pests.fix_days == 10
    duplicate = await form_post(client, f"{BASE}/categories", {"code": "pests", "name": "再来"})
    assert duplicate.status_code == 400 and "Another category has this code." in duplicate.text
    question = await form_post(
        client,
        f"{BASE}/categories/{pests.id}/attributes",
        {
            "code": "kind",
            "description": "什么虫",
            "datatype": "multivaluelist",
            "values": "mice=老鼠\ncockroach=蟑螂",
            "required": "1",
        },
    )
    assert question.status_code == 200
    pests = await Category.get(code="pests")
    assert pests.attributes[0]["values"] == [
        {"key": "mice", "name": "老鼠"},
        {"key": "cockroach", "name": "蟑螂"},
    ]
    one_choice = await form_post(
        client,
        f"{BASE}/categories/{pests.id}/attributes",
        {"code": "k2", "description": "q", "datatype": "singlevaluelist", "values": "a"},
    )
    assert one_choice.status_code == 400 and "at least two choices" in one_choice.text
    status = await form_post(
        client,
        f"{BASE}/statuses",
        {"key": "parts", "name": "等待配件", "type": "open", "canned": "配件已订购"},
    )
    assert status.status_code == 200 and await Status.filter(key="parts").exists()
    issued = await form_post(client, f"{BASE}/clients", {"name": "12345热线"})
    client_row = await ApiClient.get()
    assert issued.status_code == 200 and client_row.key_hint in issued.text
    assert "shown this once" in issued.text
    listed = await client.get(f"{BASE}/categories")
    key = issued.text.split("<code>")[1].split("</code>")[0]
    assert key not in listed.text and len(key) > 20  # never shown again, only its hash kept
    revoked = await form_post(client, f"{BASE}/clients/{client_row.id}/revoke", {})
    assert revoked.status_code == 200 and not (await ApiClient.get()).active
    assert await AuditEntry.filter(action="requests.api.issue").exists()


async def test_someone_not_on_the_register_cannot_report(client, world):
    await make_account(
        "visitor", world.community, person=await make_person(world.community, "路人")
    )
    await log_in(client, "visitor")  # has a person but lives nowhere: may report
    leak = await category(world.community, "other")
    page = await form_post(
        client, f"{BASE}/", {"category": str(leak.id), "description": "门禁坏了"}
    )
    assert page.status_code == 200
    assert (await Request.get()).place_id is not None  # the community itself
    assert await Upload.all().count() == 0
