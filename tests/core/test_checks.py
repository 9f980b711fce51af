"""``linli plugins check``: each kind of problem is caught in a deliberately broken copy
of the sample plugin, and the plugin API version refuses an incompatible plugin."""

import shutil

import pytest
from click.testing import CliRunner

from linli import PLUGIN_API_VERSION, Manifest
from linli.cli import main
from linli.cli.checks import KINDS
from linli.kernel.plugins import ManifestError
from linli.kernel.registry import PluginRegistry
from linli.kernel.settings import write_instance
from linli.testing import settings_for_test
from tests.conftest import SAMPLE_PLUGINS


class Copy:
    """A copy of the sample plugin as plugin ``name`` (package ``linli_<name>``, Tortoise
    app ``name``, table ``<name>_note``), installed through its own dist-info folder."""

    def __init__(self, root, name):
        self.name = name
        self.package = root / f"linli_{name}"

    def edit(self, relative, old, new, *, count=1):
        path = self.package / relative
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == count, f"{old!r} not found {count} time(s) in {relative}"
        path.write_text(text.replace(old, new), encoding="utf-8")

    def append(self, relative, text):
        path = self.package / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(text)


@pytest.fixture
def copy_plugin(tmp_path, monkeypatch):
    root = tmp_path / "plugins"

    def make(name, *, models=True):
        package = root / f"linli_{name}"
        shutil.copytree(
            SAMPLE_PLUGINS / "linli_sample", package, ignore=shutil.ignore_patterns("__pycache__")
        )
        for kind in ("templates", "static"):
            (package / kind / "sample").rename(package / kind / name)
        for path in package.rglob("*"):
            if path.suffix in {".py", ".html"}:
                text = path.read_text(encoding="utf-8")
                path.write_text(text.replace("sample", name), encoding="utf-8")
        copy = Copy(root, name)
        if not models:
            # An explicit hook wins over the convention: this copy has no Tortoise app.
            copy.edit(
                "__init__.py",
                f'return {{"{name}": {{"models": ["linli_{name}.models"], '
                f'"migrations": "linli_{name}.migrations"}}}}',
                "return {}",
            )
        dist_info = root / f"linli_test_{name}-0.1.dist-info"
        dist_info.mkdir()
        (dist_info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: linli-test-{name.replace('_', '-')}\nVersion: 0.1\n"
        )
        (dist_info / "entry_points.txt").write_text(f"[linli.plugins]\n{name} = linli_{name}\n")
        monkeypatch.syspath_prepend(str(root))
        return copy

    return make


@pytest.fixture
def check(tmp_path):
    instance = tmp_path / "instance"
    write_instance(instance)

    def run(name, load="sample,streetbank"):
        result = CliRunner().invoke(
            main,
            ["--instance", str(instance), "plugins", "check", name],
            env={"LINLI_LOAD_PLUGINS": load},
            prog_name="linli",
        )
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        return result.exit_code, result.output.splitlines()

    return run


def _problems(lines, kind):
    return [line for line in lines if line.startswith(f"{kind}: ") and line != f"{kind}: ok"]


def test_streetbank_passes(check):
    code, lines = check("streetbank")
    assert lines == [
        "manifest: ok",
        "hooks: ok",
        "routes: ok",
        "events: ok",
        "templates: ok",
        "migrations: ok",
        "translations: ok",
    ]
    assert code == 0


def test_the_sample_plugin_passes(check):
    code, lines = check("sample")
    assert all(line.endswith(": ok") for line in lines) and len(lines) == len(KINDS), lines
    assert code == 0


def test_a_complete_copy_passes(copy_plugin, check):
    copy_plugin("sample_good")
    code, lines = check("sample_good")
    assert all(line.endswith(": ok") for line in lines) and len(lines) == len(KINDS), lines
    assert code == 0


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        (
            "check_manifest_description",
            '"en": "A plugin for the core\'s tests"',
            '"fr": "x"',
            "description has no text for en",
        ),
        (
            "check_manifest_misnamed",
            'name="check_manifest_misnamed",',
            'name="other_name",',
            "the manifest is named 'other_name' but the entry point 'check_manifest_misnamed'",
        ),
        (
            "check_manifest_missing",
            "manifest = Manifest(",
            "not_the_manifest = Manifest(",
            "module linli_check_manifest_missing has no `manifest = linli.Manifest(...)`",
        ),
        (
            "check_manifest_specifier",
            'version="0.1",',
            'version="0.1", linli_api="one",',
            "ManifestError: linli_api 'one' is not a version specifier",
        ),
    ],
    ids=["description", "misnamed", "missing", "bad-specifier"],
)
def test_manifest_problems(copy_plugin, check, name, old, new, expected):
    copy = copy_plugin(name, models=False)
    copy.edit("__init__.py", old, new)
    code, lines = check(name)
    assert code == 1
    assert any(expected in line for line in _problems(lines, "manifest")), lines


def test_incompatible_plugin_api(copy_plugin, check):
    copy = copy_plugin("check_api", models=False)
    copy.edit("__init__.py", 'version="0.1",', 'version="0.1", linli_api=">=3",')
    code, lines = check("check_api")
    assert code == 1
    assert _problems(lines, "manifest") == [
        f"manifest: needs linli plugin API >=3, this linli offers {PLUGIN_API_VERSION}; "
        "upgrade linli or use a version of the plugin made for it"
    ]


def test_misspelled_hook(copy_plugin, check):
    copy = copy_plugin("check_hooks", models=False)
    copy.edit("__init__.py", "def linli_nav_items(", "def linli_nav_itemz(")
    code, lines = check("check_hooks")
    assert code == 1
    assert _problems(lines, "hooks") == [
        "hooks: linli_nav_itemz is not a linli hook (a typo? see linli.kernel.hookspecs)"
    ]


def test_routes_without_a_permission(copy_plugin, check):
    copy = copy_plugin("check_routes", models=False)
    copy.edit(
        "routes.py",
        'class NotesController(Controller):\n    path = "/"\n',
        'class NotesController(Controller):\n    path = "/"\n\n'
        '    @get("/forgotten", name="check_routes:forgotten")\n'
        "    async def forgotten(self) -> str:\n"
        '        return "no guard"\n',
    )
    copy.append(
        "routes.py",
        '\n\n@get("/open", name="check_routes:open")\nasync def unguarded() -> str:\n'
        '    return "no guard either"\n',
    )
    copy.edit("__init__.py", "import NotesController\n", "import NotesController, unguarded\n")
    copy.edit("__init__.py", "return [NotesController]", "return [NotesController, unguarded]")
    code, lines = check("check_routes")
    assert code == 1
    problems = _problems(lines, "routes")
    assert len(problems) == 2, lines
    assert any("/check_routes/forgotten (forgotten) declares no permission" in p for p in problems)
    assert any("/check_routes/open (unguarded) declares no permission" in p for p in problems)


def test_templates_outside_the_namespace(copy_plugin, check):
    copy = copy_plugin("check_templates", models=False)
    copy.append("templates/base.html", "{# would shadow the theme's base #}")
    copy.append("templates/sample/index.html", "{# another plugin's folder #}")
    code, lines = check("check_templates")
    assert code == 1
    problems = _problems(lines, "templates")
    assert len(problems) == 2, lines
    assert problems[0].startswith("templates: base.html (in ")
    assert problems[1].startswith("templates: sample/index.html (in ")
    assert problems[1].endswith("is outside the check_templates/ namespace")


def test_model_change_without_a_migration(copy_plugin, check):
    copy = copy_plugin("check_models")
    copy.edit(
        "models.py",
        "acknowledged = fields.IntField(default=0)\n",
        "acknowledged = fields.IntField(default=0)\n"
        "    pinned = fields.BooleanField(default=False)\n",
    )
    code, lines = check("check_models")
    assert code == 1
    problems = _problems(lines, "migrations")
    assert len(problems) == 1, lines
    assert problems[0].startswith("migrations: app check_models needs a migration")
    assert "linli makemigrations" in problems[0]
    assert not list(copy.package.joinpath("migrations").glob("0002*")), "nothing is written"


def test_missing_translation(copy_plugin, check):
    copy = copy_plugin("check_i18n", models=False)
    copy.edit("locale/zh_CN/LC_MESSAGES/messages.po", 'msgid "Post"\nmsgstr "发布"\n', "")
    code, lines = check("check_i18n")
    assert code == 1
    assert _problems(lines, "translations") == ["translations: 'Post' has no zh_CN translation"]


def test_an_unknown_plugin(check):
    code, lines = check("nowhere")
    assert code == 1
    assert lines[0].startswith("manifest: no plugin 'nowhere' is installed")


def test_registry_refuses_an_incompatible_plugin(tmp_path, copy_plugin):
    copy = copy_plugin("future", models=False)
    copy.edit("__init__.py", 'version="0.1",', 'version="0.1", linli_api=">=3,<4",')
    settings = settings_for_test(tmp_path, "sqlite://:memory:", ["future", "sample"])
    registry = PluginRegistry.discover(settings)
    assert list(registry.loaded) == ["sample"]
    assert registry.failed["future"].error == (
        f"needs linli plugin API >=3,<4, this linli offers {PLUGIN_API_VERSION}; "
        "upgrade linli or use a version of the plugin made for it"
    )
    assert "future" not in {name for name, _ in registry.call("linli_routes")}


def test_manifest_api_range():
    manifest = Manifest(name="ranged", title={"zh_CN": "范围", "en": "Ranged"}, version="1")
    assert manifest.linli_api == ">=2,<3"
    assert manifest.supports_api(PLUGIN_API_VERSION)
    assert not Manifest(
        name="ranged", title={"zh_CN": "范围", "en": "Ranged"}, version="1", linli_api="~=2.5"
    ).supports_api("2.0")
    with pytest.raises(ManifestError, match="not a version specifier"):
        Manifest(name="ranged", title={"zh_CN": "范", "en": "R"}, version="1", linli_api="1.x")


def test_a_plugin_declaring_another_plugins_event_is_refused_and_the_site_starts(
    tmp_path, copy_plugin, check
):
    copy = copy_plugin("squatter", models=False)
    copy.edit(
        "__init__.py",
        'return {"squatter.note_added": NoteAdded}',
        'return {"squatter.note_added": NoteAdded, "hourlog.hours_logged": NoteAdded}',
    )
    settings = settings_for_test(tmp_path, "sqlite://:memory:", ["squatter", "hourlog"])
    registry = PluginRegistry.discover(settings)
    assert list(registry.loaded) == ["hourlog"]
    assert "'hourlog.hours_logged' belongs to another plugin" in registry.failed["squatter"].error
    code, lines = check("squatter", load="squatter,hourlog")
    assert code == 1
    assert any(line.startswith("events: declares 'hourlog.hours_logged'") for line in lines)


def test_a_plugin_may_not_declare_the_shared_events(tmp_path, copy_plugin):
    copy = copy_plugin("claimer", models=False)
    copy.edit(
        "__init__.py",
        'return {"claimer.note_added": NoteAdded}',
        'return {"claimer.note_added": NoteAdded, "service.verified": NoteAdded}',
    )
    registry = PluginRegistry.discover(
        settings_for_test(tmp_path, "sqlite://:memory:", ["claimer"])
    )
    assert "declared by linli itself" in registry.failed["claimer"].error


def test_a_subscription_the_emitter_does_not_fit_is_reported(copy_plugin, check):
    copy = copy_plugin("listener", models=False)
    copy.edit("__init__.py", "@hookimpl\ndef linli_event_handlers", "def old_handlers")
    copy.append(
        "__init__.py",
        """

class HoursSeen(msgspec.Struct):
    hours_id: str  # the emitter sends an int


async def note_hours(event: Event) -> None:
    pass


@hookimpl
def linli_event_handlers() -> list[EventHandler]:
    return [EventHandler("hourlog.hours_logged", "note_hours", note_hours, payload=HoursSeen)]
""",
    )
    code, lines = check("listener", load="listener,hourlog")
    assert code == 1
    [problem] = [line for line in lines if line.startswith("events: ")]
    assert problem.startswith("events: subscription note_hours its payload HoursSeen does not fit")


def test_foreign_key_without_an_index(copy_plugin, check):
    copy = copy_plugin("check_index")
    copy.edit("models.py", ", db_index=True", "")
    copy.edit("migrations/0001_initial.py", "                        db_index=True,\n", "")
    code, lines = check("check_index")
    assert code == 1
    problems = _problems(lines, "migrations")
    assert len(problems) == 1, lines
    assert problems[0].startswith("migrations: Note.community is a foreign key without an index")
    assert "db_index=True" in problems[0]
