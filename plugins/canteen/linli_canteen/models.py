"""The canteen's tables: canteens and their meal periods, dishes and menus, subsidy
tiers, diners' dietary notes, orders (with their price breakdown), standing orders and
their pauses, delivery runs and welfare alerts.

Money is in integer fen. Places come from the core's place tree: a household's
coordinates are its node's (or, failing that, its entrance's or building's).
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

# Meal periods.
BREAKFAST = "breakfast"
LUNCH = "lunch"
DINNER = "dinner"
PERIODS = (BREAKFAST, LUNCH, DINNER)

# How a meal reaches the diner.
DINE_IN = "dine_in"
DELIVERY = "delivery"
MODES = (DINE_IN, DELIVERY)

# States of an order.
PLACED = "placed"
CANCELLED = "cancelled"
DELIVERED = "delivered"
NO_ANSWER = "no_answer"
ORDER_STATES = (PLACED, CANCELLED, DELIVERED, NO_ANSWER)

# Kinds of subsidy.
FIXED = "fixed"
PERCENT = "percent"


class Canteen(Model):
    """A canteen of a community, with its door's coordinates and delivery radius."""

    id = fields.IntField(primary_key=True)
    community = fields.ForeignKeyField(
        "core.Community", related_name="canteens", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=120)
    name_en = fields.CharField(max_length=120, default="")
    address = fields.CharField(max_length=200, default="")
    latitude = fields.FloatField(null=True)
    longitude = fields.FloatField(null=True)
    radius_m = fields.IntField(default=1500)
    # Weekdays it opens, Monday = 0: "0123456" is every day.
    open_days = fields.CharField(max_length=7, default="0123456")
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "canteen_canteen"
        ordering = ("name", "id")
        indexes = (("community_id",),)

    def name_in(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name


class MealPeriod(Model):
    """A meal a canteen serves, with its order cut-off (minutes after midnight, local
    time) and its daily capacity."""

    id = fields.IntField(primary_key=True)
    canteen = fields.ForeignKeyField(
        "canteen.Canteen", related_name="periods", on_delete=fields.CASCADE
    )
    kind = fields.CharField(max_length=12)
    cutoff_minutes = fields.IntField()
    capacity = fields.IntField()
    active = fields.BooleanField(default=True)

    class Meta:
        table = "canteen_period"
        unique_together = (("canteen", "kind"),)
        ordering = ("canteen_id", "cutoff_minutes")

    @property
    def cutoff_label(self) -> str:
        return f"{self.cutoff_minutes // 60:02d}:{self.cutoff_minutes % 60:02d}"


class Dish(Model):
    """A dish (or set meal) the kitchen cooks, with its allergens and diet labels."""

    id = fields.IntField(primary_key=True)
    community = fields.ForeignKeyField(
        "core.Community", related_name="canteen_dishes", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=120)
    name_en = fields.CharField(max_length=120, default="")
    description = fields.CharField(max_length=300, default="")
    photo = fields.ForeignKeyField(
        "core.Upload", null=True, on_delete=fields.SET_NULL, related_name=False
    )
    # Allergen keys separated by commas (see services.ALLERGENS).
    allergens = fields.CharField(max_length=200, default="")
    soft = fields.BooleanField(default=False)
    low_salt = fields.BooleanField(default=False)
    low_sugar = fields.BooleanField(default=False)
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "canteen_dish"
        ordering = ("name", "id")
        indexes = (
            ("community_id",),
            ("photo_id",),
        )

    def name_in(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name

    @property
    def allergen_keys(self) -> list[str]:
        return [key for key in self.allergens.split(",") if key]


class MenuItem(Model):
    """A dish on a canteen's menu for one day and meal period, at a price in fen."""

    id = fields.IntField(primary_key=True)
    canteen = fields.ForeignKeyField(
        "canteen.Canteen", related_name="menu_items", on_delete=fields.CASCADE
    )
    day = fields.DateField(db_index=True)
    period = fields.CharField(max_length=12)
    dish = fields.ForeignKeyField(
        "canteen.Dish", related_name="menu_items", on_delete=fields.RESTRICT
    )
    price = fields.IntField()

    class Meta:
        table = "canteen_menu_item"
        unique_together = (("canteen", "day", "period", "dish"),)
        ordering = ("day", "period", "price", "id")
        indexes = (("dish_id",),)


class DayCapacity(Model):
    """Places taken for one canteen, day and period: a counter moved only by guarded
    UPDATEs, so concurrent orders never exceed ``capacity``."""

    id = fields.IntField(primary_key=True)
    canteen = fields.ForeignKeyField(
        "canteen.Canteen", related_name="capacities", on_delete=fields.CASCADE
    )
    day = fields.DateField()
    period = fields.CharField(max_length=12)
    capacity = fields.IntField()
    taken = fields.IntField(default=0)

    class Meta:
        table = "canteen_day_capacity"
        unique_together = (("canteen", "day", "period"),)


class SubsidyTier(Model):
    """A subsidy by age band and (optionally) a register tag: a fixed amount in fen or a
    percentage of the price, capped. A diner gets the matching tier worth most."""

    id = fields.IntField(primary_key=True)
    community = fields.ForeignKeyField(
        "core.Community", related_name="canteen_tiers", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=64)
    name_en = fields.CharField(max_length=64, default="")
    min_age = fields.IntField(null=True)
    max_age = fields.IntField(null=True)
    tag = fields.CharField(max_length=32, default="")
    kind = fields.CharField(max_length=8, default=FIXED)
    # Fen for a fixed subsidy, whole percent for a percentage.
    amount = fields.IntField()
    cap = fields.IntField(null=True)
    active = fields.BooleanField(default=True)

    class Meta:
        table = "canteen_tier"
        ordering = ("min_age", "tag", "id")
        indexes = (("community_id",),)

    def name_in(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name


class Diner(Model):
    """A resident's dietary notes and allergies (allergen keys separated by commas)."""

    id = fields.IntField(primary_key=True)
    person = fields.OneToOneField(
        "core.Person", related_name="canteen_diner", on_delete=fields.CASCADE
    )
    allergies = fields.CharField(max_length=200, default="")
    notes = fields.CharField(max_length=300, default="")
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "canteen_diner"

    @property
    def allergy_keys(self) -> list[str]:
        return [key for key in self.allergies.split(",") if key]


class StandingOrder(Model):
    """A meal ordered again on chosen weekdays until further notice."""

    id = fields.IntField(primary_key=True)
    community = fields.ForeignKeyField(
        "core.Community", related_name="canteen_standing", on_delete=fields.CASCADE
    )
    canteen = fields.ForeignKeyField(
        "canteen.Canteen", related_name="standing_orders", on_delete=fields.CASCADE
    )
    person = fields.ForeignKeyField(
        "core.Person", related_name="canteen_standing", on_delete=fields.CASCADE
    )
    period = fields.CharField(max_length=12, default=LUNCH)
    weekdays = fields.CharField(max_length=7, default="01234")
    mode = fields.CharField(max_length=12, default=DINE_IN)
    starts_on = fields.DateField()
    ends_on = fields.DateField(null=True)
    active = fields.BooleanField(default=True)
    created_by = fields.ForeignKeyField(
        "core.Account", related_name="canteen_standing_made", null=True, on_delete=fields.SET_NULL
    )
    on_behalf = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "canteen_standing"
        ordering = ("-created_at", "-id")
        indexes = (
            ("canteen_id",),
            ("community_id",),
            ("created_by_id",),
            ("person_id",),
        )


class StandingPause(Model):
    """Days a standing order is paused (a holiday, a hospital stay), both included."""

    id = fields.IntField(primary_key=True)
    standing = fields.ForeignKeyField(
        "canteen.StandingOrder", related_name="pauses", on_delete=fields.CASCADE
    )
    starts_on = fields.DateField()
    ends_on = fields.DateField()
    reason = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "canteen_pause"
        ordering = ("starts_on", "id")
        indexes = (("standing_id",),)


class DeliveryRun(Model):
    """The delivery orders of one building for one day and period, carried by one
    volunteer."""

    id = fields.IntField(primary_key=True)
    canteen = fields.ForeignKeyField(
        "canteen.Canteen", related_name="runs", on_delete=fields.CASCADE
    )
    day = fields.DateField(db_index=True)
    period = fields.CharField(max_length=12)
    building = fields.ForeignKeyField(
        "core.Node", related_name="canteen_runs", on_delete=fields.RESTRICT
    )
    volunteer = fields.ForeignKeyField(
        "core.Person", related_name="canteen_runs", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "canteen_run"
        unique_together = (("canteen", "day", "period", "building"),)
        ordering = ("day", "period", "building_id")
        indexes = (
            ("building_id",),
            ("volunteer_id",),
        )


class Order(Model):
    """One meal for one diner, with its price breakdown as it was when ordered.

    ``slot`` is unique while the order is live and cleared when it is cancelled, so a
    diner holds at most one live order per canteen, day and period (a double tap or a
    standing order placed twice makes one)."""

    id = fields.IntField(primary_key=True)
    community = fields.ForeignKeyField(
        "core.Community", related_name="canteen_orders", on_delete=fields.CASCADE
    )
    canteen = fields.ForeignKeyField(
        "canteen.Canteen", related_name="orders", on_delete=fields.RESTRICT
    )
    person = fields.ForeignKeyField(
        "core.Person", related_name="canteen_orders", on_delete=fields.RESTRICT
    )
    day = fields.DateField(db_index=True)
    period = fields.CharField(max_length=12)
    menu_item = fields.ForeignKeyField(
        "canteen.MenuItem", related_name="orders", on_delete=fields.RESTRICT
    )
    dish = fields.ForeignKeyField("canteen.Dish", related_name="orders", on_delete=fields.RESTRICT)
    mode = fields.CharField(max_length=12, default=DINE_IN)
    status = fields.CharField(max_length=12, default=PLACED, db_index=True)
    slot = fields.CharField(max_length=64, null=True, unique=True)
    price = fields.IntField()
    subsidy = fields.IntField(default=0)
    to_pay = fields.IntField()
    age = fields.IntField(null=True)
    tier = fields.ForeignKeyField(
        "canteen.SubsidyTier", related_name="orders", null=True, on_delete=fields.SET_NULL
    )
    tier_name = fields.CharField(max_length=64, default="")
    # Delivery: where, how far, and the stop's place in its building's run.
    home = fields.ForeignKeyField(
        "core.Node", related_name="canteen_orders_home", null=True, on_delete=fields.SET_NULL
    )
    building = fields.ForeignKeyField(
        "core.Node",
        related_name="canteen_orders_building",
        null=True,
        on_delete=fields.SET_NULL,
    )
    entrance = fields.CharField(max_length=64, default="")
    floor = fields.IntField(default=0)
    distance_m = fields.IntField(null=True)
    run = fields.ForeignKeyField(
        "canteen.DeliveryRun", related_name="orders", null=True, on_delete=fields.SET_NULL
    )
    placed_by = fields.ForeignKeyField(
        "core.Account",
        related_name="canteen_orders_placed",
        null=True,
        on_delete=fields.SET_NULL,
    )
    on_behalf = fields.BooleanField(default=False)
    standing = fields.ForeignKeyField(
        "canteen.StandingOrder", related_name="orders", null=True, on_delete=fields.SET_NULL
    )
    warning = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField()
    cancelled_at = fields.DatetimeField(null=True)
    delivered_at = fields.DatetimeField(null=True)
    delivered_by = fields.ForeignKeyField(
        "core.Person", related_name="canteen_deliveries", null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "canteen_order"
        ordering = ("-day", "period", "id")
        indexes = (
            ("building_id",),
            ("canteen_id",),
            ("community_id",),
            ("delivered_by_id",),
            ("dish_id",),
            ("home_id",),
            ("menu_item_id",),
            ("person_id",),
            ("placed_by_id",),
            ("run_id",),
            ("standing_id",),
            ("tier_id",),
        )


class WelfareAlert(Model):
    """Nobody opened the door for a delivery, or another part of linli reported a
    welfare concern (``welfare.concern``): the community worker on duty checks on the
    person, then resolves the alert with a note. The duty worker's one list."""

    id = fields.IntField(primary_key=True)
    community_id: int
    person_id: int
    community = fields.ForeignKeyField(
        "core.Community", related_name="canteen_alerts", on_delete=fields.CASCADE
    )
    order = fields.OneToOneField(
        "canteen.Order", related_name="alert", null=True, on_delete=fields.CASCADE
    )
    order_id: int | None
    # who reported it: the canteen's own no-answer stops, or another plugin's concern
    # (``source`` its name, ``reference`` the concern within it, ``link`` its page)
    source = fields.CharField(max_length=32, default="canteen", db_default="canteen")
    reference = fields.CharField(max_length=64, default="", db_default="", db_index=True)
    level = fields.CharField(max_length=10, default="help", db_default="help")
    summary = fields.CharField(max_length=200, default="", db_default="")
    link = fields.CharField(max_length=200, default="", db_default="")
    person = fields.ForeignKeyField(
        "core.Person", related_name="canteen_alerts", on_delete=fields.CASCADE
    )
    # Where the diner lives: the alert is seen by whoever may handle alerts there.
    node = fields.ForeignKeyField(
        "core.Node", related_name="canteen_alerts", on_delete=fields.RESTRICT
    )
    node_id: int
    raised_by = fields.ForeignKeyField(
        "core.Person", related_name="canteen_alerts_raised", null=True, on_delete=fields.SET_NULL
    )
    raised_at = fields.DatetimeField(db_index=True)
    resolved_at = fields.DatetimeField(null=True, db_index=True)
    resolved_by = fields.ForeignKeyField(
        "core.Account",
        related_name="canteen_alerts_resolved",
        null=True,
        on_delete=fields.SET_NULL,
    )
    note = fields.TextField(default="")

    class Meta:
        table = "canteen_alert"
        ordering = ("-raised_at", "-id")
        indexes = (
            ("community_id",),
            ("node_id",),
            ("person_id",),
            ("raised_by_id",),
            ("resolved_by_id",),
        )
