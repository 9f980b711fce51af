"""The ``linli`` command, run as a real process against a real database."""

import asyncio
import os
import subprocess

import pytest
from click.testing import CliRunner

import linli_sample
from linli.cli import main
from linli.domain.db import NotMigratedError
from linli.kernel.settings import load_settings, write_instance
from linli.testing import cli_command
from linli.web.app import create_app
from tests.conftest import SAMPLE_PLUGINS

pytestmark = pytest.mark.linli_plugins("sample")


def _linli(*args, env_extra=None, instance=None):
    env = {
        **os.environ,
        "PYTHONPATH": str(SAMPLE_PLUGINS),
        "LINLI_LOAD_PLUGINS": "sample,broken",
        **(env_extra or {}),
    }
    command = cli_command()
    if instance is not None:
        command += ["--instance", str(instance)]
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, env=env, timeout=60, check=False
    )


async def linli(*args, **kwargs):
    return await asyncio.to_thread(_linli, *args, **kwargs)


def _commands(group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name)
        if hasattr(command, "commands"):
            yield from _commands(command, (*prefix, name))


@pytest.mark.parametrize("words", [(), *_commands(main)], ids=" ".join)
def test_every_command_explains_itself(words):
    result = CliRunner().invoke(main, [*words, "--help"], prog_name="linli")
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.stdout
    rest = result.stdout.partition("\n\n")[2]
    assert rest.strip(), f"linli {' '.join(words)} --help says nothing"


def test_init_migrate_and_serve_refusal(tmp_path):
    instance = tmp_path / "instance"
    created = _linli("init", instance=instance)
    assert created.returncode == 0
    assert (instance / "linli.toml").exists() and (instance / "secret_key").exists()
    refused = _linli("serve", "--port", "8999", instance=instance)
    assert refused.returncode == 1
    last_line = refused.stderr.strip().splitlines()[-1]
    assert last_line.startswith("Error: the database is not up to date")
    assert last_line.endswith("run `linli migrate`")
    migrated = _linli("migrate", instance=instance)
    assert migrated.returncode == 0, migrated.stderr
    assert "applying core.0001_initial" in migrated.stdout
    assert "applying sample.0001_initial" in migrated.stdout
    assert "plugin broken failed to load" in migrated.stderr
    again = _linli("migrate", instance=instance)
    assert "already up to date" in again.stdout


def test_production_without_secret_is_one_clear_line(tmp_path):
    result = _linli("migrate", instance=tmp_path / "empty")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Error: setting secret_key: missing or shorter than 32 characters; "
        "run `linli init` to generate one or set LINLI_SECRET_KEY"
    ]


def test_serving_needs_postgres_for_several_workers(tmp_path):
    write_instance(tmp_path)
    result = _linli("serve", "--workers", "2", instance=tmp_path)
    assert result.returncode == 1 and "PostgreSQL" in result.stderr


async def test_communities_plugins_and_plugin_commands(linli_db, linli_database_url, tmp_path):
    write_instance(tmp_path)
    env = {"LINLI_DATABASE_URL": linli_database_url}
    added = await linli("community", "add", "jhl", "江汉里社区", instance=tmp_path, env_extra=env)
    assert added.returncode == 0 and "added" in added.stdout
    listed = await linli("plugins", "list", instance=tmp_path, env_extra=env)
    assert "sample\t0.1\tdisabled" in listed.stdout
    assert "broken\t-\tfailed: ImportError" in listed.stdout
    enabled = await linli(
        "plugins", "enable", "sample", "--community", "jhl", instance=tmp_path, env_extra=env
    )
    assert "enabled in jhl: sample" in enabled.stdout
    listed = await linli("plugins", "list", instance=tmp_path, env_extra=env)
    assert "sample\t0.1\tenabled in jhl" in listed.stdout
    count = await linli("sample-count", "jhl", instance=tmp_path, env_extra=env)
    assert count.stdout.strip() == "0 notes", count.stderr
    refused = await linli(
        "plugins", "enable", "broken", "--community", "jhl", instance=tmp_path, env_extra=env
    )
    assert refused.returncode == 1 and "failed to load" in refused.stderr
    unknown = await linli(
        "plugins", "disable", "sample", "--community", "nowhere", instance=tmp_path, env_extra=env
    )
    assert unknown.returncode == 1 and "does not exist" in unknown.stderr


async def test_a_communitys_phone_numbers_are_set_and_checked(
    linli_db, linli_database_url, tmp_path
):
    write_instance(tmp_path)
    env = {"LINLI_DATABASE_URL": linli_database_url}
    refused = await linli(
        "community", "add", "jhl", "江汉里社区", "--service-phone", "8561 2345",
        instance=tmp_path, env_extra=env,
    )  # fmt: skip
    assert refused.returncode == 2
    assert "--service-phone" in refused.stderr and "区号" in refused.stderr  # zh_CN by default
    added = await linli(
        "community", "add", "jhl", "江汉里社区", "--service-phone", "(027) 8561 2345",
        instance=tmp_path, env_extra=env,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    changed = await linli(
        "community", "phones", "jhl", "--duty-phone", "12345", instance=tmp_path, env_extra=env
    )
    assert changed.stdout.splitlines() == ["service phone\t027-85612345", "duty phone\t12345"]
    listed = await linli("community", "list", instance=tmp_path, env_extra=env)
    assert "jhl\t江汉里社区\t\t027-85612345\t12345" in listed.stdout
    bad = await linli(
        "community", "phones", "jhl", "--duty-phone", "abc", instance=tmp_path, env_extra=env
    )
    assert bad.returncode == 2 and "--duty-phone" in bad.stderr
    shown = await linli("community", "phones", "jhl", instance=tmp_path, env_extra=env)
    assert "duty phone\t12345" in shown.stdout  # the refused number changed nothing


async def test_events_failed_and_retry(linli_bus, linli_community, linli_database_url, tmp_path):
    from tests.core.test_events import _note_with_event

    write_instance(tmp_path)
    env = {"LINLI_DATABASE_URL": linli_database_url}
    linli_sample.FAILURES_TO_INJECT["count"] = 1
    try:
        await _note_with_event(linli_community)
        await linli_bus.dispatch_due()
    finally:
        linli_sample.FAILURES_TO_INJECT["count"] = 0
    failed = await linli("events", "failed", instance=tmp_path, env_extra=env)
    assert "sample.note_added\tpending\tattempts=1" in failed.stdout
    retried = await linli("events", "retry", instance=tmp_path, env_extra=env)
    assert "1 event(s) delivered" in retried.stdout, retried.stderr
    assert (
        "no failed events"
        in (await linli("events", "failed", instance=tmp_path, env_extra=env)).stdout
    )
    bad = await linli("events", "retry", "not-a-uuid", instance=tmp_path, env_extra=env)
    assert bad.returncode == 2


async def test_app_refuses_an_unmigrated_database(tmp_path):
    write_instance(tmp_path)
    settings = load_settings(tmp_path, env={}, load_plugins=["sample"])
    app = create_app(settings)
    with pytest.raises(BaseExceptionGroup) as caught:
        async with app.lifespan():
            pass
    assert caught.group_contains(NotMigratedError, match="run `linli migrate`")


@pytest.mark.linli_plugins()
async def test_app_refuses_a_half_migrated_database(linli_database_url, tmp_path):
    write_instance(tmp_path)
    settings = load_settings(
        tmp_path, env={}, load_plugins=["sample"], database_url=linli_database_url
    )
    with pytest.raises(BaseExceptionGroup) as caught:
        async with create_app(settings).lifespan():
            pass
    assert caught.group_contains(NotMigratedError, match=r"sample\.0001_initial")


async def test_createadmin_and_reset_password(linli_community, linli_database_url, tmp_path):
    from linli.domain.communities import community_root
    from linli.domain.identity.models import Account
    from linli.domain.permissions.services import load_actor

    write_instance(tmp_path)
    env = {"LINLI_DATABASE_URL": linli_database_url}
    made = await linli(
        "createadmin", "boss", "--community", "test", "--password", "strong-password-1",
        instance=tmp_path, env_extra=env,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    actor = await load_actor(await Account.get(username="boss"))
    assert actor.can("admin.plugins.manage", await community_root(linli_community))
    short = await linli("createadmin", "weak", "--community", "test", "--password", "short",
                        instance=tmp_path, env_extra=env)  # fmt: skip
    assert short.returncode == 1 and "8 characters" in short.stderr
    reset = await linli("accounts", "reset-password", "boss", instance=tmp_path, env_extra=env)
    assert "temporary password for boss" in reset.stdout
    assert (await Account.get(username="boss")).must_change_password


@pytest.mark.linli_plugins("sample")
async def test_every_model_has_its_migration(linli_settings, linli_registry, linli_db):
    from linli.domain.db import model_changes

    assert [
        writer.app_label for writer in await model_changes(linli_settings, linli_registry)
    ] == []


def test_makemigrations_check_passes_on_this_tree(tmp_path):
    write_instance(tmp_path)
    result = _linli("makemigrations", "--check", instance=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "every model matches its migrations" in result.stdout


async def test_levels_of_the_trees_are_renamed_and_added_without_code(
    linli_community, linli_database_url, tmp_path
):
    from linli.domain.hierarchy.models import NodeKind

    write_instance(tmp_path)
    env = {"LINLI_DATABASE_URL": linli_database_url}
    renamed = await linli(
        "kinds", "rename", "entrance", "门洞", "--name-en", "Doorway",
        instance=tmp_path, env_extra=env,
    )  # fmt: skip
    assert renamed.returncode == 0, renamed.stderr
    kind = await NodeKind.get(key="entrance")
    assert (kind.name, kind.name_en) == ("门洞", "Doorway")
    added = await linli("kinds", "add", "place", "floor", "楼层", instance=tmp_path, env_extra=env)
    assert added.returncode == 0 and await NodeKind.exists(key="floor", tree="place")
    listed = await linli("kinds", "list", instance=tmp_path, env_extra=env)
    assert "place\tentrance\t门洞\tDoorway" in listed.stdout
    missing = await linli("kinds", "rename", "nothing", "无", instance=tmp_path, env_extra=env)
    assert missing.returncode == 1 and "no level is called nothing" in missing.stderr
