"""Bulk inserts of plain rows, for the imports' child tables.

``bulk_create`` builds one model instance per row and prepares every value through the field:
for the ~30 child rows of each imported place (opening intervals, trainings, presences)
that is most of an import's time. ``insert_rows`` writes tuples of values
straight away: ``COPY … FROM STDIN`` on PostgreSQL (psycopg adapts UUIDs, dates, decimals),
one prepared ``INSERT`` run with ``executemany`` elsewhere (values prepared by their field).
No instance, no signal, no primary key returned: for rows nobody refers to afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connections, router
from django.db.models import Model

_NATIVE = (bool, int, str, type(None))


def insert_rows(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert ``rows`` (one value per name of ``fields``, attribute names such as
    ``place_id``) into ``model``'s table; returns the number of rows. Columns left out take
    their database default (an auto-incremented id); Django-side defaults are not applied.

    ``rows`` may be a generator, consumed during the COPY: it must not query the database
    (psycopg's connection is busy with the COPY and the query would wait forever); read what it
    needs before. Such a query is refused with ``RuntimeError`` rather than left hanging."""
    alias = router.db_for_write(model)
    connection = connections[alias]
    meta = model._meta
    by_attname = {f.attname: f for f in meta.concrete_fields}
    columns = [by_attname[name] for name in fields]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    names = ", ".join(quote(f.column) for f in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with (
                connection.execute_wrapper(_refuse_queries_during_copy),
                cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        prepare = [
            (lambda value, field=field: field.get_db_prep_save(value, connection))
            for field in columns
        ]
        prepared = [
            tuple(
                value if isinstance(value, _NATIVE) else convert(value)
                for value, convert in zip(row, prepare, strict=True)
            )
            for row in rows
        ]
        if prepared:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", prepared)
        return len(prepared)


def _refuse_queries_during_copy(execute, sql, params, many, context):
    raise RuntimeError(
        "insert_rows: the rows queried the database during the COPY; read that data beforehand."
    )
