"""What care tells people: the duty worker that someone needs help (urgent, cannot be
switched off), and a carer that a visit is overdue."""

from __future__ import annotations

from linli.kit import NotificationKind

NEEDS_HELP = NotificationKind(
    "care.needs_help",
    title={"zh_CN": "关爱对象需要帮助", "en": "Someone in care needs help"},
    text={
        "zh_CN": "走访时发现%(subject)s需要帮助，请尽快联系或上门，处理后在关爱跟进中记录。",
        "en": "A carer found that %(subject)s needs help. Please call or visit soon, "
        "then resolve the follow-up with what you found.",
    },
    urgency="urgent",
    category="welfare",
)

VISIT_OVERDUE = NotificationKind(
    "care.visit_overdue",
    title={"zh_CN": "走访已逾期", "en": "Visit overdue"},
    text={
        "zh_CN": "您结对关爱的%(subject)s(%(group)s)应在%(day)s前走访或电话问候，"
        "目前尚未记录，请尽快看望。",
        "en": "Your visit to %(subject)s (%(group)s) was due by %(day)s and is not "
        "recorded yet. Please see them soon.",
    },
    urgency="normal",
    category="general",
)
