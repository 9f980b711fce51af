"""Acceptance 1: the groups follow the register — on an import, on a birthday crossing
80 (frozen clock) — and the coverage figures are exact on a known set of people."""

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from linli.kit import Person, community_root
from linli.testing import (
    form_post,
    log_in,
    make_account,
    make_person,
    make_place,
    make_resident,
    run_jobs,
)
from linli_care import services
from linli_care.models import Member
from linli_care.testing import make_group, make_visit

pytestmark = pytest.mark.linli_plugins("care")

WUHAN = ZoneInfo("Asia/Shanghai")
HEADERS = ["姓名", "性别", "出生日期", "户号", "楼栋", "单元", "门牌/房号", "与户主关系", "标签"]


def register_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return buffer.getvalue().encode()


async def import_file(client, content: bytes):
    if "linli_csrf" not in client.cookies:
        await client.get("/healthz")
    checked = await client.post(
        "/c/test/register/import",
        files={"file": ("register.csv", content, "text/csv")},
        data={"_csrf_token": client.cookies["linli_csrf"]},
    )
    assert checked.status_code == 200, checked.text
    token = checked.text.split('name="token" value="')[1].split('"')[0]
    done = await form_post(client, "/c/test/register/import/confirm", {"token": token})
    assert done.status_code == 200


async def test_an_import_puts_people_in_their_groups(linli_app, linli_client, linli_community):
    community = linli_community
    await make_group(community)
    await make_group(community, "留守儿童", tags="留守儿童", min_age=None, max_age=17)
    await make_account("clerk", community, "community_worker")
    await log_in(linli_client, "clerk")
    rows = [
        ["王爷爷", "男", "1938-04-01", "H1", "3栋", "1单元", "101", "户主", "独居"],
        ["李奶奶", "女", "1950-04-01", "H2", "3栋", "1单元", "102", "户主", "独居"],
        ["小明", "男", "2016-06-01", "H3", "10栋", "1单元", "201", "户主", "留守儿童"],
    ]
    await import_file(linli_client, register_csv(rows))
    await linli_app.state.site.bus.dispatch_due()
    members = await Member.all().prefetch_related("group", "person", "building")
    assert sorted((m.group.name, m.person.name, m.building.name) for m in members) == [
        ("留守儿童", "小明", "10栋"),
        ("高龄独居", "王爷爷", "3栋"),
    ]
    # a second import takes the tag away: she stays out, he leaves the group
    rows[0][8] = ""
    await import_file(linli_client, register_csv(rows))
    await linli_app.state.site.bus.dispatch_due()
    names = await Member.all().values_list("person__name", flat=True)
    assert names == ["小明"]


async def test_a_tag_added_on_the_person_page_joins_the_group(
    linli_app, linli_client, linli_community
):
    community = linli_community
    await make_group(community)
    person = await make_person(community, "周爷爷", born=date(1930, 1, 1))
    await make_account("clerk", community, "community_worker")
    await log_in(linli_client, "clerk")
    added = await form_post(
        linli_client, f"/c/test/register/people/{person.id}/tags", {"tag": "独居"}
    )
    assert added.status_code == 200
    await linli_app.state.site.bus.dispatch_due()
    assert await Member.filter(person=person).count() == 1


async def test_turning_80_joins_the_group_the_night_of_the_birthday(
    linli_registry, linli_community
):
    community = linli_community
    root = await community_root(community)
    building = await make_place(community, "building", "3栋", parent=root, code="3")
    eve = datetime(2026, 12, 4, 21, 0, tzinfo=WUHAN)
    with time_machine.travel(eve, tick=False):
        await make_group(community, today=eve.date())
        elder, _ = await make_resident(
            community, building, "过生日", born=date(1946, 12, 5), tags=["独居"]
        )
        await services.recompute(community, eve.date())
        assert await Member.filter(person=elder).count() == 0
    night = datetime(2026, 12, 5, 0, 31, tzinfo=WUHAN)
    with time_machine.travel(night, tick=False):
        await run_jobs(linli_registry)
    member = await Member.get(person=elder)
    assert member.since == date(2026, 12, 5)
    assert member.due_on == date(2026, 12, 8)  # every 3 days from joining


async def test_coverage_is_exact_on_a_known_register(linli_community):
    community = linli_community
    root = await community_root(community)
    b3 = await make_place(community, "building", "3栋", parent=root, code="3")
    b10 = await make_place(community, "building", "10栋", parent=root, code="10")
    today = date(2026, 3, 20)
    worker = await make_account("worker", community, "care_worker")
    with time_machine.travel(datetime(2026, 3, 1, 10, 0, tzinfo=WUHAN), tick=False):
        group = await make_group(community, today=date(2026, 3, 1), every_days=7)
        people = []
        for index in range(10):
            person, _ = await make_resident(
                community, b3 if index < 6 else b10, f"老人{index}", born=date(1935, 1, 1),
                tags=["独居"],
            )  # fmt: skip
            people.append(person)
        await services.recompute(community, date(2026, 3, 1))
    # seen within the week before the 20th: 0–3 in building 3, 6 in building 10
    for index in (0, 1, 2, 3, 6):
        await make_visit(
            community, people[index], worker, at=datetime(2026, 3, 15, 10, tzinfo=WUHAN)
        )
    # 4 was only called on the 15th (counts: by phone or in person), 5 was not at home
    await make_visit(
        community, people[4], worker, mode="phone", at=datetime(2026, 3, 15, 10, tzinfo=WUHAN)
    )
    await make_visit(
        community, people[5], worker, outcome="away", at=datetime(2026, 3, 18, 10, tzinfo=WUHAN)
    )
    # 7 was seen a long time ago
    await make_visit(community, people[7], worker, at=datetime(2026, 3, 2, 10, tzinfo=WUHAN))
    [cover] = await services.coverage(community, today)
    assert cover.group.id == group.id
    assert (cover.total.on_time, cover.total.members, cover.total.percent) == (6, 10, 60)
    assert [(name, s.on_time, s.members) for name, s in cover.buildings] == [
        ("3栋", 5, 6),
        ("10栋", 1, 4),
    ]
    months = {m.month: m for m in await services.trend(community, today)}
    assert (months["2026-03"].visits, months["2026-03"].people) == (8, 7)
    assert await Person.filter(community=community).count() == 10
    assert today - timedelta(days=7) < date(2026, 3, 15)


async def test_a_care_worker_changes_a_groups_rule_and_its_members_follow(linli_client, kit):
    url = f"/c/test/care/groups/{kit.group.id}/edit"
    await log_in(linli_client, "worker")
    page = await linli_client.get(url)
    assert page.status_code == 200 and 'value="高龄独居"' in page.text and 'value="80"' in page.text
    saved = await form_post(
        linli_client, url,
        {"name": "高龄独居", "tags": "独居", "min_age": "90", "every_days": "5", "mode": "visit"},
    )  # fmt: skip
    assert saved.status_code == 200
    group = await type(kit.group).get(id=kit.group.id)
    assert (group.min_age, group.every_days, group.mode) == (90, 5, "visit")
    assert await Member.filter(group=group).count() == 0  # she is 85: no longer in it


async def test_a_refused_change_keeps_the_group(linli_client, kit):
    await make_group(kit.community, "失能", tags="失能", min_age=None)
    url = f"/c/test/care/groups/{kit.group.id}/edit"
    await log_in(linli_client, "worker")
    bad = await form_post(linli_client, url, {"name": "高龄独居", "every_days": "0"})
    assert bad.status_code == 400 and 'value="高龄独居"' in bad.text
    clash = await form_post(linli_client, url, {"name": "失能", "tags": "独居", "every_days": "3"})
    assert clash.status_code == 409
    group = await type(kit.group).get(id=kit.group.id)
    assert (group.name, group.every_days, group.min_age) == ("高龄独居", 3, 80)
    assert await Member.filter(group=group).count() == 1


async def test_only_who_may_create_a_group_may_change_one(linli_client, kit):
    url = f"/c/test/care/groups/{kit.group.id}/edit"
    for user in ("grid", "carer"):
        await log_in(linli_client, user)
        assert (await linli_client.get(url)).status_code == 403
        refused = await form_post(linli_client, url, {"name": "改名", "every_days": "3"})
        assert refused.status_code == 403
    assert (await type(kit.group).get(id=kit.group.id)).name == "高龄独居"
    await log_in(linli_client, "worker")
    assert (await linli_client.get("/c/test/care/groups/999999/edit")).status_code == 404
