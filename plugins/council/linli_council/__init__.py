"""街坊议事会 (neighbours' council): residents raise needs and back them with "me too";
the council turns frequent needs into topics, meets monthly, decides and follows up,
and shows how many topics it closed as resolved. A decision to start a co-built project
emits ``council.project_requested``. See ``docs/plugins/council.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec

from linli import EventHandler, Manifest, NavItem, Permission, Role, Widget, hookimpl
from linli.events import Event
from linli.i18n import N_
from linli.models import Community
from linli.plugins import Consequence, PersonSection
from linli.settings import current_zone
from linli_council.settings import CouncilSettings

HERE = Path(__file__).parent

manifest = Manifest(
    name="council",
    title={"zh_CN": "街坊议事会", "en": "Neighbours' council"},
    description={
        "zh_CN": "居民需求—社区议题—共建项目:提需求、议事会月度会议、纪要和议题办结率",
        "en": "Residents' needs become topics of the monthly council, with minutes, "
        "decisions, follow-up and the share of topics resolved",
    },
    version="0.1.0",
    community_settings=CouncilSettings,
    linli_api=">=2,<3",
)


async def note_project_started(event: Event) -> None:
    """``codesign.project_created``: note the co-built project on its topic's timeline
    (once per project). The payload type is declared by the plugin that emits it."""
    from linli_council import services

    if event.community_id is None:
        return
    payload = event.payload
    await services.record_project_started(
        event.community_id,
        project=payload.project,
        topic_id=payload.topic,
        title=payload.title,
        url=payload.url,
    )


@hookimpl
def linli_tortoise_apps() -> dict[str, dict[str, Any]]:
    return {
        "council": {
            "models": ["linli_council.models"],
            "migrations": "linli_council.migrations",
        }
    }


@hookimpl
def linli_routes() -> list[Any]:
    from linli_council.routes import ROUTES

    return ROUTES


@hookimpl
def linli_template_dirs() -> list[Path]:
    return [HERE / "templates"]


@hookimpl
def linli_static_dirs() -> list[Path]:
    return [HERE / "static"]


@hookimpl
def linli_locale_dirs() -> list[Path]:
    return [HERE / "locale"]


@hookimpl
def linli_nav_items(community: Community) -> list[NavItem]:
    return [NavItem(N_("Neighbours' council"), "council/", order=30)]


@hookimpl
def linli_dashboard_widgets(community: Community) -> list[Widget]:
    async def load(community: Community) -> dict[str, Any]:
        from linli_council import services

        return await services.summary(community, zone=current_zone())

    return [Widget(N_("Neighbours' council"), "council/widget.html", load, order=30)]


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
def linli_event_types() -> dict[str, type[msgspec.Struct]]:
    from linli_council.events import ProjectRequested

    return {"council.project_requested": ProjectRequested}


@hookimpl
def linli_event_handlers() -> list[EventHandler]:
    return [EventHandler("codesign.project_created", "note_project", note_project_started)]


@hookimpl
def linli_demo_data() -> Any:
    from linli_council.demo import seed

    return seed


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
