"""Migrations applied with shared field filters build the same historical models as
Tortoise builds by itself, in half the time (:mod:`linli.domain.migration_state`)."""

from __future__ import annotations

import re
import types
from typing import Any

import tortoise.models
from tortoise.connection import get_connection
from tortoise.migrations.executor import MigrationExecutor

from linli.domain import db
from linli.domain.migration_state import shared_field_filters
from linli.kernel.registry import PluginRegistry
from linli.testing import settings_for_test

ADDRESS = re.compile(r" at 0x[0-9a-f]+")
FUNCTIONS = (types.FunctionType, types.BuiltinFunctionType)
#: every bundled plugin, so that every historical model of the repository is compared
BUNDLED = [
    "canteen", "care", "codesign", "council", "email", "mediation", "requests", "sms",
    "streetbank", "volunteers",
]  # fmt: skip


def _described(info: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """A filter's description, comparable between two builds of the same model (the
    objects a relation's filters hold differ in address only)."""
    return tuple(
        sorted(
            (key, value.__name__ if isinstance(value, FUNCTIONS) else ADDRESS.sub("", repr(value)))
            for key, value in info.items()
        )
    )


async def _historical_filters(executor: MigrationExecutor) -> dict[str, dict[str, Any]]:
    """Every model of the state that all the migrations build, with its filters."""
    await executor.loader.build_graph()
    state = await executor._project_state(set(executor._full_plan()))
    return {
        f"{app}.{name}": {key: _described(info) for key, info in model._meta.filters.items()}
        for app, models in state.apps.apps.items()
        for name, model in models.items()
    }


async def test_shared_filters_build_the_same_models_and_leave_nothing_behind(tmp_path):
    settings = settings_for_test(tmp_path, f"sqlite://{tmp_path / 'x.sqlite3'}", BUNDLED)
    registry = PluginRegistry.discover(settings)
    await db.open_database(settings, registry)
    try:
        apps = db.tortoise_config(settings, registry)["apps"]
        executor = MigrationExecutor(get_connection("default"), apps)
        alone = await _historical_filters(executor)
        before = tortoise.models.get_filters_for_field
        with shared_field_filters():
            shared = await _historical_filters(MigrationExecutor(get_connection("default"), apps))
        assert tortoise.models.get_filters_for_field is before
    finally:
        await db.close_database()
    assert len(alone) > 100  # the core's and every plugin's models
    differing = [
        (model, key, alone[model].get(key), shared.get(model, {}).get(key))
        for model in alone
        for key in set(alone[model]) | set(shared.get(model, {}))
        if alone[model].get(key) != shared.get(model, {}).get(key)
    ]
    assert not differing, differing[:3]
    assert shared.keys() == alone.keys()
