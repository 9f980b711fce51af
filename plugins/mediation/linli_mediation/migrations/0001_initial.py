from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("core", "0003_uploads")]

    initial = True

    operations = [
        ops.CreateModel(
            name="Studio",
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
                        related_name="mediation_studios",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("name", fields.CharField(max_length=64)),
                ("name_en", fields.CharField(default="", max_length=64)),
                (
                    "host",
                    fields.ForeignKeyField(
                        "core.Person",
                        source_field="host_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="hosted_studios",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "node",
                    fields.ForeignKeyField(
                        "core.Node",
                        source_field="node_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="mediation_studios",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("opening_hours", fields.CharField(default="", max_length=120)),
                ("specialties", fields.CharField(default="", max_length=200)),
                ("active", fields.BooleanField(default=True)),
            ],
            options={
                "table": "mediation_studio",
                "app": "mediation",
                "unique_together": (("community", "name"),),
                "pk_attr": "id",
                "table_description": "A mediation studio (调解工作室), named after its host mediator.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Case",
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
                        related_name="mediation_cases",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("number", fields.CharField(default="", max_length=16)),
                ("summary", fields.CharField(max_length=120)),
                ("description", fields.TextField(default="", unique=False)),
                ("category", fields.CharField(db_index=True, max_length=24)),
                ("urgency", fields.CharField(default="normal", max_length=12)),
                ("status", fields.CharField(db_index=True, max_length=16)),
                (
                    "studio",
                    fields.ForeignKeyField(
                        "mediation.Studio",
                        source_field="studio_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="cases",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "place",
                    fields.ForeignKeyField(
                        "core.Node",
                        source_field="place_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="mediation_places",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "node",
                    fields.ForeignKeyField(
                        "core.Node",
                        source_field="node_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="mediation_cases",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("outcome", fields.CharField(default="", max_length=16)),
                ("referred_to", fields.CharField(default="", max_length=24)),
                (
                    "opened_at",
                    fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False),
                ),
                ("agreed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("closed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("follow_up_due", fields.DateField(null=True, db_index=True)),
                ("escalations", fields.IntField(default=0)),
                (
                    "created_by",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="created_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="mediation_cases_created",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "request_key",
                    fields.CharField(
                        null=True,
                        description="the form's one-time key: the same form sent twice opens one case",
                        max_length=32,
                    ),
                ),
            ],
            options={
                "table": "mediation_case",
                "app": "mediation",
                "unique_together": (("community", "request_key"),),
                "pk_attr": "id",
                "table_description": "A dispute between neighbours, from intake to close. Confidential.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Agreement",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "case",
                    fields.OneToOneField(
                        "mediation.Case",
                        source_field="case_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="agreement",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("facts", fields.TextField(unique=False)),
                ("terms", fields.TextField(unique=False)),
                ("deadline", fields.DateField(null=True)),
                (
                    "created_by",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="created_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="mediation_agreements",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "mediation_agreement",
                "app": "mediation",
                "pk_attr": "id",
                "table_description": "The agreement reached (调解协议): facts, terms, a deadline.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Assignment",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "case",
                    fields.ForeignKeyField(
                        "mediation.Case",
                        source_field="case_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="assignments",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "account",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="account_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="mediation_assignments",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("conflict", fields.CharField(default="", max_length=200)),
                ("effective", fields.BooleanField(default=True, db_index=True)),
                (
                    "cleared_by",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="cleared_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="mediation_clearances",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("cleared_reason", fields.TextField(default="", unique=False)),
                ("assigned_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "mediation_assignment",
                "app": "mediation",
                "unique_together": (("case", "account"),),
                "pk_attr": "id",
                "table_description": "A mediator assigned to a case. A flagged conflict of interest keeps the mediator",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Attachment",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "case",
                    fields.ForeignKeyField(
                        "mediation.Case",
                        source_field="case_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="attachments",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "upload",
                    fields.ForeignKeyField(
                        "core.Upload",
                        source_field="upload_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("title", fields.CharField(max_length=120)),
                ("shared", fields.BooleanField(default=False)),
                (
                    "added_by",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="added_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="mediation_attachments",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "mediation_attachment",
                "app": "mediation",
                "pk_attr": "id",
                "table_description": "A document of a case (a photo of a leak, a letter). Served only through the",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="FollowUp",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "case",
                    fields.ForeignKeyField(
                        "mediation.Case",
                        source_field="case_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="follow_ups",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("visited_on", fields.DateField()),
                ("kept", fields.BooleanField(default=True)),
                ("notes", fields.TextField(default="", unique=False)),
                (
                    "recorded_by",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="recorded_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="mediation_follow_ups",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
            ],
            options={
                "table": "mediation_follow_up",
                "app": "mediation",
                "pk_attr": "id",
                "table_description": "A follow-up visit (回访): is the agreement kept?",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Party",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "case",
                    fields.ForeignKeyField(
                        "mediation.Case",
                        source_field="case_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="parties",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "person",
                    fields.ForeignKeyField(
                        "core.Person",
                        source_field="person_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="mediation_parties",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("name", fields.CharField(max_length=64)),
                ("contact", fields.CharField(default="", max_length=64)),
                ("side", fields.CharField(default="applicant", max_length=12)),
            ],
            options={
                "table": "mediation_party",
                "app": "mediation",
                "pk_attr": "id",
                "table_description": "A side of a dispute: a person of the register, or an outsider with a name and a",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Session",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "case",
                    fields.ForeignKeyField(
                        "mediation.Case",
                        source_field="case_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="sessions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("held_on", fields.DateField()),
                ("place", fields.CharField(default="", max_length=120)),
                ("attendees", fields.CharField(default="", max_length=300)),
                ("notes", fields.TextField(default="", unique=False)),
                ("next_steps", fields.TextField(default="", unique=False)),
                (
                    "recorded_by",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="recorded_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="mediation_sessions",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "mediation_session",
                "app": "mediation",
                "pk_attr": "id",
                "table_description": "A mediation session. Parties see its date and place, never the notes.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Signature",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "agreement",
                    fields.ForeignKeyField(
                        "mediation.Agreement",
                        source_field="agreement_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="signatures",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "party",
                    fields.ForeignKeyField(
                        "mediation.Party",
                        source_field="party_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="signatures",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("signed_on", fields.DateField()),
                (
                    "recorded_by",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="recorded_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="mediation_signatures",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
            ],
            options={
                "table": "mediation_signature",
                "app": "mediation",
                "unique_together": (("agreement", "party"),),
                "pk_attr": "id",
                "table_description": "A party signed the printed agreement on a given day.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Transition",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "case",
                    fields.ForeignKeyField(
                        "mediation.Case",
                        source_field="case_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="transitions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("action", fields.CharField(max_length=16)),
                ("from_status", fields.CharField(default="", max_length=16)),
                ("to_status", fields.CharField(max_length=16)),
                (
                    "actor",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="actor_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="mediation_transitions",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("reason", fields.TextField(default="", unique=False)),
                ("at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "mediation_transition",
                "app": "mediation",
                "pk_attr": "id",
                "table_description": "One applied step of a case's lifecycle: who, when, why.",
            },
            bases=["Model"],
        ),
    ]
