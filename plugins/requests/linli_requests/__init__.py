"""诉求 / 社企融合周周碰 (residents' requests): a leaking roof, rubbish not collected, a
broken lift light reported by residents (or for them), routed to the property company,
the community office or another body, worked through the community's statuses with
public and private notes, reviewed every week at the round-table of the community and
the property company, and open to other systems through an Open311 GeoReport v2 API.
See ``docs/plugins/requests.md`` and ``docs/api/open311.md``.
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
    hookimpl,
)
from linli_requests.settings import RequestsSettings

manifest = Manifest(
    name="requests",
    title={"zh_CN": "诉求", "en": "Requests"},
    description={
        "zh_CN": "居民诉求：漏水、垃圾清运、电梯、路灯……派给物业或社区办理，"
        "社企融合周周碰每周协调，提供 Open311 接口",
        "en": "Residents' problems routed to the property company or the community, "
        "reviewed at the weekly round-table, with an Open311 API",
    },
    version="0.1.0",
    community_settings=RequestsSettings,
    linli_api=">=2.3,<3",
    nav_order=20,
    icon="clipboard-list",
)


@hookimpl
def linli_sections() -> list[Section]:
    return [
        Section(N_("Requests"), ""),
        Section(N_("Report a problem"), "new"),
        Section(N_("My requests"), "mine"),
        Section(N_("Triage"), "work/triage", permission="requests.handle"),
        Section(N_("Work list"), "work/open", permission="requests.handle"),
        Section(N_("Round-table"), "meetings", permission="requests.meeting"),
        Section(N_("Figures"), "figures", permission="requests.figures"),
        Section(N_("Catalogue"), "categories", permission="requests.configure"),
        Section(N_("Settings"), "settings", permission=SETTINGS_PERMISSION),
    ]


@hookimpl
def linli_dashboard_widgets(community: Community) -> list[Widget]:
    async def load(community: Community) -> dict[str, Any]:
        from linli_requests import services

        return {"counts": await services.summary(community), "slug": community.slug}

    return [Widget(N_("Requests"), "requests/widget.html", load, order=20)]


@hookimpl
def linli_home_items(community: Community, actor: Any) -> list[HomeItem]:
    from linli_requests import services

    return services.home_items(community, actor)


@hookimpl
def linli_person_sections(person: Any, actor: Any) -> list[PersonSection]:
    async def load(person: Any) -> dict[str, Any] | None:
        from linli.kit import community_root
        from linli_requests import services

        requests = await services.my_requests(person)
        # private requests (a quarrel between neighbours) only to those who work on
        # the community's requests
        if not actor.can("requests.handle", await community_root(person.community_id)):
            requests = [r for r in requests if not r.private]
        if not requests:
            return None
        community = await Community.get(id=person.community_id)
        return {"requests": requests, "slug": community.slug}

    return [PersonSection(N_("Requests"), "requests/person_section.html", load, order=20)]


PERMISSIONS = [
    Permission(
        "requests.intake",
        N_("Take in requests for residents (phone, desk) or found on a grid walk"),
    ),
    Permission(
        "requests.handle",
        N_("Work on the requests routed to a body: statuses, notes, routing, merging"),
    ),
    Permission("requests.meeting", N_("Run the weekly round-table: agenda, decisions, minutes")),
    Permission("requests.figures", N_("See the requests figures")),
    Permission(
        "requests.configure", N_("Configure the categories, the statuses and the API clients")
    ),
]


@hookimpl
def linli_permissions() -> list[Permission]:
    return PERMISSIONS


@hookimpl
def linli_default_roles() -> list[Role]:
    return [
        # extend the core's roles
        Role(
            "community_worker",
            N_("Community worker"),
            (
                "requests.intake",
                "requests.handle",
                "requests.meeting",
                "requests.figures",
                "requests.configure",
            ),
        ),
        Role("grid_worker", N_("Grid worker"), ("requests.intake",)),
        # granted at the property company's node: its requests only
        Role(
            "property_staff",
            N_("Property staff"),
            ("requests.handle", "requests.meeting", "requests.figures"),
        ),
        Role(
            "committee_secretary",
            N_("Committee secretary"),
            ("requests.handle", "requests.meeting", "requests.figures", "requests.configure"),
        ),
        Role(
            "administrator",
            N_("Administrator"),
            ("requests.configure", "requests.figures"),
        ),
    ]


@hookimpl
def linli_disable_consequences(community: Community) -> list[Consequence]:
    async def open_requests(community: Community) -> int:
        from linli_requests.services import open_count

        return await open_count(community)

    return [Consequence(N_("%(count)s open requests would no longer be worked on"), open_requests)]


@hookimpl
def linli_audit_titles() -> dict[str, str]:
    """What the audit trail calls the requests plugin's actions and records."""
    return {
        "requests.api.issue": N_("Open311 key issued"),
        "requests.api.revoke": N_("Open311 key revoked"),
        "requests.category.attributes": N_("Category questions changed"),
        "requests.category.save": N_("Category saved"),
        "requests.meeting.attendee": N_("Round-table attendee recorded"),
        "requests.meeting.minutes": N_("Round-table minutes written"),
        "requests.request.intake": N_("Request taken in"),
        "requests.request.merge": N_("Requests merged"),
        "requests.request.work": N_("Request changed"),
        "requests.status.save": N_("Status saved"),
        "requests.settings": N_("Requests settings changed"),
        "requests.ApiClient": N_("Open311 client"),
        "requests.Attendee": N_("Round-table attendee"),
        "requests.Category": N_("Request category"),
        "requests.Meeting": N_("Round-table"),
        "requests.Request": N_("Request"),
        "requests.Status": N_("Request status"),
    }
