"""CHANGELOG.md keeps up with the code: its newest section names the plugin API version
this core offers (so changing ``PLUGIN_API_VERSION`` without a changelog entry fails
here), releases run from newest to oldest with their dates and plugin API versions, and
every section tells operators and plugin authors how to upgrade."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from packaging.version import Version

import linli

CHANGELOG = Path(__file__).resolve().parents[2] / "CHANGELOG.md"
HEADING = re.compile(
    r"## \[(?P<version>[^\]]+)\](?: - (?P<date>\d{4}-\d{2}-\d{2}))? "
    r"\(plugin API (?P<api>\d+\.\d+)\)"
)
UNRELEASED = "Unreleased"


@dataclass
class Section:
    heading: str
    version: str
    date: str | None
    api: str
    body: str


def sections(text: str) -> tuple[list[Section], list[str]]:
    """The sections of the changelog, newest first, and the headings that are malformed."""
    found: list[Section] = []
    malformed: list[str] = []
    for chunk in re.split(r"^(?=## )", text, flags=re.MULTILINE)[1:]:
        heading, _, body = chunk.partition("\n")
        match = HEADING.fullmatch(heading.strip())
        if match is None:
            malformed.append(heading)
            continue
        found.append(Section(heading, match["version"], match["date"], match["api"], body))
    return found, malformed


def _subsection(body: str, title: str) -> str:
    """The text under ``title`` (a ``###`` or ``####`` heading) up to the next heading of
    the same or a higher level."""
    level = title.split(" ")[0]
    match = re.search(
        rf"^{re.escape(title)}\n(.*?)(?=^#{{1,{len(level)}}} |\Z)", body, re.MULTILINE | re.DOTALL
    )
    return match[1].strip() if match else ""


def problems(text: str, plugin_api: str, core_version: str) -> list[str]:
    """What is wrong with the changelog ``text`` for a core at ``core_version`` that offers
    ``plugin_api``; empty when nothing is."""
    found, malformed = sections(text)
    wrong = [
        f"heading {heading!r} is not '## [X.Y.Z] - YYYY-MM-DD (plugin API N.M)' "
        "or '## [Unreleased] (plugin API N.M)'"
        for heading in malformed
    ]
    if not found:
        return [*wrong, "no release or Unreleased section"]
    newest = found[0]
    if newest.api != plugin_api:
        wrong.append(
            f"linli.PLUGIN_API_VERSION is {plugin_api}, but the newest section "
            f"({newest.heading!r}) names plugin API {newest.api}: name {plugin_api} in its "
            "heading and tell plugin authors under 'Upgrading' what changed"
        )
    releases = [section for section in found if section.version != UNRELEASED]
    for index, section in enumerate(found):
        if section.version == UNRELEASED:
            if index != 0:
                wrong.append("[Unreleased] must be the first section")
            if section.date:
                wrong.append("[Unreleased] has no date")
        elif section.date is None:
            wrong.append(f"{section.heading!r} needs its release date")
        upgrading = _subsection(section.body, "### Upgrading")
        for reader in ("Operators", "Plugin authors"):
            if not _subsection(upgrading, f"#### {reader}"):
                wrong.append(f"{section.heading!r}: 'Upgrading' needs notes for {reader.lower()}")
    for newer, older in pairwise(found):
        if Version(newer.api) < Version(older.api):
            wrong.append(f"{newer.heading!r} names an older plugin API than {older.heading!r}")
        if Version(newer.api).major != Version(older.api).major:
            authors = _subsection(_subsection(newer.body, "### Upgrading"), "#### Plugin authors")
            if "linli_api" not in authors:
                wrong.append(
                    f"{newer.heading!r} moves the plugin API's major version: tell plugin "
                    "authors which `linli_api` range to declare"
                )
    for newer, older in pairwise(releases):
        if Version(newer.version) <= Version(older.version) or (newer.date or "") < (
            older.date or ""
        ):
            wrong.append(f"{newer.heading!r} must be newer than {older.heading!r}, below it")
    if releases and Version(core_version) < Version(releases[0].version):
        wrong.append(f"linli {core_version} is older than the newest release {releases[0].version}")
    unreleased = releases and Version(core_version) > Version(releases[0].version)
    if unreleased and newest.version != UNRELEASED:
        wrong.append(f"linli {core_version} is not released yet: add an [Unreleased] section")
    return wrong


def test_the_changelog_is_up_to_date_with_this_core() -> None:
    text = CHANGELOG.read_text(encoding="utf-8")
    assert problems(text, linli.PLUGIN_API_VERSION, linli.__version__) == []


def test_a_new_plugin_api_version_without_a_changelog_entry_fails() -> None:
    text = CHANGELOG.read_text(encoding="utf-8")
    newest = sections(text)[0][0]
    bumped = f"{Version(newest.api).major + 1}.0"
    found = problems(text, bumped, linli.__version__)
    assert len(found) == 1
    assert f"linli.PLUGIN_API_VERSION is {bumped}, but the newest section" in found[0]


def test_a_major_api_change_needs_the_linli_api_range_for_plugin_authors() -> None:
    text = CHANGELOG.read_text(encoding="utf-8")
    newest = sections(text)[0][0]
    bumped = f"{Version(newest.api).major + 1}.0"
    entry = (
        f"## [{UNRELEASED}] (plugin API {bumped})\n\n### Removed\n\n- A hook.\n\n"
        "### Upgrading\n\n#### Operators\n\n- Nothing.\n\n#### Plugin authors\n\n"
        "- The hook is gone.\n\n"
    )
    released = re.sub(r"^## \[Unreleased\].*?(?=^## \[)", "", text, flags=re.M | re.S)
    found = problems(released.replace("## [", entry + "## [", 1), bumped, linli.__version__)
    assert any("which `linli_api` range to declare" in problem for problem in found), found
    fixed = entry.replace("- The hook is gone.", f'- Declare `linli_api=">={bumped},<9"`.')
    assert problems(released.replace("## [", fixed + "## [", 1), bumped, linli.__version__) == []


def test_a_release_without_upgrading_notes_or_a_date_fails() -> None:
    text = "# Changelog\n\n## [0.2.0] (plugin API 1.0)\n\n### Added\n\n- Something.\n"
    found = problems(text, "1.0", "0.2.0")
    assert "'## [0.2.0] (plugin API 1.0)' needs its release date" in found
    assert any("needs notes for operators" in problem for problem in found)
    assert any("needs notes for plugin authors" in problem for problem in found)
