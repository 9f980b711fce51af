"""An account's history reads its postings newest first: index (account, entry), so a
resident's page does not read the whole ledger."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("streetbank", "0004_widget_stamp")]

    initial = False

    operations = [
        ops.AddIndex(
            model_name="Posting",
            index=Index(fields=["account_id", "entry_id"]),
        ),
    ]
