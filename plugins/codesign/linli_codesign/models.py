"""The tables of participatory design: projects, ideas and designs with comments and
support, the secret vote, the build (updates, tasks, contributions) and the survey.

The vote is stored in two tables that share nothing but the project. :class:`Voter`
says *who* voted (one row per person and project, unique, no time). :class:`Ballot`
says *what* was chosen: a random UUID, the project and the chosen design ids, with no
voter, no time and no sequential id. Each new ballot also swaps its content with a
ballot chosen at random among those already cast (see ``services.cast_ballot``), so
that not even the physical order of the rows follows the order of the voters.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

# The stages of a project, in order. ``closed`` follows the evaluation.
IDEAS = "ideas"
DESIGN = "design"
VOTE = "vote"
BUILD = "build"
EVALUATE = "evaluate"
CLOSED = "closed"
STAGES = (IDEAS, DESIGN, VOTE, BUILD, EVALUATE, CLOSED)

# Kinds of proposals.
IDEA = "idea"
DESIGN_KIND = "design"
KINDS = (IDEA, DESIGN_KIND)

# Kinds and states of contributions.
TIME = "time"
ITEM = "item"
OFFERED = "offered"
CONFIRMED = "confirmed"
DECLINED = "declined"


class Project(Model):
    """A co-built project for the residents of one place node.

    ``topic_id`` and ``topic_url`` link back to the council topic the project came
    from; a topic gives at most one project per community (unique together)."""

    id = fields.IntField(primary_key=True)
    community_id: int
    community = fields.ForeignKeyField(
        "core.Community", related_name="codesign_projects", on_delete=fields.CASCADE
    )
    place = fields.ForeignKeyField(
        "core.Node", related_name="codesign_projects", on_delete=fields.RESTRICT
    )
    title = fields.CharField(max_length=200)
    summary = fields.TextField(default="")
    stage = fields.CharField(max_length=12, default=IDEAS, db_index=True)
    # The day each stage starts: planned at first, the real day once it started.
    ideas_on = fields.DateField(null=True)
    design_on = fields.DateField(null=True)
    vote_on = fields.DateField(null=True)
    build_on = fields.DateField(null=True)
    evaluate_on = fields.DateField(null=True)
    closed_on = fields.DateField(null=True)
    # Eligibility: residents living inside ``place``, at least this old when set.
    min_age = fields.IntField(null=True)
    # How many designs one ballot may choose (1: a single choice).
    max_choices = fields.IntField(default=1)
    # The street bank service category credited for confirmed hours.
    time_category = fields.CharField(max_length=48, default="clean-up")
    topic_id = fields.IntField(null=True)
    topic_url = fields.CharField(max_length=300, default="")
    created_by = fields.ForeignKeyField(
        "core.Account", related_name="codesign_projects", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "codesign_project"
        unique_together = (("community", "topic_id"),)
        ordering = ("-created_at", "-id")
        indexes = (
            ("created_by_id",),
            ("place_id",),
        )


class Proposal(Model):
    """An idea (collect-ideas stage) or a design (co-design stage) by a resident.

    A moderator may hide it with a reason; it is never deleted."""

    id = fields.IntField(primary_key=True)
    project = fields.ForeignKeyField(
        "codesign.Project", related_name="proposals", on_delete=fields.CASCADE
    )
    kind = fields.CharField(max_length=8, default=IDEA, db_index=True)
    author = fields.ForeignKeyField(
        "core.Person", related_name="codesign_proposals", on_delete=fields.RESTRICT
    )
    title = fields.CharField(max_length=120)
    body = fields.TextField(default="")
    image = fields.ForeignKeyField(
        "core.Upload", null=True, on_delete=fields.SET_NULL, related_name=False
    )
    hidden_reason = fields.CharField(max_length=300, default="")
    hidden_by = fields.ForeignKeyField(
        "core.Account", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "codesign_proposal"
        ordering = ("-created_at", "-id")
        indexes = (
            ("author_id",),
            ("hidden_by_id",),
            ("image_id",),
            ("project_id",),
        )

    @property
    def hidden(self) -> bool:
        return bool(self.hidden_reason)


class Support(Model):
    """A resident's support ("I agree") for a proposal, once each."""

    id = fields.IntField(primary_key=True)
    proposal = fields.ForeignKeyField(
        "codesign.Proposal", related_name="supports", on_delete=fields.CASCADE
    )
    person = fields.ForeignKeyField(
        "core.Person", related_name="codesign_supports", on_delete=fields.CASCADE
    )

    class Meta:
        table = "codesign_support"
        unique_together = (("proposal", "person"),)
        indexes = (("person_id",),)


class Comment(Model):
    """A comment on a proposal. Hidden by a moderator with a reason, never deleted."""

    id = fields.IntField(primary_key=True)
    proposal = fields.ForeignKeyField(
        "codesign.Proposal", related_name="comments", on_delete=fields.CASCADE
    )
    author = fields.ForeignKeyField(
        "core.Person", related_name="codesign_comments", on_delete=fields.RESTRICT
    )
    body = fields.TextField()
    hidden_reason = fields.CharField(max_length=300, default="")
    hidden_by = fields.ForeignKeyField(
        "core.Account", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "codesign_comment"
        ordering = ("created_at", "id")
        indexes = (
            ("author_id",),
            ("hidden_by_id",),
            ("proposal_id",),
        )

    @property
    def hidden(self) -> bool:
        return bool(self.hidden_reason)


class Voter(Model):
    """That a person voted in a project (unique): no time, no link to the ballot."""

    id = fields.IntField(primary_key=True)
    project = fields.ForeignKeyField(
        "codesign.Project", related_name="voters", on_delete=fields.CASCADE
    )
    person = fields.ForeignKeyField(
        "core.Person", related_name="codesign_votes", on_delete=fields.CASCADE
    )

    class Meta:
        table = "codesign_voter"
        unique_together = (("project", "person"),)
        indexes = (("person_id",),)


class Ballot(Model):
    """An anonymous ballot: a random id and the chosen design ids (``"3,8"``, sorted)."""

    id = fields.UUIDField(primary_key=True)
    project = fields.ForeignKeyField(
        "codesign.Project", related_name="ballots", on_delete=fields.CASCADE
    )
    choices = fields.CharField(max_length=200)

    class Meta:
        table = "codesign_ballot"
        indexes = (("project_id",),)


class Update(Model):
    """A progress update of the build, with an optional photo."""

    id = fields.IntField(primary_key=True)
    project = fields.ForeignKeyField(
        "codesign.Project", related_name="updates", on_delete=fields.CASCADE
    )
    body = fields.TextField()
    image = fields.ForeignKeyField(
        "core.Upload", null=True, on_delete=fields.SET_NULL, related_name=False
    )
    author = fields.ForeignKeyField(
        "core.Account", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "codesign_update"
        ordering = ("-created_at", "-id")
        indexes = (
            ("author_id",),
            ("image_id",),
            ("project_id",),
        )


class Task(Model):
    """A task of the build (paint the wall, fetch the benches), ticked when done."""

    id = fields.IntField(primary_key=True)
    project = fields.ForeignKeyField(
        "codesign.Project", related_name="tasks", on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=200)
    done = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "codesign_task"
        ordering = ("done", "id")
        indexes = (("project_id",),)


class Contribution(Model):
    """Time or a donated item that a resident gives to the build.

    Time counts once a worker confirms it; confirming emits
    ``service.verified`` so the street bank can reward it."""

    id = fields.IntField(primary_key=True)
    project = fields.ForeignKeyField(
        "codesign.Project", related_name="contributions", on_delete=fields.CASCADE
    )
    person = fields.ForeignKeyField(
        "core.Person", related_name="codesign_contributions", on_delete=fields.RESTRICT
    )
    kind = fields.CharField(max_length=8, default=TIME)
    hours = fields.DecimalField(max_digits=6, decimal_places=2, null=True)
    description = fields.CharField(max_length=300)
    status = fields.CharField(max_length=12, default=OFFERED, db_index=True)
    decided_by = fields.ForeignKeyField(
        "core.Account", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    decided_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "codesign_contribution"
        ordering = ("-created_at", "-id")
        indexes = (
            ("decided_by_id",),
            ("person_id",),
            ("project_id",),
        )


class SurveyAnswer(Model):
    """A resident's satisfaction (1 to 5) and comment, once per project."""

    id = fields.IntField(primary_key=True)
    project = fields.ForeignKeyField(
        "codesign.Project", related_name="answers", on_delete=fields.CASCADE
    )
    person = fields.ForeignKeyField(
        "core.Person", related_name="codesign_answers", on_delete=fields.CASCADE
    )
    score = fields.SmallIntField()
    comment = fields.CharField(max_length=500, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "codesign_answer"
        unique_together = (("project", "person"),)
        ordering = ("-created_at", "-id")
        indexes = (("person_id",),)
