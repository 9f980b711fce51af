"""调解工作室 (mediation studios): confidential neighbour-dispute cases, from intake
through sessions and agreements to follow-up visits, with referral and escalation.
See ``docs/plugins/mediation.md``.
"""

from __future__ import annotations

from typing import Any

import msgspec

from linli.kit import (
    N_,
    Community,
    Consequence,
    HomeItem,
    Manifest,
    Permission,
    Role,
    Section,
    Widget,
    hookimpl,
)


class MediationSettings(msgspec.Struct):
    """``[plugins.mediation]`` in linli.toml."""

    #: days after an agreement (or a failed mediation) when the follow-up visit is due
    follow_up_days: int = 30
    #: days a case may stay open before the mediators' dashboard shows it as late
    time_limit_days: int = 30


manifest = Manifest(
    name="mediation",
    title={"zh_CN": "调解工作室", "en": "Mediation"},
    description={
        "zh_CN": "邻里纠纷调解：受理、调解、协议、回访，保密，可转介与上报",
        "en": "Confidential neighbour-dispute cases: intake, sessions, agreements, "
        "follow-up visits, referral and escalation",
    },
    version="0.1.0",
    linli_api=">=2.3,<3",
    settings=MediationSettings,
    nav_order=50,
    icon="scale",
)


@hookimpl
def linli_sections() -> list[Section]:
    # the case list is the plugin's front page, at its root
    return [
        Section(N_("Cases"), ""),
        Section(N_("Ask for mediation"), "request"),
        Section(N_("Take in a case"), "new", permission="mediation.case.intake"),
        Section(N_("Figures"), "figures", permission="mediation.figures"),
    ]


@hookimpl
def linli_dashboard_widgets(community: Community) -> list[Widget]:
    async def load(community: Community) -> dict[str, Any]:
        # The widget's content depends on who looks, and a mediator's board costs queries
        # the home page cannot spend: the template fetches it from the plugin's own route
        # once the page is shown (data-linli-fragment, linli.js), which filters by the
        # visitor's cases.
        base = f"/c/{community.slug}/mediation"
        return {"widget_url": f"{base}/widget", "index_url": f"{base}/"}

    return [Widget(N_("Mediation"), "mediation/widget.html", load, order=50)]


@hookimpl
def linli_home_items(community: Community, actor: Any) -> list[HomeItem]:
    from linli_mediation import services

    return services.home_items(community, actor)


@hookimpl
def linli_disable_consequences(community: Community) -> list[Consequence]:
    async def open_cases(community: Community) -> int:
        from linli_mediation.services import open_case_count

        return await open_case_count(community)

    return [Consequence(N_("%(count)s open cases would no longer be reachable"), open_cases)]


PERMISSIONS = [
    Permission("mediation.case.intake", N_("Take in mediation cases")),
    Permission("mediation.case.handle", N_("Handle the mediation cases one can see")),
    Permission("mediation.case.view_all", N_("See every mediation case at or below a node")),
    Permission("mediation.case.assign", N_("Assign mediators to cases")),
    Permission("mediation.conflict.clear", N_("Clear a mediator's conflict of interest")),
    Permission("mediation.figures", N_("See the anonymised mediation figures")),
]


@hookimpl
def linli_permissions() -> list[Permission]:
    return PERMISSIONS


@hookimpl
def linli_default_roles() -> list[Role]:
    return [
        Role("mediator", N_("Mediator"), ("mediation.case.intake", "matters.escalate")),
        Role(
            "mediation_supervisor",
            N_("Mediation supervisor"),
            (
                "mediation.case.intake",
                "mediation.case.handle",
                "mediation.case.view_all",
                "mediation.case.assign",
                "mediation.conflict.clear",
                "mediation.figures",
                "matters.escalate",
            ),
        ),
        # extend the core's roles: workers take cases in, the committee sees the figures
        Role("community_worker", N_("Community worker"), ("mediation.case.intake",)),
        Role("committee_secretary", N_("Committee secretary"), ("mediation.figures",)),
    ]


@hookimpl
def linli_audit_titles() -> dict[str, str]:
    """What the audit trail calls the mediation plugin's actions and records."""
    return {
        "mediation.agreement.refuse": N_("Refusal to sign recorded"),
        "mediation.agreement.sign": N_("Signature recorded"),
        "mediation.attachment.add": N_("Attachment added"),
        "mediation.case.assign": N_("Mediator assigned"),
        "mediation.case.intake": N_("Case taken in"),
        "mediation.case.accept": N_("Case accepted"),
        "mediation.case.start": N_("Mediation started"),
        "mediation.case.agree": N_("Agreement reached"),
        "mediation.case.not_resolved": N_("Case not resolved"),
        "mediation.case.follow_up": N_("Follow-up started"),
        "mediation.case.close": N_("Case closed"),
        "mediation.case.refer": N_("Case referred"),
        "mediation.conflict.clear": N_("Conflict of interest cleared"),
        "mediation.follow_up.add": N_("Follow-up recorded"),
        "mediation.party.add": N_("Party added"),
        "mediation.party.edit": N_("Party corrected"),
        "mediation.session.add": N_("Session recorded"),
        "mediation.Case": N_("Mediation case"),
        "mediation.Party": N_("Party"),
        "mediation.Assignment": N_("Assignment of a mediator"),
        "mediation.Session": N_("Mediation session"),
        "mediation.Agreement": N_("Agreement"),
        "mediation.Signature": N_("Signature"),
        "mediation.FollowUp": N_("Follow-up"),
        "mediation.Attachment": N_("Attachment"),
    }
