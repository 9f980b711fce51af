"""街坊议事会 (neighbours' council): residents raise needs and back them with "me too";
the council turns frequent needs into topics, meets monthly, decides and follows up,
and shows how many topics it closed as resolved. A decision to start a co-built project
emits ``council.project_requested``. See ``docs/plugins/council.md``.
"""

from __future__ import annotations

from typing import Any

from linli.kit import (
    N_,
    SETTINGS_PERMISSION,
    Community,
    Consequence,
    HomeItem,
    Manifest,
    Permission,
    PersonSection,
    Role,
    Section,
    Widget,
    current_zone,
    hookimpl,
)
from linli_council.settings import CouncilSettings

manifest = Manifest(
    name="council",
    title={"zh_CN": "街坊议事会", "en": "Neighbours' council"},
    description={
        "zh_CN": "居民需求—社区议题—共建项目：提需求、议事会月度会议、纪要和议题办结率",
        "en": "Residents' needs become topics of the monthly council, with minutes, "
        "decisions, follow-up and the share of topics resolved",
    },
    version="0.1.0",
    community_settings=CouncilSettings,
    linli_api=">=2.3,<3",
    nav_order=30,
    icon="messages-square",
)


@hookimpl
def linli_sections() -> list[Section]:
    """The council's tabs: its public topics and figures, the residents' needs and
    meetings, and the staff's worklist, ranking and settings."""
    return [
        Section(N_("Topics"), "", audience="everyone"),
        Section(N_("Needs"), "needs"),
        Section(N_("Raise a need"), "needs/new"),
        Section(N_("My needs"), "needs/mine"),
        Section(N_("Meetings"), "meetings"),
        Section(
            N_("Waiting for me"), "worklist", permission=("council.manage", "matters.escalate")
        ),
        Section(N_("Needs by support"), "needs/ranking", permission="council.manage"),
        Section(N_("Figures"), "figures", audience="everyone"),
        Section(N_("Settings"), "settings", permission=SETTINGS_PERMISSION),
    ]


@hookimpl
def linli_dashboard_widgets(community: Community) -> list[Widget]:
    async def load(community: Community) -> dict[str, Any]:
        from linli_council import services

        return await services.summary(community, zone=current_zone())

    return [Widget(N_("Neighbours' council"), "council/widget.html", load, order=30, cached=True)]


@hookimpl
def linli_home_items(community: Community, actor: Any) -> list[HomeItem]:
    from linli_council import services

    return services.home_items(community, actor)


@hookimpl
def linli_person_sections(person: Any, actor: Any) -> list[PersonSection]:
    async def load(person: Any) -> dict[str, Any]:
        from linli_council.models import Need, NeedSupport

        return {
            "raised": await Need.filter(author_id=person.id).count(),
            "backed": await NeedSupport.filter(person_id=person.id).count(),
        }

    return [PersonSection(N_("Neighbours' council"), "council/person_section.html", load)]


PERMISSIONS = [
    Permission(
        "council.take_part",
        N_("Take part in the council without being a resident: needs and minutes"),
    ),
    Permission("council.manage", N_("Run the council: topics, meetings, minutes and actions")),
    Permission("council.approve", N_("Approve the council's minutes")),
]


@hookimpl
def linli_permissions() -> list[Permission]:
    return PERMISSIONS


@hookimpl
def linli_default_roles() -> list[Role]:
    return [
        Role("council_member", N_("Council member"), ("council.take_part", "council.manage")),
        # extend the core's roles: staff run the council and approve its minutes
        Role(
            "community_worker",
            N_("Community worker"),
            ("council.take_part", "council.manage", "council.approve"),
        ),
        Role(
            "committee_secretary",
            N_("Committee secretary"),
            ("council.take_part", "council.manage", "council.approve"),
        ),
        # "small matters: the building group; hard matters: the estate branch": the party
        # levels run the topics at their own level (granted at their party node, a role
        # reaches only that level and below), and escalate them with the core's
        # ``matters.escalate``.
        Role(
            "party_group_leader",
            N_("Party group leader"),
            ("council.take_part", "council.manage"),
        ),
        Role(
            "branch_secretary",
            N_("Branch secretary"),
            ("council.take_part", "council.manage"),
        ),
    ]


async def _open_topics(community: Community) -> int:
    from linli_council.models import CLOSED_STATES, Topic

    return await Topic.filter(community_id=community.id).exclude(state__in=CLOSED_STATES).count()


async def _waiting_needs(community: Community) -> int:
    from linli_council.models import OPEN, Need

    return await Need.filter(community_id=community.id, status=OPEN).count()


async def _open_actions(community: Community) -> int:
    from linli_council.models import ActionItem

    return await ActionItem.filter(
        topic__community_id=community.id, done_at__isnull=True, waived_at__isnull=True
    ).count()


async def _coming_meetings(community: Community) -> int:
    from linli_council import services
    from linli_council.models import Meeting

    return await Meeting.filter(
        community_id=community.id, held_on__gte=services.meeting_day(zone=current_zone())
    ).count()


@hookimpl
def linli_disable_consequences(community: Community) -> list[Consequence]:
    return [
        Consequence(N_("%(count)s open topics would no longer be followed up"), _open_topics),
        Consequence(N_("%(count)s residents' needs are waiting for the council"), _waiting_needs),
        Consequence(N_("%(count)s open action items would no longer be tracked"), _open_actions),
        Consequence(
            N_("%(count)s planned council meetings would lose their page"), _coming_meetings
        ),
    ]


@hookimpl
def linli_audit_titles() -> dict[str, str]:
    """What the audit trail calls the council plugin's actions and records."""
    return {
        "council.action.add": N_("Action item added"),
        "council.action.done": N_("Action item done"),
        "council.action.waive": N_("Action item waived"),
        "council.attendee.add": N_("Attendee added"),
        "council.meeting.create": N_("Meeting planned"),
        "council.minutes.approve": N_("Minutes approved"),
        "council.minutes.write": N_("Minutes written"),
        "council.need.merge": N_("Needs merged"),
        "council.need.raise_for": N_("Need raised on behalf"),
        "council.settings": N_("Council settings changed"),
        "council.topic.create": N_("Topic created"),
        "council.topic.state": N_("Topic state changed"),
        # the council's settings before the core kept them (older audit entries)
        "council.CouncilSettings": N_("Council settings"),
        "council.Need": N_("Need"),
        "council.Topic": N_("Topic"),
        "council.Meeting": N_("Meeting"),
        "council.Attendee": N_("Attendee"),
        "council.ActionItem": N_("Action item"),
    }
