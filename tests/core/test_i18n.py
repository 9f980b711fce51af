"""Chinese first: every message the core shows has a zh_CN translation."""

from pathlib import Path

import linli
from linli.kernel.i18n import Catalogues, message_ids, missing_translations, placeholder_mismatches

CORE = Path(linli.__file__).parent


def test_every_core_message_is_translated_into_chinese():
    assert len(message_ids(CORE)) > 20
    assert missing_translations(CORE) == []


def test_plugin_catalogues_fall_back_to_the_core():
    plugin_locale = Path(__file__).parent / "sample_plugins" / "linli_sample" / "locale"
    catalogues = Catalogues({"sample": [plugin_locale]})
    assert catalogues.translate("zh_CN", "Notes", "sample") == "留言"
    assert catalogues.translate("zh_CN", "Home", "sample") == "首页"
    assert catalogues.translate("en", "Notes", "sample") == "Notes"
    # the core's own pages keep the core's word
    assert catalogues.translate("zh_CN", "Notes") == "备注"


def test_translations_keep_the_placeholders_of_their_ids(tmp_path: Path):
    assert placeholder_mismatches(CORE) == []
    folder = tmp_path / "locale" / "zh_CN" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "%(count)d meals for %(name)s"\nmsgstr "%(name)s 的 %(count)d 份餐"\n\n'
        'msgid "Closed at %(cutoff)s"\nmsgstr "已截止"\n\n'
        'msgid "Full"\nmsgstr "%(n)s 已满"\n',
        encoding="utf-8",
    )
    assert placeholder_mismatches(tmp_path) == ["Closed at %(cutoff)s", "Full"]
