"""Database triggers that make the journal append-only, on PostgreSQL and SQLite.

The application may only INSERT into the journal; UPDATE and DELETE are refused by the database
itself, whatever the code path (ORM, raw SQL, the admin). One operation must still empty it: the
`flush` command (``manage.py flush``, and the test framework, which flushes the database after
each transactional test). How each database lets that through, and nothing else:

- PostgreSQL: `flush` runs ``TRUNCATE``, which fires no row trigger. The triggers are row-level
  ``BEFORE UPDATE OR DELETE``, so they need no exception.
- SQLite has no TRUNCATE: `flush` runs ``DELETE FROM``, which fires the row triggers. The delete
  trigger is guarded by ``WHEN NOT estampille_journal_flushing()``, an SQL function that this
  module registers on every SQLite connection Django opens (see ``WorkflowsConfig.ready``). It
  answers true only in the thread that runs `flush` (``flushing()``, entered by the `flush`
  command of this app, which overrides Django's). Other threads and connections keep being
  refused while a flush runs, and a client that does not know the function (the ``sqlite3``
  shell, another program) gets "no such function": the journal fails closed.

We chose this over dropping and recreating the triggers around a flush because the triggers never
disappear, even for a moment or after a crash in the middle of the flush."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

TABLE = "workflows_journalentry"
MESSAGE = "Le journal des candidatures est en ajout seul : modification et suppression refusées."
SQLITE_FLUSH_FUNCTION = "estampille_journal_flushing"


def _sqlite_drop(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_update;",
        f"DROP TRIGGER IF EXISTS {table}_no_delete;",
    ]


def _sqlite_create(table: str, message: str) -> list[str]:
    quoted = message.replace("'", "''")
    return [
        *_sqlite_drop(table),
        f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
    BEGIN SELECT RAISE(ABORT, '{quoted}'); END;""",
        f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
    WHEN NOT {SQLITE_FLUSH_FUNCTION}()
    BEGIN SELECT RAISE(ABORT, '{quoted}'); END;""",
    ]


def _postgres_create(table: str, message: str) -> list[str]:
    quoted = message.replace("'", "''")
    return [
        f"""CREATE OR REPLACE FUNCTION {table}_refuse_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{quoted}' USING ERRCODE = 'restrict_violation';
    END;
    $$ LANGUAGE plpgsql;""",
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
        f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {table}_refuse_change();""",
    ]


def _postgres_drop(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
        f"DROP FUNCTION IF EXISTS {table}_refuse_change();",
    ]


_state = threading.local()


@contextmanager
def flushing() -> Iterator[None]:
    """While inside, the current thread's SQLite connections may empty the journal (`flush`)."""
    previous = getattr(_state, "flushing", False)
    _state.flushing = True
    try:
        yield
    finally:
        _state.flushing = previous


def _flushing() -> int:
    return 1 if getattr(_state, "flushing", False) else 0


def register_sqlite_function(sender=None, connection=None, **kwargs) -> None:
    """`connection_created` receiver: give a new SQLite connection the trigger's guard."""
    if connection is not None and connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FLUSH_FUNCTION, 0, _flushing)


def _statements(vendor: str, *, create: bool, table: str, message: str) -> list[str]:
    if vendor == "postgresql":
        return _postgres_create(table, message) if create else _postgres_drop(table)
    if vendor == "sqlite":
        return _sqlite_create(table, message) if create else _sqlite_drop(table)
    raise NotImplementedError(f"Journal triggers are not written for {vendor}.")


def create(connection, *, table: str = TABLE, message: str = MESSAGE) -> None:
    """Create (or replace) the triggers of an append-only `table` (the application's journal
    by default; the other journals name their own)."""
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, create=True, table=table, message=message):
            cursor.execute(sql)


def drop(connection, *, table: str = TABLE) -> None:
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, create=False, table=table, message=""):
            cursor.execute(sql)
