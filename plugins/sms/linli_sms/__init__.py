"""短信通知 (SMS): a notification channel. A resident whose mobile number is in the
register (or on their account) gets their notifications as text messages, subject to
their preferences and quiet hours; the core retries a failed send with back-off.

The sending goes through a :class:`Provider`. Bundled: ``console`` (logs the message: for
development) and ``file`` (appends one JSON line per message: for tests and for a
gateway that picks the file up). A real gateway (Aliyun, Tencent Cloud SMS …) is a
provider a deployment adds: an object with ``async def send(phone, text)`` that raises
when the gateway refuses, named in ``[plugins.sms] provider = "module:attribute"``.
"""

from __future__ import annotations

import msgspec

from linli.kit import Channel, Manifest, hookimpl


class SmsSettings(msgspec.Struct, kw_only=True):
    """``[plugins.sms]`` in linli.toml."""

    #: ``console``, ``file``, or ``module:attribute`` of a provider object.
    provider: str = "console"
    #: Where the ``file`` provider appends its messages.
    file: str = "sms-outbox.jsonl"
    #: The signature a Chinese SMS gateway requires (【邻里】).
    signature: str = "邻里"
    #: Longer texts are cut here (a few SMS segments).
    max_length: int = 300


manifest = Manifest(
    name="sms",
    title={"zh_CN": "短信通知", "en": "SMS notifications"},
    icon="smartphone",
    description={
        "zh_CN": "把通知以短信发给登记了手机号的居民",
        "en": "Sends notifications as text messages to residents with a mobile number",
    },
    version="0.1.0",
    settings=SmsSettings,
    linli_api=">=2.1,<3",
)


@hookimpl
def linli_notification_channels(settings: SmsSettings | None) -> list[Channel]:
    from linli_sms.channel import sms_channel

    return [sms_channel(settings or SmsSettings())]
