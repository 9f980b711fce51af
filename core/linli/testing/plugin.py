"""pytest fixtures of linli's test kit (registered through the ``pytest11`` entry point).

Choose the plugins a test's app loads, and its community enables, with the marker
``@pytest.mark.linli_plugins("notes", ...)`` (on a test, a class or a module's
``pytestmark``); without it a test runs the core alone.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from litestar import Litestar

from linli.domain import db
from linli.domain.communities import create_community
from linli.domain.enablement import enable
from linli.kernel.events import EventBus
from linli.kernel.models import Community
from linli.kernel.registry import PluginRegistry
from linli.kernel.settings import Settings
from linli.testing import TEST_DATABASE_VARIABLE, TestApps, TestDatabases, settings_for_test
from linli.testing.databases import RUN_VARIABLE, sweep

CLOCK_ZONE = "Asia/Shanghai"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--linli-clock",
        metavar="HH:MM",
        default=None,
        help=(
            f"start every test with the wall clock at HH:MM today in {CLOCK_ZONE} (it keeps "
            "ticking), to prove that no test depends on the hour it runs at; needs "
            "time-machine. Code in other processes (the CLI, the demo server) keeps the "
            "real time."
        ),
    )


def clock_instant(chosen: str, zone: str = CLOCK_ZONE) -> datetime:
    """``HH:MM`` today in ``zone`` (a ``--linli-clock`` value) as an aware datetime."""
    try:
        hour, minute = (int(part) for part in chosen.split(":"))
        at = time(hour, minute)
    except ValueError as exc:
        raise pytest.UsageError(f"--linli-clock {chosen!r}: give a time as HH:MM") from exc
    local = ZoneInfo(zone)
    return datetime.combine(datetime.now(local).date(), at, tzinfo=local)


@pytest.fixture(autouse=True)
def linli_clock(request: pytest.FixtureRequest) -> Iterator[datetime | None]:
    """The instant ``--linli-clock`` moved this test's clock to, or ``None``."""
    chosen = request.config.getoption("linli_clock")
    if not chosen:
        yield None
        return
    import time_machine

    instant = clock_instant(chosen)
    with time_machine.travel(instant, tick=True):
        yield instant


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "linli_plugins(*names): the plugins the test's app loads and its community enables",
    )
    # A page naming an icon linli lacks shows the words alone to a resident; in the
    # plugin's tests it is an error.
    config.addinivalue_line("filterwarnings", "error::linli.kernel.icons.UnknownIconWarning")
    if not _is_worker(config):
        # A new run: its workers inherit the id and name their databases after it.
        os.environ[RUN_VARIABLE] = uuid.uuid4().hex[:8]


def pytest_unconfigure(config: pytest.Config) -> None:
    server_url = os.environ.get(TEST_DATABASE_VARIABLE)
    if server_url and not _is_worker(config):
        asyncio.run(sweep(server_url))


def _is_worker(config: pytest.Config) -> bool:
    """Whether this process is a pytest-xdist worker of a parallel run."""
    return hasattr(config, "workerinput")


TEST_COMMUNITY = ("test", "测试社区", "Test Community")
TEST_BASE_URL = "http://testserver.local"


@pytest.fixture(scope="session")
def linli_databases(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestDatabases]:
    """Migrated databases for the tests: one template per plugin set, made on first
    use; a copy of it for each test (see :mod:`linli.testing.databases`)."""
    worker = _is_worker(request.config)
    run_folder = tmp_path_factory.getbasetemp()
    if worker:
        run_folder = run_folder.parent  # each worker's folder is inside the run's
    databases = TestDatabases(
        run_folder / "linli-templates", os.environ.get(TEST_DATABASE_VARIABLE)
    )
    yield databases
    asyncio.run(databases.close(templates=not worker))


@pytest.fixture(scope="session")
def linli_apps() -> TestApps:
    """Registries and web apps shared by the tests of this process, one per plugin set
    and settings (see :mod:`linli.testing.apps`)."""
    return TestApps()


@pytest.fixture
def linli_plugin_names(request: pytest.FixtureRequest) -> list[str]:
    """The plugins of this test, from the ``linli_plugins`` marker (closest wins)."""
    marker = request.node.get_closest_marker("linli_plugins")
    return list(marker.args) if marker else []


@pytest.fixture
async def linli_database_url(
    linli_databases: TestDatabases, linli_plugin_names: list[str], tmp_path: Path
) -> AsyncIterator[str]:
    """This test's own database, migrated for its plugins and holding no rows."""
    url = await linli_databases.copy(linli_plugin_names, tmp_path)
    yield url
    await linli_databases.release(url)


@pytest.fixture
def linli_settings(
    linli_database_url: str, linli_plugin_names: list[str], tmp_path: Path
) -> Settings:
    return settings_for_test(tmp_path, linli_database_url, linli_plugin_names)


@pytest.fixture
def linli_registry(linli_apps: TestApps, linli_settings: Settings) -> Iterator[PluginRegistry]:
    """The plugin registry of this test's settings, shared with the tests that have the
    same settings; a test that registers a plugin object changes only its own."""
    registry = linli_apps.registry(linli_settings)
    yield registry
    linli_apps.check_in(linli_settings, registry)


@pytest.fixture
async def linli_db(linli_settings: Settings, linli_registry: PluginRegistry) -> AsyncIterator[None]:
    """The database open for models and services, without a web app."""
    await db.open_database(linli_settings, linli_registry)
    try:
        yield
    finally:
        await db.close_database()


@pytest.fixture
async def linli_bus(linli_registry: PluginRegistry, linli_db: None) -> AsyncIterator[EventBus]:
    """The event bus; ``linli.emit`` uses it. Deliver with ``await linli_bus.dispatch_due()``."""
    bus = EventBus(linli_registry)
    bus.activate()
    yield bus
    bus.deactivate()


@pytest.fixture
def linli_app(
    linli_apps: TestApps, linli_settings: Settings, linli_registry: PluginRegistry
) -> Litestar:
    """The web app of this test's plugins, serving this test's database. Built once per
    plugin set and settings, and put back as built before each test."""
    return linli_apps.app(linli_settings, linli_registry)


@pytest.fixture
async def linli_client(linli_app: Litestar, linli_db: None) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of the running app, following redirects and keeping cookies.

    The app runs on the test's own event loop (the database is opened there first), so
    the test's queries and the app's share one connection and one transaction scope."""
    started, stopping = asyncio.Event(), asyncio.Event()

    async def run_lifespan() -> None:
        # Entered and left in one task, as the lifespan's task group requires.
        async with linli_app.lifespan():
            started.set()
            await stopping.wait()

    lifespan = asyncio.create_task(run_lifespan())
    await asyncio.wait(
        [lifespan, asyncio.create_task(started.wait())], return_when="FIRST_COMPLETED"
    )
    if lifespan.done():
        lifespan.result()  # start-up failed: raise its error here
    # httpx types an ASGI app with plain mappings, Litestar its scopes and events with
    # typed dicts: the same protocol, which mypy cannot match structurally.
    transport = httpx.ASGITransport(app=linli_app)  # type: ignore[arg-type]
    try:
        async with httpx.AsyncClient(
            transport=transport, base_url=TEST_BASE_URL, follow_redirects=True
        ) as client:
            yield client
    finally:
        stopping.set()
        await lifespan


@pytest.fixture
async def linli_community(
    linli_db: None, linli_registry: PluginRegistry, linli_plugin_names: list[str]
) -> Community:
    """A community (slug ``test``) with this test's plugins enabled."""
    slug, name, name_en = TEST_COMMUNITY
    community = await create_community(slug, name, linli_registry, name_en=name_en)
    for plugin in linli_plugin_names:
        await enable(community, plugin, linli_registry)
    return community
