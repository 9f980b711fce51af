"""Every other table of the codesign plugin raises its stamp, so that a page made of them is
kept rendered until one of them changes (:mod:`linli.web.page_cache`)."""

from tortoise import migrations

from linli.kit import stamp_tables


class Migration(migrations.Migration):
    dependencies = [("core", "0005_site_stamp"), ("codesign", "0003_foreign_key_indexes")]

    operations = [
        stamp_tables(
            "codesign",
            [
                "codesign_ballot",
                "codesign_comment",
                "codesign_support",
                "codesign_update",
            ],
        )
    ]
