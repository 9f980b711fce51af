"""The verdict of ``.ci/typecheck.py``, CI's type check: mypy's errors against the
baseline. A new error fails even where old ones of its kind are accepted, an error in the
plugin author's contract (the strict modules) always fails, and a fixed error must leave
the baseline."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def typecheck() -> ModuleType:
    spec = importlib.util.spec_from_file_location("typecheck", ROOT / ".ci" / "typecheck.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["typecheck"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _line(file: str, line: int, code: str | None, message: str, severity: str) -> str:
    found = {"file": file, "line": line, "column": 0, "message": message, "hint": None}
    return json.dumps({**found, "code": code, "severity": severity})


def _mypy_json(*errors: tuple[str, int, str, str]) -> str:
    """mypy's ``--output json`` for ``errors``, with a note that is not an error."""
    lines = [_line(file, line, code, message, "error") for file, line, code, message in errors]
    return "\n".join([*lines, _line("x.py", 1, None, "a note", "note")])


SERVICES = "plugins/canteen/linli_canteen/services.py"
OLD = (SERVICES, 120, "attr-defined", '"Order" has no attribute "run_id"')


def test_an_error_already_in_the_baseline_passes_wherever_its_line_moved(
    typecheck: ModuleType,
) -> None:
    baseline = Counter([typecheck.parse(_mypy_json(OLD))[0].key])
    moved = typecheck.parse(_mypy_json((SERVICES, 180, OLD[2], OLD[3])))
    verdict = typecheck.compare(moved, baseline, ["linli.kit"])
    assert verdict.ok


def test_a_new_error_fails_in_a_module_that_has_old_errors_of_the_same_code(
    typecheck: ModuleType,
) -> None:
    baseline = Counter([typecheck.parse(_mypy_json(OLD))[0].key])
    new = (SERVICES, 300, "attr-defined", '"Order" has no attribute "canteen_id"')
    verdict = typecheck.compare(typecheck.parse(_mypy_json(OLD, new)), baseline, [])
    assert not verdict.ok
    assert [str(error) for error in verdict.new] == [
        f'{SERVICES}:300: error: "Order" has no attribute "canteen_id"  [attr-defined]'
    ]


def test_the_same_error_once_more_than_the_baseline_counts_fails(
    typecheck: ModuleType,
) -> None:
    baseline = Counter([typecheck.parse(_mypy_json(OLD))[0].key])
    twice = typecheck.parse(_mypy_json(OLD, (SERVICES, 400, OLD[2], OLD[3])))
    verdict = typecheck.compare(twice, baseline, [])
    assert [error.line for error in verdict.new] == [400]


def test_an_error_in_a_strict_module_fails_even_if_the_baseline_names_it(
    typecheck: ModuleType,
) -> None:
    kit = ("core/linli/kit.py", 10, "no-any-return", 'Returning Any from function "f"')
    testing = ("core/linli/testing/plugin.py", 5, "arg-type", "Argument 1 is wrong")
    errors = typecheck.parse(_mypy_json(kit, testing))
    baseline = Counter(error.key for error in errors)
    verdict = typecheck.compare(errors, baseline, typecheck.strict_patterns())
    assert [error.file for error in verdict.strict] == [kit[0], testing[0]]
    assert not verdict.ok


def test_a_fixed_error_must_leave_the_baseline(typecheck: ModuleType) -> None:
    baseline = Counter([typecheck.parse(_mypy_json(OLD))[0].key])
    verdict = typecheck.compare([], baseline, [])
    assert not verdict.ok
    assert list(verdict.gone) == [f'{SERVICES}: [attr-defined] "Order" has no attribute "run_id"']


def test_the_strict_modules_are_the_plugin_authors_contract(typecheck: ModuleType) -> None:
    patterns = typecheck.strict_patterns()
    for module in ("linli.kit", "linli.kernel.hookspecs", "linli.testing", "linli.testing.plugin"):
        assert any(typecheck.fnmatch.fnmatchcase(module, pattern) for pattern in patterns)
    assert typecheck.module_of("core/linli/testing/__init__.py") == "linli.testing"
    assert typecheck.module_of("themes/default/linli_theme_default/x.py") == (
        "linli_theme_default.x"
    )
    assert not typecheck.is_strict("core/linli/web/app.py", patterns)


def test_the_baseline_holds_no_error_of_a_strict_module(typecheck: ModuleType) -> None:
    patterns = typecheck.strict_patterns()
    files = {key.split(":", 1)[0] for key in typecheck.read_baseline()}
    assert files, "the baseline is read"
    assert [file for file in files if typecheck.is_strict(file, patterns)] == []
