from django.apps import AppConfig
from django.db.backends.signals import connection_created


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = "Circuits d'instruction"

    def ready(self) -> None:
        from workflows import history, home, journal_triggers

        history.connect()
        home.connect()

        # The SQLite journal trigger calls this function (see journal_triggers).
        connection_created.connect(
            journal_triggers.register_sqlite_function, dispatch_uid="journal_flush_guard"
        )
