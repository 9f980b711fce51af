"""Acceptance 5: every message the canteen shows exists in Chinese (ids are English)."""

from pathlib import Path

import linli_canteen
from linli.i18n import Catalogues, message_ids, missing_translations, placeholder_mismatches

PACKAGE = Path(linli_canteen.__file__).parent


def test_every_message_is_translated_into_chinese():
    assert len(message_ids(PACKAGE)) > 200
    assert missing_translations(PACKAGE) == []


def test_placeholders_survive_translation():
    assert placeholder_mismatches(PACKAGE) == []


def test_the_catalogue_merges_with_the_core():
    catalogues = Catalogues([PACKAGE / "locale"])
    assert catalogues.translate("zh_CN", "This meal is fully booked.") == "这一餐已订满。"
    assert catalogues.translate("en", "This meal is fully booked.") == "This meal is fully booked."
    assert catalogues.translate("zh_CN", "Home") == "首页"
