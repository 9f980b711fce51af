from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("core", "0004_plugin_settings")]

    initial = True

    operations = [
        ops.CreateModel(
            name="ApiClient",
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
                        related_name="requests_api_clients",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("name", fields.CharField(max_length=100)),
                ("key_hash", fields.CharField(unique=True, max_length=64)),
                ("key_hint", fields.CharField(default="", max_length=8)),
                ("active", fields.BooleanField(default=True)),
                (
                    "created_by",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="created_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="requests_api_clients",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "requests_api_client",
                "app": "requests",
                "pk_attr": "id",
                "table_description": "An Open311 client that may post requests: its key is shown once when issued,",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Category",
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
                        related_name="requests_categories",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("code", fields.CharField(max_length=32)),
                ("name", fields.CharField(max_length=100)),
                ("name_en", fields.CharField(default="", max_length=100)),
                ("description", fields.TextField(default="", unique=False)),
                ("group", fields.CharField(default="", max_length=60)),
                ("keywords", fields.CharField(default="", max_length=200)),
                (
                    "body",
                    fields.ForeignKeyField(
                        "core.Node",
                        source_field="body_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="requests_categories",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "attributes",
                    fields.JSONField(
                        default=list,
                        description="Open311 attributes: a list of {code, datatype, required, description,",
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("respond_hours", fields.IntField(default=24)),
                ("fix_days", fields.IntField(default=7)),
                ("private", fields.BooleanField(default=False)),
                ("active", fields.BooleanField(default=True)),
                ("position", fields.IntField(default=0)),
            ],
            options={
                "table": "requests_category",
                "app": "requests",
                "unique_together": (("community", "code"),),
                "pk_attr": "id",
                "table_description": "A kind of problem residents report (an Open311 service).",
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
                        related_name="requests_meetings",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("held_on", fields.DateField()),
                ("location", fields.CharField(default="", max_length=200)),
                ("minutes", fields.TextField(default="", unique=False)),
                ("closed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "requests_meeting",
                "app": "requests",
                "unique_together": (("community", "held_on"),),
                "pk_attr": "id",
                "table_description": "A weekly round-table (周周碰) of the community and the property company.",
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
                        "requests.Meeting",
                        source_field="meeting_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="attendees",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "account",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="account_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="requests_attendance",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("name", fields.CharField(max_length=64)),
                ("side", fields.CharField(default="community", max_length=12)),
                ("roles", fields.CharField(default="", max_length=300)),
                ("cross_appointed", fields.BooleanField(default=False)),
            ],
            options={
                "table": "requests_attendee",
                "app": "requests",
                "pk_attr": "id",
                "table_description": "Someone at a round-table. ``roles`` is what they held when they were recorded",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Status",
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
                        related_name="requests_statuses",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("key", fields.CharField(max_length=32)),
                ("name", fields.CharField(max_length=60)),
                ("name_en", fields.CharField(default="", max_length=60)),
                ("type", fields.CharField(max_length=8)),
                ("initial", fields.BooleanField(default=False)),
                (
                    "canned",
                    fields.TextField(
                        default="",
                        description="canned public notes offered when moving a request to this status, one a line",
                        unique=False,
                    ),
                ),
                ("position", fields.IntField(default=0)),
            ],
            options={
                "table": "requests_status",
                "app": "requests",
                "unique_together": (("community", "key"),),
                "pk_attr": "id",
                "table_description": "A status of the community's requests, mapped to one of :data:`TYPES`. One",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Request",
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
                        related_name="requests",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "category",
                    fields.ForeignKeyField(
                        "requests.Category",
                        source_field="category_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="requests",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "status",
                    fields.ForeignKeyField(
                        "requests.Status",
                        source_field="status_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="requests",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "status_type",
                    fields.CharField(
                        default="open",
                        db_index=True,
                        description="the status's type, kept here so that lists filter without a join",
                        max_length=8,
                    ),
                ),
                ("description", fields.TextField(unique=False)),
                (
                    "attributes",
                    fields.JSONField(
                        default=dict,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
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
                        related_name="requests_here",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("address", fields.CharField(default="", max_length=200)),
                (
                    "labels",
                    fields.JSONField(
                        default=dict,
                        description="the place's address as it was when reported, {language: [whole, to the building]}:",
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("latitude", fields.FloatField(null=True)),
                ("longitude", fields.FloatField(null=True)),
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
                (
                    "reporter",
                    fields.ForeignKeyField(
                        "core.Person",
                        source_field="reporter_id",
                        null=True,
                        description="the first reporter (the others are in :class:`Reporter`)",
                        db_constraint=True,
                        to_field="id",
                        related_name="requests_reported",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "contact",
                    fields.JSONField(
                        default=dict,
                        description="contact given through the API (never shown in public answers)",
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("reporter_count", fields.IntField(default=0)),
                (
                    "recorded_by",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="recorded_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="requests_recorded",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("channel", fields.CharField(default="online", max_length=8)),
                (
                    "api_client",
                    fields.ForeignKeyField(
                        "requests.ApiClient",
                        source_field="api_client_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="requests",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("token", fields.CharField(null=True, unique=True, max_length=36)),
                (
                    "body",
                    fields.ForeignKeyField(
                        "core.Node",
                        source_field="body_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="requests_owned",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "assignee",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="assignee_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="requests_assigned",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("priority", fields.IntField(default=2)),
                ("private", fields.BooleanField(default=False)),
                ("expected_on", fields.DateField(null=True)),
                (
                    "respond_by",
                    fields.DatetimeField(
                        null=True,
                        description="when a first answer is due, and when the fix is due (the category's targets, or",
                        auto_now=False,
                        auto_now_add=False,
                    ),
                ),
                (
                    "due_at",
                    fields.DatetimeField(
                        null=True, db_index=True, auto_now=False, auto_now_add=False
                    ),
                ),
                ("triaged_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                (
                    "first_response_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("fixed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("closed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                (
                    "confirm_at",
                    fields.DatetimeField(
                        null=True,
                        db_index=True,
                        description='when to ask the reporter "is it really fixed?", and their answer',
                        auto_now=False,
                        auto_now_add=False,
                    ),
                ),
                (
                    "confirmed_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("reopen_count", fields.IntField(default=0)),
                (
                    "awaiting_decision",
                    fields.BooleanField(
                        default=False, description="put on the round-table for a decision"
                    ),
                ),
                (
                    "duplicate_of",
                    fields.ForeignKeyField(
                        "requests.Request",
                        source_field="duplicate_of_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="duplicates",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "version",
                    fields.IntField(
                        default=0,
                        description="moves by one with every change: a change made on an older version is refused,",
                    ),
                ),
                (
                    "created_at",
                    fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False),
                ),
                ("updated_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "requests_request",
                "app": "requests",
                "pk_attr": "id",
                "table_description": "A problem reported once, whoever reported it and however many did.",
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
                        "requests.Meeting",
                        source_field="meeting_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="agenda",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "request",
                    fields.ForeignKeyField(
                        "requests.Request",
                        source_field="request_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="agenda_items",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("reason", fields.CharField(max_length=8)),
                (
                    "body",
                    fields.ForeignKeyField(
                        "core.Node",
                        source_field="body_id",
                        null=True,
                        description="the body the request was routed to when the agenda was drawn up",
                        db_constraint=True,
                        to_field="id",
                        related_name="requests_agenda_items",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("decision", fields.TextField(default="", unique=False)),
                (
                    "owner",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="owner_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="requests_decisions",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("due_on", fields.DateField(null=True)),
                ("decided_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "requests_agenda_item",
                "app": "requests",
                "unique_together": (("meeting", "request"),),
                "pk_attr": "id",
                "table_description": "A request on a round-table's agenda (new, overdue or waiting for a decision),",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Reporter",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "request",
                    fields.ForeignKeyField(
                        "requests.Request",
                        source_field="request_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="reporters",
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
                        related_name="requests_reports",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "requests_reporter",
                "app": "requests",
                "unique_together": (("request", "person"),),
                "pk_attr": "id",
                "table_description": "One person who reported a request: at most once each, by the constraint.",
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
                    "request",
                    fields.ForeignKeyField(
                        "requests.Request",
                        source_field="request_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="updates",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("kind", fields.CharField(max_length=16)),
                (
                    "status",
                    fields.ForeignKeyField(
                        "requests.Status",
                        source_field="status_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="updates",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("status_type", fields.CharField(default="open", max_length=8)),
                ("public_note", fields.TextField(default="", unique=False)),
                ("private_note", fields.TextField(default="", unique=False)),
                (
                    "data",
                    fields.JSONField(
                        default=dict,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                (
                    "by",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="requests_updates",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("at", fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "requests_update",
                "app": "requests",
                "pk_attr": "id",
                "table_description": "A line of a request's history. ``public_note`` is shown to residents and in the",
            },
            bases=["Model"],
        ),
    ]
