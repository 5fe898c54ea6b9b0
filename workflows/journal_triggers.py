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

_SQL_MESSAGE = MESSAGE.replace("'", "''")
_SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_update;",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_delete;",
]
_SQLITE_CREATE = [
    *_SQLITE_DROP,
    f"""CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{_SQL_MESSAGE}'); END;""",
    f"""CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE}
    WHEN NOT {SQLITE_FLUSH_FUNCTION}()
    BEGIN SELECT RAISE(ABORT, '{_SQL_MESSAGE}'); END;""",
]
_POSTGRES_CREATE = [
    f"""CREATE OR REPLACE FUNCTION {TABLE}_refuse_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{_SQL_MESSAGE}' USING ERRCODE = 'restrict_violation';
    END;
    $$ LANGUAGE plpgsql;""",
    f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};",
    f"""CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {TABLE}_refuse_change();""",
]
_POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};",
    f"DROP FUNCTION IF EXISTS {TABLE}_refuse_change();",
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


def _statements(vendor: str, *, create: bool) -> list[str]:
    if vendor == "postgresql":
        return _POSTGRES_CREATE if create else _POSTGRES_DROP
    if vendor == "sqlite":
        return _SQLITE_CREATE if create else _SQLITE_DROP
    raise NotImplementedError(f"Journal triggers are not written for {vendor}.")


def create(connection) -> None:
    """Create (or replace) the triggers."""
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, create=True):
            cursor.execute(sql)


def drop(connection) -> None:
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, create=False):
            cursor.execute(sql)
