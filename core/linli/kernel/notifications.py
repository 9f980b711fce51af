"""What a plugin declares to tell people things: the kinds of notification it sends
(:class:`NotificationKind`, in its ``notifications.py``) and, for a channel plugin, the
channel that carries messages out of the site (:class:`Channel`). The service that sends
them is :mod:`linli.domain.notifications`.

.. versionadded:: 2.1
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Urgency = Literal["urgent", "normal", "low"]
Category = Literal["general", "welfare", "safety"]
Mode = Literal["instant", "digest", "off"]

#: Kinds of these categories cannot be switched off by the person told.
UNSWITCHABLE: tuple[str, ...] = ("welfare", "safety")
MODES: tuple[Mode, ...] = ("instant", "digest", "off")
LANGUAGES = ("zh_CN", "en")

_NAME = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_.]*$")
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@dataclass(frozen=True)
class NotificationKind:
    """A kind of notification a plugin sends, declared at module level in the plugin's
    ``notifications.py``::

        VOUCHER_EXPIRING = NotificationKind(
            "streetbank.voucher_expiring",
            title={"zh_CN": "兑换券即将过期", "en": "Voucher about to expire"},
            text={"zh_CN": "您的兑换券「%(subject)s」将于%(day)s过期",
                  "en": "Your voucher for “%(subject)s” expires on %(day)s"},
        )

    ``title`` names the kind on the preferences page; ``text`` is the message, with
    ``%(subject)s`` and any ``values`` passed to ``notify``. Both need Chinese and
    English, with the same placeholders. ``urgency``: ``urgent`` ones are sent even in
    quiet hours; ``low`` ones go to the daily digest unless the person asks otherwise.
    ``category`` ``welfare`` or ``safety``: the person cannot switch the kind off.
    """

    name: str
    title: dict[str, str]
    text: dict[str, str]
    urgency: Urgency = "normal"
    category: Category = "general"
    plugin: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not _NAME.match(self.name) or len(self.name) > 96:
            raise ValueError(f"notification kind {self.name!r} must be '<plugin>.<what>'")
        for what, texts in (("title", self.title), ("text", self.text)):
            missing = [lang for lang in LANGUAGES if not texts.get(lang)]
            if missing:
                raise ValueError(f"kind {self.name}: {what} needs {', '.join(missing)}")
        zh, en = (set(_PLACEHOLDER.findall(self.text[lang])) for lang in LANGUAGES)
        if zh != en:
            raise ValueError(f"kind {self.name}: the texts' placeholders differ ({zh} / {en})")
        if self.urgency not in ("urgent", "normal", "low"):
            raise ValueError(f"kind {self.name}: urgency is urgent, normal or low")
        if self.category not in ("general", "welfare", "safety"):
            raise ValueError(f"kind {self.name}: category is general, welfare or safety")

    @property
    def switchable(self) -> bool:
        """Whether a person may switch this kind off (welfare and safety: no)."""
        return self.category not in UNSWITCHABLE

    @property
    def default_mode(self) -> Mode:
        return "digest" if self.urgency == "low" else "instant"

    def title_in(self, language: str) -> str:
        return self.title.get(language) or self.title["en"]

    def render(self, language: str, subject: str, values: dict[str, str]) -> str:
        template = self.text.get(language) or self.text["en"]
        try:
            return template % {**values, "subject": subject}
        except (KeyError, ValueError, TypeError):
            return subject or template


@dataclass(frozen=True)
class Recipient:
    """Whom a message is for, as a channel sees it: the person in the register (if any)
    and the account (if any), with what the register knows of how to reach them."""

    person_id: int | None
    account_id: int | None
    name: str
    phone: str
    community_id: int


@dataclass(frozen=True)
class Message:
    """One message a channel carries: a single notification, or a day's digest of
    several (``digest`` is then the day). ``lines`` are the notifications' texts in the
    recipient's language, ``links`` their links (absolute paths on the site)."""

    dispatch_id: int
    recipient: Recipient
    language: str
    subject: str
    lines: list[str]
    links: list[str]
    digest: date | None = None

    @property
    def body(self) -> str:
        parts = [f"- {line}" if self.digest else line for line in self.lines]
        return "\n".join(parts)


@dataclass(frozen=True)
class Channel:
    """A way to carry messages out of the site, offered by a channel plugin through the
    ``linli_notification_channels`` hook. ``reaches(recipient)`` says whether this
    channel can reach someone (an address, a phone number); ``send(message)`` delivers
    one message, and raises to have it retried with back-off. The in-site inbox and the
    paper list are the core's own.

    .. versionadded:: 2.1
    """

    name: str
    title: dict[str, str]
    reaches: Callable[[Recipient], Awaitable[bool]]
    send: Callable[[Message], Awaitable[None]]

    def title_in(self, language: str) -> str:
        return self.title.get(language) or self.title["en"]
