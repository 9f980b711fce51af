"""Every table of the requests plugin raises its stamp, so that a page made of them is
kept rendered until one of them changes (:mod:`linli.web.page_cache`)."""

from tortoise import migrations

from linli.kit import stamp_tables


class Migration(migrations.Migration):
    dependencies = [("core", "0005_site_stamp"), ("requests", "0003_foreign_key_indexes")]

    operations = [
        stamp_tables(
            "requests",
            [
                "requests_agenda_item",
                "requests_api_client",
                "requests_attendee",
                "requests_category",
                "requests_meeting",
                "requests_reporter",
                "requests_request",
                "requests_status",
                "requests_update",
            ],
        )
    ]
