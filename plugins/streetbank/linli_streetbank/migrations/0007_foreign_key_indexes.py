"""Every foreign key gets an index (see ``linli.domain.indexes``)."""

from tortoise import migrations

from linli.kit import AddIndexes


class Migration(migrations.Migration):
    dependencies = [("core", "0008_community_phones"), ("streetbank", "0006_item_photo")]

    initial = False

    operations = [
        AddIndexes(
            {
                "Adjustment": [["community_id"], ["decided_by_id"], ["made_by_id"], ["person_id"]],
                "AdjustmentAllowance": [["account_id"]],
                "CatalogueItem": [["community_id"], ["partner_id"], ["photo_id"]],
                "Entry": [["actor_id"], ["community_id"], ["on_behalf_of_id"]],
                "LedgerAccount": [["community_id"], ["partner_id"], ["person_id"]],
                "MonthlyUsage": [["item_id"]],
                "Partner": [["community_id"]],
                "Posting": [["entry_id"]],
                "ServiceRecord": [
                    ["category_id"],
                    ["community_id"],
                    ["person_id"],
                    ["recorded_by_id"],
                ],
                "Voucher": [
                    ["community_id"],
                    ["issued_by_id"],
                    ["item_id"],
                    ["partner_id"],
                    ["person_id"],
                    ["used_by_id"],
                ],
            }
        ),
    ]
