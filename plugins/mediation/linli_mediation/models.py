"""The mediation plugin's tables: studios, cases with their parties, assigned mediators,
transitions, sessions, agreements with signatures, follow-up visits and attachments.

Every row of a case is reached through the case, and the case is reached only through
:func:`linli_mediation.services.visible_cases` or :func:`~linli_mediation.services.case_for`,
which decide who may see it.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

# Case states (the values stored in Case.status).
REQUESTED = "requested"
ACCEPTED = "accepted"
IN_MEDIATION = "in_mediation"
AGREEMENT = "agreement"
NOT_RESOLVED = "not_resolved"
FOLLOW_UP = "follow_up"
CLOSED = "closed"
REFERRED = "referred"
#: States in which a case is finished: nothing more happens to it.
FINISHED = (CLOSED, REFERRED)


class Studio(Model):
    """A mediation studio (调解工作室), named after its host mediator."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "core.Community", related_name="mediation_studios", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=64)
    name_en = fields.CharField(max_length=64, default="")
    host: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "core.Person", related_name="hosted_studios", null=True, on_delete=fields.SET_NULL
    )
    node: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "core.Node", related_name="mediation_studios", on_delete=fields.RESTRICT
    )
    opening_hours = fields.CharField(max_length=120, default="")
    specialties = fields.CharField(max_length=200, default="")
    active = fields.BooleanField(default=True)

    class Meta:
        table = "mediation_studio"
        ordering = ("id",)
        unique_together = (("community", "name"),)
        indexes = (
            ("host_id",),
            ("node_id",),
        )

    def name_in(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name


class Case(Model):
    """A dispute between neighbours, from intake to close. Confidential."""

    id = fields.IntField(primary_key=True)
    community_id: int
    community: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "core.Community", related_name="mediation_cases", on_delete=fields.CASCADE
    )
    number = fields.CharField(max_length=16, default="")  # year and id: unique by construction
    summary = fields.CharField(max_length=120)
    description = fields.TextField(default="")
    category = fields.CharField(max_length=24, db_index=True)
    urgency = fields.CharField(max_length=12, default="normal")
    status = fields.CharField(max_length=16, db_index=True)
    studio: fields.ForeignKeyNullableRelation[Studio] = fields.ForeignKeyField(
        "mediation.Studio", related_name="cases", null=True, on_delete=fields.SET_NULL
    )
    place: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "core.Node", related_name="mediation_places", null=True, on_delete=fields.SET_NULL
    )
    node: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "core.Node", related_name="mediation_cases", on_delete=fields.RESTRICT
    )
    outcome = fields.CharField(max_length=16, default="")
    referred_to = fields.CharField(max_length=24, default="")
    opened_at = fields.DatetimeField(db_index=True)
    agreed_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)
    follow_up_due = fields.DateField(null=True, db_index=True)
    escalations = fields.IntField(default=0)
    created_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "core.Account", related_name="mediation_cases_created", null=True,
        on_delete=fields.SET_NULL,
    )  # fmt: skip
    #: the form's one-time key: the same form sent twice opens one case
    request_key = fields.CharField(max_length=32, null=True)

    class Meta:
        table = "mediation_case"
        ordering = ("-opened_at", "-id")
        unique_together = (("community", "request_key"),)
        indexes = (
            ("created_by_id",),
            ("node_id",),
            ("place_id",),
            ("studio_id",),
        )


class Party(Model):
    """A side of a dispute: a person of the register, or an outsider known by a name, a
    contact (a door number or a phone), or both."""

    id = fields.IntField(primary_key=True)
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField(
        "mediation.Case", related_name="parties", on_delete=fields.CASCADE
    )
    person: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "core.Person", related_name="mediation_parties", null=True, on_delete=fields.SET_NULL
    )
    #: empty when the resident knew only the other side's door number or phone
    name = fields.CharField(max_length=64, default="")
    contact = fields.CharField(max_length=64, default="")
    side = fields.CharField(max_length=12, default="applicant")

    class Meta:
        table = "mediation_party"
        ordering = ("id",)
        indexes = (
            ("case_id",),
            ("person_id",),
        )

    @property
    def label(self) -> str:
        """How the party is named on a page: the name, else the door number or phone."""
        return self.name or self.contact


class Assignment(Model):
    """A mediator assigned to a case. A flagged conflict of interest keeps the mediator
    away from the case until a supervisor clears it with a reason."""

    id = fields.IntField(primary_key=True)
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField(
        "mediation.Case", related_name="assignments", on_delete=fields.CASCADE
    )
    account: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "core.Account", related_name="mediation_assignments", on_delete=fields.CASCADE
    )
    conflict = fields.CharField(max_length=200, default="")
    effective = fields.BooleanField(default=True, db_index=True)
    cleared_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "core.Account", related_name="mediation_clearances", null=True,
        on_delete=fields.SET_NULL,
    )  # fmt: skip
    cleared_reason = fields.TextField(default="")
    assigned_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "mediation_assignment"
        ordering = ("id",)
        unique_together = (("case", "account"),)
        indexes = (
            ("account_id",),
            ("cleared_by_id",),
        )


class Transition(Model):
    """One applied step of a case's lifecycle: who, when, why."""

    id = fields.IntField(primary_key=True)
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField(
        "mediation.Case", related_name="transitions", on_delete=fields.CASCADE
    )
    action = fields.CharField(max_length=16)
    from_status = fields.CharField(max_length=16, default="")
    to_status = fields.CharField(max_length=16)
    actor: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "core.Account", related_name="mediation_transitions", null=True,
        on_delete=fields.SET_NULL,
    )  # fmt: skip
    reason = fields.TextField(default="")
    at = fields.DatetimeField()

    class Meta:
        table = "mediation_transition"
        ordering = ("at", "id")
        indexes = (
            ("actor_id",),
            ("case_id",),
        )


class Session(Model):
    """A mediation session. Parties see its date and place, never the notes."""

    id = fields.IntField(primary_key=True)
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField(
        "mediation.Case", related_name="sessions", on_delete=fields.CASCADE
    )
    held_on = fields.DateField()
    place = fields.CharField(max_length=120, default="")
    attendees = fields.CharField(max_length=300, default="")
    notes = fields.TextField(default="")
    next_steps = fields.TextField(default="")
    recorded_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "core.Account", related_name="mediation_sessions", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "mediation_session"
        ordering = ("held_on", "id")
        indexes = (
            ("case_id",),
            ("recorded_by_id",),
        )


class Agreement(Model):
    """The agreement reached (调解协议): facts, terms, a deadline."""

    id = fields.IntField(primary_key=True)
    case: fields.OneToOneRelation[Case] = fields.OneToOneField(
        "mediation.Case", related_name="agreement", on_delete=fields.CASCADE
    )
    facts = fields.TextField()
    terms = fields.TextField()
    deadline = fields.DateField(null=True)
    created_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "core.Account", related_name="mediation_agreements", null=True,
        on_delete=fields.SET_NULL,
    )  # fmt: skip
    created_at = fields.DatetimeField()

    class Meta:
        table = "mediation_agreement"
        indexes = (("created_by_id",),)


class Signature(Model):
    """A party signed the printed agreement on a given day, or refused to sign it
    (``refused``, with the mediator's ``note``): either way the party has answered."""

    id = fields.IntField(primary_key=True)
    agreement: fields.ForeignKeyRelation[Agreement] = fields.ForeignKeyField(
        "mediation.Agreement", related_name="signatures", on_delete=fields.CASCADE
    )
    party: fields.ForeignKeyRelation[Party] = fields.ForeignKeyField(
        "mediation.Party", related_name="signatures", on_delete=fields.CASCADE
    )
    signed_on = fields.DateField()
    refused = fields.BooleanField(default=False, db_default=False)
    note = fields.CharField(max_length=200, default="", db_default="")
    recorded_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "core.Account", related_name="mediation_signatures", null=True,
        on_delete=fields.SET_NULL,
    )  # fmt: skip

    class Meta:
        table = "mediation_signature"
        ordering = ("id",)
        unique_together = (("agreement", "party"),)
        indexes = (
            ("party_id",),
            ("recorded_by_id",),
        )


class FollowUp(Model):
    """A follow-up visit (回访): is the agreement kept?"""

    id = fields.IntField(primary_key=True)
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField(
        "mediation.Case", related_name="follow_ups", on_delete=fields.CASCADE
    )
    visited_on = fields.DateField()
    kept = fields.BooleanField(default=True)
    notes = fields.TextField(default="")
    recorded_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "core.Account", related_name="mediation_follow_ups", null=True,
        on_delete=fields.SET_NULL,
    )  # fmt: skip

    class Meta:
        table = "mediation_follow_up"
        ordering = ("visited_on", "id")
        indexes = (
            ("case_id",),
            ("recorded_by_id",),
        )


class Attachment(Model):
    """A document of a case (a photo of a leak, a letter). Served only through the
    case's permission-checked route; ``shared`` ones are shown to the parties too."""

    id = fields.IntField(primary_key=True)
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField(
        "mediation.Case", related_name="attachments", on_delete=fields.CASCADE
    )
    upload: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "core.Upload", null=True, on_delete=fields.SET_NULL, related_name=False
    )
    title = fields.CharField(max_length=120)
    shared = fields.BooleanField(default=False)
    added_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "core.Account", related_name="mediation_attachments", null=True,
        on_delete=fields.SET_NULL,
    )  # fmt: skip
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "mediation_attachment"
        ordering = ("id",)
        indexes = (
            ("added_by_id",),
            ("case_id",),
            ("upload_id",),
        )
