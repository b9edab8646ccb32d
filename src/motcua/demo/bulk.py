"""Writing hundreds of thousands of rows quickly: one prepared INSERT run over large batches."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models

BATCH = 10_000
# Fields whose Python values the database drivers take as they are.
PLAIN = (models.CharField, models.TextField, models.IntegerField, models.BooleanField)


def insert(model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple]) -> None:
    """Insert `rows`, tuples of Python values for `fields`; other columns take their default.

    Values are prepared for the database as the fields would (dates, time zones, JSON), but no
    model instance is made and no signal is sent. PostgreSQL takes them with COPY, then
    analyses the table, so that queries right after the load (in the same transaction) are
    planned for its new size; other databases take one INSERT run over large batches.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    named = [model._meta.get_field(name) for name in fields]
    others = [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name not in fields and f.attname not in fields
    ]
    defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in others)
    prepared = [(i, p) for i, f in enumerate(named) if (p := _preparer(f, connection))]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in [*named, *others])
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(_ready(row, prepared, defaults))
            cursor.execute(f"ANALYZE {table}")
            return
        marks = ", ".join(["%s"] * (len(named) + len(others)))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            cursor.executemany(sql, [_ready(row, prepared, defaults) for row in batch])


def _ready(row: tuple, prepared: list[tuple[int, Callable]], defaults: tuple) -> list:
    values = [*row, *defaults]
    for i, prepare in prepared:
        values[i] = prepare(values[i])
    return values


def _preparer(field: models.Field, connection) -> Callable[[Any], Any] | None:
    """How a value of `field` is made ready for the database; None when it is ready."""
    if isinstance(field, models.ForeignKey):
        return _preparer(field.target_field, connection)
    if isinstance(field, PLAIN):
        return None
    if isinstance(field, models.DateTimeField):  # many rows share a time: adapt each once
        return cache(connection.ops.adapt_datetimefield_value)
    if isinstance(field, models.DateField):
        return cache(connection.ops.adapt_datefield_value)
    return _by_repr(lambda value: field.get_db_prep_save(value, connection))


def _by_repr(prepare: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`prepare`, done once per distinct value (JSON of a few shapes, for instance)."""
    done: dict[str, Any] = {}

    def cached(value: Any) -> Any:
        key = repr(value)
        if key not in done:
            done[key] = prepare(value)
        return done[key]

    return cached
