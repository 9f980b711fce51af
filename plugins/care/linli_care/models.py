"""The records of 银龄关爱 / 青苗成长: care groups and who is in them, carers, visits,
follow-ups, health notes, the care timeline, and programmes with their sessions,
enrolments and attendance.

A group's members are derived from the register by the group's rule (age and tags);
each membership keeps the day its next visit is due (``due_on``), so the overdue list
and the coverage figures are plain indexed queries. ``Programme.taken`` is moved only
by a guarded ``UPDATE … WHERE taken < capacity``.
"""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

# Visit outcomes and modes.
WELL, CONCERNS, AWAY, HELP = "well", "concerns", "away", "help"
OUTCOMES = (WELL, CONCERNS, AWAY, HELP)
#: Outcomes where the carer saw or spoke to the person: the visit counts.
SEEN = (WELL, CONCERNS, HELP)
PHONE, IN_PERSON = "phone", "visit"
MODES = (PHONE, IN_PERSON)
# A group's visits: by phone or in person, or in person only.
ANY_MODE = "any"
# Carer kinds.
GRID, PARTY, VOLUNTEER, FAMILY, OTHER = "grid", "party", "volunteer", "family", "other"
CARER_KINDS = (GRID, PARTY, VOLUNTEER, FAMILY, OTHER)
# Programme kinds.
YOUTH, SILVER = "youth", "silver"


class CareGroup(Model):
    """A group the community promises to cover, such as the elderly living alone."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Community", related_name="care_groups"
    )
    community_id: int
    name = fields.CharField(max_length=40)
    name_en = fields.CharField(max_length=60, default="")
    # the rule: every tag (comma-separated) and the age bounds, both inclusive
    tags = fields.CharField(max_length=200, default="")
    min_age = fields.IntField(null=True)
    max_age = fields.IntField(null=True)
    # the plan: a visit every so many days, by phone or in person ("any") or in person
    every_days = fields.IntField(default=7)
    mode = fields.CharField(max_length=8, default=ANY_MODE)
    position = fields.IntField(default=0)

    class Meta:
        table = "care_group"
        unique_together = (("community", "name"),)
        ordering = ("position", "id")

    def name_in(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name

    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split(",") if t]


class Member(Model):
    """A person in a care group, with where they live and when the next visit is due."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Community", related_name="care_members"
    )
    community_id: int
    group: fields.ForeignKeyRelation[CareGroup] = fields.ForeignKeyField(
        "care.CareGroup", related_name="members", on_delete=fields.CASCADE
    )
    group_id: int
    person: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Person", related_name="care_memberships", on_delete=fields.CASCADE
    )
    person_id: int
    # their home (for who may see them) and its building (for the figures)
    node: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Node", related_name="care_members", on_delete=fields.RESTRICT
    )
    node_id: int
    building: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.Node", related_name="care_building_members", null=True, on_delete=fields.SET_NULL
    )
    building_id: int | None
    since = fields.DateField()
    last_seen = fields.DateField(null=True)
    due_on = fields.DateField(db_index=True)
    # the due day a carer was last reminded of: once per overdue period
    reminded_due = fields.DateField(null=True)

    class Meta:
        table = "care_member"
        unique_together = (("group", "person"),)
        ordering = ("due_on", "id")
        indexes = (
            ("building_id",),
            ("community_id",),
            ("node_id",),
            ("person_id",),
        )


class Carer(Model):
    """Someone who looks after a person: the grid worker, a 党员中心户 member, a
    volunteer, family."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Community", related_name="care_carers"
    )
    community_id: int
    person: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Person", related_name="care_carers", on_delete=fields.CASCADE
    )
    person_id: int
    carer: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Person", related_name="care_caring_for", on_delete=fields.CASCADE
    )
    carer_id: int
    kind = fields.CharField(max_length=12, default=OTHER)
    since = fields.DateField()

    class Meta:
        table = "care_carer"
        unique_together = (("person", "carer"),)
        ordering = ("id",)
        indexes = (
            ("carer_id",),
            ("community_id",),
        )


class Visit(Model):
    """A visit or a call, logged by the carer or on their behalf."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Community", related_name="care_visits"
    )
    community_id: int
    person: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Person", related_name="care_visits", on_delete=fields.CASCADE
    )
    person_id: int
    carer: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.Person", related_name="care_visits_made", null=True, on_delete=fields.SET_NULL
    )
    carer_id: int | None
    recorded_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.Account", related_name="care_visits_recorded", null=True, on_delete=fields.SET_NULL
    )
    recorded_by_id: int | None
    outcome = fields.CharField(max_length=10)
    mode = fields.CharField(max_length=8, default=IN_PERSON)
    # what the carer noticed: sensitive, seen by carers and care staff only
    note = fields.TextField(default="")
    at = fields.DatetimeField(db_index=True)
    day = fields.DateField(db_index=True)
    # the form's token: a second submission of the same form is the same visit
    token = fields.CharField(max_length=40, unique=True)
    followup: fields.BackwardOneToOneRelation[FollowUp]

    class Meta:
        table = "care_visit"
        ordering = ("-at", "-id")
        indexes = (
            ("carer_id",),
            ("community_id",),
            ("person_id",),
            ("recorded_by_id",),
        )


class FollowUp(Model):
    """Something a visit found that somebody must follow up: a concern, or a person
    who needs help (a welfare alert for the duty worker)."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Community", related_name="care_followups"
    )
    community_id: int
    person: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Person", related_name="care_followups", on_delete=fields.CASCADE
    )
    person_id: int
    visit: fields.OneToOneNullableRelation[Visit] = fields.OneToOneField(
        "care.Visit", related_name="followup", null=True, on_delete=fields.CASCADE
    )
    visit_id: int | None
    node: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Node", related_name="care_followups", on_delete=fields.RESTRICT
    )
    node_id: int
    level = fields.CharField(max_length=10)  # "concern" or "help"
    raised_at = fields.DatetimeField(db_index=True)
    resolved_at = fields.DatetimeField(null=True, db_index=True)
    resolved_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.Account", related_name="care_followups_resolved", null=True, on_delete=fields.SET_NULL
    )
    resolved_by_id: int | None
    resolution = fields.TextField(default="")

    class Meta:
        table = "care_followup"
        ordering = ("-raised_at", "-id")
        indexes = (
            ("community_id",),
            ("node_id",),
            ("person_id",),
            ("resolved_by_id",),
        )


class HealthNote(Model):
    """A note on a person's health or situation: sensitive, every staff read audited."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Community", related_name="care_notes"
    )
    community_id: int
    person: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Person", related_name="care_notes", on_delete=fields.CASCADE
    )
    person_id: int
    text = fields.TextField()
    written_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.Account", related_name="care_notes_written", null=True, on_delete=fields.SET_NULL
    )
    written_by_id: int | None
    at = fields.DatetimeField()

    class Meta:
        table = "care_note"
        ordering = ("-at", "-id")
        indexes = (
            ("community_id",),
            ("person_id",),
            ("written_by_id",),
        )


#: Kinds of timeline entries: a welfare concern (a door nobody opened), a call for help
#: raised for the person (一呼百应), a mediation case they are a party to.
CONCERN, CALL, CASE = "concern", "call", "case"


class TimelineEntry(Model):
    """Something another part of linli told about a person: a door nobody opened, a
    call for help raised for them, a mediation case they are a party to (its number in
    ``summary``, nothing of its content)."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Community", related_name="care_timeline"
    )
    community_id: int
    person: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Person", related_name="care_timeline", on_delete=fields.CASCADE
    )
    person_id: int
    source = fields.CharField(max_length=32)
    reference = fields.CharField(max_length=64)
    kind = fields.CharField(max_length=10, default=CONCERN, db_default=CONCERN)
    level = fields.CharField(max_length=10, default="concern")
    summary = fields.CharField(max_length=200, default="")
    link = fields.CharField(max_length=200, default="")
    at = fields.DatetimeField(db_index=True)
    resolved_at = fields.DatetimeField(null=True)
    resolution = fields.TextField(default="")

    class Meta:
        table = "care_timeline"
        unique_together = (("community", "source", "reference"),)
        ordering = ("-at", "-id")
        indexes = (("person_id",),)


class Programme(Model):
    """A 青苗成长 or 银龄 programme: a holiday care class, an elders' university course."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Community", related_name="care_programmes"
    )
    community_id: int
    kind = fields.CharField(max_length=8, default=YOUTH)
    title = fields.CharField(max_length=80)
    title_en = fields.CharField(max_length=120, default="")
    place = fields.CharField(max_length=80, default="")
    starts_on = fields.DateField()
    ends_on = fields.DateField()
    capacity = fields.IntField()
    taken = fields.IntField(default=0)

    class Meta:
        table = "care_programme"
        ordering = ("-starts_on", "id")
        indexes = (("community_id",),)

    def title_in(self, language: str) -> str:
        return self.title_en if language == "en" and self.title_en else self.title


class Session(Model):
    """One meeting of a programme."""

    id = fields.IntField(primary_key=True)
    programme: fields.ForeignKeyRelation[Programme] = fields.ForeignKeyField(
        "care.Programme", related_name="sessions", on_delete=fields.CASCADE
    )
    programme_id: int
    starts_at = fields.DatetimeField()
    topic = fields.CharField(max_length=80, default="")

    class Meta:
        table = "care_session"
        ordering = ("starts_at", "id")
        indexes = (("programme_id",),)


class Enrolment(Model):
    """A place in a programme, with the consenting guardian of a minor."""

    id = fields.IntField(primary_key=True)
    programme: fields.ForeignKeyRelation[Programme] = fields.ForeignKeyField(
        "care.Programme", related_name="enrolments", on_delete=fields.CASCADE
    )
    programme_id: int
    person: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Person", related_name="care_enrolments", on_delete=fields.CASCADE
    )
    person_id: int
    guardian: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.Person", related_name="care_guarded", null=True, on_delete=fields.SET_NULL
    )
    guardian_id: int | None
    consent_at = fields.DatetimeField(null=True)
    enrolled_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.Account", related_name="care_enrolled", null=True, on_delete=fields.SET_NULL
    )
    enrolled_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "care_enrolment"
        unique_together = (("programme", "person"),)
        ordering = ("id",)
        indexes = (
            ("enrolled_by_id",),
            ("guardian_id",),
            ("person_id",),
        )


class Attendance(Model):
    """Whether an enrolled person came to a session."""

    id = fields.IntField(primary_key=True)
    session: fields.ForeignKeyRelation[Session] = fields.ForeignKeyField(
        "care.Session", related_name="attendance", on_delete=fields.CASCADE
    )
    session_id: int
    person: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Person", related_name="care_attendance", on_delete=fields.CASCADE
    )
    person_id: int
    present = fields.BooleanField(default=True)

    class Meta:
        table = "care_attendance"
        unique_together = (("session", "person"),)
        ordering = ("id",)
        indexes = (("person_id",),)
