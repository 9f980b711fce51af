"""Acceptance 5: every message the canteen shows exists in Chinese (ids are English)."""

import re
from pathlib import Path

from babel.messages.pofile import read_po

import linli_canteen
from linli.i18n import Catalogues, message_ids, missing_translations

PACKAGE = Path(linli_canteen.__file__).parent


def test_every_message_is_translated_into_chinese():
    assert len(message_ids(PACKAGE)) > 200
    assert missing_translations(PACKAGE) == []


def _names(text: str) -> list[str]:
    return re.findall(r"%\((\w+)\)s", text)


def test_placeholders_survive_translation():
    with (PACKAGE / "locale" / "zh_CN" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if message.id:
            assert sorted(_names(message.id)) == sorted(_names(message.string)), message.id
            assert (message.string and message.string != message.id) or message.id in {"Cap"}


def test_the_catalogue_merges_with_the_core():
    catalogues = Catalogues([PACKAGE / "locale"])
    assert catalogues.translate("zh_CN", "This meal is fully booked.") == "这一餐已订满。"
    assert catalogues.translate("en", "This meal is fully booked.") == "This meal is fully booked."
    assert catalogues.translate("zh_CN", "Home") == "首页"
