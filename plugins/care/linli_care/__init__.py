"""银龄关爱 / 青苗成长 (care): the groups a community promises to cover (the elderly
living alone, left-behind children …) derived from the register, their carers and
visits, the overdue list and the coverage figures, follow-ups and welfare alerts, and
programmes for children and the elderly. See ``docs/plugins/care.md``.
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
    name="care",
    title={"zh_CN": "关爱", "en": "Care"},
    description={
        "zh_CN": "银龄关爱、青苗成长：关爱对象、结对帮扶、走访记录、覆盖率与托管班、老年大学",
        "en": "Silver care and young sprouts: care groups, carers, visits, coverage, "
        "holiday classes and elders' courses",
    },
    version="0.1.0",
    linli_api=">=2.3,<3",
    nav_order=30,
    icon="heart-handshake",
)


@hookimpl
def linli_sections() -> list[Section]:
    return [
        Section(N_("My visits"), "", audience="members"),
        Section(N_("Overdue"), "overdue/", permission=("care.manage", "care.visit")),
        Section(N_("Coverage"), "coverage/", permission="care.manage"),
        Section(N_("Follow-ups"), "followups/", permission="care.alert.handle"),
        Section(N_("Groups"), "groups/", permission="care.manage"),
        Section(N_("Programmes"), "programmes/", audience="members"),
    ]


PERMISSIONS = [
    Permission("care.manage", N_("Keep the care groups and carers, see notes and coverage")),
    Permission("care.visit", N_("Log visits for anyone in the area")),
    Permission("care.alert.handle", N_("See and resolve care follow-ups and welfare alerts")),
    Permission("care.programmes", N_("Run programmes: sessions, enrolments, attendance")),
]


@hookimpl
def linli_permissions() -> list[Permission]:
    return PERMISSIONS


@hookimpl
def linli_default_roles() -> list[Role]:
    return [
        Role(
            "care_worker",
            N_("Care worker"),
            ("care.manage", "care.visit", "care.alert.handle", "care.programmes"),
        ),
        Role("programme_leader", N_("Programme leader"), ("care.programmes",)),
        # extends the core's roles
        Role(
            "community_worker",
            N_("Community worker"),
            ("care.manage", "care.visit", "care.alert.handle", "care.programmes"),
        ),
        Role("grid_worker", N_("Grid worker"), ("care.visit", "care.alert.handle")),
    ]


@hookimpl
def linli_dashboard_widgets(community: Community, actor: Any) -> list[Widget]:
    async def load(community: Community) -> dict[str, Any] | None:
        from linli_care import services

        return await services.widget(community, actor)

    return [Widget(N_("Care coverage"), "care/widget.html", load, order=30)]


@hookimpl
def linli_home_items(community: Community, actor: Any) -> list[HomeItem]:
    from linli_care import services

    return services.home_items(community, actor, services.local_day(services.now_utc()))


@hookimpl
def linli_person_sections(person: Any, actor: Any) -> list[PersonSection]:
    async def load(person: Any) -> dict[str, Any] | None:
        from linli_care import services

        return await services.person_summary(person, actor)

    return [PersonSection(N_("Care"), "care/person_section.html", load)]


@hookimpl
def linli_disable_consequences(community: Community) -> list[Consequence]:
    from linli_care import services

    return [
        Consequence(
            N_("%(count)s follow-ups are still open and could not be resolved"),
            services.open_followups_count,
        ),
        Consequence(N_("%(count)s visits are overdue"), services.overdue_count),
    ]


@hookimpl
def linli_audit_titles() -> dict[str, str]:
    return {
        "care.group.save": N_("Care group saved"),
        "care.carer.assign": N_("Carer assigned"),
        "care.carer.remove": N_("Carer removed"),
        "care.visit.log": N_("Visit logged"),
        "care.note.add": N_("Health note written"),
        "care.notes.read": N_("Health notes read"),
        "care.followup.resolve": N_("Follow-up resolved"),
        "care.programme.save": N_("Programme saved"),
        "care.enrol": N_("Enrolled in a programme"),
        "care.CareGroup": N_("Care group"),
        "care.Carer": N_("Carer"),
        "care.Visit": N_("Visit"),
        "care.HealthNote": N_("Health note"),
        "care.FollowUp": N_("Follow-up"),
        "care.Programme": N_("Programme"),
        "care.Enrolment": N_("Enrolment"),
    }
