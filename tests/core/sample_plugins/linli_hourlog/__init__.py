"""A plugin written the plugin API 2 way, for the core's tests: a log of volunteer
hours. Its folder is the contract — models and migrations, routes, templates, events and
demo data are found by convention — and this module holds only the manifest and its real
extension points: sections, a permission and a role."""

from __future__ import annotations

from linli.kit import N_, Manifest, Permission, Role, Section, hookimpl

manifest = Manifest(
    name="hourlog",
    title={"zh_CN": "时长登记", "en": "Hour log"},
    description={"zh_CN": "志愿服务时长登记(测试用)", "en": "Volunteers' hours (for the tests)"},
    version="0.1",
    nav_order=5,
)


@hookimpl
def linli_sections() -> list[Section]:
    return [
        Section(N_("Hours"), "hours", audience="everyone"),
        Section(N_("Log hours"), "log", permission="hourlog.log"),
    ]


@hookimpl
def linli_permissions() -> list[Permission]:
    return [Permission("hourlog.log", N_("Log volunteers' hours"))]


@hookimpl
def linli_default_roles() -> list[Role]:
    return [Role("hourlog_leader", N_("Volunteer team leader"), ("hourlog.log",))]
