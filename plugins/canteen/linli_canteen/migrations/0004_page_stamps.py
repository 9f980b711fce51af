"""Every table of the canteen plugin raises its stamp, so that a page made of them is
kept rendered until one of them changes (:mod:`linli.web.page_cache`)."""

from tortoise import migrations

from linli.kit import stamp_tables


class Migration(migrations.Migration):
    dependencies = [("core", "0005_site_stamp"), ("canteen", "0003_foreign_key_indexes")]

    operations = [
        stamp_tables(
            "canteen",
            [
                "canteen_alert",
                "canteen_canteen",
                "canteen_day_capacity",
                "canteen_diner",
                "canteen_dish",
                "canteen_menu_item",
                "canteen_order",
                "canteen_pause",
                "canteen_period",
                "canteen_run",
                "canteen_standing",
                "canteen_tier",
            ],
        )
    ]
