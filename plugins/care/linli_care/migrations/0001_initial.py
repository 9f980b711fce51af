from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("core", "0007_notifications_jobs")]

    initial = True

    operations = [
        ops.CreateModel(
            name="CareGroup",
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
                        related_name="care_groups",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("name", fields.CharField(max_length=40)),
                ("name_en", fields.CharField(default="", max_length=60)),
                ("tags", fields.CharField(default="", max_length=200)),
                ("min_age", fields.IntField(null=True)),
                ("max_age", fields.IntField(null=True)),
                ("every_days", fields.IntField(default=7)),
                ("mode", fields.CharField(default="any", max_length=8)),
                ("position", fields.IntField(default=0)),
            ],
            options={
                "table": "care_group",
                "app": "care",
                "unique_together": (("community", "name"),),
                "pk_attr": "id",
                "table_description": "A group the community promises to cover, such as the elderly living alone.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Carer",
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
                        related_name="care_carers",
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
                        related_name="care_carers",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "carer",
                    fields.ForeignKeyField(
                        "core.Person",
                        source_field="carer_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="care_caring_for",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("kind", fields.CharField(default="other", max_length=12)),
                ("since", fields.DateField()),
            ],
            options={
                "table": "care_carer",
                "app": "care",
                "unique_together": (("person", "carer"),),
                "pk_attr": "id",
                "table_description": "Someone who looks after a person: the grid worker, a 党员中心户 member, a",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="HealthNote",
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
                        related_name="care_notes",
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
                        related_name="care_notes",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("text", fields.TextField(unique=False)),
                (
                    "written_by",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="written_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="care_notes_written",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "care_note",
                "app": "care",
                "pk_attr": "id",
                "table_description": "A note on a person's health or situation: sensitive, every staff read audited.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Member",
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
                        related_name="care_members",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "group",
                    fields.ForeignKeyField(
                        "care.CareGroup",
                        source_field="group_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="members",
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
                        related_name="care_memberships",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "node",
                    fields.ForeignKeyField(
                        "core.Node",
                        source_field="node_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="care_members",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "building",
                    fields.ForeignKeyField(
                        "core.Node",
                        source_field="building_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="care_building_members",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("since", fields.DateField()),
                ("last_seen", fields.DateField(null=True)),
                ("due_on", fields.DateField(db_index=True)),
                ("reminded_due", fields.DateField(null=True)),
            ],
            options={
                "table": "care_member",
                "app": "care",
                "unique_together": (("group", "person"),),
                "pk_attr": "id",
                "table_description": "A person in a care group, with where they live and when the next visit is due.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Programme",
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
                        related_name="care_programmes",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("kind", fields.CharField(default="youth", max_length=8)),
                ("title", fields.CharField(max_length=80)),
                ("title_en", fields.CharField(default="", max_length=120)),
                ("place", fields.CharField(default="", max_length=80)),
                ("starts_on", fields.DateField()),
                ("ends_on", fields.DateField()),
                ("capacity", fields.IntField()),
                ("taken", fields.IntField(default=0)),
            ],
            options={
                "table": "care_programme",
                "app": "care",
                "pk_attr": "id",
                "table_description": "A 青苗成长 or 银龄 programme: a holiday care class, an elders' university course.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Enrolment",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "programme",
                    fields.ForeignKeyField(
                        "care.Programme",
                        source_field="programme_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="enrolments",
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
                        related_name="care_enrolments",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "guardian",
                    fields.ForeignKeyField(
                        "core.Person",
                        source_field="guardian_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="care_guarded",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("consent_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                (
                    "enrolled_by",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="enrolled_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="care_enrolled",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "care_enrolment",
                "app": "care",
                "unique_together": (("programme", "person"),),
                "pk_attr": "id",
                "table_description": "A place in a programme, with the consenting guardian of a minor.",
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
                    "programme",
                    fields.ForeignKeyField(
                        "care.Programme",
                        source_field="programme_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="sessions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("starts_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("topic", fields.CharField(default="", max_length=80)),
            ],
            options={
                "table": "care_session",
                "app": "care",
                "pk_attr": "id",
                "table_description": "One meeting of a programme.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Attendance",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "session",
                    fields.ForeignKeyField(
                        "care.Session",
                        source_field="session_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="attendance",
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
                        related_name="care_attendance",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("present", fields.BooleanField(default=True)),
            ],
            options={
                "table": "care_attendance",
                "app": "care",
                "unique_together": (("session", "person"),),
                "pk_attr": "id",
                "table_description": "Whether an enrolled person came to a session.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="TimelineEntry",
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
                        related_name="care_timeline",
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
                        related_name="care_timeline",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("source", fields.CharField(max_length=32)),
                ("reference", fields.CharField(max_length=64)),
                ("level", fields.CharField(default="concern", max_length=10)),
                ("summary", fields.CharField(default="", max_length=200)),
                ("link", fields.CharField(default="", max_length=200)),
                ("at", fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                (
                    "resolved_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("resolution", fields.TextField(default="", unique=False)),
            ],
            options={
                "table": "care_timeline",
                "app": "care",
                "unique_together": (("community", "source", "reference"),),
                "pk_attr": "id",
                "table_description": "Something another part of linli told about a person (a door nobody opened).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Visit",
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
                        related_name="care_visits",
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
                        related_name="care_visits",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "carer",
                    fields.ForeignKeyField(
                        "core.Person",
                        source_field="carer_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="care_visits_made",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "recorded_by",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="recorded_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="care_visits_recorded",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("outcome", fields.CharField(max_length=10)),
                ("mode", fields.CharField(default="visit", max_length=8)),
                ("note", fields.TextField(default="", unique=False)),
                ("at", fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ("day", fields.DateField(db_index=True)),
                ("token", fields.CharField(unique=True, max_length=40)),
            ],
            options={
                "table": "care_visit",
                "app": "care",
                "pk_attr": "id",
                "table_description": "A visit or a call, logged by the carer or on their behalf.",
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
                    "community",
                    fields.ForeignKeyField(
                        "core.Community",
                        source_field="community_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="care_followups",
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
                        related_name="care_followups",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "visit",
                    fields.OneToOneField(
                        "care.Visit",
                        source_field="visit_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="followup",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "node",
                    fields.ForeignKeyField(
                        "core.Node",
                        source_field="node_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="care_followups",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("level", fields.CharField(max_length=10)),
                (
                    "raised_at",
                    fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False),
                ),
                (
                    "resolved_at",
                    fields.DatetimeField(
                        null=True, db_index=True, auto_now=False, auto_now_add=False
                    ),
                ),
                (
                    "resolved_by",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="resolved_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="care_followups_resolved",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("resolution", fields.TextField(default="", unique=False)),
            ],
            options={
                "table": "care_followup",
                "app": "care",
                "pk_attr": "id",
                "table_description": "Something a visit found that somebody must follow up: a concern, or a person",
            },
            bases=["Model"],
        ),
    ]
