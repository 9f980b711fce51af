"""Every table of the mediation plugin raises its stamp, so that a page made of them is
kept rendered until one of them changes (:mod:`linli.web.page_cache`)."""

from tortoise import migrations

from linli.kit import stamp_tables


class Migration(migrations.Migration):
    dependencies = [("core", "0005_site_stamp"), ("mediation", "0003_foreign_key_indexes")]

    operations = [
        stamp_tables(
            "mediation",
            [
                "mediation_agreement",
                "mediation_assignment",
                "mediation_attachment",
                "mediation_case",
                "mediation_follow_up",
                "mediation_party",
                "mediation_session",
                "mediation_signature",
                "mediation_studio",
                "mediation_transition",
            ],
        )
    ]
