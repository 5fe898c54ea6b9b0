"""Django's `flush`, allowed to empty the append-only journal (see workflows.journal_triggers).

Every caller of `flush` goes through this command: ``manage.py flush`` and the test framework
(``call_command("flush")`` after each transactional test). Nothing else may delete from the
journal."""

from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS, connections

from workflows import journal_triggers


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        connection.ensure_connection()
        journal_triggers.register_sqlite_function(connection=connection)
        with journal_triggers.flushing():
            return super().handle(**options)
