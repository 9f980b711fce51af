"""The SMS channel: a resident whose mobile number is in the register gets their
notification as a text (after their quiet hours), a landline is not texted, and a
gateway's refusal is retried with back-off until it goes through."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from linli.kit import Channel, NotificationKind, notify
from linli.testing import make_person, run_jobs

pytestmark = pytest.mark.linli_plugins("sms")

NEWS = NotificationKind(
    "sms.test_news",
    title={"zh_CN": "通知", "en": "News"},
    text={"zh_CN": "%(subject)s", "en": "%(subject)s"},
    urgency="urgent",
)


def test_the_channel_is_made_with_the_instance_settings(linli_registry):
    [(plugin, channel)] = linli_registry.notification_channels()
    assert plugin == "sms" and isinstance(channel, Channel) and channel.name == "sms"


async def test_a_mobile_number_is_texted_and_a_landline_is_not(
    linli_community, linli_registry, tmp_path, monkeypatch
):
    from linli_sms import SmsSettings
    from linli_sms.channel import sms_channel

    outbox = tmp_path / "sms.jsonl"
    channel = sms_channel(SmsSettings(provider="file", file=str(outbox)))
    monkeypatch.setattr(linli_registry, "notification_channels", lambda: [("sms", channel)])
    monkeypatch.setattr(linli_registry, "notification_kinds", lambda: {NEWS.name: NEWS})
    mobile = await make_person(linli_community, "贺树林", phone="138 0000 0001")
    landline = await make_person(linli_community, "座机", phone="027-8888888")
    for person in (mobile, landline):
        await notify(person, NEWS, subject="周三上午社区卫生站免费体检")
    await run_jobs(linli_registry)
    [sent] = [json.loads(line) for line in outbox.read_text(encoding="utf-8").splitlines()]
    assert sent["phone"] == "13800000001"
    assert sent["text"] == "【邻里】通知：周三上午社区卫生站免费体检"


async def test_a_refusing_gateway_is_retried_with_back_off(
    linli_community, linli_registry, monkeypatch
):
    from linli_sms import SmsSettings
    from linli_sms.channel import sms_channel

    sent: list[str] = []

    class Flaky:
        async def send(self, phone: str, text: str) -> None:
            if not sent and len(calls) < 2:
                calls.append(phone)
                raise ConnectionError("gateway busy")
            sent.append(phone)

    calls: list[str] = []
    monkeypatch.setattr("linli_sms.channel.provider_of", lambda settings: Flaky())
    channel = sms_channel(SmsSettings())
    monkeypatch.setattr(linli_registry, "notification_channels", lambda: [("sms", channel)])
    monkeypatch.setattr(linli_registry, "notification_kinds", lambda: {NEWS.name: NEWS})
    person = await make_person(linli_community, "王阿姨", phone="13900000002")
    await notify(person, NEWS, subject="停水通知")
    now = datetime.now(UTC)
    await run_jobs(linli_registry, now)
    await run_jobs(linli_registry, now + timedelta(seconds=10))  # before the retry
    assert sent == [] and len(calls) == 1
    await run_jobs(linli_registry, now + timedelta(seconds=31))
    await run_jobs(linli_registry, now + timedelta(seconds=92))
    assert sent == ["13900000002"] and len(calls) == 2


def test_a_text_is_punctuated_in_its_readers_language():
    from linli.kit import Message, Recipient
    from linli_sms import SmsSettings
    from linli_sms.channel import text_of

    to = Recipient(person_id=1, account_id=None, name="贺树林", phone="13800000000", community_id=1)
    lines = ["周三上午免费体检", "请带身份证"]
    chinese = Message(1, to, "zh_CN", "通知", lines, [])
    english = Message(2, to, "en", "News", ["Free check-up on Wednesday", "Bring your ID"], [])
    assert text_of(chinese, SmsSettings()) == "【邻里】通知：周三上午免费体检；请带身份证"
    assert text_of(english, SmsSettings()) == (
        "【邻里】News: Free check-up on Wednesday; Bring your ID"
    )
