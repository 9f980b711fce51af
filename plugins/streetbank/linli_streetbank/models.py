"""The street bank's tables: a double-entry, append-only points ledger, service
categories and records, partners, the catalogue and vouchers.

Ledger rows (:class:`Entry`, :class:`Posting`) are only ever inserted. A mistake is
corrected by a new entry whose ``reverses`` points at the one it corrects. The only
column that changes is :attr:`LedgerAccount.balance`, a cache of the sum of the
account's postings, moved by guarded atomic UPDATEs in the same transaction as the entry.
"""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

# Kinds of ledger accounts.
PERSON = "person"
ISSUING = "issuing"
PARTNER = "partner"
EXPIRED = "expired"
ACCOUNT_KINDS = (PERSON, ISSUING, PARTNER, EXPIRED)

# Kinds of entries.
EARN = "earn"
REDEEM = "redeem"
REFUND = "refund"
EXPIRY = "expiry"
ADJUSTMENT = "adjustment"
REVERSAL = "reversal"
ENTRY_KINDS = (EARN, REDEEM, REFUND, EXPIRY, ADJUSTMENT, REVERSAL)

# States of a voucher.
ISSUED = "issued"
USED = "used"
CANCELLED = "cancelled"
LAPSED = "expired"
VOUCHER_STATES = (ISSUED, USED, CANCELLED, LAPSED)

# States of a manual correction.
PENDING = "pending"
POSTED = "posted"
REJECTED = "rejected"
ADJUSTMENT_STATES = (PENDING, POSTED, REJECTED)


class LedgerAccount(Model):
    """A ledger account of a person, a partner or the bank itself.

    ``key`` is unique (``c3:person:17``, ``c3:issuing``), so each account exists once.
    Bank accounts may go below zero (the issuing account does, by design); a person's
    account never does."""

    id = fields.IntField(primary_key=True)
    community = fields.ForeignKeyField(
        "core.Community", related_name="streetbank_accounts", on_delete=fields.CASCADE
    )
    key = fields.CharField(max_length=64, unique=True)
    kind = fields.CharField(max_length=16, db_index=True)
    person = fields.ForeignKeyField(
        "core.Person",
        related_name="streetbank_accounts",
        null=True,
        on_delete=fields.RESTRICT,
    )
    partner = fields.ForeignKeyField(
        "streetbank.Partner", related_name="accounts", null=True, on_delete=fields.RESTRICT
    )
    balance = fields.BigIntField(default=0)
    allow_negative = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "streetbank_account"
        ordering = ("id",)
        indexes = (
            ("community_id",),
            ("partner_id",),
            ("person_id",),
        )


class Entry(Model):
    """A journal entry: postings that sum to zero, never edited or deleted.

    ``idempotency_key`` is unique, so the same request or event moves points once."""

    id = fields.IntField(primary_key=True)
    community = fields.ForeignKeyField(
        "core.Community", related_name="streetbank_entries", on_delete=fields.CASCADE
    )
    kind = fields.CharField(max_length=16, db_index=True)
    idempotency_key = fields.CharField(max_length=128, unique=True)
    memo = fields.CharField(max_length=300, default="")
    actor = fields.ForeignKeyField(
        "core.Account", related_name="streetbank_entries", null=True, on_delete=fields.SET_NULL
    )
    on_behalf_of = fields.ForeignKeyField(
        "core.Person",
        related_name="streetbank_entries_for",
        null=True,
        on_delete=fields.SET_NULL,
    )
    reverses = fields.OneToOneField(
        "streetbank.Entry", related_name="reversed_by", null=True, on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "streetbank_entry"
        ordering = ("-created_at", "-id")
        indexes = (
            ("actor_id",),
            ("community_id",),
            ("on_behalf_of_id",),
        )


class Posting(Model):
    """One line of an entry: a signed whole number of points on one account."""

    id = fields.IntField(primary_key=True)
    entry = fields.ForeignKeyField(
        "streetbank.Entry", related_name="postings", on_delete=fields.RESTRICT
    )
    account = fields.ForeignKeyField(
        "streetbank.LedgerAccount", related_name="postings", on_delete=fields.RESTRICT
    )
    amount = fields.BigIntField()

    class Meta:
        table = "streetbank_posting"
        ordering = ("-entry_id", "id")
        # an account's history, newest first, without reading the whole ledger
        indexes = (
            ("account_id", "entry_id"),
            ("entry_id",),
        )


class ServiceCategory(Model):
    """A kind of service that earns points, with its rate per hour or per task."""

    id = fields.IntField(primary_key=True)
    community = fields.ForeignKeyField(
        "core.Community", related_name="streetbank_categories", on_delete=fields.CASCADE
    )
    key = fields.CharField(max_length=48)
    name = fields.CharField(max_length=64)
    name_en = fields.CharField(max_length=64, default="")
    unit = fields.CharField(max_length=8, default="hour")  # "hour" or "task"
    rate = fields.IntField()
    active = fields.BooleanField(default=True)

    class Meta:
        table = "streetbank_category"
        unique_together = (("community", "key"),)
        ordering = ("name", "id")

    def name_in(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name


class ServiceRecord(Model):
    """Verified service credited to a person, from a worker's form or an event."""

    id = fields.IntField(primary_key=True)
    community = fields.ForeignKeyField(
        "core.Community", related_name="streetbank_services", on_delete=fields.CASCADE
    )
    person = fields.ForeignKeyField(
        "core.Person", related_name="streetbank_services", on_delete=fields.RESTRICT
    )
    category = fields.ForeignKeyField(
        "streetbank.ServiceCategory", related_name="records", on_delete=fields.RESTRICT
    )
    quantity = fields.DecimalField(max_digits=8, decimal_places=2)
    points = fields.IntField()
    served_on = fields.DateField()
    note = fields.CharField(max_length=300, default="")
    source = fields.CharField(max_length=16, default="form")  # "form" or "event"
    reference = fields.CharField(max_length=128, default="")
    recorded_by = fields.ForeignKeyField(
        "core.Account", related_name="streetbank_services", null=True, on_delete=fields.SET_NULL
    )
    entry = fields.OneToOneField(
        "streetbank.Entry", related_name="service", on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "streetbank_service"
        ordering = ("-served_on", "-id")
        indexes = (
            ("category_id",),
            ("community_id",),
            ("person_id",),
            ("recorded_by_id",),
        )


class Partner(Model):
    """A partner unit or merchant that honours points, tied to its organisation node."""

    id = fields.IntField(primary_key=True)
    community = fields.ForeignKeyField(
        "core.Community", related_name="streetbank_partners", on_delete=fields.CASCADE
    )
    node = fields.OneToOneField(
        "core.Node", related_name="streetbank_partner", on_delete=fields.RESTRICT
    )
    name = fields.CharField(max_length=200)
    name_en = fields.CharField(max_length=200, default="")
    kind = fields.CharField(max_length=16, default="merchant")  # merchant or partner_unit
    address = fields.CharField(max_length=200, default="")
    phone = fields.CharField(max_length=32, default="")
    description = fields.TextField(default="")
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "streetbank_partner"
        ordering = ("name", "id")
        indexes = (("community_id",),)

    def name_in(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name


class CatalogueItem(Model):
    """A good or service a partner offers for points."""

    id = fields.IntField(primary_key=True)
    community = fields.ForeignKeyField(
        "core.Community", related_name="streetbank_items", on_delete=fields.CASCADE
    )
    partner = fields.ForeignKeyField(
        "streetbank.Partner", related_name="items", on_delete=fields.RESTRICT
    )
    title = fields.CharField(max_length=120)
    title_en = fields.CharField(max_length=120, default="")
    description = fields.TextField(default="")
    image = fields.CharField(max_length=300, default="")
    # A picture stored like any upload (served by the catalogue's own route); shown
    # instead of the ``image`` link when both are set.
    photo: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.Upload", null=True, on_delete=fields.SET_NULL, related_name=False
    )
    photo_id: int | None
    category = fields.CharField(max_length=24, default="goods", db_index=True)
    price = fields.IntField()
    # Units left; ``None`` means unlimited.
    stock = fields.IntField(null=True)
    # Vouchers one person may take per calendar month; ``None`` means no limit.
    monthly_limit = fields.IntField(null=True)
    available_from = fields.DateField(null=True)
    available_until = fields.DateField(null=True)
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "streetbank_item"
        ordering = ("price", "id")
        indexes = (
            ("community_id",),
            ("partner_id",),
            ("photo_id",),
        )

    def title_in(self, language: str) -> str:
        return self.title_en if language == "en" and self.title_en else self.title


class MonthlyUsage(Model):
    """How many live vouchers a person holds for an item in a month (for the limit)."""

    id = fields.IntField(primary_key=True)
    person = fields.ForeignKeyField(
        "core.Person", related_name="streetbank_usage", on_delete=fields.CASCADE
    )
    item = fields.ForeignKeyField(
        "streetbank.CatalogueItem", related_name="usage", on_delete=fields.CASCADE
    )
    month = fields.CharField(max_length=7)  # "2026-03"
    count = fields.IntField(default=0)

    class Meta:
        table = "streetbank_usage"
        unique_together = (("person", "item", "month"),)
        indexes = (("item_id",),)


class Voucher(Model):
    """What a resident shows the partner: a short code (and its QR code)."""

    id = fields.IntField(primary_key=True)
    community_id: int
    person_id: int
    item_id: int
    community = fields.ForeignKeyField(
        "core.Community", related_name="streetbank_vouchers", on_delete=fields.CASCADE
    )
    code = fields.CharField(max_length=16, unique=True)
    person = fields.ForeignKeyField(
        "core.Person", related_name="streetbank_vouchers", on_delete=fields.RESTRICT
    )
    item = fields.ForeignKeyField(
        "streetbank.CatalogueItem", related_name="vouchers", on_delete=fields.RESTRICT
    )
    partner = fields.ForeignKeyField(
        "streetbank.Partner", related_name="vouchers", on_delete=fields.RESTRICT
    )
    points = fields.IntField()
    month = fields.CharField(max_length=7)
    status = fields.CharField(max_length=12, default=ISSUED, db_index=True)
    redeem_entry = fields.OneToOneField(
        "streetbank.Entry", related_name="voucher", on_delete=fields.RESTRICT
    )
    refund_entry = fields.OneToOneField(
        "streetbank.Entry",
        related_name="refunded_voucher",
        null=True,
        on_delete=fields.RESTRICT,
    )
    issued_by = fields.ForeignKeyField(
        "core.Account", related_name="streetbank_vouchers_issued", null=True,
        on_delete=fields.SET_NULL,
    )  # fmt: skip
    on_behalf = fields.BooleanField(default=False)
    issued_at = fields.DatetimeField(db_index=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    used_by = fields.ForeignKeyField(
        "core.Account", related_name="streetbank_vouchers_used", null=True,
        on_delete=fields.SET_NULL,
    )  # fmt: skip
    closed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "streetbank_voucher"
        ordering = ("-issued_at", "-id")
        indexes = (
            ("community_id",),
            ("issued_by_id",),
            ("item_id",),
            ("partner_id",),
            ("person_id",),
            ("used_by_id",),
        )


class Adjustment(Model):
    """A worker's manual correction of a resident's balance (maker–checker).

    Within the maker's limits it is posted at once; above them it waits (``pending``)
    until another person with ``streetbank.approve`` posts it or rejects it with a
    reason. Nothing reaches the ledger before that: ``entry`` is set when it is posted.
    ``key`` is the form's one-time key, so the same form sent twice is one correction."""

    id = fields.IntField(primary_key=True)
    community = fields.ForeignKeyField(
        "core.Community", related_name="streetbank_adjustments", on_delete=fields.CASCADE
    )
    key = fields.CharField(max_length=128, unique=True)
    person = fields.ForeignKeyField(
        "core.Person", related_name="streetbank_adjustments", on_delete=fields.RESTRICT
    )
    amount = fields.IntField()
    reason = fields.CharField(max_length=300)
    status = fields.CharField(max_length=12, default=PENDING, db_index=True)
    made_by = fields.ForeignKeyField(
        "core.Account", related_name="streetbank_adjustments_made", null=True,
        on_delete=fields.SET_NULL,
    )  # fmt: skip
    made_at = fields.DatetimeField(db_index=True)
    decided_by = fields.ForeignKeyField(
        "core.Account", related_name="streetbank_adjustments_decided", null=True,
        on_delete=fields.SET_NULL,
    )  # fmt: skip
    decided_at = fields.DatetimeField(null=True)
    # Why a checker rejected it.
    decision_note = fields.CharField(max_length=300, default="")
    entry = fields.OneToOneField(
        "streetbank.Entry", related_name="adjustment", null=True, on_delete=fields.RESTRICT
    )

    class Meta:
        table = "streetbank_adjustment"
        ordering = ("-made_at", "-id")
        indexes = (
            ("community_id",),
            ("decided_by_id",),
            ("made_by_id",),
            ("person_id",),
        )


class AdjustmentAllowance(Model):
    """Points one worker has corrected on their own authority on one local day, moved
    by a guarded atomic UPDATE so that concurrent corrections cannot pass the limit."""

    id = fields.IntField(primary_key=True)
    community = fields.ForeignKeyField(
        "core.Community", related_name="streetbank_allowances", on_delete=fields.CASCADE
    )
    account = fields.ForeignKeyField(
        "core.Account", related_name="streetbank_allowances", on_delete=fields.CASCADE
    )
    day = fields.DateField()
    points = fields.IntField(default=0)

    class Meta:
        table = "streetbank_allowance"
        unique_together = (("community", "account", "day"),)
        indexes = (("account_id",),)
