"""The tables the dashboard widget reads raise the volunteers stamp when they change, so
the core keeps the widget's figures until then (`Widget(cached=True)`)."""

from tortoise import migrations

from linli.kit import stamp_tables


class Migration(migrations.Migration):
    dependencies = [("core", "0005_site_stamp"), ("volunteers", "0002_points_and_warnings")]

    operations = [
        stamp_tables("volunteers", ["volunteers_volunteer", "volunteers_call", "volunteers_hours"])
    ]
