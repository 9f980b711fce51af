"""Themes: a distribution that provides templates and static files, found through the
entry-point group ``linli.themes``. A theme's templates are looked up before any
plugin's or the core's, and ``{% extends "core:base.html" %}`` reaches the core's copy of
the template the theme overrides."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Theme:
    name: str
    title: dict[str, str]
    templates: Path
    static: Path
