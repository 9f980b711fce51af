"""The hook reference is generated from the hook docstrings and kept current."""

import types
from pathlib import Path

from linli.kernel import hookdoc
from linli.kernel.plugins import hookspec

REFERENCE = Path(__file__).parents[2] / "docs" / "plugins" / "hooks.md"


def test_every_hook_is_documented():
    assert hookdoc.undocumented_hooks() == []
    assert len(hookdoc.hook_functions()) >= 15


def test_the_reference_page_is_current():
    assert REFERENCE.read_text(encoding="utf-8") == hookdoc.render(), (
        "docs/plugins/hooks.md is stale: "
        "run `python -m linli.kernel.hookdoc > docs/plugins/hooks.md`"
    )


def test_a_hook_without_a_docstring_is_caught():
    module = types.ModuleType("fake_hookspecs")
    source = '''
@hookspec
def linli_documented() -> None:
    """Says what it does."""


@hookspec
def linli_silent() -> None:
    pass
'''
    exec(compile(source, "<fake_hookspecs>", "exec"), {"hookspec": hookspec}, module.__dict__)
    assert [name for name, _ in hookdoc.hook_functions(module)] == [
        "linli_documented",
        "linli_silent",
    ]
    assert hookdoc.undocumented_hooks(module) == ["linli_silent"]
