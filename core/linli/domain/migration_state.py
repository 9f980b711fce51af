"""Applying migrations in a fraction of the time Tortoise takes by itself.

Tortoise rebuilds every historical model class of the migration state for each
operation it applies (a copy of the state before the operation, then the state after),
so applying all of linli's migrations builds about 12,000 model classes. Each build
works out every field's query filters (``name``, ``name__in``, ``name__gte`` … about 25
dictionaries a field) from nothing, and that alone is half of the time: ``linli demo``
spent 25 of its 45 seconds there on a busy machine, and every test database template,
``linli migrate`` and ``makemigrations`` paid it too. (Upstream knows the cost grows
with operations × models: tortoise/tortoise-orm pull request 2274.)

:func:`shared_field_filters` lets the model classes built while it is active share the
filters of a plain field with every earlier field of the same name and column: the same
content Tortoise would build, made once. Nothing in Tortoise changes a field's filters
after the class is built (``_generate_filters`` copies one before giving it another
operator), so sharing is safe. Relation, JSON and array fields, whose filters name the
field object itself, are built as before. Outside the block (the application's own
models) nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import tortoise.filters
import tortoise.models
from tortoise.fields.base import Field
from tortoise.filters import FilterInfoDict

Filters = dict[str, FilterInfoDict]

_BUILD = tortoise.filters.get_filters_for_field
#: Fields whose filters depend on the field object, not only on its names.
_OWN_FILTERS: tuple[type, ...] = (
    tortoise.filters.ManyToManyFieldInstance,
    tortoise.filters.BackwardFKRelation,
    tortoise.filters.JSONField,
    tortoise.filters.ArrayField,
)


def _shared(
    cache: dict[tuple[str, str, str], Filters],
) -> Callable[[str, Field | None, str], Filters]:
    def get_filters_for_field(field_name: str, field: Field | None, source_field: str) -> Filters:
        if field is None or isinstance(field, _OWN_FILTERS):
            return _BUILD(field_name, field, source_field)
        # the only thing besides the names that the plain filters read
        actual = field.model_field_name if field_name == "pk" else field_name
        key = (field_name, source_field, actual)
        filters = cache.get(key)
        if filters is None:
            filters = cache[key] = _BUILD(field_name, field, source_field)
        return dict(filters)

    return get_filters_for_field


@contextmanager
def shared_field_filters() -> Iterator[None]:
    """While active, model classes share the filters of their plain fields (see the
    module's docstring). Use around applying or planning migrations."""
    previous = tortoise.models.get_filters_for_field
    tortoise.models.get_filters_for_field = _shared({})  # type: ignore[assignment]
    try:
        yield
    finally:
        tortoise.models.get_filters_for_field = previous
