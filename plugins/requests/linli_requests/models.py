"""The requests plugin's tables.

- :class:`Category` is the community's service catalogue (Open311 "services"): names,
  the body that answers by default, the custom attributes a report asks for (Open311
  datatypes, kept as JSON on the category), the targets to respond and to fix, and
  whether its requests are private.
- :class:`Status` is one of the community's statuses, each of a fixed :data:`TYPES`
  (open, fixed, closed), with the canned public notes offered when moving to it.
- :class:`Request` is a problem reported once; :class:`Reporter` rows are everyone who
  reported it ("me too", and those of merged duplicates). ``reporter_count`` caches
  their number and moves only by guarded atomic UPDATEs.
- :class:`Update` is the request's history: every change of status, routing, priority
  or date writes one, with a public note and an optional private one.
- :class:`Meeting`, :class:`AgendaItem` and :class:`Attendee` are the weekly round-table
  (周周碰) with the community and the property company; a decision on an agenda item is
  written back onto its request.
- :class:`ApiClient` is an Open311 client allowed to post requests with its key (only a
  hash of the key is kept); :class:`ApiHit` counts the API calls of a client (or an
  address) in each minute, shared by every web worker, for the rate limit.
"""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

# The fixed types every status maps to. Open311 shows "open" for OPEN and "closed" for
# the other two.
OPEN = "open"
FIXED = "fixed"
CLOSED = "closed"
TYPES = (OPEN, FIXED, CLOSED)

# How a request came in.
CHANNELS = ("online", "phone", "desk", "walk", "api")

# Priorities, most urgent first.
URGENT = 1
NORMAL = 2
LOW = 3
PRIORITIES = (URGENT, NORMAL, LOW)

# Why an item is on a round-table's agenda.
REASONS = ("new", "overdue", "waiting")

# The sides of a round-table.
SIDES = ("community", "property", "other")


class Category(Model):
    """A kind of problem residents report (an Open311 service)."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Community", related_name="requests_categories", on_delete=fields.CASCADE
    )
    community_id: int
    code = fields.CharField(max_length=32)
    name = fields.CharField(max_length=100)
    name_en = fields.CharField(max_length=100, default="")
    description = fields.TextField(default="")
    description_en = fields.TextField(default="", db_default="")
    group = fields.CharField(max_length=60, default="")
    keywords = fields.CharField(max_length=200, default="")
    body: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.Node", related_name="requests_categories", null=True, on_delete=fields.SET_NULL
    )
    body_id: int | None
    #: Open311 attributes: a list of {code, datatype, required, description,
    #: description_en, order, values: [{key, name}]}.
    attributes: Any = fields.JSONField(default=list)
    respond_hours = fields.IntField(default=24)
    fix_days = fields.IntField(default=7)
    private = fields.BooleanField(default=False)
    active = fields.BooleanField(default=True)
    position = fields.IntField(default=0)

    class Meta:
        table = "requests_category"
        unique_together = (("community", "code"),)
        ordering = ("position", "id")
        indexes = (("body_id",),)

    def name_in(self, language: str) -> str:
        return (self.name_en if language == "en" else "") or self.name

    def description_in(self, language: str) -> str:
        return (self.description_en if language == "en" else "") or self.description


class Status(Model):
    """A status of the community's requests, mapped to one of :data:`TYPES`. One
    status is where new requests start (``initial``)."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Community", related_name="requests_statuses", on_delete=fields.CASCADE
    )
    community_id: int
    key = fields.CharField(max_length=32)
    name = fields.CharField(max_length=60)
    name_en = fields.CharField(max_length=60, default="")
    type = fields.CharField(max_length=8)
    initial = fields.BooleanField(default=False)
    #: canned public notes offered when moving a request to this status, one a line
    canned = fields.TextField(default="")
    position = fields.IntField(default=0)

    class Meta:
        table = "requests_status"
        unique_together = (("community", "key"),)
        ordering = ("position", "id")

    def name_in(self, language: str) -> str:
        return (self.name_en if language == "en" else "") or self.name

    @property
    def canned_notes(self) -> list[str]:
        return [line.strip() for line in self.canned.splitlines() if line.strip()]


class ApiClient(Model):
    """An Open311 client that may post requests: its key is shown once when issued,
    and only its SHA-256 is kept."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Community", related_name="requests_api_clients", on_delete=fields.CASCADE
    )
    community_id: int
    name = fields.CharField(max_length=100)
    key_hash = fields.CharField(max_length=64, unique=True)
    key_hint = fields.CharField(max_length=8, default="")
    active = fields.BooleanField(default=True)
    created_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.Account", related_name="requests_api_clients", null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "requests_api_client"
        ordering = ("id",)
        indexes = (
            ("community_id",),
            ("created_by_id",),
        )


class Request(Model):
    """A problem reported once, whoever reported it and however many did."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Community", related_name="requests", on_delete=fields.CASCADE
    )
    community_id: int
    category: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "requests.Category", related_name="requests", on_delete=fields.RESTRICT
    )
    category_id: int
    status: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "requests.Status", related_name="requests", on_delete=fields.RESTRICT
    )
    status_id: int
    #: the status's type, kept here so that lists filter without a join
    status_type = fields.CharField(max_length=8, default=OPEN, db_index=True)
    description = fields.TextField()
    attributes: Any = fields.JSONField(default=dict)
    place: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.Node", related_name="requests_here", null=True, on_delete=fields.SET_NULL
    )
    place_id: int | None
    address = fields.CharField(max_length=200, default="")
    #: the place's address as it was when reported, {language: [whole, to the building]}:
    #: the whole one for the workers and the reporters, the other for everyone else
    labels: Any = fields.JSONField(default=dict)
    latitude = fields.FloatField(null=True)
    longitude = fields.FloatField(null=True)
    photo: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.Upload", null=True, on_delete=fields.SET_NULL, related_name=False
    )
    photo_id: int | None
    #: the first reporter (the others are in :class:`Reporter`)
    reporter: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.Person", related_name="requests_reported", null=True, on_delete=fields.SET_NULL
    )
    reporter_id: int | None
    #: contact given through the API (never shown in public answers)
    contact: Any = fields.JSONField(default=dict)
    reporter_count = fields.IntField(default=0)
    recorded_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.Account", related_name="requests_recorded", null=True, on_delete=fields.SET_NULL
    )
    recorded_by_id: int | None
    channel = fields.CharField(max_length=8, default="online")
    api_client: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "requests.ApiClient", related_name="requests", null=True, on_delete=fields.SET_NULL
    )
    api_client_id: int | None
    token = fields.CharField(max_length=36, null=True, unique=True)
    body: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.Node", related_name="requests_owned", null=True, on_delete=fields.SET_NULL
    )
    body_id: int | None
    assignee: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.Account", related_name="requests_assigned", null=True, on_delete=fields.SET_NULL
    )
    assignee_id: int | None
    priority = fields.IntField(default=NORMAL)
    private = fields.BooleanField(default=False)
    expected_on = fields.DateField(null=True)
    #: when a first answer is due, and when the fix is due (the category's targets, or
    #: the expected date once one is set)
    respond_by = fields.DatetimeField(null=True)
    due_at = fields.DatetimeField(null=True, db_index=True)
    triaged_at = fields.DatetimeField(null=True)
    first_response_at = fields.DatetimeField(null=True)
    fixed_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)
    #: when to ask the reporter "is it really fixed?", and their answer
    confirm_at = fields.DatetimeField(null=True, db_index=True)
    confirmed_at = fields.DatetimeField(null=True)
    #: when the body's staff were told the request is overdue (cleared when its dates
    #: move or it opens again, so each time it becomes overdue is told once)
    overdue_told_at = fields.DatetimeField(null=True)
    reopen_count = fields.IntField(default=0)
    #: put on the round-table for a decision
    awaiting_decision = fields.BooleanField(default=False)
    duplicate_of: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "requests.Request", related_name="duplicates", null=True, on_delete=fields.SET_NULL
    )
    duplicate_of_id: int | None
    #: moves by one with every change: a change made on an older version is refused,
    #: so two workers never overwrite each other silently
    version = fields.IntField(default=0)
    created_at = fields.DatetimeField(db_index=True)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "requests_request"
        ordering = ("-created_at", "-id")
        indexes = (
            ("api_client_id",),
            ("assignee_id",),
            ("body_id",),
            ("category_id",),
            ("community_id",),
            ("duplicate_of_id",),
            ("photo_id",),
            ("place_id",),
            ("recorded_by_id",),
            ("reporter_id",),
            ("status_id",),
        )


class Reporter(Model):
    """One person who reported a request: at most once each, by the constraint."""

    id = fields.IntField(primary_key=True)
    request: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "requests.Request", related_name="reporters", on_delete=fields.CASCADE
    )
    request_id: int
    person: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Person", related_name="requests_reports", on_delete=fields.CASCADE
    )
    person_id: int
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "requests_reporter"
        unique_together = (("request", "person"),)
        indexes = (("person_id",),)


class Update(Model):
    """A line of a request's history. ``public_note`` is shown to residents and in the
    Open311 API, ``private_note`` only to those who work on the request."""

    id = fields.IntField(primary_key=True)
    request: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "requests.Request", related_name="updates", on_delete=fields.CASCADE
    )
    request_id: int
    kind = fields.CharField(max_length=16)
    status: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "requests.Status", related_name="updates", null=True, on_delete=fields.SET_NULL
    )
    status_id: int | None
    status_type = fields.CharField(max_length=8, default=OPEN)
    public_note = fields.TextField(default="")
    private_note = fields.TextField(default="")
    data: Any = fields.JSONField(default=dict)
    by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.Account", related_name="requests_updates", null=True, on_delete=fields.SET_NULL
    )
    by_id: int | None
    at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "requests_update"
        ordering = ("at", "id")
        indexes = (
            ("by_id",),
            ("request_id",),
            ("status_id",),
        )


class Meeting(Model):
    """A weekly round-table (周周碰) of the community and the property company."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Community", related_name="requests_meetings", on_delete=fields.CASCADE
    )
    community_id: int
    held_on = fields.DateField()
    location = fields.CharField(max_length=200, default="")
    minutes = fields.TextField(default="")
    closed_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "requests_meeting"
        unique_together = (("community", "held_on"),)
        ordering = ("-held_on",)


class AgendaItem(Model):
    """A request on a round-table's agenda (new, overdue or waiting for a decision),
    with the decision taken there."""

    id = fields.IntField(primary_key=True)
    meeting: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "requests.Meeting", related_name="agenda", on_delete=fields.CASCADE
    )
    meeting_id: int
    request: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "requests.Request", related_name="agenda_items", on_delete=fields.CASCADE
    )
    request_id: int
    reason = fields.CharField(max_length=8)
    #: the body the request was routed to when the agenda was drawn up
    body: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.Node", related_name="requests_agenda_items", null=True, on_delete=fields.SET_NULL
    )
    body_id: int | None
    decision = fields.TextField(default="")
    owner: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.Account", related_name="requests_decisions", null=True, on_delete=fields.SET_NULL
    )
    owner_id: int | None
    due_on = fields.DateField(null=True)
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "requests_agenda_item"
        unique_together = (("meeting", "request"),)
        ordering = ("id",)
        indexes = (
            ("body_id",),
            ("owner_id",),
            ("request_id",),
        )


class Attendee(Model):
    """Someone at a round-table. ``roles`` is what they held when they were recorded
    (both sides' roles show a cross-appointment, 交叉任职)."""

    id = fields.IntField(primary_key=True)
    meeting: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "requests.Meeting", related_name="attendees", on_delete=fields.CASCADE
    )
    meeting_id: int
    account: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.Account", related_name="requests_attendance", null=True, on_delete=fields.SET_NULL
    )
    account_id: int | None
    name = fields.CharField(max_length=64)
    side = fields.CharField(max_length=12, default="community")
    roles = fields.CharField(max_length=300, default="")
    cross_appointed = fields.BooleanField(default=False)

    class Meta:
        table = "requests_attendee"
        ordering = ("side", "id")
        indexes = (
            ("account_id",),
            ("meeting_id",),
        )


class ApiHit(Model):
    """How many Open311 calls one bucket (a client's key or an address, for reading or
    posting, in one community) made in the minute starting at ``window``: a row per
    bucket and minute, counted by guarded atomic UPDATEs, so the limit holds however
    many web workers serve the API."""

    id = fields.IntField(primary_key=True)
    bucket = fields.CharField(max_length=120)
    window = fields.DatetimeField(db_index=True)
    count = fields.IntField(default=0)

    class Meta:
        table = "requests_api_hit"
        unique_together = (("bucket", "window"),)
