"""The tables the dashboard widget reads raise the council stamp when they change, so the
core keeps the widget's figures until then (`Widget(cached=True)`)."""

from tortoise import migrations

from linli.kit import stamp_tables


class Migration(migrations.Migration):
    dependencies = [("core", "0005_site_stamp"), ("council", "0003_settings_in_core")]

    operations = [stamp_tables("council", ["council_need", "council_topic", "council_action"])]
