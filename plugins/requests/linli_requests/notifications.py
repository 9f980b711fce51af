"""What the requests plugin tells people (the core's notifications: inbox, digest, paper
list, email and SMS where installed): reporters hear of their request's progress (its
public notes only), of the round-table's decision, and are asked "is it really fixed?";
the person a request is assigned to hears of it; a body's staff hear of a request that
became overdue."""

from __future__ import annotations

from linli.kit import NotificationKind

STATUS_CHANGED = NotificationKind(
    "requests.status_changed",
    title={"zh_CN": "我反映的诉求有了进展", "en": "My request moved on"},
    text={
        "zh_CN": "您反映的诉求「%(subject)s」现在是「%(status)s」。%(note)s",
        "en": "Your request “%(subject)s” is now “%(status)s”. %(note)s",
    },
)

DECIDED = NotificationKind(
    "requests.decided",
    title={"zh_CN": "周周碰对我的诉求作出决定", "en": "The round-table decided on my request"},
    text={
        "zh_CN": "社区与物业周周碰对您反映的「%(subject)s」作出决定：%(decision)s",
        "en": "The weekly round-table decided on your request “%(subject)s”: %(decision)s",
    },
)

CONFIRM_FIXED = NotificationKind(
    "requests.confirm_fixed",
    title={"zh_CN": "请确认问题是否真的解决", "en": "Is it really fixed?"},
    text={
        "zh_CN": "您反映的「%(subject)s」%(days)s天前已处理，真的解决了吗？请打开诉求确认，"
        "或说明原因重新打开。",
        "en": "Your request “%(subject)s” was fixed %(days)s days ago. Is it really fixed? "
        "Open the request to confirm it, or to reopen it with the reason.",
    },
)

ASSIGNED = NotificationKind(
    "requests.assigned",
    title={"zh_CN": "有诉求派给我", "en": "A request assigned to me"},
    text={
        "zh_CN": "诉求「%(subject)s」已派给您办理。",
        "en": "The request “%(subject)s” is assigned to you.",
    },
)

OVERDUE = NotificationKind(
    "requests.overdue",
    title={"zh_CN": "本单位有诉求超期", "en": "A request of my body is overdue"},
    text={
        "zh_CN": "诉求「%(subject)s」已超过办理时限，请尽快处理。",
        "en": "The request “%(subject)s” is past its deadline; please see to it soon.",
    },
)
