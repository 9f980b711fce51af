"""The resident register and the accounts people log in with."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Person(Model):
    """A resident record. Many elderly have no phone, so a person need not have an
    account. ``id_number`` is shown masked (:func:`mask_id_number`); holders of
    ``identity.person.view_sensitive`` see it in full on an audited "show" action."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "core.Community", related_name="people", on_delete=fields.CASCADE
    )
    community_id: int
    name = fields.CharField(max_length=64, db_index=True)
    gender = fields.CharField(max_length=8, default="")
    birth_date = fields.DateField(null=True)
    phone = fields.CharField(max_length=32, default="", db_index=True)
    id_number = fields.CharField(max_length=32, default="", db_index=True)
    notes = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "core_person"
        ordering = ("name", "id")
        indexes = (("community_id",),)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


#: Characters of an ID-card number a masked one shows: the province of registration.
MASK_SHOWS = 3


def mask_id_number(value: str) -> str:
    """``420***************``: only the first three digits (the province) stay readable.

    What is shown together must reveal nothing, and a masked number is shown beside the
    birth date and the gender (the person page, the export's 出生日期 and 性别 columns),
    which workers need for elderly care. An 18-character number is 6 region digits, the
    8-digit birth date, a 3-digit sequence whose last digit is odd for men, and a check
    digit. The older mask showed the last four: with the birth date beside it only the
    district was unknown (about 13 in Wuhan, one in eleven allowed by the check digit),
    and 94% of the demo numbers came back on the first guess. Hiding the last four leaves
    about 500 sequence numbers in each district, and the check digit follows from them,
    so nothing more can be rebuilt than what the page already says. The full number is
    shown only to holders of ``identity.person.view_sensitive``, on an explicit, audited
    action (:func:`linli.domain.identity.people.reveal_id_number`)."""
    if len(value) <= MASK_SHOWS * 2:
        return "*" * len(value)
    return value[:MASK_SHOWS] + "*" * (len(value) - MASK_SHOWS)


class PersonTag(Model):
    """A tag on a person (独居, 高龄, 低保 …), one row each so tags are searchable."""

    id = fields.IntField(primary_key=True)
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "core.Person", related_name="tags", on_delete=fields.CASCADE
    )
    person_id: int
    tag = fields.CharField(max_length=32, db_index=True)

    class Meta:
        table = "core_person_tag"
        unique_together = (("person", "tag"),)


class Household(Model):
    """A household (户), living at a place node (usually a flat)."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "core.Community", related_name="households", on_delete=fields.CASCADE
    )
    community_id: int
    node: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "core.Node", related_name="households", on_delete=fields.RESTRICT
    )
    node_id: int
    code = fields.CharField(max_length=64, db_index=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "core_household"
        unique_together = (("community", "code"),)
        indexes = (("node_id",),)


class Membership(Model):
    """A person's membership of a household.

    Ended rather than deleted when they move, so the history stays."""

    id = fields.IntField(primary_key=True)
    household: fields.ForeignKeyRelation[Household] = fields.ForeignKeyField(
        "core.Household", related_name="memberships", on_delete=fields.CASCADE
    )
    household_id: int
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "core.Person", related_name="memberships", on_delete=fields.CASCADE
    )
    person_id: int
    relation = fields.CharField(max_length=16, default="本人")
    started_on = fields.DateField()
    ended_on = fields.DateField(null=True, db_index=True)

    class Meta:
        table = "core_membership"
        indexes = (
            ("household_id",),
            ("person_id",),
        )


class Account(Model):
    """A login: a username or phone number and an argon2 password hash."""

    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=64, unique=True)
    phone = fields.CharField(max_length=32, null=True, unique=True)
    password_hash = fields.CharField(max_length=256)
    person: fields.ForeignKeyNullableRelation[Person] = fields.OneToOneField(
        "core.Person", related_name="account", null=True, on_delete=fields.SET_NULL
    )
    person_id: int | None
    is_active = fields.BooleanField(default=True)
    must_change_password = fields.BooleanField(default=False)
    last_login_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "core_account"

    @property
    def display_name(self) -> str:
        """How pages name the account's holder: their name in the register, else the
        username (staff who live elsewhere may have no resident record). The person is
        read only when it was fetched with the account (``select_related("person")``,
        ``"account__person"``): never a query here."""
        person = self.__dict__.get("_person") if self.person_id is not None else None
        return person.name if isinstance(person, Person) and person.name else self.username
