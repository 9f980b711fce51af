"""Every other table of the council plugin raises its stamp, so that a page made of them is
kept rendered until one of them changes (:mod:`linli.web.page_cache`)."""

from tortoise import migrations

from linli.kit import stamp_tables


class Migration(migrations.Migration):
    dependencies = [("core", "0005_site_stamp"), ("council", "0005_foreign_key_indexes")]

    operations = [
        stamp_tables(
            "council",
            [
                "council_agenda_item",
                "council_attendee",
                "council_meeting",
                "council_need_support",
                "council_timeline",
            ],
        )
    ]
