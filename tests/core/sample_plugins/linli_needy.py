"""A plugin that requires the sample plugin: enabling it enables both."""

from linli import Manifest, NavItem, hookimpl

manifest = Manifest(
    name="needy",
    title={"zh_CN": "依赖示例", "en": "Needy"},
    version="0.1",
    requires=("sample",),
)


@hookimpl
def linli_nav_items(community: object) -> list[NavItem]:
    return [NavItem("Needy", "needy/")]
