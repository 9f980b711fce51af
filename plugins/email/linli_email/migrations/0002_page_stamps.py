"""Every table of the email plugin raises its stamp, so that a page made of them is
kept rendered until one of them changes (:mod:`linli.web.page_cache`)."""

from tortoise import migrations

from linli.kit import stamp_tables


class Migration(migrations.Migration):
    dependencies = [("core", "0005_site_stamp"), ("email", "0001_initial")]

    operations = [
        stamp_tables(
            "email",
            [
                "email_address",
            ],
        )
    ]
