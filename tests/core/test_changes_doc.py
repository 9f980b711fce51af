"""docs/plugins/changes.md, where a plugin author reads what to change: its newest entry
is the plugin API version linli offers, and the message a plugin made for an older
version gets at start-up sends its author there."""

from pathlib import Path

from linli import PLUGIN_API_VERSION
from linli.kernel.plugins import Manifest
from linli.kernel.registry import api_incompatibility

ROOT = Path(__file__).parents[2]
CHANGES = ROOT / "docs" / "plugins" / "changes.md"


def test_the_newest_entry_is_the_plugin_api_linli_offers():
    entries = [
        line.removeprefix("## ")
        for line in CHANGES.read_text(encoding="utf-8").splitlines()
        if line.startswith("## ")
    ]
    assert entries[0] == f"Plugin API {PLUGIN_API_VERSION}", (
        "PLUGIN_API_VERSION changed: add its entry at the top of docs/plugins/changes.md"
    )


def test_a_plugin_made_for_an_older_api_is_sent_to_the_changes():
    older = int(PLUGIN_API_VERSION.split(".")[0]) - 1
    manifest = Manifest(
        name="old", title={"zh_CN": "旧", "en": "Old"}, version="1",
        linli_api=f">={older},<{older + 1}",
    )  # fmt: skip
    message = api_incompatibility(manifest)
    assert message is not None
    [path] = [word for word in message.split() if word.endswith("changes.md")]
    assert (ROOT / path).resolve() == CHANGES.resolve()
