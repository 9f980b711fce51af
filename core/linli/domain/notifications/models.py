"""The records of notifications: what was said to whom (the inbox), how each person
wants to be told, and each message that went out through a channel."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Notification(Model):
    """One thing told to one recipient, written in the transaction of the change it
    reports. The inbox lists these. ``push`` says how it leaves the site: ``instant``
    (at ``push_at``, after the recipient's quiet hours unless urgent), ``digest`` (in
    the digest of its local ``day``), or ``none``."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "core.Community", related_name="notifications", on_delete=fields.CASCADE
    )
    community_id: int
    account: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "core.Account", related_name="notifications", null=True, on_delete=fields.CASCADE
    )
    account_id: int | None
    person: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "core.Person", related_name="notifications", null=True, on_delete=fields.CASCADE
    )
    person_id: int | None
    kind = fields.CharField(max_length=96)
    subject = fields.CharField(max_length=200, default="")
    values = fields.JSONField[dict[str, str]](default=dict)
    link = fields.CharField(max_length=300, default="")
    urgency = fields.CharField(max_length=8, default="normal")
    push = fields.CharField(max_length=8, default="instant")
    push_at = fields.DatetimeField(null=True, db_index=True)
    pushed_at = fields.DatetimeField(null=True)
    day = fields.DateField()
    read_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "core_notification"
        indexes = (
            ("account_id", "read_at"),
            ("push", "pushed_at", "day"),
            ("community_id",),
            ("person_id",),
        )


class NotificationPreference(Model):
    """How an account holder wants one kind told: ``instant``, ``digest`` or ``off``.
    The row with ``kind = ""`` holds their quiet hours (``HH:MM``, local time)."""

    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "core.Account", related_name="notification_preferences", on_delete=fields.CASCADE
    )
    account_id: int
    kind = fields.CharField(max_length=96, default="")
    mode = fields.CharField(max_length=8, default="instant")
    quiet_from = fields.CharField(max_length=5, default="22:00")
    quiet_to = fields.CharField(max_length=5, default="07:00")

    class Meta:
        table = "core_notification_preference"
        unique_together = (("account", "kind"),)


class Dispatch(Model):
    """One message out through one channel: a notification, or a recipient's digest of
    a day. (channel, key) is unique, so a message is made once however many workers
    push; it is sent with retries and back-off. ``node`` is the recipient's home, which
    places a paper message on the right building's list."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "core.Community", related_name="dispatches", on_delete=fields.CASCADE
    )
    community_id: int
    channel = fields.CharField(max_length=32)
    key = fields.CharField(max_length=96)
    account: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "core.Account", related_name="dispatches", null=True, on_delete=fields.CASCADE
    )
    account_id: int | None
    person: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "core.Person", related_name="dispatches", null=True, on_delete=fields.CASCADE
    )
    person_id: int | None
    node: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "core.Node", related_name="dispatches", null=True, on_delete=fields.SET_NULL
    )
    node_id: int | None
    notifications = fields.JSONField[list[int]](default=list)
    digest = fields.DateField(null=True)
    day = fields.DateField(db_index=True)
    state = fields.CharField(max_length=16, default="pending", db_index=True)
    attempts = fields.IntField(default=0)
    last_error = fields.TextField(default="")
    next_attempt_at = fields.DatetimeField(db_index=True)
    sent_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "core_notification_dispatch"
        unique_together = (("channel", "key"),)
        indexes = (
            ("account_id",),
            ("community_id",),
            ("node_id",),
            ("person_id",),
        )
