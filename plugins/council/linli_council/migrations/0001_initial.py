from tortoise import migrations
from tortoise.migrations import operations as ops
from decimal import Decimal
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("core", "0003_uploads")]

    initial = True

    operations = [
        ops.CreateModel(
            name="CouncilSettings",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "community",
                    fields.OneToOneField(
                        "core.Community",
                        source_field="community_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="council_settings",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "closure_target",
                    fields.DecimalField(default=Decimal("0.800"), max_digits=4, decimal_places=3),
                ),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "council_settings",
                "app": "council",
                "pk_attr": "id",
                "table_description": "Council settings of one community.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Meeting",
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
                        related_name="council_meetings",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("title", fields.CharField(max_length=200)),
                ("held_on", fields.DateField(db_index=True)),
                ("location", fields.CharField(default="", max_length=200)),
                (
                    "place",
                    fields.ForeignKeyField(
                        "core.Node",
                        source_field="place_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="council_meetings",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("minutes_status", fields.CharField(default="draft", max_length=12)),
                (
                    "approved_by",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="approved_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="council_minutes_approved",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "approved_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "council_meeting",
                "app": "council",
                "pk_attr": "id",
                "table_description": "A council meeting. ``place`` is the place it covers: its approved minutes are",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Attendee",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "meeting",
                    fields.ForeignKeyField(
                        "council.Meeting",
                        source_field="meeting_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="attendees",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("name", fields.CharField(max_length=64)),
                ("kind", fields.CharField(default="resident", max_length=16)),
                ("note", fields.CharField(default="", max_length=100)),
            ],
            options={
                "table": "council_attendee",
                "app": "council",
                "pk_attr": "id",
                "table_description": "Someone at a meeting: a resident, a party member, property staff or a guest",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Topic",
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
                        related_name="council_topics",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("title", fields.CharField(max_length=200)),
                ("summary", fields.TextField(default="", unique=False)),
                ("category", fields.CharField(db_index=True, max_length=24)),
                (
                    "node",
                    fields.ForeignKeyField(
                        "core.Node",
                        source_field="node_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="council_topics",
                        on_delete=OnDelete.RESTRICT,
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
                        related_name="council_topics_here",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "owner",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="owner_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="council_topics",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("state", fields.CharField(default="proposed", db_index=True, max_length=16)),
                ("decision", fields.TextField(default="", unique=False)),
                ("start_project", fields.BooleanField(default=False)),
                ("closed_reason", fields.TextField(default="", unique=False)),
                (
                    "created_at",
                    fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False),
                ),
                ("closed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "council_topic",
                "app": "council",
                "pk_attr": "id",
                "table_description": "A community topic made of one or more needs, owned at a level of the party tree",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ActionItem",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "topic",
                    fields.ForeignKeyField(
                        "council.Topic",
                        source_field="topic_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="actions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "meeting",
                    fields.ForeignKeyField(
                        "council.Meeting",
                        source_field="meeting_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="actions",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("text", fields.CharField(max_length=300)),
                ("owner", fields.CharField(max_length=64)),
                ("due_on", fields.DateField(db_index=True)),
                ("done_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "council_action",
                "app": "council",
                "pk_attr": "id",
                "table_description": "Follow-up work of a decision, with an owner and a due date.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="AgendaItem",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "meeting",
                    fields.ForeignKeyField(
                        "council.Meeting",
                        source_field="meeting_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="agenda",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "topic",
                    fields.ForeignKeyField(
                        "council.Topic",
                        source_field="topic_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="agenda_items",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("position", fields.IntField(default=0)),
                ("minutes", fields.TextField(default="", unique=False)),
            ],
            options={
                "table": "council_agenda_item",
                "app": "council",
                "unique_together": (("meeting", "topic"),),
                "pk_attr": "id",
                "table_description": "A topic on a meeting's agenda, with the minutes of its discussion.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Need",
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
                        related_name="council_needs",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "author",
                    fields.ForeignKeyField(
                        "core.Person",
                        source_field="author_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="council_needs",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "raised_by",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="raised_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="council_needs_raised",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("text", fields.TextField(unique=False)),
                ("category", fields.CharField(db_index=True, max_length=24)),
                (
                    "place",
                    fields.ForeignKeyField(
                        "core.Node",
                        source_field="place_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="council_needs",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "photo",
                    fields.ForeignKeyField(
                        "core.Upload",
                        source_field="photo_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("support_count", fields.IntField(default=1)),
                ("status", fields.CharField(default="open", db_index=True, max_length=12)),
                (
                    "merged_into",
                    fields.ForeignKeyField(
                        "council.Need",
                        source_field="merged_into_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="merged_from",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "topic",
                    fields.ForeignKeyField(
                        "council.Topic",
                        source_field="topic_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="needs",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "created_at",
                    fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False),
                ),
            ],
            options={
                "table": "council_need",
                "app": "council",
                "pk_attr": "id",
                "table_description": "A need a resident raised (or a worker raised on a resident's behalf).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="NeedSupport",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "need",
                    fields.ForeignKeyField(
                        "council.Need",
                        source_field="need_id",
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
                        related_name="council_supports",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "council_need_support",
                "app": "council",
                "unique_together": (("need", "person"),),
                "pk_attr": "id",
                "table_description": 'One resident backing one need ("me too"): at most once each, by the constraint.',
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
                    "topic",
                    fields.ForeignKeyField(
                        "council.Topic",
                        source_field="topic_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="timeline",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("kind", fields.CharField(max_length=24)),
                ("text", fields.TextField(default="", unique=False)),
                ("link", fields.CharField(default="", max_length=300)),
                ("key", fields.CharField(null=True, unique=True, max_length=96)),
                (
                    "by",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="council_timeline",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("at", fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "council_timeline",
                "app": "council",
                "pk_attr": "id",
                "table_description": "A line of a topic's public timeline. ``key`` makes an entry written for an event",
            },
            bases=["Model"],
        ),
    ]
