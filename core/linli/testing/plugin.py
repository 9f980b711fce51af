"""pytest fixtures of linli's test kit (registered through the ``pytest11`` entry point).

Choose the plugins a test's app loads, and its community enables, with the marker
``@pytest.mark.linli_plugins("notes", ...)`` (on a test, a class or a module's
``pytestmark``); without it a test runs the core alone.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from litestar import Litestar

from linli import db
from linli.communities import create_community
from linli.enablement import enable
from linli.events import EventBus
from linli.models import Community
from linli.registry import PluginRegistry
from linli.settings import Settings
from linli.testing import TEST_DATABASE_VARIABLE, TemplateDatabases, settings_for_test


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "linli_plugins(*names): the plugins the test's app loads and its community enables",
    )


TEST_COMMUNITY = ("test", "测试社区", "Test Community")
TEST_BASE_URL = "http://testserver.local"


@pytest.fixture(scope="session")
def linli_templates(tmp_path_factory: pytest.TempPathFactory) -> TemplateDatabases:
    """Migrated template databases, one per plugin set, shared by the session."""
    templates = TemplateDatabases(
        tmp_path_factory.mktemp("linli-templates"), os.environ.get(TEST_DATABASE_VARIABLE)
    )
    yield templates
    asyncio.run(templates.drop_templates())


@pytest.fixture
def linli_plugin_names(request: pytest.FixtureRequest) -> list[str]:
    """The plugins of this test, from the ``linli_plugins`` marker (closest wins)."""
    marker = request.node.get_closest_marker("linli_plugins")
    return list(marker.args) if marker else []


@pytest.fixture
async def linli_database_url(
    linli_templates: TemplateDatabases, linli_plugin_names: list[str], tmp_path: Path
) -> AsyncIterator[str]:
    """A new database, migrated for this test's plugins, dropped afterwards."""
    url = await linli_templates.copy(linli_plugin_names, tmp_path)
    yield url
    await linli_templates.drop(url)


@pytest.fixture
def linli_settings(
    linli_database_url: str, linli_plugin_names: list[str], tmp_path: Path
) -> Settings:
    return settings_for_test(tmp_path, linli_database_url, linli_plugin_names)


@pytest.fixture
def linli_registry(linli_settings: Settings) -> PluginRegistry:
    return PluginRegistry.discover(linli_settings)


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
def linli_app(linli_settings: Settings, linli_registry: PluginRegistry) -> Litestar:
    from linli.web.app import create_app

    return create_app(linli_settings, registry=linli_registry)


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
    transport = httpx.ASGITransport(app=linli_app)
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
