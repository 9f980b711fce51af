"""The volunteers' records: the register (volunteers, skills, teams, qualifications),
calls for help and who accepted them, shifts and their sign-ups, and hours.

Counters that a crowd races on (``Call.taken``, ``Shift.taken``) are moved only by a
guarded ``UPDATE … WHERE taken < needed``; a unique pair (call and volunteer, shift and
volunteer) refuses a second acceptance or sign-up of the same person.
"""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

# Call and hours states.
# A call whose day passed before it was filled is "expired" (by the daily job).
OPEN, FILLED, CLOSED, CANCELLED, EXPIRED = "open", "filled", "closed", "cancelled", "expired"
PENDING, APPROVED, DECLINED = "pending", "approved", "declined"


class Skill(Model):
    """Something volunteers can do, such as plumbing or first aid."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Community", related_name="volunteers_skills"
    )
    community_id: int
    name = fields.CharField(max_length=40)
    name_en = fields.CharField(max_length=60, default="")
    # the service category (a street bank key) its hours are reported in
    category = fields.CharField(max_length=32, default="skills")
    volunteers: fields.ManyToManyRelation[Volunteer]

    class Meta:
        table = "volunteers_skill"
        unique_together = (("community", "name"),)
        ordering = ("id",)


class Team(Model):
    """A team of the register, such as the elderly service team or the patrol."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Community", related_name="volunteers_teams"
    )
    community_id: int
    name = fields.CharField(max_length=40)
    name_en = fields.CharField(max_length=60, default="")
    description = fields.CharField(max_length=200, default="")
    # the service category of the team's hours; service another plugin verifies in
    # this category (the canteen's ``meal-delivery``) makes its volunteer a member
    category = fields.CharField(max_length=32, default="", db_index=True)

    class Meta:
        table = "volunteers_team"
        unique_together = (("community", "name"),)
        ordering = ("id",)


class Volunteer(Model):
    """A resident on the volunteer register: one record per person."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Community", related_name="volunteers_volunteers"
    )
    community_id: int
    person: fields.OneToOneRelation[Any] = fields.OneToOneField(
        "core.Person", related_name="volunteers_volunteer"
    )
    person_id: int
    # where they live when they joined, for offering calls nearby
    home: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.Node", related_name="volunteers_homes", null=True, on_delete=fields.SET_NULL
    )
    home_id: int | None
    # weekdays they are usually free, Monday = 1 … Sunday = 7 ("" = any day)
    days = fields.CharField(max_length=7, default="")
    availability = fields.CharField(max_length=100, default="")
    active = fields.BooleanField(default=True)
    joined_on = fields.DateField()
    enrolled_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.Person", related_name="volunteers_enrolled", null=True, on_delete=fields.SET_NULL
    )
    enrolled_by_id: int | None
    skills: fields.ManyToManyRelation[Skill] = fields.ManyToManyField(
        "volunteers.Skill", related_name="volunteers", through="volunteers_volunteer_skill"
    )
    qualifications: fields.ReverseRelation[Qualification]
    memberships: fields.ReverseRelation[Membership]

    class Meta:
        table = "volunteers_volunteer"
        ordering = ("id",)
        indexes = (
            ("community_id",),
            ("enrolled_by_id",),
            ("home_id",),
        )


class Membership(Model):
    """A volunteer's place in a team, as a member or a leader who approves its hours."""

    id = fields.IntField(primary_key=True)
    team: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "volunteers.Team", related_name="members"
    )
    team_id: int
    volunteer: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "volunteers.Volunteer", related_name="memberships"
    )
    volunteer_id: int
    leader = fields.BooleanField(default=False)
    since = fields.DateField()

    class Meta:
        table = "volunteers_membership"
        unique_together = (("team", "volunteer"),)
        indexes = (("volunteer_id",),)


class Qualification(Model):
    """A certificate a volunteer holds until it expires, such as a health certificate."""

    id = fields.IntField(primary_key=True)
    volunteer: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "volunteers.Volunteer", related_name="qualifications"
    )
    volunteer_id: int
    kind = fields.CharField(max_length=32)
    expires_on = fields.DateField(null=True)
    # the expiry its volunteer and leaders were warned of (a renewal warns again)
    warned_for = fields.DateField(null=True)
    noted_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.Person", related_name="volunteers_noted", null=True, on_delete=fields.SET_NULL
    )
    noted_by_id: int | None

    class Meta:
        table = "volunteers_qualification"
        unique_together = (("volunteer", "kind"),)
        indexes = (("noted_by_id",),)


class Call(Model):
    """A call for help: a need that the first volunteers to accept it answer."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Community", related_name="volunteers_calls"
    )
    community_id: int
    title = fields.CharField(max_length=100)
    details = fields.TextField(default="")
    skill: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "volunteers.Skill", related_name="calls", null=True, on_delete=fields.SET_NULL
    )
    skill_id: int | None
    place: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.Node", related_name="volunteers_calls", null=True, on_delete=fields.SET_NULL
    )
    place_id: int | None
    urgent = fields.BooleanField(default=False)
    needed = fields.IntField(default=1)
    taken = fields.IntField(default=0)
    starts_at = fields.DatetimeField()
    hours = fields.FloatField(default=1.0)
    # private: shown to the assigned volunteers while the call is open
    beneficiary = fields.CharField(max_length=64, default="")
    address = fields.CharField(max_length=100, default="")
    phone = fields.CharField(max_length=32, default="")
    # the resident of the register the call is for, when named (care's timeline hears it)
    beneficiary_person: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.Person", related_name="volunteers_calls_for", null=True, on_delete=fields.SET_NULL
    )
    beneficiary_person_id: int | None
    status = fields.CharField(max_length=12, default=OPEN, db_index=True)
    raised_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.Person", related_name="volunteers_calls_raised", null=True, on_delete=fields.SET_NULL
    )
    raised_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    filled_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "volunteers_call"
        ordering = ("-id",)
        indexes = (
            ("beneficiary_person_id",),
            ("community_id",),
            ("place_id",),
            ("raised_by_id",),
            ("skill_id",),
        )


class Answer(Model):
    """A volunteer who accepted a call, in time."""

    id = fields.IntField(primary_key=True)
    call: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "volunteers.Call", related_name="answers"
    )
    call_id: int
    volunteer: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "volunteers.Volunteer", related_name="answers"
    )
    volunteer_id: int
    accepted_at = fields.DatetimeField()

    class Meta:
        table = "volunteers_answer"
        unique_together = (("call", "volunteer"),)
        indexes = (("volunteer_id",),)


class Shift(Model):
    """A time with slots for volunteers: a delivery run, a patrol, an event's helpers."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Community", related_name="volunteers_shifts"
    )
    community_id: int
    title = fields.CharField(max_length=100)
    team: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "volunteers.Team", related_name="shifts", null=True, on_delete=fields.SET_NULL
    )
    team_id: int | None
    place = fields.CharField(max_length=100, default="")
    starts_at = fields.DatetimeField(db_index=True)
    ends_at = fields.DatetimeField()
    slots = fields.IntField()
    taken = fields.IntField(default=0)
    # a qualification kind a volunteer must hold, unexpired on the day ("" = none)
    requires = fields.CharField(max_length=32, default="")
    category = fields.CharField(max_length=32, default="")
    # shifts made together by one weekly repetition share it
    series = fields.IntField(null=True)
    # the secret of the QR code at the place, for checking in and out
    code = fields.CharField(max_length=16)

    class Meta:
        table = "volunteers_shift"
        ordering = ("starts_at", "id")
        indexes = (
            ("community_id",),
            ("team_id",),
        )


class Signup(Model):
    """A volunteer signed up for a shift, with their check-in and check-out."""

    id = fields.IntField(primary_key=True)
    shift: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "volunteers.Shift", related_name="signups"
    )
    shift_id: int
    volunteer: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "volunteers.Volunteer", related_name="signups"
    )
    volunteer_id: int
    signed_at = fields.DatetimeField()
    checked_in_at = fields.DatetimeField(null=True)
    checked_out_at = fields.DatetimeField(null=True)

    class Meta:
        table = "volunteers_signup"
        unique_together = (("shift", "volunteer"),)
        indexes = (("volunteer_id",),)


class Hours(Model):
    """Hours a volunteer gave, waiting for approval, approved or declined."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Community", related_name="volunteers_hours"
    )
    community_id: int
    volunteer: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "volunteers.Volunteer", related_name="hours"
    )
    volunteer_id: int
    # what they were for, one entry per volunteer and reference: "shift:4", "call:9",
    # or a service another plugin verified ("canteen:delivery:812")
    reference = fields.CharField(max_length=80)
    title = fields.CharField(max_length=100)
    team: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "volunteers.Team", related_name="hours", null=True, on_delete=fields.SET_NULL
    )
    team_id: int | None
    category = fields.CharField(max_length=32, default="")
    day = fields.DateField(db_index=True)
    scheduled = fields.FloatField(default=0.0)
    hours = fields.FloatField()
    # the hours an approved correction set; the entry itself is never changed
    corrected = fields.FloatField(null=True)
    status = fields.CharField(max_length=10, default=PENDING, db_index=True)
    # approved by another plugin (the canteen): counted here, rewarded there
    external = fields.BooleanField(default=False)
    # the street bank's points standing for these hours: what it credited, less what it
    # took back (``streetbank.points_credited`` / ``points_withdrawn``)
    points = fields.IntField(default=0, db_default=0)
    decided_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.Person", related_name="volunteers_decided", null=True, on_delete=fields.SET_NULL
    )
    decided_by_id: int | None
    decided_at = fields.DatetimeField(null=True)
    note = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "volunteers_hours"
        unique_together = (("volunteer", "reference"),)
        ordering = ("-day", "-id")
        indexes = (
            ("community_id",),
            ("decided_by_id",),
            ("team_id",),
        )


class Correction(Model):
    """A request to correct approved hours, which are never changed or deleted."""

    id = fields.IntField(primary_key=True)
    entry: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "volunteers.Hours", related_name="corrections"
    )
    entry_id: int
    hours = fields.FloatField()
    reason = fields.CharField(max_length=200)
    status = fields.CharField(max_length=10, default=PENDING)
    asked_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.Person", related_name="volunteers_corrections", null=True, on_delete=fields.SET_NULL
    )
    asked_by_id: int | None
    decided_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.Person",
        related_name="volunteers_corrections_decided",
        null=True,
        on_delete=fields.SET_NULL,
    )
    decided_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "volunteers_correction"
        indexes = (
            ("asked_by_id",),
            ("decided_by_id",),
            ("entry_id",),
        )


class Thanks(Model):
    """A word of thanks from someone a volunteer helped."""

    id = fields.IntField(primary_key=True)
    volunteer: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "volunteers.Volunteer", related_name="thanks"
    )
    volunteer_id: int
    call: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "volunteers.Call", related_name="thanks", null=True, on_delete=fields.SET_NULL
    )
    call_id: int | None
    text = fields.CharField(max_length=200)
    by_name = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "volunteers_thanks"
        ordering = ("-id",)
        indexes = (
            ("call_id",),
            ("volunteer_id",),
        )
