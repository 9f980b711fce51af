"""What the mediation studios tell the parties and mediators. Cases are confidential:
a message names the case by its number only, never its summary, since a message may be
read aloud by a grid worker from the paper list."""

from __future__ import annotations

from linli.kit import NotificationKind

CASE_ACCEPTED = NotificationKind(
    "mediation.case_accepted",
    title={"zh_CN": "调解申请已受理", "en": "Mediation request accepted"},
    text={
        "zh_CN": "调解案件(编号%(subject)s)已被调解工作室受理，调解员会与您联系。",
        "en": "The mediation case no. %(subject)s was accepted by the studio; a mediator "
        "will contact you.",
    },
)

SESSION_SCHEDULED = NotificationKind(
    "mediation.session_scheduled",
    title={"zh_CN": "调解会谈安排", "en": "Mediation session scheduled"},
    text={
        "zh_CN": "调解案件(编号%(subject)s)的会谈定于%(day)s，地点：%(place)s。",
        "en": "The session of mediation case no. %(subject)s is on %(day)s at %(place)s.",
    },
)

FOLLOW_UP_DUE = NotificationKind(
    "mediation.follow_up_due",
    title={"zh_CN": "回访到期", "en": "Follow-up visit due"},
    text={
        "zh_CN": "调解案件(编号%(subject)s)今天应回访，请记录回访情况。",
        "en": "The follow-up visit of mediation case no. %(subject)s is due today.",
    },
)
