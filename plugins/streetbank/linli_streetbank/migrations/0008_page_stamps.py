"""Every other table of the streetbank plugin raises its stamp, so that a page made of them is
kept rendered until one of them changes (:mod:`linli.web.page_cache`)."""

from tortoise import migrations

from linli.kit import stamp_tables


class Migration(migrations.Migration):
    dependencies = [("core", "0005_site_stamp"), ("streetbank", "0007_foreign_key_indexes")]

    operations = [
        stamp_tables(
            "streetbank",
            [
                "streetbank_adjustment",
                "streetbank_allowance",
                "streetbank_category",
                "streetbank_item",
                "streetbank_service",
                "streetbank_usage",
                "streetbank_voucher",
            ],
        )
    ]
