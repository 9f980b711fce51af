"""The email channel, its providers, and the rule for an address."""

from __future__ import annotations

import logging
import re
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Protocol

from linli.kit import N_, Account, Channel, Message, Recipient, Refusal
from linli_email import EmailSettings
from linli_email.models import EmailAddress

log = logging.getLogger(__name__)

ADDRESS = re.compile(r"^[^@\s<>\"',;]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


class BadAddress(Refusal):
    message = N_("This is not an email address (like name@example.com).")
    field = "address"


def clean_address(raw: str) -> str:
    address = raw.strip()
    if address and (len(address) > 254 or not ADDRESS.match(address)):
        raise BadAddress()
    return address


async def save_address(account: Account, raw: str) -> str:
    """Store (or, empty, remove) the account's address."""
    address = clean_address(raw)
    if not address:
        await EmailAddress.filter(account_id=account.id).delete()
        return ""
    await EmailAddress.update_or_create(defaults={"address": address}, account_id=account.id)
    return address


class Provider(Protocol):
    async def send(self, message: EmailMessage) -> None: ...


class ConsoleProvider:
    async def send(self, message: EmailMessage) -> None:
        log.info("email to %s: %s\n%s", message["To"], message["Subject"], message.get_content())


class FileProvider:
    """Writes each message as ``<Message-ID>.eml`` into a folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]", "_", str(message["Message-ID"]).strip("<>"))
        (self.folder / f"{name}.eml").write_bytes(message.as_bytes())


class SmtpProvider:
    """Real delivery over SMTP with aiosmtplib (asyncio, so a slow server does not block
    the worker). A refusal or a network error raises: the core retries with back-off."""

    def __init__(self, settings: EmailSettings) -> None:
        self.settings = settings

    async def send(self, message: EmailMessage) -> None:
        import aiosmtplib

        s = self.settings
        await aiosmtplib.send(
            message,
            hostname=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_user or None,
            password=s.smtp_password or None,
            use_tls=s.smtp_security == "ssl",
            start_tls=s.smtp_security == "starttls",
            timeout=s.smtp_timeout,
        )


def provider_of(settings: EmailSettings) -> Provider:
    if settings.provider == "smtp":
        return SmtpProvider(settings)
    if settings.provider == "file":
        return FileProvider(Path(settings.folder))
    return ConsoleProvider()


def email_of(message: Message, address: str, settings: EmailSettings) -> EmailMessage:
    email = EmailMessage()
    email["From"] = settings.sender
    email["To"] = address
    email["Subject"] = message.subject or "邻里"
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(idstring=f"linli-{message.dispatch_id}")
    lines = []
    for line, link in zip(message.lines, message.links, strict=False):
        lines.append(f"- {line}" if message.digest else line)
        if link:
            lines.append(f"  {link}")
    email.set_content("\n".join(lines) + "\n")
    return email


def email_channel(settings: EmailSettings) -> Channel:
    provider = provider_of(settings)

    async def address_of(recipient: Recipient) -> str | None:
        if recipient.account_id is None:
            return None
        found = await EmailAddress.get_or_none(account_id=recipient.account_id)
        return found.address if found is not None else None

    async def reaches(recipient: Recipient) -> bool:
        return await address_of(recipient) is not None

    async def send(message: Message) -> None:
        address = await address_of(message.recipient)
        if address is None:
            return  # removed since: nothing to send
        await provider.send(email_of(message, address, settings))

    return Channel("email", {"zh_CN": "电子邮件", "en": "Email"}, reaches=reaches, send=send)
