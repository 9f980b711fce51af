"""Settings: defaults, the instance file, LINLI_* variables and one-line errors."""

import stat

import pytest

from linli.kernel.settings import SettingsError, load_settings, write_instance


def test_defaults_for_a_fresh_instance(tmp_path):
    write_instance(tmp_path)
    settings = load_settings(tmp_path, env={})
    assert settings.database_url == f"sqlite://{tmp_path / 'linli.sqlite3'}"
    assert settings.time_zone == "Asia/Shanghai"
    assert settings.default_language == "zh_CN"
    assert settings.theme == "default"
    assert settings.mode == "production"
    assert settings.load_plugins is None
    assert len(settings.secret_key) >= 32


def test_secret_is_private_and_kept_on_second_init(tmp_path):
    _, secret = write_instance(tmp_path)
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    first = secret.read_text()
    write_instance(tmp_path)
    assert secret.read_text() == first


def test_environment_overrides_the_file(tmp_path):
    write_instance(tmp_path)
    (tmp_path / "linli.toml").write_text('time_zone = "Asia/Shanghai"\ntheme = "default"\n')
    settings = load_settings(
        tmp_path,
        env={
            "LINLI_TIME_ZONE": "Europe/Berlin",
            "LINLI_DEFAULT_LANGUAGE": "en",
            "LINLI_LOAD_PLUGINS": "streetbank, canteen",
            "LINLI_BLOCK_PLUGINS": "mediation",
        },
    )
    assert settings.time_zone == "Europe/Berlin"
    assert settings.default_language == "en"
    assert settings.load_plugins == ["streetbank", "canteen"]
    assert settings.block_plugins == ["mediation"]


def test_empty_allow_list_means_core_alone(tmp_path):
    write_instance(tmp_path)
    assert load_settings(tmp_path, env={"LINLI_LOAD_PLUGINS": ""}).load_plugins == []


def test_production_refuses_to_start_without_a_secret(tmp_path):
    with pytest.raises(SettingsError) as error:
        load_settings(tmp_path, env={})
    message = str(error.value)
    assert "secret_key" in message and "linli init" in message
    assert "\n" not in message


def test_demo_and_test_modes_run_without_a_stored_secret(tmp_path):
    settings = load_settings(tmp_path, env={"LINLI_MODE": "demo"})
    assert len(settings.secret_key) >= 32
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("LINLI_TIME_ZONE", "Mars/Olympus", "time_zone"),
        ("LINLI_DEFAULT_LANGUAGE", "fr", "default_language"),
        ("LINLI_DATABASE_URL", "mysql://x@y/z", "database_url"),
        ("LINLI_MODE", "staging", "mode"),
        ("LINLI_EVENT_POLL_SECONDS", "often", "event_poll_seconds"),
    ],
)
def test_a_bad_setting_is_one_line_naming_it(tmp_path, variable, value, named):
    write_instance(tmp_path)
    with pytest.raises(SettingsError) as error:
        load_settings(tmp_path, env={variable: value})
    message = str(error.value)
    assert named in message
    assert "\n" not in message


def test_unknown_key_in_the_file_is_named(tmp_path):
    write_instance(tmp_path)
    (tmp_path / "linli.toml").write_text('time_zoen = "Asia/Shanghai"\n')
    with pytest.raises(SettingsError, match="time_zoen"):
        load_settings(tmp_path, env={})


def test_broken_toml_names_the_file(tmp_path):
    write_instance(tmp_path)
    (tmp_path / "linli.toml").write_text("time_zone = \n")
    with pytest.raises(SettingsError, match=r"linli\.toml"):
        load_settings(tmp_path, env={})
