"""Acceptance 5: every message the street bank shows exists in Chinese (ids are English)."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import linli_streetbank
from linli.i18n import Catalogues

PACKAGE = Path(linli_streetbank.__file__).parent
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}


def _messages() -> set[str]:
    found = extract_from_dir(
        str(PACKAGE),
        method_map=METHODS,
        options_map=OPTIONS,
        keywords={"_": None, "gettext": None, "ngettext": (1, 2), "N_": None},
    )
    messages = set()
    for _, _, message, _, _ in found:
        messages.update(message if isinstance(message, tuple) else (message,))
    return messages


def test_every_message_is_translated_into_chinese():
    with (PACKAGE / "locale" / "zh_CN" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    messages = _messages()
    assert len(messages) > 150
    assert sorted(messages - translated) == []


def test_placeholders_survive_translation():
    with (PACKAGE / "locale" / "zh_CN" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if message.id:
            assert sorted(_names(message.id)) == sorted(_names(message.string)), message.id


def _names(text: str) -> list[str]:
    import re

    return re.findall(r"%\((\w+)\)s", text)


def test_the_catalogue_merges_with_the_core():
    catalogues = Catalogues([PACKAGE / "locale"])
    assert catalogues.translate("zh_CN", "Not enough points.") == "积分不足。"
    assert catalogues.translate("en", "Not enough points.") == "Not enough points."
    assert catalogues.translate("zh_CN", "Home") == "首页"
