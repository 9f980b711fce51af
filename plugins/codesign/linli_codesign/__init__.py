"""全过程参与式设计 (participatory design): co-built projects that residents shape from
the first idea to the satisfaction survey: ideas, designs, a secret vote, the build
with their own time and donations, and the evaluation. See ``docs/plugins/codesign.md``.

It talks to other plugins only through domain events (``events.py``): it creates a
project when the council emits ``council.project_requested``, announces
``codesign.project_created``, and emits the shared ``service.verified`` for confirmed
hours so the street bank rewards them. Its models, pages, templates, catalogue, events
and demo data are found by convention; this module holds its manifest and its
extension points.
"""

from __future__ import annotations

from typing import Any

from linli.kit import (
    N_,
    Community,
    Consequence,
    Manifest,
    Permission,
    Role,
    Section,
    Widget,
    hookimpl,
)

manifest = Manifest(
    name="codesign",
    title={"zh_CN": "参与式设计", "en": "Co-design"},
    description={
        "zh_CN": "全过程参与式设计：居民出点子、做设计、投票、共建和评价共建项目",
        "en": "Co-built projects designed with residents: ideas, designs, a secret vote, "
        "building together and a satisfaction survey",
    },
    version="0.1.0",
    linli_api=">=2.3,<3",
    nav_order=40,
    icon="lightbulb",
)


@hookimpl
def linli_sections() -> list[Section]:
    """The projects (the plugin's front page, each project's pages below it) for the
    community's members, and the new project's form for those who run projects."""
    return [
        Section(N_("Co-built projects"), "", audience="members"),
        Section(N_("New project"), "manage/new", permission="codesign.manage"),
    ]


@hookimpl
def linli_dashboard_widgets(community: Community) -> list[Widget]:
    async def load(community: Community) -> dict[str, Any]:
        from linli_codesign import services

        return await services.summary(community)

    return [Widget(N_("Co-built projects"), "codesign/widget.html", load, order=40, cached=True)]


PERMISSIONS = [
    Permission(
        "codesign.manage",
        N_(
            "Run co-built projects: create them, move their stages, moderate, confirm contributions"
        ),
    ),
]


@hookimpl
def linli_permissions() -> list[Permission]:
    return PERMISSIONS


@hookimpl
def linli_default_roles() -> list[Role]:
    return [
        Role("codesign_coordinator", N_("Co-design coordinator"), ("codesign.manage",)),
        # extends the core's role: community workers run the community's projects
        Role("community_worker", N_("Community worker"), ("codesign.manage",)),
    ]


async def _projects_under_way(community: Community) -> int:
    from linli_codesign import services

    return await services.projects_under_way(community)


async def _contributions_waiting(community: Community) -> int:
    from linli_codesign import services

    return await services.contributions_waiting(community)


@hookimpl
def linli_disable_consequences(community: Community) -> list[Consequence]:
    """Switched off, the projects under way close to residents (no ideas, designs,
    ballots, offers or survey answers) and offered hours wait without a decision."""
    return [
        Consequence(
            N_("%(count)s projects under way would close to residents: no more ideas, "
               "designs, votes, offers or survey answers"),
            _projects_under_way,
        ),
        Consequence(
            N_("%(count)s contributions waiting for confirmation could not be confirmed, "
               "so their hours would not earn points"),
            _contributions_waiting,
        ),
    ]  # fmt: skip


@hookimpl
def linli_audit_titles() -> dict[str, str]:
    """What the audit trail calls the codesign plugin's actions and records."""
    return {
        "codesign.contribution.record": N_("Contribution recorded"),
        "codesign.contribution.confirmed": N_("Contribution confirmed"),
        "codesign.contribution.declined": N_("Contribution declined"),
        "codesign.comment.hide": N_("Comment hidden"),
        "codesign.proposal.hide": N_("Idea hidden"),
        "codesign.project.advance": N_("Project moved on a stage"),
        "codesign.project.create": N_("Project created"),
        "codesign.task.add": N_("Task added"),
        "codesign.task.done": N_("Task done"),
        "codesign.update.add": N_("Progress update posted"),
        "codesign.Project": N_("Project"),
        "codesign.Proposal": N_("Idea"),
        "codesign.Comment": N_("Comment"),
        "codesign.Update": N_("Progress update"),
        "codesign.Task": N_("Task"),
        "codesign.Contribution": N_("Contribution"),
    }
