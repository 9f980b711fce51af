"""The council's settings move to the core's table of plugin settings (one row per
community, only the values that differ from the defaults), and its own table goes. The
target becomes a whole percentage (0.800 is 80). Undoing it copies them back."""

from decimal import ROUND_HALF_UP, Decimal

from tortoise import migrations
from tortoise.migrations import operations as ops

PLUGIN = "council"
#: The defaults when this migration was written (the plugin's may change later).
TARGET, LEVEL = 80, "building"
LEVELS = ("estate", "building", "entrance")


def percent(share) -> int:
    value = (Decimal(str(share)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return min(max(int(value), 1), 100)


async def to_core(apps, schema_editor) -> None:
    client = schema_editor.client
    old = apps.get_model(PLUGIN, "CouncilSettings")
    new = apps.get_model("core", "PluginSettings")
    kept = set(
        await new.filter(plugin=PLUGIN).using_db(client).values_list("community_id", flat=True)
    )
    for row in (
        await old.all().using_db(client).values("community_id", "closure_target", "ranking_level")
    ):
        if row["community_id"] in kept:
            continue
        values = {}
        if percent(row["closure_target"]) != TARGET:
            values["closure_target"] = percent(row["closure_target"])
        if row["ranking_level"] in LEVELS and row["ranking_level"] != LEVEL:
            values["ranking_level"] = row["ranking_level"]
        await new.create(
            community_id=row["community_id"], plugin=PLUGIN, values=values, using_db=client
        )


async def from_core(apps, schema_editor) -> None:
    client = schema_editor.client
    old = apps.get_model(PLUGIN, "CouncilSettings")
    new = apps.get_model("core", "PluginSettings")
    for row in await new.filter(plugin=PLUGIN).using_db(client).values("community_id", "values"):
        stored = row["values"] if isinstance(row["values"], dict) else {}
        await old.create(
            community_id=row["community_id"],
            closure_target=Decimal(int(stored.get("closure_target", TARGET))) / 100,
            ranking_level=stored.get("ranking_level", LEVEL),
            using_db=client,
        )
    await new.filter(plugin=PLUGIN).using_db(client).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0004_plugin_settings"), ("council", "0002_waivers_ranking_level")]

    initial = False

    operations = [
        ops.RunPython(to_core, from_core),
        ops.DeleteModel(name="CouncilSettings"),
    ]
