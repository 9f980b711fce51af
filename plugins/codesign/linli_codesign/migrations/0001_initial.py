from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("core", "0003_uploads")]

    initial = True

    operations = [
        ops.CreateModel(
            name="Project",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "community",
                    fields.ForeignKeyField(
                        "core.Community",
                        source_field="community_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="codesign_projects",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "place",
                    fields.ForeignKeyField(
                        "core.Node",
                        source_field="place_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="codesign_projects",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("title", fields.CharField(max_length=200)),
                ("summary", fields.TextField(default="", unique=False)),
                ("stage", fields.CharField(default="ideas", db_index=True, max_length=12)),
                ("ideas_on", fields.DateField(null=True)),
                ("design_on", fields.DateField(null=True)),
                ("vote_on", fields.DateField(null=True)),
                ("build_on", fields.DateField(null=True)),
                ("evaluate_on", fields.DateField(null=True)),
                ("closed_on", fields.DateField(null=True)),
                ("min_age", fields.IntField(null=True)),
                ("max_choices", fields.IntField(default=1)),
                ("time_category", fields.CharField(default="clean-up", max_length=48)),
                ("topic_id", fields.IntField(null=True)),
                ("topic_url", fields.CharField(default="", max_length=300)),
                (
                    "created_by",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="created_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="codesign_projects",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "codesign_project",
                "app": "codesign",
                "unique_together": (("community", "topic_id"),),
                "pk_attr": "id",
                "table_description": "A co-built project for the residents of one place node.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Ballot",
            fields=[
                (
                    "id",
                    fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True),
                ),
                (
                    "project",
                    fields.ForeignKeyField(
                        "codesign.Project",
                        source_field="project_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="ballots",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("choices", fields.CharField(max_length=200)),
            ],
            options={
                "table": "codesign_ballot",
                "app": "codesign",
                "pk_attr": "id",
                "table_description": 'An anonymous ballot: a random id and the chosen design ids (``"3,8"``, sorted).',
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Contribution",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "project",
                    fields.ForeignKeyField(
                        "codesign.Project",
                        source_field="project_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="contributions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "person",
                    fields.ForeignKeyField(
                        "core.Person",
                        source_field="person_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="codesign_contributions",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("kind", fields.CharField(default="time", max_length=8)),
                ("hours", fields.DecimalField(null=True, max_digits=6, decimal_places=2)),
                ("description", fields.CharField(max_length=300)),
                ("status", fields.CharField(default="offered", db_index=True, max_length=12)),
                (
                    "decided_by",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="decided_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("decided_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "codesign_contribution",
                "app": "codesign",
                "pk_attr": "id",
                "table_description": "Time or a donated item that a resident gives to the build.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Proposal",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "project",
                    fields.ForeignKeyField(
                        "codesign.Project",
                        source_field="project_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="proposals",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("kind", fields.CharField(default="idea", db_index=True, max_length=8)),
                (
                    "author",
                    fields.ForeignKeyField(
                        "core.Person",
                        source_field="author_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="codesign_proposals",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("title", fields.CharField(max_length=120)),
                ("body", fields.TextField(default="", unique=False)),
                (
                    "image",
                    fields.ForeignKeyField(
                        "core.Upload",
                        source_field="image_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("hidden_reason", fields.CharField(default="", max_length=300)),
                (
                    "hidden_by",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="hidden_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "codesign_proposal",
                "app": "codesign",
                "pk_attr": "id",
                "table_description": "An idea (collect-ideas stage) or a design (co-design stage) by a resident.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Comment",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "proposal",
                    fields.ForeignKeyField(
                        "codesign.Proposal",
                        source_field="proposal_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="comments",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "author",
                    fields.ForeignKeyField(
                        "core.Person",
                        source_field="author_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="codesign_comments",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("body", fields.TextField(unique=False)),
                ("hidden_reason", fields.CharField(default="", max_length=300)),
                (
                    "hidden_by",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="hidden_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "codesign_comment",
                "app": "codesign",
                "pk_attr": "id",
                "table_description": "A comment on a proposal. Hidden by a moderator with a reason, never deleted.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Support",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "proposal",
                    fields.ForeignKeyField(
                        "codesign.Proposal",
                        source_field="proposal_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="supports",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "person",
                    fields.ForeignKeyField(
                        "core.Person",
                        source_field="person_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="codesign_supports",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
            ],
            options={
                "table": "codesign_support",
                "app": "codesign",
                "unique_together": (("proposal", "person"),),
                "pk_attr": "id",
                "table_description": 'A resident\'s support ("I agree") for a proposal, once each.',
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SurveyAnswer",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "project",
                    fields.ForeignKeyField(
                        "codesign.Project",
                        source_field="project_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="answers",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "person",
                    fields.ForeignKeyField(
                        "core.Person",
                        source_field="person_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="codesign_answers",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("score", fields.SmallIntField()),
                ("comment", fields.CharField(default="", max_length=500)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "codesign_answer",
                "app": "codesign",
                "unique_together": (("project", "person"),),
                "pk_attr": "id",
                "table_description": "A resident's satisfaction (1 to 5) and comment, once per project.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Task",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "project",
                    fields.ForeignKeyField(
                        "codesign.Project",
                        source_field="project_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="tasks",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("title", fields.CharField(max_length=200)),
                ("done", fields.BooleanField(default=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "codesign_task",
                "app": "codesign",
                "pk_attr": "id",
                "table_description": "A task of the build (paint the wall, fetch the benches), ticked when done.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Update",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "project",
                    fields.ForeignKeyField(
                        "codesign.Project",
                        source_field="project_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="updates",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("body", fields.TextField(unique=False)),
                (
                    "image",
                    fields.ForeignKeyField(
                        "core.Upload",
                        source_field="image_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "author",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="author_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "codesign_update",
                "app": "codesign",
                "pk_attr": "id",
                "table_description": "A progress update of the build, with an optional photo.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Voter",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "project",
                    fields.ForeignKeyField(
                        "codesign.Project",
                        source_field="project_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="voters",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "person",
                    fields.ForeignKeyField(
                        "core.Person",
                        source_field="person_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="codesign_votes",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
            ],
            options={
                "table": "codesign_voter",
                "app": "codesign",
                "unique_together": (("project", "person"),),
                "pk_attr": "id",
                "table_description": "That a person voted in a project (unique): no time, no link to the ballot.",
            },
            bases=["Model"],
        ),
    ]
