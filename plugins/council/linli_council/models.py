"""The council's tables: residents' needs and their supporters, topics with a public
timeline, monthly meetings with agenda, attendees and minutes, and action items.

``Need.support_count`` caches the number of :class:`NeedSupport` rows of a need (the
author counts as its first supporter). It moves only by guarded atomic UPDATEs in the
same transaction as the rows, so a list shows it without counting per row.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

# States of a need.
OPEN = "open"
IN_TOPIC = "in_topic"
MERGED = "merged"
NEED_STATES = (OPEN, IN_TOPIC, MERGED)

# States of a topic, in the order they are reached.
PROPOSED = "proposed"
SCHEDULED = "scheduled"
DISCUSSED = "discussed"
DECIDED = "decided"
IN_ACTION = "in_action"
RESOLVED = "resolved"
NOT_FEASIBLE = "not_feasible"
TOPIC_STATES = (PROPOSED, SCHEDULED, DISCUSSED, DECIDED, IN_ACTION, RESOLVED, NOT_FEASIBLE)
CLOSED_STATES = (RESOLVED, NOT_FEASIBLE)

# States of a meeting's minutes.
DRAFT = "draft"
APPROVED = "approved"

# Kinds of attendees.
ATTENDEE_KINDS = ("resident", "party_member", "property", "guest")


class Need(Model):
    """A need a resident raised (or a worker raised on a resident's behalf)."""

    id = fields.IntField(primary_key=True)
    community = fields.ForeignKeyField(
        "core.Community", related_name="council_needs", on_delete=fields.CASCADE
    )
    author = fields.ForeignKeyField(
        "core.Person", related_name="council_needs", null=True, on_delete=fields.SET_NULL
    )
    raised_by = fields.ForeignKeyField(
        "core.Account", related_name="council_needs_raised", null=True, on_delete=fields.SET_NULL
    )
    text = fields.TextField()
    category = fields.CharField(max_length=24, db_index=True)
    place = fields.ForeignKeyField(
        "core.Node", related_name="council_needs", null=True, on_delete=fields.SET_NULL
    )
    photo = fields.ForeignKeyField(
        "core.Upload", null=True, on_delete=fields.SET_NULL, related_name=False
    )
    support_count = fields.IntField(default=1)
    status = fields.CharField(max_length=12, default=OPEN, db_index=True)
    merged_into = fields.ForeignKeyField(
        "council.Need", related_name="merged_from", null=True, on_delete=fields.SET_NULL
    )
    topic = fields.ForeignKeyField(
        "council.Topic", related_name="needs", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "council_need"
        ordering = ("-created_at", "-id")
        indexes = (
            ("author_id",),
            ("community_id",),
            ("merged_into_id",),
            ("photo_id",),
            ("place_id",),
            ("raised_by_id",),
            ("topic_id",),
        )


class NeedSupport(Model):
    """One resident backing one need ("me too"): at most once each, by the constraint."""

    id = fields.IntField(primary_key=True)
    need = fields.ForeignKeyField("council.Need", related_name="supports", on_delete=fields.CASCADE)
    person = fields.ForeignKeyField(
        "core.Person", related_name="council_supports", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "council_need_support"
        unique_together = (("need", "person"),)
        indexes = (("person_id",),)


class Topic(Model):
    """A community topic made of one or more needs, owned at a level of the party tree
    (building group, estate branch or community committee) by its ``node``."""

    id = fields.IntField(primary_key=True)
    community_id: int
    community = fields.ForeignKeyField(
        "core.Community", related_name="council_topics", on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=200)
    summary = fields.TextField(default="")
    category = fields.CharField(max_length=24, db_index=True)
    node = fields.ForeignKeyField(
        "core.Node", related_name="council_topics", on_delete=fields.RESTRICT
    )
    place = fields.ForeignKeyField(
        "core.Node", related_name="council_topics_here", null=True, on_delete=fields.SET_NULL
    )
    owner = fields.ForeignKeyField(
        "core.Account", related_name="council_topics", null=True, on_delete=fields.SET_NULL
    )
    state = fields.CharField(max_length=16, default=PROPOSED, db_index=True)
    decision = fields.TextField(default="")
    start_project = fields.BooleanField(default=False)
    closed_reason = fields.TextField(default="")
    created_at = fields.DatetimeField(db_index=True)
    closed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "council_topic"
        ordering = ("-created_at", "-id")
        indexes = (
            ("community_id",),
            ("node_id",),
            ("owner_id",),
            ("place_id",),
        )

    @property
    def is_closed(self) -> bool:
        return self.state in CLOSED_STATES


class TimelineEntry(Model):
    """A line of a topic's public timeline. ``key`` makes an entry written for an event
    unique, so a redelivered event adds nothing."""

    id = fields.IntField(primary_key=True)
    topic = fields.ForeignKeyField(
        "council.Topic", related_name="timeline", on_delete=fields.CASCADE
    )
    kind = fields.CharField(max_length=24)
    text = fields.TextField(default="")
    link = fields.CharField(max_length=300, default="")
    key = fields.CharField(max_length=96, null=True, unique=True)
    by = fields.ForeignKeyField(
        "core.Account", related_name="council_timeline", null=True, on_delete=fields.SET_NULL
    )
    at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "council_timeline"
        ordering = ("at", "id")
        indexes = (
            ("by_id",),
            ("topic_id",),
        )


class Meeting(Model):
    """A council meeting. ``place`` is the place it covers: its approved minutes are
    shown to the residents who live there (the whole community when empty)."""

    id = fields.IntField(primary_key=True)
    community_id: int
    community = fields.ForeignKeyField(
        "core.Community", related_name="council_meetings", on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=200)
    held_on = fields.DateField(db_index=True)
    location = fields.CharField(max_length=200, default="")
    place = fields.ForeignKeyField(
        "core.Node", related_name="council_meetings", null=True, on_delete=fields.SET_NULL
    )
    minutes_status = fields.CharField(max_length=12, default=DRAFT)
    approved_by = fields.ForeignKeyField(
        "core.Account", related_name="council_minutes_approved", null=True,
        on_delete=fields.SET_NULL,
    )  # fmt: skip
    approved_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "council_meeting"
        ordering = ("-held_on", "-id")
        indexes = (
            ("approved_by_id",),
            ("community_id",),
            ("place_id",),
        )


class AgendaItem(Model):
    """A topic on a meeting's agenda, with the minutes of its discussion."""

    id = fields.IntField(primary_key=True)
    meeting = fields.ForeignKeyField(
        "council.Meeting", related_name="agenda", on_delete=fields.CASCADE
    )
    topic = fields.ForeignKeyField(
        "council.Topic", related_name="agenda_items", on_delete=fields.CASCADE
    )
    position = fields.IntField(default=0)
    minutes = fields.TextField(default="")

    class Meta:
        table = "council_agenda_item"
        unique_together = (("meeting", "topic"),)
        ordering = ("position", "id")
        indexes = (("topic_id",),)


class Attendee(Model):
    """Someone at a meeting: a resident, a party member, property staff or a guest
    (a lawyer invited when the law matters)."""

    id = fields.IntField(primary_key=True)
    meeting = fields.ForeignKeyField(
        "council.Meeting", related_name="attendees", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=64)
    kind = fields.CharField(max_length=16, default="resident")
    note = fields.CharField(max_length=100, default="")

    class Meta:
        table = "council_attendee"
        ordering = ("id",)
        indexes = (("meeting_id",),)


class ActionItem(Model):
    """Follow-up work of a decision, with an owner and a due date.

    It is open until it is done or waived with a public reason; a topic with an open
    item cannot be closed as resolved."""

    id = fields.IntField(primary_key=True)
    topic = fields.ForeignKeyField(
        "council.Topic", related_name="actions", on_delete=fields.CASCADE
    )
    meeting = fields.ForeignKeyField(
        "council.Meeting", related_name="actions", null=True, on_delete=fields.SET_NULL
    )
    text = fields.CharField(max_length=300)
    owner = fields.CharField(max_length=64)
    due_on = fields.DateField(db_index=True)
    done_at = fields.DatetimeField(null=True)
    # An action item given up, with the public reason: it no longer holds the topic open.
    waived_at = fields.DatetimeField(null=True)
    waived_reason = fields.TextField(default="", db_default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "council_action"
        ordering = ("due_on", "id")
        indexes = (
            ("meeting_id",),
            ("topic_id",),
        )
