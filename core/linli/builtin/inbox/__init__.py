"""Built-in ``inbox``: a person's notifications — the list, marking read, what to be
told and how (preferences), and the daily paper list grid workers carry to residents
without a phone. The bell in the header is the web layer's (:mod:`linli.web.bell`)."""

from __future__ import annotations

from linli import __version__
from linli.kernel.plugins import Manifest

manifest = Manifest(
    name="inbox",
    title={"zh_CN": "消息", "en": "Inbox"},
    icon="inbox",
    description={
        "zh_CN": "我的通知、提醒方式和纸质通知单",
        "en": "One's notifications, how to be told, and the paper list.",
    },
    version=__version__,
)
