"""linli's default theme: mobile-first, readable, with an elder-friendly mode."""

from pathlib import Path

from linli.kernel.themes import Theme

_HERE = Path(__file__).parent

theme = Theme(
    name="default",
    title={"zh_CN": "默认主题", "en": "Default theme"},
    templates=_HERE / "templates",
    static=_HERE / "static",
)
