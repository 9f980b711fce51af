"""What the street bank tells residents: points earned (gathered in the daily digest
unless they ask otherwise), a voucher about to expire, and a voucher that expired with
its points given back."""

from __future__ import annotations

from linli.kit import NotificationKind

POINTS_CREDITED = NotificationKind(
    "streetbank.points_credited",
    title={"zh_CN": "积分到账", "en": "Points credited"},
    text={
        "zh_CN": "%(subject)s:%(points)s积分已存入您的街坊银行账户。",
        "en": "%(subject)s: %(points)s points were credited to your street bank account.",
    },
    urgency="low",
)

VOUCHER_EXPIRING = NotificationKind(
    "streetbank.voucher_expiring",
    title={"zh_CN": "兑换券即将过期", "en": "Voucher about to expire"},
    text={
        "zh_CN": "您兑换的「%(subject)s」(券码%(code)s)将于%(day)s过期，请尽快使用。",
        "en": "Your voucher for “%(subject)s” (code %(code)s) expires on %(day)s; use it soon.",
    },
)

VOUCHER_EXPIRED = NotificationKind(
    "streetbank.voucher_expired",
    title={"zh_CN": "兑换券已过期", "en": "Voucher expired"},
    text={
        "zh_CN": "您兑换的「%(subject)s」已过期未使用，%(points)s积分已退回您的账户。",
        "en": "Your voucher for “%(subject)s” expired unused; its %(points)s points are "
        "back in your account.",
    },
)
