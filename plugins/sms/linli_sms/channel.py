"""The SMS channel and its providers."""

from __future__ import annotations

import importlib
import json
import logging
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from linli.kit import Channel, Message, Recipient
from linli_sms import SmsSettings

log = logging.getLogger(__name__)

#: A mainland China mobile number (the register may hold landlines too: not texted).
MOBILE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")


class Provider(Protocol):
    async def send(self, phone: str, text: str) -> None:
        """Send ``text`` to ``phone``; raise when the gateway refuses (it is retried)."""


class ConsoleProvider:
    """Logs each message: for development."""

    async def send(self, phone: str, text: str) -> None:
        log.info("SMS to %s: %s", phone, text)


class FileProvider:
    """Appends one JSON line per message to a file: for tests, or a gateway that
    collects the file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    async def send(self, phone: str, text: str) -> None:
        line = json.dumps(
            {"phone": phone, "text": text, "at": datetime.now(UTC).isoformat()},
            ensure_ascii=False,
        )
        with self.path.open("a", encoding="utf-8") as file:
            file.write(line + "\n")


def provider_of(settings: SmsSettings) -> Provider:
    if settings.provider == "console":
        return ConsoleProvider()
    if settings.provider == "file":
        return FileProvider(Path(settings.file))
    module, _, attribute = settings.provider.partition(":")
    if not attribute:
        raise ValueError(
            f"[plugins.sms] provider {settings.provider!r}: console, file or 'module:attribute'"
        )
    provider: Provider = getattr(importlib.import_module(module), attribute)
    return provider


def text_of(message: Message, settings: SmsSettings) -> str:
    """【signature】subject: the lines (cut to the settings' length), with Chinese
    punctuation (：；) for a reader in Chinese."""
    chinese = message.language.startswith("zh")
    colon, semicolon = ("：", "；") if chinese else (": ", "; ")
    body = semicolon.join(message.lines)
    text = f"【{settings.signature}】{message.subject}{colon}{body}"
    return text if len(text) <= settings.max_length else text[: settings.max_length - 1] + "…"


def sms_channel(settings: SmsSettings) -> Channel:
    provider = provider_of(settings)

    async def reaches(recipient: Recipient) -> bool:
        return bool(MOBILE.match(recipient.phone.replace(" ", "").replace("-", "")))

    async def send(message: Message) -> None:
        phone = message.recipient.phone.replace(" ", "").replace("-", "")
        await provider.send(phone, text_of(message, settings))

    return Channel("sms", {"zh_CN": "短信", "en": "SMS"}, reaches=reaches, send=send)
