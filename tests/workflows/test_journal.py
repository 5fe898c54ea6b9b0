"""The journal is append-only: the database itself refuses UPDATE and DELETE."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError

from tests.workflows import factories as wf
from workflows.models import JournalEntry


def _assert_refused(sql: str, params: list) -> None:
    with pytest.raises(DatabaseError) as exc, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    assert "ajout seul" in str(exc.value)


def _check_append_only():
    app = wf.submitted()
    entry = app.journal.first()
    _assert_refused("UPDATE workflows_journalentry SET comment = %s WHERE id = %s", ["x", entry.pk])
    _assert_refused("DELETE FROM workflows_journalentry WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        JournalEntry.objects.filter(pk=entry.pk).update(comment="falsifié")
    # The ORM refuses first, in French (workflows/history.py); the database would too.
    with pytest.raises((DatabaseError, ProtectedError)), transaction.atomic():
        JournalEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(ValueError):
        entry.comment = "falsifié"
        entry.save()
    entry.refresh_from_db()
    assert entry.comment == ""
    # Adding stays possible.
    assert JournalEntry.objects.filter(application=app).count() >= 2


@pytest.mark.django_db
def test_journal_is_append_only_on_sqlite_or_the_configured_database():
    _check_append_only()


@pytest.mark.services
@pytest.mark.django_db
def test_journal_is_append_only_on_postgresql():
    assert connection.vendor == "postgresql"
    _check_append_only()


@pytest.mark.django_db
def test_journal_records_who_when_from_and_to():
    app = wf.in_instruction()
    rows = list(app.journal.values_list("action", "from_state", "to_state"))
    assert rows == [
        ("create", "brouillon", "brouillon"),
        ("submit", "brouillon", "depose"),
        ("complete", "depose", "instruction"),
    ]
    assert all(e.actor_label and e.at for e in app.journal.all())


def _check_flush_empties_the_journal_and_it_stays_append_only():
    from django.core.management import call_command

    from tests.conftest import _reload_reference_data

    wf.submitted()
    assert JournalEntry.objects.exists()
    # What the test framework does after each transactional test, and `manage.py flush`. This test
    # runs inside a transaction: PostgreSQL truncates only once deferred checks have run.
    connection.check_constraints()
    call_command("flush", interactive=False, verbosity=0)
    assert not JournalEntry.objects.exists()
    # The triggers are still there: once the flush is over, deleting is refused again.
    _reload_reference_data()
    _check_append_only()


@pytest.mark.django_db
def test_flush_empties_the_journal_which_stays_append_only():
    _check_flush_empties_the_journal_and_it_stays_append_only()


@pytest.mark.services
@pytest.mark.django_db
def test_flush_empties_the_journal_which_stays_append_only_on_postgresql():
    assert connection.vendor == "postgresql"
    _check_flush_empties_the_journal_and_it_stays_append_only()


def test_only_the_flushing_thread_may_empty_the_journal():
    import threading

    from workflows import journal_triggers

    seen = []
    with journal_triggers.flushing():
        seen.append(journal_triggers._flushing())
        thread = threading.Thread(target=lambda: seen.append(journal_triggers._flushing()))
        thread.start()
        thread.join()
    seen.append(journal_triggers._flushing())
    assert seen == [1, 0, 0]
