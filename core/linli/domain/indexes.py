"""Every foreign key has an index: linli's convention, and the migration operation that
adds many indexes at once.

Neither PostgreSQL nor SQLite indexes a foreign key by itself, and Tortoise adds none. A
page that follows a relation from its other end (an entry's postings, a person's
memberships, a node's children) then reads the whole table: harmless on the demo, a
second per page once a community has years of data. So every foreign key column is the
first column of some index — its own (``indexes = (("entry_id",),)`` in the model's
``Meta``), a composite one, a unique constraint, or the field's own ``unique``. The core's
and the bundled plugins' models are held to it by a test; ``linli plugins check`` holds a
plugin to it.

:class:`AddIndexes` is what a migration adding many indexes uses instead of one
``AddIndex`` each: Tortoise copies and reloads the project's whole model state for every
operation, so two hundred ``AddIndex`` took a minute and a half even on an empty
database; one ``AddIndexes`` per app takes a second.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from tortoise import Model
from tortoise.indexes import Index
from tortoise.migrations import operations as ops
from tortoise.migrations.operations import TortoiseOperation
from tortoise.migrations.schema_editor.base import BaseSchemaEditor
from tortoise.migrations.schema_generator.state import State


def _column(model: type[Model], name: str) -> str:
    field = model._meta.fields_map.get(name)
    return (getattr(field, "source_field", None) or name) if field is not None else name


def _first_columns(model: type[Model]) -> set[str]:
    """The columns that lead some index of ``model``'s table."""
    meta = model._meta
    leading = {
        field.source_field or name
        for name, field in meta.fields_map.items()
        if field.pk or field.unique or field.index
    }
    for together in meta.unique_together or ():
        leading.add(_column(model, together[0]))
    for index in meta.indexes or ():
        columns = index.fields if isinstance(index, Index) else index
        if columns:
            leading.add(_column(model, columns[0]))
    return leading


def unindexed_foreign_keys(models: Iterable[type[Model]]) -> list[str]:
    """``"Model.field"`` for every foreign key of ``models`` (initialised by Tortoise)
    whose column leads no index: each would make a page read a whole table."""
    missing = []
    for model in models:
        leading = _first_columns(model)
        for name in sorted(model._meta.fk_fields):
            if model._meta.fields_map[name].source_field not in leading:
                missing.append(f"{model.__name__}.{name}")
    return missing


class AddIndexes(TortoiseOperation):
    """Add indexes to several models of one app in one operation: ``{"Posting":
    [["entry_id"]], "Entry": [["actor_id"], ["community_id"]]}`` (columns, as in the
    models' ``Meta.indexes``). Undone, the indexes are dropped."""

    def __init__(self, indexes: Mapping[str, Sequence[Sequence[str]]]) -> None:
        self.indexes = {
            model: [Index(fields=list(fields)) for fields in columns]
            for model, columns in indexes.items()
        }

    def describe(self) -> str:
        count = sum(len(indexes) for indexes in self.indexes.values())
        return f"Add {count} indexes to {', '.join(self.indexes)}"

    def state_forward(self, app_label: str, state: State) -> None:
        for model_name, added in self.indexes.items():
            options = self.get_model_state(state, app_label, model_name).options
            options["indexes"] = (*(options.get("indexes") or ()), *added)
        state.reload_models((app_label, model_name) for model_name in self.indexes)

    def _each(self, app_label: str, state: State) -> Iterator[tuple[type[Model], Index]]:
        """Every index with the model it belongs to, as ``state`` knows the model."""
        for model_name, added in self.indexes.items():
            model = state.apps.get_model(f"{app_label}.{model_name}")
            for index in added:
                yield model, index

    async def database_forward(
        self,
        app_label: str,
        old_state: State,
        new_state: State,
        state_editor: BaseSchemaEditor | None = None,
    ) -> None:
        if state_editor is None:
            return
        for model, index in self._each(app_label, new_state):
            await state_editor.add_index(model, index)

    async def database_backward(
        self,
        app_label: str,
        old_state: State,
        new_state: State,
        state_editor: BaseSchemaEditor | None = None,
    ) -> None:
        if state_editor is None:
            return
        for model, index in self._each(app_label, old_state):
            await state_editor.remove_index(model, index)


def sqlite_repair(table: str, column: str, *, unique: bool = False) -> ops.RunPython:
    """A migration operation that makes, on SQLite only, the index (or ``unique``
    constraint) of ``column`` an earlier migration asked for and did not get: to alter
    a column, Tortoise rebuilds a SQLite table, and the rebuilt table lacks the altered
    column's index. PostgreSQL has it from that migration. Undone, the index stays: the
    earlier migration still wants it."""
    kind = "UNIQUE INDEX" if unique else "INDEX"
    name = f"{'uid' if unique else 'idx'}_{table}_{column}"

    async def forward(apps: Any, schema_editor: Any) -> None:
        client = schema_editor.client
        if client.capabilities.dialect == "sqlite":
            await client.execute_script(
                f'CREATE {kind} IF NOT EXISTS "{name}" ON "{table}" ("{column}")'
            )

    async def backward(apps: Any, schema_editor: Any) -> None:
        return None

    return ops.RunPython(forward, backward)
