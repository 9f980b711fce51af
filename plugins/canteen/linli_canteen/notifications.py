"""What the canteen tells people (the core's notifications: inbox, digest, paper list,
email and SMS where installed). Welfare alerts are urgent and cannot be switched off."""

from __future__ import annotations

from linli.kit import NotificationKind

ALERT_UNRESOLVED = NotificationKind(
    "canteen.alert_unresolved",
    title={"zh_CN": "无人应门提醒未处理", "en": "Unanswered door: alert still open"},
    text={
        "zh_CN": "送餐时%(subject)s家无人应门，关怀提醒已过%(hours)s小时仍未处理，"
        "请尽快联系或上门看望。",
        "en": "Nobody opened the door to %(subject)s's meal delivery; the welfare alert has "
        "been open for %(hours)s hours. Please call or visit soon.",
    },
    urgency="urgent",
    category="welfare",
)

ALERT_ESCALATED = NotificationKind(
    "canteen.alert_escalated",
    title={"zh_CN": "无人应门提醒已上报", "en": "Unanswered door: alert escalated"},
    text={
        "zh_CN": "%(subject)s家无人应门的关怀提醒已超过%(hours)s小时未处理，已上报给您，"
        "请安排人员上门。",
        "en": "The welfare alert for %(subject)s (nobody opened the door) has been open for "
        "more than %(hours)s hours and is escalated to you. Please send someone.",
    },
    urgency="urgent",
    category="welfare",
)
