"""Every foreign key gets an index (see ``linli.domain.indexes``)."""

from tortoise import migrations

from linli.kit import AddIndexes, sqlite_repair


class Migration(migrations.Migration):
    dependencies = [("canteen", "0002_welfare_concerns"), ("core", "0008_community_phones")]

    initial = False

    operations = [
        AddIndexes(
            {
                "Canteen": [["community_id"]],
                "DeliveryRun": [["building_id"], ["volunteer_id"]],
                "Dish": [["community_id"], ["photo_id"]],
                "MenuItem": [["dish_id"]],
                "Order": [
                    ["building_id"],
                    ["canteen_id"],
                    ["community_id"],
                    ["delivered_by_id"],
                    ["dish_id"],
                    ["home_id"],
                    ["menu_item_id"],
                    ["person_id"],
                    ["placed_by_id"],
                    ["run_id"],
                    ["standing_id"],
                    ["tier_id"],
                ],
                "StandingOrder": [
                    ["canteen_id"],
                    ["community_id"],
                    ["created_by_id"],
                    ["person_id"],
                ],
                "StandingPause": [["standing_id"]],
                "SubsidyTier": [["community_id"]],
                "WelfareAlert": [
                    ["community_id"],
                    ["node_id"],
                    ["person_id"],
                    ["raised_by_id"],
                    ["resolved_by_id"],
                ],
            }
        ),
        sqlite_repair("canteen_alert", "order_id", unique=True),
    ]
