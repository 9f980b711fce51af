"""邮件通知 (email): a notification channel. Whoever gives an email address on the
plugin's page gets their notifications by email too, subject to their preferences and
quiet hours; the core retries a failed send with back-off.

Providers: ``smtp`` (aiosmtplib, TLS or STARTTLS, for real delivery), ``console``
(logs: development) and ``file`` (writes each message as an ``.eml`` file into a folder:
tests and previews). Set them in ``[plugins.email]`` of ``linli.toml``.
"""

from __future__ import annotations

from typing import Literal

import msgspec

from linli.kit import N_, Channel, Manifest, Permission, Role, Section, hookimpl


class EmailSettings(msgspec.Struct, kw_only=True):
    """``[plugins.email]`` in linli.toml."""

    provider: Literal["console", "file", "smtp"] = "console"
    #: The folder the ``file`` provider writes ``.eml`` files into.
    folder: str = "outbox"
    sender: str = "linli@localhost"
    smtp_host: str = "localhost"
    smtp_port: int = 465
    #: ``ssl`` (implicit TLS, port 465), ``starttls`` (port 587) or ``none`` (a relay on
    #: the same host).
    smtp_security: Literal["ssl", "starttls", "none"] = "ssl"
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_timeout: float = 30.0


manifest = Manifest(
    name="email",
    title={"zh_CN": "邮件通知", "en": "Email notifications"},
    description={
        "zh_CN": "把通知以电子邮件发给留了邮箱的人",
        "en": "Sends notifications by email to those who gave an address",
    },
    version="0.1.0",
    settings=EmailSettings,
    linli_api=">=2.1,<3",
    nav_order=190,
    icon="mail",
)

PERMISSIONS = [Permission("email.use", N_("Receive notifications by email"))]
USE = ("email.use",)


@hookimpl
def linli_permissions() -> list[Permission]:
    return PERMISSIONS


@hookimpl
def linli_default_roles() -> list[Role]:
    # extends the core's roles: every resident and staff member may give an address
    return [
        Role(key, title, USE)
        for key, title in (
            ("resident", N_("Resident")),
            ("volunteer", N_("Volunteer")),
            ("community_worker", N_("Community worker")),
            ("grid_worker", N_("Grid worker")),
            ("branch_secretary", N_("Branch secretary")),
            ("committee_secretary", N_("Committee secretary")),
        )
    ]


@hookimpl
def linli_sections() -> list[Section]:
    return [Section(N_("My email address"), "address", permission="email.use")]


@hookimpl
def linli_notification_channels(settings: EmailSettings | None) -> list[Channel]:
    from linli_email.channel import email_channel

    return [email_channel(settings or EmailSettings())]
