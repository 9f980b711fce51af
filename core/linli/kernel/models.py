"""Core tables: communities, which plugins each community enables and how each has set
them, the event outbox and the stamp that tells workers their caches are stale."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class BilingualName:
    """For models with a Chinese ``name`` and an optional English ``name_en``."""

    name: str
    name_en: str

    def name_in(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name


class Community(BilingualName, Model):
    """A residential community (社区): the unit that enables plugins and owns their data."""

    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=200)
    name_en = fields.CharField(max_length=200, default="")
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
