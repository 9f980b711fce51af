"""一呼百应 (volunteers): the register of volunteers and their teams, calls for help
answered by the volunteers nearby, shifts with slots, and hours that, once a leader
approves them, the street bank rewards. See ``docs/plugins/volunteers.md``.
"""

from __future__ import annotations

from typing import Any

from linli.kit import (
    N_,
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

manifest = Manifest(
    name="volunteers",
    title={"zh_CN": "一呼百应", "en": "Volunteers"},
    description={
        "zh_CN": "志愿者名册与服务队、求助响应、排班报名、服务时长审核(计入街坊银行)",
        "en": "The volunteer register and teams, calls for help, shifts, and approved "
        "hours the street bank rewards",
    },
    version="0.1.0",
    linli_api=">=2.3,<3",
    nav_order=35,
    icon="hand-heart",
)


@hookimpl
def linli_sections() -> list[Section]:
    return [
        Section(N_("My tasks"), "", audience="members"),
        Section(N_("Calls for help"), "calls/", audience="members"),
        Section(N_("Shifts"), "shifts/", audience="members"),
        Section(N_("Hours to approve"), "hours/", permission=("volunteers.lead",)),
        Section(N_("Register"), "register/", permission="volunteers.manage"),
        Section(N_("Teams"), "teams/", audience="members"),
        Section(N_("Figures"), "figures/", permission="volunteers.figures"),
    ]


PERMISSIONS = [
    Permission("volunteers.lead", N_("Check volunteers in and approve their hours")),
    Permission("volunteers.manage", N_("Keep the volunteer register, teams and shifts")),
    Permission("volunteers.figures", N_("See the volunteers' figures")),
]


@hookimpl
def linli_permissions() -> list[Permission]:
    return PERMISSIONS


@hookimpl
def linli_default_roles() -> list[Role]:
    return [
        Role("volunteer_leader", N_("Volunteer team leader"), ("volunteers.lead",)),
        # extends the core's role
        Role(
            "community_worker",
            N_("Community worker"),
            ("volunteers.lead", "volunteers.manage", "volunteers.figures"),
        ),
    ]


@hookimpl
def linli_dashboard_widgets(community: Community, actor: Any) -> list[Widget]:
    async def load(community: Community) -> dict[str, Any] | None:
        from linli_volunteers import services

        return await services.widget(community)

    return [Widget(N_("Volunteers"), "volunteers/widget.html", load, order=35, cached=True)]


@hookimpl
def linli_home_items(community: Community, actor: Any) -> list[HomeItem]:
    from linli.kit import current_zone
    from linli_volunteers import services

    today = services.now_utc().astimezone(current_zone()).date()
    return services.home_items(community, actor, today)


@hookimpl
def linli_person_sections(person: Any, actor: Any) -> list[PersonSection]:
    async def load(person: Any) -> dict[str, Any] | None:
        from linli_volunteers import services

        return await services.person_summary(person)

    return [PersonSection(N_("Volunteering"), "volunteers/person_section.html", load)]


@hookimpl
def linli_disable_consequences(community: Community) -> list[Consequence]:
    from linli_volunteers import services

    return [
        Consequence(
            N_("%(count)s calls for help are still open and could not be answered"),
            services.open_calls_count,
        ),
        Consequence(N_("%(count)s hours entries wait for approval"), services.pending_hours_count),
    ]


@hookimpl
def linli_audit_titles() -> dict[str, str]:
    return {
        "volunteers.enrol": N_("Volunteer enrolled"),
        "volunteers.qualification": N_("Qualification recorded"),
        "volunteers.team.save": N_("Team saved"),
        "volunteers.team.member": N_("Team member changed"),
        "volunteers.skill.save": N_("Skill saved"),
        "volunteers.shift.create": N_("Shifts created"),
        "volunteers.call.close": N_("Call for help closed"),
        "volunteers.hours.approve": N_("Hours approved"),
        "volunteers.hours.decline": N_("Hours declined"),
        "volunteers.correction.decide": N_("Correction of hours decided"),
        "volunteers.checkin": N_("Volunteer checked in by the leader"),
        "volunteers.Volunteer": N_("Volunteer"),
        "volunteers.Team": N_("Team"),
        "volunteers.Skill": N_("Skill"),
        "volunteers.Shift": N_("Shift"),
        "volunteers.Call": N_("Call for help"),
        "volunteers.Hours": N_("Hours"),
        "volunteers.Correction": N_("Correction of hours"),
        "volunteers.Signup": N_("Shift sign-up"),
    }
