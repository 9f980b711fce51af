"""The tables the dashboard widget reads raise the codesign stamp when they change, so the
core keeps the widget's figures until then (`Widget(cached=True)`)."""

from tortoise import migrations

from linli.kit import stamp_tables


class Migration(migrations.Migration):
    dependencies = [("core", "0005_site_stamp"), ("codesign", "0001_initial")]

    operations = [
        stamp_tables(
            "codesign",
            [
                "codesign_project",
                "codesign_proposal",
                "codesign_voter",
                "codesign_answer",
                "codesign_task",
                "codesign_contribution",
            ],
        )
    ]
