"""No Chinese in the words of an English page: the message ids of the core, the theme
and every bundled plugin are English. Chinese may stay in an id only where the reader
must type or find it as Chinese whatever their language: the register file's column
headings and the words it holds (the file is Chinese, as its template is), and a
register tag typed into a form (tags are stored as the register writes them). What
people type (names, titles, texts) is content, not vocabulary, and stays as typed."""

from __future__ import annotations

import re
from importlib import import_module
from importlib.metadata import entry_points
from importlib.util import find_spec
from pathlib import Path

from linli.domain.identity.people import KNOWN_TAGS
from linli.kernel.i18n import message_ids
from linli.kernel.plugins import ENTRY_POINT_GROUP

#: A run of Chinese characters or punctuation.
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")

#: The register file's column headings and the words it holds (a flat written "10栋,
#: 2单元, 1201室", the estate "二期", a list of tags joined with "、"), and the register's
#: tags.
REGISTER_WORDS = frozenset(
    {"姓名", "性别", "男", "女", "出生日期", "身份证号", "手机号", "户号", "小区", "楼栋",
     "单元", "门牌", "房号", "标签", "二期", "栋", "室", "、", *KNOWN_TAGS}
)  # fmt: skip


REPOSITORY = Path(__file__).parents[2]
BUNDLED = (REPOSITORY / "plugins", REPOSITORY / "themes")


def _packages() -> dict[str, Path]:
    """The core's package and those of the bundled plugins and themes (the test's own
    sample plugins left out)."""
    found = {"linli": Path(import_module("linli").__file__).parent}
    for group in (ENTRY_POINT_GROUP, "linli.themes"):
        for point in entry_points(group=group):
            spec = find_spec(point.module.partition(":")[0])
            origin = Path(spec.origin) if spec is not None and spec.origin else None
            if origin is not None and any(origin.is_relative_to(top) for top in BUNDLED):
                found[f"{group}:{point.name}"] = origin.parent
    return found


def test_every_message_id_is_english():
    packages = _packages()
    assert {"linli.plugins:volunteers", "linli.plugins:requests", "linli.themes:default"} <= set(
        packages
    )
    chinese = {
        f"{name}: {message}"
        for name, folder in packages.items()
        for message in message_ids(folder)
        if set(CJK.findall(message)) - REGISTER_WORDS
    }
    assert chinese == set()
