"""Acceptance 5: every message the street bank shows exists in Chinese (ids are English)."""

from pathlib import Path

import linli_streetbank
from linli.i18n import Catalogues, message_ids, missing_translations, placeholder_mismatches

PACKAGE = Path(linli_streetbank.__file__).parent


def test_every_message_is_translated_into_chinese():
    assert len(message_ids(PACKAGE)) > 150
    assert missing_translations(PACKAGE) == []


def test_placeholders_survive_translation():
    assert placeholder_mismatches(PACKAGE) == []


def test_the_catalogue_merges_with_the_core():
    catalogues = Catalogues([PACKAGE / "locale"])
    assert catalogues.translate("zh_CN", "Not enough points.") == "积分不足。"
    assert catalogues.translate("en", "Not enough points.") == "Not enough points."
    assert catalogues.translate("zh_CN", "Home") == "首页"
