"""Every other table of the volunteers plugin raises its stamp, so that a page made of them is
kept rendered until one of them changes (:mod:`linli.web.page_cache`)."""

from tortoise import migrations

from linli.kit import stamp_tables


class Migration(migrations.Migration):
    dependencies = [("core", "0005_site_stamp"), ("volunteers", "0005_foreign_key_indexes")]

    operations = [
        stamp_tables(
            "volunteers",
            [
                "volunteers_answer",
                "volunteers_correction",
                "volunteers_membership",
                "volunteers_qualification",
                "volunteers_shift",
                "volunteers_signup",
                "volunteers_skill",
                "volunteers_team",
                "volunteers_thanks",
                "volunteers_volunteer_skill",
            ],
        )
    ]
