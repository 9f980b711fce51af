"""The pages as residents, volunteers, leaders and workers see them: joining, the phone
page with today's tasks and the calls nearby, who may open what, and bad input."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from linli.testing import count_queries, form_post, log_in
from linli_volunteers import services
from linli_volunteers.models import Call, Volunteer
from linli_volunteers.testing import make_call, make_shift

pytestmark = pytest.mark.linli_plugins("volunteers")

BASE = "/c/test/volunteers/"


async def test_a_resident_joins_with_skills(linli_client, kit):
    await log_in(linli_client, "resident")
    page = await linli_client.get(BASE)
    assert page.status_code == 200 and "加入一呼百应" in page.text
    joined = await form_post(
        linli_client, BASE + "join", {"skills": [str(kit.plumbing.id)], "days": ["6", "7"]}
    )
    assert joined.status_code == 200 and "欢迎加入一呼百应" in joined.text
    volunteer = await Volunteer.get(person=kit.resident)
    assert volunteer.days == "67"
    assert [s.id for s in await volunteer.skills.all()] == [kit.plumbing.id]
    again = await form_post(linli_client, BASE + "join", {})
    assert again.status_code == 409 and "已在志愿者名册上" in again.text
    assert await Volunteer.filter(person=kit.resident).count() == 1


async def test_the_phone_page_lists_today_and_calls_nearby_first(linli_client, kit):
    far = await make_call(kit.community, "帮忙搬家", place=kit.other_building, skill=kit.plumbing)
    near = await make_call(kit.community, "卫生间渗水", place=kit.building, skill=kit.plumbing)
    shift = await make_shift(
        kit.community, "平安巡逻", starts_at=datetime.now(UTC) + timedelta(minutes=5)
    )
    await services.sign_up(shift.id, kit.helper, now=datetime.now(UTC))
    await log_in(linli_client, "helper")
    page = await linli_client.get(BASE)
    assert page.status_code == 200
    assert "平安巡逻" in page.text
    assert page.text.index(near.title) < page.text.index(far.title)
    assert "你的楼栋" in page.text
    assert "13900009999" not in page.text and "601室" not in page.text


@pytest.mark.parametrize(
    ("path", "user", "status"),
    [
        ("register/", None, 200),  # anonymous: sent to log in
        ("register/", "helper", 403),
        ("figures/", "helper", 403),
        ("shifts/new", "resident", 403),
        ("register/", "worker", 200),
        ("figures/", "worker", 200),
        ("hours/", "leader", 200),
    ],
)
async def test_who_may_open_what(linli_client, kit, path, user, status):
    if user:
        await log_in(linli_client, user)
    page = await linli_client.get(BASE + path)
    assert page.status_code == status
    if user is None:
        assert "/login" in str(page.url)


async def test_another_volunteers_page_is_not_found(linli_client, kit):
    await log_in(linli_client, "helper")
    assert (await linli_client.get(f"{BASE}register/{kit.helper.id}")).status_code == 200
    assert (await linli_client.get(f"{BASE}register/{kit.neighbour.id}")).status_code == 404
    assert (await linli_client.get(f"{BASE}register/999999")).status_code == 404


async def test_a_call_with_bad_input_comes_back_with_the_message(linli_client, kit):
    await log_in(linli_client, "resident")
    refused = await form_post(
        linli_client, BASE + "calls/new", {"title": "修水管", "needed": "0", "hours": "1"}
    )
    assert refused.status_code == 400 and 'value="修水管"' in refused.text
    forged = await form_post(
        linli_client, BASE + "calls/new", {"title": "修水管", "skill": "99999", "hours": "1"}
    )
    assert forged.status_code == 400
    assert await Call.all().count() == 0
    made = await form_post(
        linli_client,
        BASE + "calls/new",
        {"title": "修水管", "needed": "2", "hours": "1.5", "place": str(kit.building.id)},
    )
    assert made.status_code == 200 and "求助已发出" in made.text
    assert (await Call.get()).needed == 2


async def test_a_worker_enrols_a_resident_without_a_phone(linli_client, kit):
    await log_in(linli_client, "worker")
    page = await form_post(linli_client, BASE + "register/", {"who": "张阿姨"})
    assert page.status_code == 200 and "张阿姨已在名册上" in page.text
    assert await Volunteer.exists(person=kit.resident)
    nobody = await form_post(linli_client, BASE + "register/", {"who": "查无此人"})
    assert nobody.status_code in (400, 404) and 'value="查无此人"' in nobody.text


async def test_english_pages(linli_client, kit):
    await log_in(linli_client, "helper")
    await make_call(kit.community, "Leaking bathroom", place=kit.building, skill=kit.plumbing)
    await form_post(linli_client, "/prefs/language", {"language": "en", "next": "/"})
    page = await linli_client.get(BASE)
    assert "Calls near you" in page.text and "I'll go" in page.text


async def test_the_home_widget_and_the_person_section(linli_client, kit):
    await make_call(kit.community, "修水管", place=kit.building)
    await log_in(linli_client, "worker")
    home = await linli_client.get("/c/test/")
    assert "名册上共有 3 名志愿者" in home.text and "1 条求助正在进行" in home.text
    person = await linli_client.get(f"/c/test/register/people/{kit.helper.person_id}")
    assert person.status_code == 200 and "自 2026-01-05 起在志愿者名册上" in person.text
    assert "为老服务队" in person.text


CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


async def test_the_english_pages_call_the_service_volunteers(linli_client, kit):
    """一呼百应 is the service's Chinese name: the English home's widget, the join page
    and its welcome say "volunteers" in words of their own, with no Chinese."""
    await make_call(kit.community, "修水管", place=kit.building)
    await log_in(linli_client, "resident")
    linli_client.cookies.set("linli_lang", "en")
    home = await linli_client.get("/c/test/")
    widget = re.search(
        r'<section class="widget[^"]*"[^>]*>(?:(?!</section>).)*?/volunteers/.*?</section>',
        home.text,
        re.S,
    )
    assert widget is not None and "Open the volunteers" in widget.group(0)
    words = re.sub(r"<[^>]+>", " ", widget.group(0))
    assert not CJK.search(words), words
    page = await linli_client.get(BASE)
    assert "<h1>Join the volunteers</h1>" in page.text and "一呼百应" not in page.text
    joined = await form_post(linli_client, BASE + "join", {"skills": [str(kit.plumbing.id)]})
    assert "Welcome to the volunteers!" in joined.text and "一呼百应" not in joined.text


async def test_the_home_widget_is_kept_until_a_call_changes(linli_client, kit):
    """The figures are the same for every visitor, so each worker keeps them until the
    volunteers' tables change (their stamp): a second visit reads none of them, and a
    new call shows on the very next visit. Pending hours are shown to those logged in."""
    await make_call(kit.community, "修水管", place=kit.building)
    assert "1 条求助正在进行" in (await linli_client.get("/c/test/")).text
    with count_queries() as queries:
        again = await linli_client.get("/c/test/")
    assert "1 条求助正在进行" in again.text
    assert not any("volunteers_" in query for query in queries)
    await make_call(kit.community, "陪老人看病", place=kit.building)
    assert "2 条求助正在进行" in (await linli_client.get("/c/test/")).text
