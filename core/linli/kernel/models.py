"""Core tables: communities, which plugins each community enables and how each has set
them, the event outbox and the stamp that tells workers their caches are stale."""

from __future__ import annotations

import re

from tortoise import fields
from tortoise.models import Model

#: The parts of a Chinese address a place without an English name is spelled out from.
_PLACE_PARTS = re.compile(r"(\d+)(号楼|栋|幢|单元|层|楼|室|号)")
_PLACE_WORDS = {
    "号楼": "Building %s",
    "栋": "Building %s",
    "幢": "Building %s",
    "单元": "Unit %s",
    "层": "Floor %s",
    "楼": "Floor %s",
    "室": "Room %s",
    "号": "No. %s",
}


def english_place(name: str) -> str | None:
    """ "10栋" → "Building 10", "2单元902室" → "Unit 2 Room 902": a name made only of
    numbered parts, in English; ``None`` for any other name."""
    parts = _PLACE_PARTS.findall(name)
    if not parts or "".join(n + kind for n, kind in parts) != name:
        return None
    return " ".join(_PLACE_WORDS[kind] % number for number, kind in parts)


class BilingualName:
    """For models with a Chinese ``name`` and an optional English ``name_en``; an English
    visitor reads a numbered place ("1单元", "902室") spelled out when it has none."""

    name: str
    name_en: str

    def name_in(self, language: str) -> str:
        if language != "en":
            return self.name
        return self.name_en or english_place(self.name) or self.name


class Community(BilingualName, Model):
    """A residential community (社区): the unit that enables plugins and owns their data."""

    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=200)
    name_en = fields.CharField(max_length=200, default="")
    # 社区服务电话, the number residents call (empty: none), and 值班电话, the number that
    # answers out of hours and in an emergency (optional), each written as
    # linli.domain.communities.clean_phone leaves it: "027-85612345".
    service_phone = fields.CharField(max_length=20, default="", db_default="")
    duty_phone = fields.CharField(max_length=20, default="", db_default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "core_community"
        ordering = ("slug",)

    def __str__(self) -> str:
        return self.slug


class PluginState(Model):
    """Whether a plugin is enabled in a community.

    Disabling keeps the plugin's data. ``seeded_at`` records that its demo data was
    loaded there, so it is loaded once."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "core.Community", related_name="plugin_states", on_delete=fields.CASCADE
    )
    community_id: int
    plugin = fields.CharField(max_length=64)
    enabled = fields.BooleanField(default=False)
    changed_at = fields.DatetimeField(auto_now=True)
    seeded_at = fields.DatetimeField(null=True)

    class Meta:
        table = "core_plugin_state"
        unique_together = (("community", "plugin"),)


class PluginSettings(Model):
    """A community's settings of one plugin (see :mod:`linli.domain.community_settings`).

    ``values`` holds only what differs from the plugin's defaults, as JSON; reading fills
    in the rest. ``changed_by`` is whoever changed them last."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "core.Community", related_name="plugin_settings", on_delete=fields.CASCADE
    )
    plugin = fields.CharField(max_length=64)
    values = fields.JSONField(default=dict)
    changed_at = fields.DatetimeField(auto_now=True)
    changed_by = fields.ForeignKeyField(
        "core.Account",
        related_name="plugin_settings_changed",
        null=True,
        on_delete=fields.SET_NULL,
    )

    class Meta:
        table = "core_plugin_settings"
        unique_together = (("community", "plugin"),)
        indexes = (("changed_by_id",),)


class OutboxEvent(Model):
    """A domain event, written in the transaction of the change that caused it."""

    id = fields.UUIDField(primary_key=True)
    name = fields.CharField(max_length=128, db_index=True)
    community: fields.ForeignKeyNullableRelation[Community] = fields.ForeignKeyField(
        "core.Community", related_name="events", null=True, on_delete=fields.CASCADE
    )
    community_id: int | None
    payload = fields.JSONField()
    state = fields.CharField(max_length=16, default="pending", db_index=True)
    attempts = fields.IntField(default=0)
    last_error = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    next_attempt_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "core_outbox_event"
        ordering = ("created_at",)
        indexes = (("community_id",),)


class EventDelivery(Model):
    """A handler has processed an event. The unique pair makes delivery at most once."""

    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation[OutboxEvent] = fields.ForeignKeyField(
        "core.OutboxEvent", related_name="deliveries", on_delete=fields.CASCADE
    )
    event_id: int
    handler = fields.CharField(max_length=200)
    delivered_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "core_event_delivery"
        unique_together = (("event", "handler"),)


class Stamp(Model):
    """A number that database triggers raise whenever what it stands for changes
    (``site``: communities, enabled plugins and their settings, roles, grants, accounts,
    the places grants sit on). A worker that remembers the number knows, with one tiny
    query, whether what it cached is still true (:mod:`linli.domain.site_cache`)."""

    name = fields.CharField(max_length=32, primary_key=True)
    version = fields.BigIntField(default=0)

    class Meta:
        table = "core_stamp"
