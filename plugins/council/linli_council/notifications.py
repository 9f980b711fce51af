"""What the neighbours' council tells residents about the needs they raised."""

from __future__ import annotations

from linli.kit import NotificationKind

NEED_IN_TOPIC = NotificationKind(
    "council.need_in_topic",
    title={"zh_CN": "我的需求成为议题", "en": "My need became a topic"},
    text={
        "zh_CN": "您提出的需求已成为议事会议题「%(subject)s」。",
        "en": "Your need is now the council topic “%(subject)s”.",
    },
)

TOPIC_DECIDED = NotificationKind(
    "council.topic_decided",
    title={"zh_CN": "议题已作出决定", "en": "A topic was decided"},
    text={
        "zh_CN": "议事会对「%(subject)s」作出了决定：%(decision)s",
        "en": "The council decided on “%(subject)s”: %(decision)s",
    },
)

MINUTES_PUBLISHED = NotificationKind(
    "council.minutes_published",
    title={"zh_CN": "会议纪要已公布", "en": "Minutes published"},
    text={
        "zh_CN": "议事会会议「%(subject)s」的纪要已公布，其中讨论了您提出的需求。",
        "en": "The minutes of the council meeting “%(subject)s”, which discussed your "
        "need, are published.",
    },
    urgency="low",
)
