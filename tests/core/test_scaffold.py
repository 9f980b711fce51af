"""``linli new-plugin``: the scaffold is refused for bad names and existing folders, and
a scaffolded plugin type-checks clean under strict mypy and works from outside this
repository: installed into a fresh environment beside the core, its own tests pass,
``linli migrate`` creates its table, ``linli plugins list`` lists it and the demo
community serves its page."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

import linli
import linli_theme_default
from linli.cli import BUILTIN, main
from linli.cli.scaffold import ScaffoldError, latest_core_migration, new_plugin, render

NAME = "tool_shed"


@pytest.mark.parametrize("name", ["", "x", "Tools", "1tools", "tool-shed", "a" * 33, "tools!"])
def test_invalid_names_are_refused(tmp_path: Path, name: str) -> None:
    result = CliRunner().invoke(main, ["new-plugin", name, "--path", str(tmp_path)])
    assert result.exit_code != 0
    assert "invalid plugin name" in result.output
    assert list(tmp_path.iterdir()) == []


def test_an_existing_target_is_refused(tmp_path: Path) -> None:
    (tmp_path / NAME).mkdir()
    result = CliRunner().invoke(main, ["new-plugin", NAME, "--path", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path / NAME} already exists" in result.output
    assert list((tmp_path / NAME).iterdir()) == []
    with pytest.raises(ScaffoldError):
        new_plugin(NAME, tmp_path)


def test_the_layout_follows_the_bundled_plugins(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["new-plugin", NAME, "--path", str(tmp_path)])
    assert result.exit_code == 0, result.output
    root = tmp_path / NAME
    package = root / f"linli_{NAME}"
    for relative in (
        "pyproject.toml",
        "babel.cfg",
        f"tests/test_{NAME}.py",
        f"linli_{NAME}/__init__.py",
        f"linli_{NAME}/models.py",
        f"linli_{NAME}/services.py",
        f"linli_{NAME}/testing.py",
        f"linli_{NAME}/routes.py",
        f"linli_{NAME}/demo.py",
        f"linli_{NAME}/migrations/__init__.py",
        f"linli_{NAME}/migrations/0001_initial.py",
        f"linli_{NAME}/templates/{NAME}/index.html",
        f"linli_{NAME}/locale/zh_CN/LC_MESSAGES/messages.po",
    ):
        assert (root / relative).is_file(), relative
    pyproject = (root / "pyproject.toml").read_text()
    assert f'name = "linli-{NAME}"' in pyproject
    assert f'{NAME} = "linli_{NAME}"' in pyproject
    migration = (package / "migrations/0001_initial.py").read_text()
    assert f'dependencies = [("core", "{latest_core_migration()}")]' in migration
    template = (package / f"templates/{NAME}/index.html").read_text()
    assert '{% extends "base.html" %}' in template and "{{ csrf_input | safe }}" in template
    assert "$" not in "".join(render(NAME).values())  # every placeholder was filled
    # plugin API 2: found by convention, the kit as the only door into linli
    init = (package / "__init__.py").read_text()
    assert "linli_routes" not in init and "linli_tortoise_apps" not in init
    for path in package.rglob("*.py"):
        for line in path.read_text().splitlines():
            if line.startswith(("from linli", "import linli")):
                assert line.startswith(("from linli.kit ", f"from linli_{NAME}")), (path, line)
    assert "new-plugin" in BUILTIN  # a plugin's command cannot shadow it


def test_a_scaffolded_plugin_type_checks_clean_under_strict_mypy(tmp_path: Path) -> None:
    """``mypy`` run in a new plugin's folder checks the plugin's package with
    ``strict = true`` (its pyproject.toml says so) against linli's own types, and finds
    nothing; an error written into it is found."""
    plugin = new_plugin(NAME, tmp_path)
    config = tomllib.loads((plugin / "pyproject.toml").read_text(encoding="utf-8"))
    assert config["tool"]["mypy"]["strict"] is True
    mypy = [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "mypy-cache")]

    clean = subprocess.run(mypy, cwd=plugin, capture_output=True, text=True, timeout=300)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "Success: no issues found in 8 source files" in clean.stdout

    services = plugin / f"linli_{NAME}" / "services.py"
    services.write_text(services.read_text() + "\n\ndef broken() -> int:\n    return 'x'\n")
    broken = subprocess.run(mypy, cwd=plugin, capture_output=True, text=True, timeout=300)
    assert broken.returncode == 1
    assert f"linli_{NAME}/services.py" in broken.stdout
    assert "[return-value]" in broken.stdout


def _run(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(arg) for arg in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done.stdout


SERVE_CHECK = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path

    import httpx

    from linli import create_app
    from linli.kernel.settings import load_settings

    folder = Path(sys.argv[1])
    settings = load_settings(
        folder, mode="demo", database_url=f"sqlite://{folder / 'demo.sqlite3'}"
    )
    app = create_app(settings)


    async def main():
        async with app.lifespan():
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://demo") as client:
                page = await client.get(sys.argv[2])
                print(page.status_code)
                print(page.text)


    asyncio.run(main())
    """
)


@pytest.mark.skipif(shutil.which("uv") is None, reason="needs uv on PATH")
def test_a_scaffolded_plugin_works_in_a_fresh_environment(tmp_path: Path) -> None:
    core = Path(linli.__file__).parents[1]
    theme = Path(linli_theme_default.__file__).parents[1]
    plugin = new_plugin(NAME, tmp_path)
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    for variable in ("VIRTUAL_ENV", "LINLI_INSTANCE", "LINLI_LOAD_PLUGINS", "PYTHONPATH"):
        env.pop(variable, None)
    venv = tmp_path / "venv"
    python = venv / "bin" / "python"
    _run("uv", "venv", "--quiet", "--python", sys.executable, venv, env=env)
    _run(
        *("uv", "pip", "install", "--quiet", "--python", python),
        *("-e", f"{core}[testing]", "-e", theme, "-e", plugin),
        env=env,
    )

    # its own tests, run inside the plugin's folder
    tests = _run(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=plugin, env=env)
    assert " passed" in tests and "failed" not in tests and "error" not in tests

    # an instance: the shipped migration matches the model, migrate creates the table
    linli_command = venv / "bin" / "linli"
    instance = tmp_path / "instance"
    _run(linli_command, "--instance", instance, "init", env=env)
    _run(linli_command, "--instance", instance, "makemigrations", "--check", env=env)
    migrated = _run(linli_command, "--instance", instance, "migrate", env=env)
    assert f"{NAME}" in migrated
    checked = _run(linli_command, "--instance", instance, "plugins", "check", NAME, env=env)
    assert all(line.endswith(": ok") for line in checked.splitlines()), checked
    listed = _run(linli_command, "--instance", instance, "plugins", "list", env=env)
    assert listed.startswith(f"{NAME}\t0.1.0\tdisabled\t")
    database = next(instance.glob("*.sqlite3"))
    with sqlite3.connect(database) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert f"{NAME}_item" in tables

    # the demo community serves its page, with the demo data
    demo = tmp_path / "demo"
    prepared = _run(linli_command, "demo", "--folder", demo, "--no-serve", env=env)
    assert f"plugins enabled: {NAME}" in prepared
    script = tmp_path / "serve_check.py"
    script.write_text(SERVE_CHECK)
    served = _run(python, script, demo, f"/c/jianghanli/{NAME}/", env=env)
    status, _, page = served.partition("\n")
    assert status == "200", served
    assert 'class="tool_shed-item"' in page
