"""The email channel: an account holder who gave an address gets their notifications
by email (a digest as one message), a bad address is refused on the page, and the SMTP
provider hands the message to aiosmtplib with the configured security."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default

import pytest

from linli.kit import NotificationKind, notify
from linli.testing import form_post, log_in, make_account, make_person, run_jobs

pytestmark = pytest.mark.linli_plugins("email")

NEWS = NotificationKind(
    "email.test_news",
    title={"zh_CN": "通知", "en": "News"},
    text={"zh_CN": "关于%(subject)s", "en": "About %(subject)s"},
    urgency="urgent",
)


async def test_an_address_is_set_on_the_page_and_mail_goes_there(
    linli_client, linli_community, linli_registry, tmp_path, monkeypatch
):
    from linli_email import EmailSettings
    from linli_email.channel import email_channel

    channel = email_channel(EmailSettings(provider="file", folder=str(tmp_path)))
    monkeypatch.setattr(linli_registry, "notification_channels", lambda: [("email", channel)])
    monkeypatch.setattr(linli_registry, "notification_kinds", lambda: {NEWS.name: NEWS})
    person = await make_person(linli_community, "刘老师")
    account = await make_account("liu", linli_community, "resident", person=person)
    await log_in(linli_client, "liu")
    bad = await form_post(linli_client, "/c/test/email/address", {"address": "not an address"})
    assert bad.status_code == 400 and "这不是电子邮箱地址" in bad.text
    good = await form_post(linli_client, "/c/test/email/address", {"address": "liu@example.com"})
    assert good.status_code == 200 and "liu@example.com" in good.text
    await notify(account, NEWS, subject="电梯维修", link="/c/test/", community=linli_community)
    await run_jobs(linli_registry, datetime.now(UTC) + timedelta(seconds=1))
    [eml] = list(tmp_path.glob("*.eml"))
    mail = message_from_bytes(eml.read_bytes(), policy=default)
    assert mail["To"] == "liu@example.com" and mail["Subject"] == "通知"
    assert "关于电梯维修" in mail.get_content()


async def test_the_smtp_provider_uses_aiosmtplib(monkeypatch):
    from linli.kit import Message, Recipient
    from linli_email import EmailSettings
    from linli_email.channel import SmtpProvider, email_of

    seen = {}

    async def fake_send(message, **options):
        seen.update(options, to=message["To"])

    monkeypatch.setattr("aiosmtplib.send", fake_send)
    settings = EmailSettings(
        provider="smtp",
        smtp_host="smtp.example.com",
        smtp_port=587,
        smtp_security="starttls",
        smtp_user="u",
        smtp_password="p",
    )
    message = Message(1, Recipient(None, 1, "x", "", 1), "zh_CN", "通知", ["一"], [""])
    await SmtpProvider(settings).send(email_of(message, "a@example.com", settings))
    assert seen["hostname"] == "smtp.example.com" and seen["start_tls"] is True
    assert seen["use_tls"] is False and seen["to"] == "a@example.com"
