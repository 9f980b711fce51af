"""Type-check linli with mypy against the baseline of errors that predate the checker.

    uv run python .ci/typecheck.py            check (what CI runs)
    uv run python .ci/typecheck.py --update   rewrite the baseline after fixing errors

mypy reads its settings from ``[tool.mypy]`` in pyproject.toml. Every error it reports is
compared with ``.ci/mypy-baseline.txt``, one line per accepted error: the file, the error
code and the message, without the line number, so that editing a file does not move its
old errors out of the baseline. The comparison counts: a file with three accepted
``attr-defined`` errors that now has four fails, even if the fourth reads like the
others. The check fails when

- an error is not in the baseline (a new error, wherever it is);
- an error is in a strict module (the override in pyproject.toml that sets
  ``warn_return_any``: the plugin author's contract), which the baseline never holds;
- the baseline lists an error that is gone: the baseline only shrinks, so run
  ``--update`` and commit the shorter file with the fix.

Why a baseline file rather than per-module ``disable_error_code`` lists: a module that is
allowed an error code keeps hiding every new error of that code; the baseline hides only
the errors it names, one by one. CONTRIBUTING.md ("Types") says how to work with it.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import re
import subprocess
import sys
import time
import tomllib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / ".ci" / "mypy-baseline.txt"
HEADER = """\
# mypy errors that predate type checking in CI, accepted for now. One line per error:
# file: [code] message (line numbers left out). This list may only shrink: after fixing
# errors, run `uv run python .ci/typecheck.py --update` and commit it with the fix.
# See CONTRIBUTING.md, "Types".
"""
# Where the distributions keep their packages: core/linli, plugins/x/linli_x, themes/x/...
_PACKAGE_ROOT = re.compile(r"^(?:core|plugins/[^/]+|themes/[^/]+)/")
_LINE_NUMBER = re.compile(r"\bline \d+\b")


@dataclass(frozen=True)
class Error:
    file: str
    line: int
    code: str
    message: str

    @property
    def key(self) -> str:
        """The error as the baseline names it: no line number, anywhere."""
        return f"{self.file}: [{self.code}] {_LINE_NUMBER.sub('line N', self.message)}"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: error: {self.message}  [{self.code}]"


def module_of(file: str) -> str:
    """``plugins/canteen/linli_canteen/routes.py`` → ``linli_canteen.routes``."""
    dotted = _PACKAGE_ROOT.sub("", file).removesuffix(".py").replace("/", ".")
    return dotted.removesuffix(".__init__")


def strict_patterns(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """The module patterns of the strict override (the one that sets warn_return_any)."""
    config = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    patterns: list[str] = []
    for override in config["tool"]["mypy"].get("overrides", []):
        if override.get("warn_return_any"):
            modules = override["module"]
            patterns += [modules] if isinstance(modules, str) else modules
    return patterns


def is_strict(file: str, patterns: Iterable[str]) -> bool:
    module = module_of(file)
    return any(fnmatch.fnmatchcase(module, pattern) for pattern in patterns)


def parse(output: str) -> list[Error]:
    """The errors in mypy's ``--output json`` (one object a line); notes are dropped."""
    errors = []
    for line in output.splitlines():
        if not line.startswith("{"):
            continue
        found = json.loads(line)
        if found["severity"] == "error":
            errors.append(
                Error(found["file"], found["line"], found["code"] or "misc", found["message"])
            )
    return errors


def read_baseline(path: Path = BASELINE) -> Counter[str]:
    if not path.exists():
        return Counter()
    lines = path.read_text(encoding="utf-8").splitlines()
    return Counter(line for line in lines if line and not line.startswith("#"))


def write_baseline(errors: Iterable[Error], path: Path = BASELINE) -> None:
    keys = sorted(error.key for error in errors)
    path.write_text(HEADER + "".join(f"{key}\n" for key in keys), encoding="utf-8")


@dataclass
class Verdict:
    new: list[Error]
    strict: list[Error]
    gone: Counter[str]

    @property
    def ok(self) -> bool:
        return not (self.new or self.strict or self.gone)


def compare(errors: list[Error], baseline: Counter[str], patterns: Iterable[str]) -> Verdict:
    """Which errors the baseline does not cover, which are in strict modules, and which
    baseline lines no error matches any more."""
    patterns = list(patterns)
    strict = [error for error in errors if is_strict(error.file, patterns)]
    left = baseline.copy()
    new = []
    for error in errors:
        if error in strict:
            continue
        if left[error.key] > 0:
            left[error.key] -= 1
        else:
            new.append(error)
    return Verdict(new=new, strict=strict, gone=+left)


def run_mypy() -> tuple[list[Error], float]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--output", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    took = time.monotonic() - started
    if done.returncode not in (0, 1):  # 2: mypy could not run (bad settings, a crash)
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"typecheck: mypy stopped with exit code {done.returncode}")
    return parse(done.stdout), took


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--update", action="store_true", help="rewrite the baseline from this run's errors"
    )
    args = parser.parse_args(argv)
    errors, took = run_mypy()
    baseline = read_baseline()
    verdict = compare(errors, baseline, strict_patterns())
    print(f"mypy: {len(errors)} errors in {took:.1f}s; the baseline lists {baseline.total()}")

    if verdict.strict:
        print("\nErrors in strict modules (never baselined; fix them):")
        print("\n".join(f"  {error}" for error in verdict.strict))
    if args.update:
        kept = [error for error in errors if error not in verdict.strict]
        write_baseline(kept)
        added, removed = len(verdict.new), verdict.gone.total()
        print(f"baseline rewritten: {len(kept)} lines (+{added} new, -{removed} fixed)")
        if added:
            print("New errors went into the baseline: say why in the commit message.")
        return 1 if verdict.strict else 0
    if verdict.new:
        print("\nNew type errors (not in .ci/mypy-baseline.txt; fix them):")
        print("\n".join(f"  {error}" for error in verdict.new))
    if verdict.gone:
        print(
            "\nFixed, but still in the baseline (run `uv run python .ci/typecheck.py "
            "--update` and commit .ci/mypy-baseline.txt):"
        )
        print("\n".join(f"  {key}" for key in sorted(verdict.gone.elements())))
    if verdict.ok:
        print("types: no new errors; strict modules clean")
        return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
