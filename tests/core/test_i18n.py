"""Chinese first: every message the core shows has a zh_CN translation."""

from pathlib import Path

import linli
from linli.i18n import Catalogues, message_ids, missing_translations

CORE = Path(linli.__file__).parent


def test_every_core_message_is_translated_into_chinese():
    assert len(message_ids(CORE)) > 20
    assert missing_translations(CORE) == []


def test_plugin_catalogues_merge_with_the_core():
    plugin_locale = Path(__file__).parent / "sample_plugins" / "linli_sample" / "locale"
    catalogues = Catalogues([plugin_locale])
    assert catalogues.translate("zh_CN", "Notes") == "留言"
    assert catalogues.translate("zh_CN", "Home") == "首页"
    assert catalogues.translate("en", "Notes") == "Notes"
