"""What 一呼百应 tells people (the core's notifications: inbox, digest, paper list, email
and SMS where installed).

- A new call for help goes to the volunteers it is offered to, the first
  :data:`~linli_volunteers.services.OFFER_TO` in the plugin's matching order. An urgent
  call is a ``welfare`` matter (a neighbour, often elderly and alone, needs help now): it
  is sent even in quiet hours and a volunteer cannot switch it off; other calls are
  ``general``.
- Whoever raised a call hears of each volunteer who accepts it, when it is filled, and
  when its time passed unfilled.
- A volunteer hears when their hours are approved or declined, the day before a shift
  they signed up for, and 30 days before a qualification expires (their team leaders
  too).
"""

from __future__ import annotations

from linli.kit import NotificationKind

CALL_OFFERED = NotificationKind(
    "volunteers.call_offered",
    title={"zh_CN": "街坊求助", "en": "A call for help"},
    text={
        "zh_CN": "街坊求助：「%(subject)s」，%(when)s，需要%(needed)s人。"
        "能去的话请打开求助点“我去”。",
        "en": "A neighbour asks for help: “%(subject)s”, %(when)s, %(needed)s helpers "
        "needed. If you can go, open it and tap “I'll go”.",
    },
)

CALL_URGENT = NotificationKind(
    "volunteers.call_urgent",
    title={"zh_CN": "紧急求助", "en": "An urgent call for help"},
    text={
        "zh_CN": "紧急求助：「%(subject)s」，%(when)s，需要%(needed)s人。"
        "能去的话请尽快打开求助点“我去”。",
        "en": "Urgent: a neighbour needs help: “%(subject)s”, %(when)s, %(needed)s helpers "
        "needed. If you can go, open it soon and tap “I'll go”.",
    },
    urgency="urgent",
    category="welfare",
)

CALL_ACCEPTED = NotificationKind(
    "volunteers.call_accepted",
    title={"zh_CN": "志愿者接下了求助", "en": "A volunteer accepted your call"},
    text={
        "zh_CN": "%(name)s接下了您的求助「%(subject)s」(已有%(taken)s/%(needed)s人)。",
        "en": "%(name)s accepted your call for help “%(subject)s” "
        "(%(taken)s of %(needed)s helpers).",
    },
)

CALL_FILLED = NotificationKind(
    "volunteers.call_filled",
    title={"zh_CN": "求助人手已满", "en": "Your call has its helpers"},
    text={
        "zh_CN": "您的求助「%(subject)s」人手已满：%(name)s也接下了，%(needed)s位志愿者都会来。",
        "en": "Your call for help “%(subject)s” has all its helpers: %(name)s accepted too, "
        "and all %(needed)s are coming.",
    },
)

CALL_EXPIRED = NotificationKind(
    "volunteers.call_expired",
    title={"zh_CN": "求助已过期", "en": "Call for help expired"},
    text={
        "zh_CN": "您的求助「%(subject)s」时间已过，未能凑齐人手（%(taken)s/%(needed)s人），"
        "已自动关闭。如仍需帮助，请重新发起或联系社区。",
        "en": "The time of your call for help “%(subject)s” has passed without all its "
        "helpers (%(taken)s of %(needed)s); it is closed. If you still need help, ask again "
        "or call the community.",
    },
)

HOURS_APPROVED = NotificationKind(
    "volunteers.hours_approved",
    title={"zh_CN": "服务时长已通过", "en": "Hours approved"},
    text={
        "zh_CN": "您%(day)s的服务「%(subject)s」%(hours)s小时已通过审核，谢谢您！",
        "en": "Your %(hours)s hours of “%(subject)s” on %(day)s were approved. Thank you!",
    },
)

HOURS_DECLINED = NotificationKind(
    "volunteers.hours_declined",
    title={"zh_CN": "服务时长未通过", "en": "Hours declined"},
    text={
        "zh_CN": "您%(day)s的服务「%(subject)s」%(hours)s小时未通过审核。%(note)s",
        "en": "Your %(hours)s hours of “%(subject)s” on %(day)s were declined. %(note)s",
    },
)

QUALIFICATION_EXPIRING = NotificationKind(
    "volunteers.qualification_expiring",
    title={"zh_CN": "资质即将到期", "en": "Qualification about to expire"},
    text={
        "zh_CN": "%(name)s的%(subject)s将于%(day)s到期。到期后不能报名需要它的排班，"
        "请及时办理并交社区登记。",
        "en": "%(name)s's %(subject)s expires on %(day)s. After that they cannot sign up for "
        "shifts that need it: renew it and have the community record it.",
    },
)

SHIFT_TOMORROW = NotificationKind(
    "volunteers.shift_tomorrow",
    title={"zh_CN": "明天的排班", "en": "Your shift tomorrow"},
    text={
        "zh_CN": "提醒：您报名了明天%(when)s的「%(subject)s」%(place)s。"
        "来不了请提前退出，把名额让给别人。",
        "en": "Reminder: you signed up for “%(subject)s” tomorrow at %(when)s %(place)s. If "
        "you cannot come, give your place back so that someone else can.",
    },
    urgency="normal",
)

#: The subject of a qualification's warning (a message is written once, for readers of
#: either language).
QUALIFICATION_SUBJECTS: dict[str, str] = {
    "health-certificate": "健康证 / health certificate",
    "first-aid": "急救证 / first-aid certificate",
    "electrician": "电工证 / electrician's licence",
}
