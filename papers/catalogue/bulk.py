"""Bulk writes for the tens of thousands of rows an import writes: values cut to their columns,
multi-row INSERTs of plain values, IN look-ups, and commits that do not wait for the disk.

The ORM's bulk_create spent most of an import's time building and preparing model instances,
more than the database took. The same SQL runs on both databases (SQLite ≥ 3.35 returns rows,
in the order given, as PostgreSQL does).
"""

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache
from itertools import islice

from django.db import connection

# Parameters per statement where the backend sets no limit (PostgreSQL allows 65,535): enough
# for a whole batch of papers in one statement. Each statement is a round trip to the server,
# and on a busy machine every round trip waits for the scheduler; SQLite's are function calls.
MAX_PARAMETERS = 10_000


@cache
def column_lengths(model) -> dict[str, int]:
    """The max_length of each of the model's text columns, by field name."""
    return {f.name: f.max_length for f in model._meta.concrete_fields if f.max_length}


def fitted(model, values: dict) -> dict:
    """`values` with each text cut to its column's length: PubMed's text may run past a column,
    and the parser keeps it whole."""
    lengths = column_lengths(model)
    return {
        name: value[: lengths[name]] if name in lengths and isinstance(value, str) else value
        for name, value in values.items()
    }


def cut(model, name: str, text: str) -> str:
    """`text` cut to the length of the model's column `name`."""
    return text[: column_lengths(model)[name]]


def chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def select_in(model, columns: Sequence[str], key: str, values: Sequence) -> list[tuple]:
    """The `columns` of the rows whose `key` column holds one of `values`. Plain SQL: the ORM's
    IN look-up prepares each value through the field, a tenth of a millisecond per paper for
    the thousand author names of a batch."""
    quote = connection.ops.quote_name
    head = f"SELECT {', '.join(map(quote, columns))} FROM {quote(model._meta.db_table)} WHERE {quote(key)} IN "
    found = []
    with connection.cursor() as cursor:
        for chunk in chunks(values, connection.features.max_query_params or MAX_PARAMETERS):
            cursor.execute(head + "(" + ", ".join(["%s"] * len(chunk)) + ")", chunk)
            found.extend(cursor.fetchall())
    return found


def row_adapter(fields: Sequence) -> Callable[[Iterable], tuple]:
    """A function turning values of these model fields, in order, into a row for insert_rows:
    JSON as text, dates and times as the database takes them, the rest as given. What the
    ORM's field-by-field preparation does for these types, decided once instead of per value."""
    ops = connection.ops
    by_type = {
        "JSONField": json.dumps,
        "DateField": ops.adapt_datefield_value,
        "DateTimeField": ops.adapt_datetimefield_value,
    }
    converters = [by_type.get(field.get_internal_type()) for field in fields]

    def adapt(values: Iterable) -> tuple:
        return tuple(
            value if convert is None or value is None else convert(value)
            for convert, value in zip(converters, values, strict=True)
        )

    return adapt


def insert_rows(
    model, columns: Sequence[str], rows: list[tuple], *, ignore_conflicts: bool = False, returning: Sequence[str] = ()
) -> list[tuple]:
    """Insert rows of values already adapted for the database; returns the `returning` columns
    of the rows inserted (rows skipped by ignore_conflicts return nothing)."""
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) VALUES "
    tail = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    if returning:
        tail += " RETURNING " + ", ".join(map(quote, returning))
    row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
    per_statement = max(1, (connection.features.max_query_params or MAX_PARAMETERS) // len(columns))
    inserted = []
    with connection.cursor() as cursor:
        for chunk in chunks(rows, per_statement):
            cursor.execute(head + ", ".join([row_sql] * len(chunk)) + tail, [v for row in chunk for v in row])
            if returning:
                inserted.extend(cursor.fetchall())
    return inserted


def asynchronous_commit() -> None:
    """Inside a transaction: let its COMMIT return before the write-ahead log reaches the disk
    (PostgreSQL's synchronous_commit off, for this transaction only). A crash may then lose the
    last few such commits, never part of one. For work that can simply be run again (an import's
    batches), waiting for each flush would cost more than it protects. SQLite: nothing to do."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
