"""Settings: one typed object, read from ``linli.toml`` in the instance folder and
overridden by ``LINLI_*`` environment variables.

A wrong setting stops start-up with a :class:`SettingsError` whose message is one line
naming the setting and the fix, because the person reading it is an operator at a
console, not a Python programmer.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

CONFIG_FILE = "linli.toml"
SECRET_FILE = "secret_key"
LANGUAGES = ("zh_CN", "en")
MODES = ("production", "demo", "test")
MIN_SECRET_LENGTH = 32

Mode = Literal["production", "demo", "test"]


class SettingsError(Exception):
    """A setting is missing or wrong; the message says which and how to fix it."""


class Settings(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Everything an instance of linli is configured with."""

    instance_dir: Path
    database_url: str = ""
    secret_key: str = ""
    time_zone: str = "Asia/Shanghai"
    default_language: str = "zh_CN"
    theme: str = "default"
    #: Redis for sessions and login throttles (``redis://127.0.0.1:6379/0``); empty
    #: keeps them in the database. Either way every worker shares them.
    redis_url: str = ""
    mode: Mode = "production"
    #: Visitors reach the site over HTTPS (TLS at a proxy in front): cookies are sent
    #: ``Secure`` and every response carries ``Strict-Transport-Security``. Requests
    #: whose scheme is https (TLS, or a trusted proxy's ``X-Forwarded-Proto``) get both
    #: even without it.
    https: bool = False
    #: Addresses of the reverse proxies in front of linli (``["127.0.0.1"]`` for an nginx
    #: on the same host). Only requests from them may say, in ``X-Forwarded-For`` and
    #: ``X-Forwarded-Proto``, who the visitor is and how they came; empty trusts nobody,
    #: so a visitor cannot pick the address the login throttle counts.
    trusted_proxies: list[str] = msgspec.field(default_factory=list)
    #: ``None`` loads every installed plugin; an empty list boots the core alone.
    load_plugins: list[str] | None = None
    block_plugins: list[str] = msgspec.field(default_factory=list)
    #: Per-plugin settings, validated against each plugin's manifest schema.
    plugins: dict[str, dict[str, Any]] = msgspec.field(default_factory=dict)
    #: Seconds between sweeps of the event outbox for due retries.
    event_poll_seconds: float = 5.0
    #: Deliver events from a background task of the web process. The test kit turns it
    #: off so that tests deliver explicitly and deterministically.
    dispatch_in_background: bool = True
    #: Run scheduled jobs and send notifications inside the web process (the embedded
    #: default). Set it false when ``linli worker`` runs them apart from the web workers.
    jobs_in_web: bool = True
    #: Seconds between sweeps for due jobs and messages.
    job_poll_seconds: float = 15.0
    #: Megabytes of rendered pages each web worker keeps (:mod:`linli.web.page_cache`);
    #: 0 renders every page afresh.
    page_cache_mb: int = 64

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def auto_migrate(self) -> bool:
        """Demo and test instances migrate by themselves; production never does."""
        return self.mode != "production"


_ENV_FIELDS: dict[str, str] = {
    "LINLI_DATABASE_URL": "database_url",
    "LINLI_SECRET_KEY": "secret_key",
    "LINLI_TIME_ZONE": "time_zone",
    "LINLI_DEFAULT_LANGUAGE": "default_language",
    "LINLI_THEME": "theme",
    "LINLI_REDIS_URL": "redis_url",
    "LINLI_MODE": "mode",
    "LINLI_HTTPS": "https",
    "LINLI_TRUSTED_PROXIES": "trusted_proxies",
    "LINLI_LOAD_PLUGINS": "load_plugins",
    "LINLI_BLOCK_PLUGINS": "block_plugins",
    "LINLI_EVENT_POLL_SECONDS": "event_poll_seconds",
    "LINLI_JOBS_IN_WEB": "jobs_in_web",
    "LINLI_JOB_POLL_SECONDS": "job_poll_seconds",
    "LINLI_PAGE_CACHE_MB": "page_cache_mb",
}
_LIST_FIELDS = {"load_plugins", "block_plugins", "trusted_proxies"}


def _split_names(value: str) -> list[str]:
    return [name.strip() for name in value.split(",") if name.strip()]


def default_instance_dir(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    return Path(env.get("LINLI_INSTANCE", "instance")).resolve()


def load_settings(
    instance_dir: Path | str | None = None,
    *,
    env: Mapping[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Read ``linli.toml`` from the instance folder, apply ``LINLI_*`` variables, then
    ``overrides`` (used by the CLI and the test kit), and validate the result."""
    env = os.environ if env is None else env
    folder = Path(instance_dir).resolve() if instance_dir else default_instance_dir(env)
    raw: dict[str, Any] = {}
    config_path = folder / CONFIG_FILE
    if config_path.exists():
        try:
            raw.update(tomllib.loads(config_path.read_text(encoding="utf-8")))
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"{config_path}: not valid TOML ({exc}); fix the file") from exc
    for variable, field in _ENV_FIELDS.items():
        if variable in env:
            value = env[variable]
            raw[field] = _split_names(value) if field in _LIST_FIELDS else value
    raw.update(overrides)
    raw["instance_dir"] = str(folder)
    if not raw.get("secret_key"):
        secret_path = folder / SECRET_FILE
        if secret_path.exists():
            raw["secret_key"] = secret_path.read_text(encoding="utf-8").strip()
    try:
        settings = msgspec.convert(raw, Settings, strict=False, dec_hook=_decode_path)
    except msgspec.ValidationError as exc:
        raise SettingsError(_explain(exc)) from exc
    return _validated(settings)


def _decode_path(kind: type, value: Any) -> Any:
    if kind is Path and isinstance(value, str):
        return Path(value)
    raise NotImplementedError(kind)


def _explain(exc: msgspec.ValidationError) -> str:
    message = str(exc)
    problem, _, where = message.partition(" - at ")
    field = where.strip("`").removeprefix("$.").split(".")[0] or "?"
    if problem.startswith("Object contains unknown field"):
        name = problem.rsplit(" ", 1)[-1].strip("`")
        return f"linli.toml: unknown setting {name}; remove it or check its spelling"
    return (
        f"setting {field}: {problem[0].lower()}{problem[1:]}; fix it in linli.toml "
        f"or LINLI_{field.upper()} (see docs/configuration.md)"
    )


def _validated(settings: Settings) -> Settings:
    if not settings.database_url:
        settings.database_url = f"sqlite://{settings.instance_dir / 'linli.sqlite3'}"
    if not settings.database_url.startswith(("sqlite://", "postgres://", "asyncpg://")):
        raise SettingsError(
            f"setting database_url: {settings.database_url!r} is not supported; "
            "use sqlite:///path/to/file.sqlite3 or postgres://user@host:5432/name"
        )
    try:
        ZoneInfo(settings.time_zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SettingsError(
            f"setting time_zone: {settings.time_zone!r} is not a known time zone; "
            "use an IANA name such as Asia/Shanghai"
        ) from exc
    if settings.default_language not in LANGUAGES:
        raise SettingsError(
            f"setting default_language: {settings.default_language!r} is not offered; "
            f"use one of {', '.join(LANGUAGES)}"
        )
    if settings.mode == "production" and len(settings.secret_key) < MIN_SECRET_LENGTH:
        raise SettingsError(
            "setting secret_key: missing or shorter than "
            f"{MIN_SECRET_LENGTH} characters; run `linli init` to generate one "
            "or set LINLI_SECRET_KEY"
        )
    if settings.event_poll_seconds <= 0:
        raise SettingsError(
            f"setting event_poll_seconds: {settings.event_poll_seconds} must be above 0; "
            "use a number of seconds such as 5"
        )
    if settings.page_cache_mb < 0:
        raise SettingsError(
            f"setting page_cache_mb: {settings.page_cache_mb} must be 0 or more; "
            "use 0 to keep no pages"
        )
    if not settings.secret_key:
        # Demo and test instances get a throwaway key for this process only.
        settings.secret_key = secrets.token_urlsafe(32)
    return settings


def write_instance(folder: Path, *, database_url: str = "") -> tuple[Path, Path]:
    """Create an instance folder with ``linli.toml`` and a fresh secret (mode 0600).

    An existing config or secret is kept, so running it twice is harmless."""
    folder.mkdir(parents=True, exist_ok=True)
    config_path = folder / CONFIG_FILE
    if not config_path.exists():
        lines = [
            "# linli instance settings; most keys can be overridden by LINLI_<KEY>.",
            "# See docs/configuration.md.",
            f'database_url = "{database_url}"'
            if database_url
            else '# database_url = "postgres://linli@127.0.0.1:5432/linli"',
            'time_zone = "Asia/Shanghai"',
            'default_language = "zh_CN"',
            'theme = "default"',
        ]
        config_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    secret_path = folder / SECRET_FILE
    if not secret_path.exists():
        descriptor = os.open(secret_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(48) + "\n")
    return config_path, secret_path


DEFAULT_ZONE = ZoneInfo("Asia/Shanghai")
#: The time zone of the site this process serves, set when it opens its database.
_serving_zone: ZoneInfo | None = None


def serve_zone(zone: ZoneInfo) -> None:
    """Record the zone of the site this process serves (``db.open_database`` does)."""
    global _serving_zone
    _serving_zone = zone


def current_zone() -> ZoneInfo:
    """The zone of the site this process serves, for code that has no request at hand
    (dashboard widgets, hooks, event handlers): "today" there is the community's day.
    Pages use ``site.settings.zone``; both are the same setting."""
    return _serving_zone or DEFAULT_ZONE
