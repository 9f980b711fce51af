"""What participatory design tells those who took part in a project (proposed, backed
or commented on a design, or voted): the vote opens, the vote closes with its result."""

from __future__ import annotations

from linli.kit import NotificationKind

VOTE_OPEN = NotificationKind(
    "codesign.vote_open",
    title={"zh_CN": "方案投票开始", "en": "The vote on designs is open"},
    text={
        "zh_CN": "您参与的共建项目「%(subject)s」开始投票，请选出您支持的方案。",
        "en": "The vote on the designs of “%(subject)s”, which you took part in, is open.",
    },
)

VOTE_CLOSED = NotificationKind(
    "codesign.vote_closed",
    title={"zh_CN": "投票结果", "en": "Vote results"},
    text={
        "zh_CN": "共建项目「%(subject)s」的投票已结束，结果已公布，即将开始施工。",
        "en": "The vote on “%(subject)s” has closed; the results are published and the "
        "building starts.",
    },
)
