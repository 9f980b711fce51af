"""The resident register and the accounts people log in with."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Person(Model):
    """A resident record. Many elderly have no phone, so a person need not have an
    account. ``id_number`` is shown in full only to holders of
    ``identity.person.view_sensitive``; everyone else sees it masked."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "core.Community", related_name="people", on_delete=fields.CASCADE
    )
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

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


def mask_id_number(value: str) -> str:
    """``420***********1234``: the region prefix and the last four stay readable."""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


class PersonTag(Model):
    """A tag on a person (独居, 高龄, 低保 …), one row each so tags are searchable."""

    id = fields.IntField(primary_key=True)
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "core.Person", related_name="tags", on_delete=fields.CASCADE
    )
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
    node: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "core.Node", related_name="households", on_delete=fields.RESTRICT
    )
    code = fields.CharField(max_length=64, db_index=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "core_household"
        unique_together = (("community", "code"),)


class Membership(Model):
    """A person's membership of a household.

    Ended rather than deleted when they move, so the history stays."""

    id = fields.IntField(primary_key=True)
    household: fields.ForeignKeyRelation[Household] = fields.ForeignKeyField(
        "core.Household", related_name="memberships", on_delete=fields.CASCADE
    )
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "core.Person", related_name="memberships", on_delete=fields.CASCADE
    )
    relation = fields.CharField(max_length=16, default="本人")
    started_on = fields.DateField()
    ended_on = fields.DateField(null=True, db_index=True)

    class Meta:
        table = "core_membership"


class Account(Model):
    """A login: a username or phone number and an argon2 password hash."""

    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=64, unique=True)
    phone = fields.CharField(max_length=32, null=True, unique=True)
    password_hash = fields.CharField(max_length=256)
    person: fields.ForeignKeyNullableRelation[Person] = fields.OneToOneField(
        "core.Person", related_name="account", null=True, on_delete=fields.SET_NULL
    )
    is_active = fields.BooleanField(default=True)
    must_change_password = fields.BooleanField(default=False)
    last_login_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "core_account"
