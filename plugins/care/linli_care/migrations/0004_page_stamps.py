"""Every table of the care plugin raises its stamp, so that a page made of them is
kept rendered until one of them changes (:mod:`linli.web.page_cache`)."""

from tortoise import migrations

from linli.kit import stamp_tables


class Migration(migrations.Migration):
    dependencies = [("core", "0005_site_stamp"), ("care", "0003_foreign_key_indexes")]

    operations = [
        stamp_tables(
            "care",
            [
                "care_attendance",
                "care_carer",
                "care_enrolment",
                "care_followup",
                "care_group",
                "care_member",
                "care_note",
                "care_programme",
                "care_session",
                "care_timeline",
                "care_visit",
            ],
        )
    ]
