"""The street bank's settings move to the core's table of plugin settings (one row per
community, only the values that differ from the defaults), and its own table goes.
Undoing it copies them back."""

from tortoise import migrations
from tortoise.migrations import operations as ops

PLUGIN = "streetbank"
#: The defaults when this migration was written (the plugin's may change later).
DEFAULTS = {
    "expiry_enabled": False,
    "voucher_days": 14,
    "adjust_limit": 50,
    "adjust_daily_limit": 200,
}


async def to_core(apps, schema_editor) -> None:
    client = schema_editor.client
    old = apps.get_model(PLUGIN, "BankSettings")
    new = apps.get_model("core", "PluginSettings")
    kept = set(
        await new.filter(plugin=PLUGIN).using_db(client).values_list("community_id", flat=True)
    )
    for row in await old.all().using_db(client).values("community_id", *DEFAULTS):
        if row["community_id"] in kept:
            continue
        values = {key: row[key] for key, default in DEFAULTS.items() if row[key] != default}
        await new.create(
            community_id=row["community_id"], plugin=PLUGIN, values=values, using_db=client
        )


async def from_core(apps, schema_editor) -> None:
    client = schema_editor.client
    old = apps.get_model(PLUGIN, "BankSettings")
    new = apps.get_model("core", "PluginSettings")
    for row in await new.filter(plugin=PLUGIN).using_db(client).values("community_id", "values"):
        stored = row["values"] if isinstance(row["values"], dict) else {}
        values = {key: stored.get(key, default) for key, default in DEFAULTS.items()}
        await old.create(community_id=row["community_id"], **values, using_db=client)
    await new.filter(plugin=PLUGIN).using_db(client).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_plugin_settings"),
        ("streetbank", "0002_adjustments_maker_checker"),
    ]

    initial = False

    operations = [
        ops.RunPython(to_core, from_core),
        ops.DeleteModel(name="BankSettings"),
    ]
