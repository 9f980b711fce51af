"""Notifications (issue 17, acceptance 1): nothing is told about a rolled-back change; a
digest gathers a day's notifications into one message; quiet hours hold back what is
not urgent; welfare kinds cannot be switched off; the paper list of a building lists
exactly its no-phone residents' messages. Plus the inbox pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from tortoise.transactions import in_transaction

from linli.domain.notifications.models import Dispatch, Notification
from linli.domain.notifications.paper import paper_list
from linli.domain.notifications.services import (
    Notifier,
    PreferenceError,
    RoleAt,
    after_quiet_hours,
    notify,
    save_preferences,
)
from linli.domain.permissions.services import load_actor
from linli.kernel.notifications import Channel, Message, NotificationKind, Recipient
from linli.testing import count_queries, form_post, log_in, make_account, make_place, make_resident

ZONE = ZoneInfo("Asia/Shanghai")

NEWS = NotificationKind(
    "test.news",
    title={"zh_CN": "新消息", "en": "News"},
    text={"zh_CN": "关于「%(subject)s」的消息", "en": "News about “%(subject)s”"},
)
LOW = NotificationKind(
    "test.low",
    title={"zh_CN": "小事", "en": "Small news"},
    text={"zh_CN": "小事:%(subject)s", "en": "Small: %(subject)s"},
    urgency="low",
)
WELFARE = NotificationKind(
    "test.welfare",
    title={"zh_CN": "关怀提醒", "en": "Welfare alert"},
    text={"zh_CN": "请看望%(subject)s", "en": "Please visit %(subject)s"},
    category="welfare",
)
KINDS = {k.name: k for k in (NEWS, LOW, WELFARE)}


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=ZONE).astimezone(UTC)


class Capture:
    """A channel reaching everyone that keeps what it is given."""

    def __init__(self) -> None:
        self.sent: list[Message] = []

    async def reaches(self, recipient: Recipient) -> bool:
        return True

    async def send(self, message: Message) -> None:
        self.sent.append(message)


def notifier_with(capture: Capture) -> Notifier:
    notifier = Notifier(None, language="zh_CN", zone=ZONE)
    notifier.kinds = dict(KINDS)
    notifier.channels["capture"] = Channel(
        "capture", {"zh_CN": "测", "en": "t"}, capture.reaches, capture.send
    )
    return notifier


@pytest.fixture
async def building(linli_community):
    estate = await make_place(linli_community, "estate", "江汉里小区")
    return await make_place(linli_community, "building", "3栋", parent=estate)


async def test_a_rolled_back_change_tells_nobody(linli_community, building):
    person, account = await make_resident(linli_community, building, "张三", username="zhang")
    with pytest.raises(RuntimeError):
        async with in_transaction():
            await notify(person, NEWS, subject="电梯")
            raise RuntimeError("the change failed")
    capture = Capture()
    await notifier_with(capture).pump(datetime.now(UTC) + timedelta(days=1))
    assert await Notification.all().count() == 0
    assert capture.sent == []
    # the same change committed is told
    async with in_transaction():
        assert await notify(person, NEWS, subject="电梯") == 1
    assert await Notification.filter(account_id=account.id).count() == 1


async def test_a_digest_gathers_a_day_into_one_message(linli_community, building):
    person, account = await make_resident(linli_community, building, "李四", username="li")
    await save_preferences(account, KINDS, {"test.news": "digest"}, "22:00", "07:00")
    for hour, subject in ((9, "一"), (12, "二"), (18, "三")):
        await notify(person, NEWS, subject=subject, now=local(2, hour))
    await notify(person, NEWS, subject="次日", now=local(3, 9))
    capture = Capture()
    notifier = notifier_with(capture)
    await notifier.pump(local(3, 10))
    assert capture.sent == []  # nothing goes out one by one
    assert (
        await notifier.make_digests(
            linli_community.id, local(3, 7, 30).astimezone(ZONE).date(), local(3, 7, 30)
        )
        == 1
    )
    await notifier.pump(local(3, 10))
    assert len(capture.sent) == 1
    message = capture.sent[0]
    assert message.lines == ["关于「一」的消息", "关于「二」的消息", "关于「三」的消息"]
    assert message.digest is not None and "03月02日" in message.subject
    # a second run of the digest makes no second message
    assert (
        await notifier.make_digests(
            linli_community.id, local(3, 8).astimezone(ZONE).date(), local(3, 8)
        )
        == 0
    )


async def test_quiet_hours_hold_back_what_is_not_urgent(linli_community, building):
    person, _ = await make_resident(linli_community, building, "王五", username="wang")
    await notify(person, NEWS, subject="晚上的消息", now=local(2, 23))
    await notify(person, NEWS, subject="急事", urgency="urgent", now=local(2, 23))
    capture = Capture()
    notifier = notifier_with(capture)
    await notifier.pump(local(2, 23, 5))
    assert [m.lines for m in capture.sent] == [["关于「急事」的消息"]]
    await notifier.pump(local(3, 6, 59))
    assert len(capture.sent) == 1
    await notifier.pump(local(3, 7, 0))
    assert [m.lines for m in capture.sent][1] == ["关于「晚上的消息」的消息"]
    # both are in the inbox at once, whatever the hour
    assert await Notification.filter(person_id=person.id).count() == 2


def test_quiet_hours_across_and_within_a_day():
    assert after_quiet_hours(local(2, 21, 59), ZONE, "22:00", "07:00") == local(2, 21, 59)
    assert after_quiet_hours(local(2, 22), ZONE, "22:00", "07:00") == local(3, 7)
    assert after_quiet_hours(local(3, 3), ZONE, "22:00", "07:00") == local(3, 7)
    assert after_quiet_hours(local(3, 13), ZONE, "12:00", "14:00") == local(3, 14)
    assert after_quiet_hours(local(3, 13), ZONE, "00:00", "00:00") == local(3, 13)


async def test_welfare_kinds_cannot_be_switched_off(linli_community, building):
    person, account = await make_resident(linli_community, building, "赵六", username="zhao")
    with pytest.raises(PreferenceError):
        await save_preferences(account, KINDS, {"test.welfare": "off"}, "22:00", "07:00")
    await save_preferences(account, KINDS, {"test.news": "off"}, "22:00", "07:00")
    assert await notify(person, NEWS, subject="x") == 0
    # even an "off" written behind the service's back does not silence welfare
    from linli.domain.notifications.models import NotificationPreference

    await NotificationPreference.create(account_id=account.id, kind="test.welfare", mode="off")
    assert await notify(person, WELFARE, subject="贺树林") == 1


async def test_the_paper_list_of_a_building_lists_its_no_phone_residents(linli_community, building):
    other = await make_place(linli_community, "building", "5栋", parent=building.parent)
    alone, _ = await make_resident(linli_community, building, "贺树林", flat="3-201")
    phoned, _ = await make_resident(linli_community, building, "有电话", flat="3-202")
    phoned.phone = "13800000000"
    await phoned.save()
    online, _ = await make_resident(
        linli_community, building, "有账号", username="online", flat="3-203"
    )
    elsewhere, _ = await make_resident(linli_community, other, "别楼", flat="5-101")
    for person in (alone, phoned, online, elsewhere):
        await notify(person, WELFARE, subject="周三体检")
    notifier = Notifier(None, zone=ZONE)
    notifier.kinds = dict(KINDS)
    now = datetime.now(UTC) + timedelta(hours=10)  # past any quiet hours
    await notifier.pump(now)
    grid = await make_account("grid", linli_community, ("grid_worker", building))
    actor = await load_actor(grid)
    day = now.astimezone(ZONE).date()
    groups = await paper_list(linli_community, day, actor, "zh_CN", notifier.kinds)
    assert [(g.building, [(e.name, e.lines) for e in g.entries]) for g in groups] == [
        ("3栋", [("贺树林", ["请看望周三体检"])])
    ]
    assert "3-201" in groups[0].entries[0].address
    # the community worker sees both buildings' lists
    worker = await make_account("worker", linli_community, "community_worker")
    groups = await paper_list(linli_community, day, await load_actor(worker), "zh_CN", KINDS)
    assert [g.building for g in groups] == ["3栋", "5栋"]
    assert await Dispatch.filter(channel="paper").count() == 2


async def test_role_at_a_node_tells_its_holders(linli_community, building):
    grid = await make_account("grid", linli_community, ("grid_worker", building))
    await make_account("worker", linli_community, "community_worker")
    flat = await make_place(linli_community, "household", "3-101", parent=building)
    told = await notify(
        RoleAt(flat, permission="identity.person.view", nearest=True), NEWS, subject="x"
    )
    assert told == 1
    assert await Notification.filter(account_id=grid.id).count() == 1
    assert await notify(RoleAt(flat, permission="identity.person.view"), NEWS) == 2


# ----------------------------------------------------------------------------- pages

pytestmark_pages = pytest.mark.linli_plugins("canteen")


@pytestmark_pages
async def test_inbox_bell_mark_read_and_another_account(linli_client, linli_community, building):
    from linli_canteen.notifications import ALERT_UNRESOLVED

    person, _account = await make_resident(linli_community, building, "陈七", username="chen")
    await notify(person, ALERT_UNRESOLVED, subject="贺树林", link="/c/test/canteen/alerts/")
    other, _ = await make_resident(linli_community, building, "别人", username="other")
    await notify(other, ALERT_UNRESOLVED, subject="秘密")
    theirs = await Notification.get(person_id=other.id)
    await log_in(linli_client, "chen")
    home = await linli_client.get("/c/test/")
    assert 'class="badge"' in home.text and ">1<" in home.text
    with count_queries() as queries:
        page = await linli_client.get("/c/test/inbox/")
    assert page.status_code == 200 and "贺树林" in page.text and "秘密" not in page.text
    assert len(queries) <= 8
    # the bell costs one small count (the account itself comes from the worker's cache)
    bell = [q for q in queries if q.startswith('SELECT COUNT(*) FROM "core_notification"')]
    assert len(bell) == 1
    mine = await Notification.get(person_id=person.id)
    forged = await form_post(linli_client, f"/c/test/inbox/{theirs.id}/read", {})
    assert forged.status_code == 404
    assert (await Notification.get(id=theirs.id)).read_at is None
    htmx = await form_post(
        linli_client, f"/c/test/inbox/{mine.id}/read", {}, headers={"hx-request": "true"}
    )
    assert htmx.status_code == 200 and "<html" not in htmx.text
    assert (await Notification.get(id=mine.id)).read_at is not None
    home = await linli_client.get("/c/test/")
    assert 'class="badge"' not in home.text


@pytestmark_pages
async def test_preferences_page_refuses_switching_welfare_off(
    linli_client, linli_community, building
):
    _, account = await make_resident(linli_community, building, "周八", username="zhou")
    await log_in(linli_client, "zhou")
    page = await linli_client.get("/c/test/inbox/preferences")
    assert page.status_code == 200 and "无人应门" in page.text
    refused = await form_post(
        linli_client,
        "/c/test/inbox/preferences",
        {"mode:canteen.alert_unresolved": "off", "quiet_from": "22:00", "quiet_to": "07:00"},
    )
    assert refused.status_code == 400 and "不能关闭" in refused.text
    bad = await form_post(
        linli_client, "/c/test/inbox/preferences", {"quiet_from": "25:99", "quiet_to": "07:00"}
    )
    assert bad.status_code == 400
    saved = await form_post(
        linli_client, "/c/test/inbox/preferences", {"quiet_from": "21:30", "quiet_to": "06:30"}
    )
    assert saved.status_code == 200
    from linli.domain.notifications.services import preferences_of

    assert (await preferences_of(account)).quiet_from == "21:30"
