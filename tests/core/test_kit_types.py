"""What a plugin author's type checker sees of ``linli.kit``: every name of the plugin API
imports under ``mypy --strict`` with its real type, not ``Any``. The kit loads its names
on first use, so nothing but this test notices a name that mypy cannot follow."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import linli.kit


def test_every_name_of_the_kit_has_its_type_for_a_strict_plugin(tmp_path: Path) -> None:
    names = sorted(linli.kit.__all__)
    plugin = tmp_path / "uses_the_kit.py"
    plugin.write_text(
        "".join(f"from linli.kit import {name}\n" for name in names)
        + "".join(f"reveal_type({name})\n" for name in names),
        encoding="utf-8",
    )
    mypy = [sys.executable, "-m", "mypy", "--strict", "--no-error-summary"]
    done = subprocess.run(
        [*mypy, "--cache-dir", str(tmp_path / "cache"), str(plugin)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert errors == []
    revealed = re.findall(r":(\d+): note: Revealed type is \"(.*)\"", done.stdout)
    assert len(revealed) == len(names), done.stdout
    untyped = [names[int(line) - len(names) - 1] for line, shown in revealed if shown == "Any"]
    assert untyped == [], "linli.kit names that mypy sees as Any"
