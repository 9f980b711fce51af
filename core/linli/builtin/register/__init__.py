"""Built-in ``register``: the resident register of a community — people, households,
tags, moves, the import from a spreadsheet and the exports."""

from __future__ import annotations

from linli import __version__
from linli.kernel.i18n import N_
from linli.kernel.plugins import Manifest, Section, hookimpl

manifest = Manifest(
    name="register",
    title={"zh_CN": "居民底册", "en": "Resident register"},
    description={
        "zh_CN": "社区的居民、家庭和标签;导入和导出",
        "en": "People, households and tags of a community; import and export.",
    },
    version=__version__,
    nav_order=900,
    icon="book-user",
)


@hookimpl
def linli_sections() -> list[Section]:
    return [Section(N_("Resident register"), "", permission="identity.person.view")]
