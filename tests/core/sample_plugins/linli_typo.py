"""A plugin with a misspelled hook: pluggy's check_pending must catch it."""

from linli import Manifest, hookimpl

manifest = Manifest(name="typo", title={"zh_CN": "错字", "en": "Typo"}, version="0.1")


@hookimpl
def linli_nav_itemz() -> list[object]:
    return []
