"""Acceptance 4: every message of the plugin exists in Chinese (ids are English)."""

from pathlib import Path

import linli_codesign
from linli.i18n import Catalogues, message_ids, missing_translations, placeholder_mismatches

PACKAGE = Path(linli_codesign.__file__).parent


def test_every_message_is_translated_into_chinese():
    assert len(message_ids(PACKAGE)) > 150
    assert missing_translations(PACKAGE) == []


def test_placeholders_survive_translation():
    assert placeholder_mismatches(PACKAGE) == []


def test_the_catalogue_merges_with_the_core():
    catalogues = Catalogues([PACKAGE / "locale"])
    assert catalogues.translate("zh_CN", "Hidden by moderator: %(reason)s").startswith("已被")
    assert catalogues.translate("en", "Co-design") == "Co-design"
    assert catalogues.translate("zh_CN", "Home") == "首页"
