"""Two people acting on the same task at once: one wins, the other gets a clear French message.

`select_for_update` is a no-op on SQLite: these tests run on PostgreSQL (marker `services`)."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from tests.factories import InstructeurFactory
from tests.workflows import factories as wf
from workflows import services
from workflows.models import Application, State

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _in_thread(target, results, key):
    def run():
        try:
            results[key] = target()
        except Exception as exc:  # the failure is the outcome under test
            results[key] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_two_instructors_declare_complete_at_once():
    assert connection.vendor == "postgresql"
    app = wf.submitted()
    first = InstructeurFactory(departement_id="63")
    second = InstructeurFactory(departement_id="63")
    holding = threading.Event()
    release = threading.Event()
    results: dict = {}

    def slow_first():
        # The first one locks the row and keeps its transaction open a moment.
        with transaction.atomic():
            services.declare_complete(user=first, application_id=app.pk)
            holding.set()
            release.wait(5)
        return "ok"

    def second_one():
        holding.wait(5)
        return services.request_completion(
            user=second, application_id=app.pk, message="Il manque le bail."
        )

    t1 = _in_thread(slow_first, results, "first")
    t2 = _in_thread(second_one, results, "second")
    holding.wait(5)
    time.sleep(0.5)  # the second is now waiting on the row lock
    assert t2.is_alive()
    release.set()
    t1.join(10)
    t2.join(10)

    assert results["first"] == "ok"
    error = results["second"]
    assert isinstance(error, services.TransitionNotAllowed)
    assert "une autre personne a agi avant vous" in error.message
    app = Application.objects.get(pk=app.pk)
    assert app.state == State.INSTRUCTION
    assert list(app.journal.values_list("action", flat=True)) == ["create", "submit", "complete"]


def test_two_signataires_sign_at_once_only_one_decision():
    app = wf.in_decision()
    signataires = [wf.SignataireFactory(departement_id="63") for _ in range(2)]
    barrier = threading.Barrier(2)
    results: dict = {}

    def sign(user):
        def run():
            barrier.wait(5)
            return services.sign_decision(user=user, application_id=app.pk)

        return run

    threads = [_in_thread(sign(u), results, i) for i, u in enumerate(signataires)]
    for thread in threads:
        thread.join(20)
    outcomes = sorted(type(r).__name__ for r in results.values())
    assert outcomes == ["Application", "TransitionNotAllowed"]
    app = Application.objects.get(pk=app.pk)
    assert app.state == State.LABELLED
    assert app.journal.filter(action="sign").count() == 1
    assert app.documents.filter(kind="arrete_labellisation").count() == 1
