"""Chinese text that linli writes itself uses full-width punctuation (，：；！？): a
bundled plugin's description and every notification it sends (what an older resident
reads as a text message). Text residents type is theirs, however they punctuate."""

import importlib
import re

import pytest

from linli.kernel.notifications import NotificationKind

PLUGINS = (
    "canteen", "care", "codesign", "council", "mediation", "requests", "streetbank",
    "volunteers",
)  # fmt: skip

#: a half-width mark touching a Chinese character
HALF_WIDTH = re.compile(r"(?<=[\u4e00-\u9fff」）])[,:;!?]|[,:;!?](?=[\u4e00-\u9fff「（])")


def _chinese_texts(plugin: str) -> list[tuple[str, str]]:
    package = importlib.import_module(f"linli_{plugin}")
    texts = [(f"{plugin} description", package.manifest.description["zh_CN"])]
    notifications = importlib.import_module(f"linli_{plugin}.notifications")
    for kind in vars(notifications).values():
        if isinstance(kind, NotificationKind):
            texts += [(f"{kind.name} title", kind.title["zh_CN"])]
            texts += [(f"{kind.name} text", kind.text["zh_CN"])]
    return texts


@pytest.mark.parametrize("plugin", PLUGINS)
def test_what_a_plugin_writes_in_chinese_uses_full_width_punctuation(plugin):
    texts = _chinese_texts(plugin)
    assert len(texts) > 1, "the plugin's notifications are read"
    assert [(where, text) for where, text in texts if HALF_WIDTH.search(text)] == []
