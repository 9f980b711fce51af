"""Chinese first: every message the core shows has a zh_CN translation."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import linli
from linli.i18n import CORE_LOCALE_DIR, Catalogues

CORE = Path(linli.__file__).parent
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}


def _core_messages() -> set[str]:
    found = extract_from_dir(
        str(CORE),
        method_map=METHODS,
        options_map=OPTIONS,
        keywords={"_": None, "gettext": None, "ngettext": (1, 2), "N_": None},
    )
    messages = set()
    for _, _, message, _, _ in found:
        messages.update(message if isinstance(message, tuple) else (message,))
    return messages


def test_every_core_message_is_translated_into_chinese():
    with (CORE_LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    messages = _core_messages()
    assert len(messages) > 20
    assert sorted(messages - translated) == []


def test_plugin_catalogues_merge_with_the_core():
    plugin_locale = Path(__file__).parent / "sample_plugins" / "linli_sample" / "locale"
    catalogues = Catalogues([plugin_locale])
    assert catalogues.translate("zh_CN", "Notes") == "留言"
    assert catalogues.translate("zh_CN", "Home") == "首页"
    assert catalogues.translate("en", "Notes") == "Notes"
