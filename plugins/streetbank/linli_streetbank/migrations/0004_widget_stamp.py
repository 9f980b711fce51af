"""The tables the dashboard widget reads raise the streetbank stamp when they change, so the
core keeps the widget's figures until then (`Widget(cached=True)`)."""

from tortoise import migrations

from linli.kit import stamp_tables


class Migration(migrations.Migration):
    dependencies = [("core", "0005_site_stamp"), ("streetbank", "0003_settings_in_core")]

    operations = [
        stamp_tables(
            "streetbank",
            ["streetbank_account", "streetbank_entry", "streetbank_posting", "streetbank_partner"],
        )
    ]
