"""E-mails and daily jobs: idempotent, reminders sent once, digest of overdue files,
deadlines from settings."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import InstructeurFactory
from tests.workflows import factories as wf
from workflows import emails, services, tasks
from workflows.deadlines import DEFAULT_DEADLINES, deadline_for, today
from workflows.models import Action, NotificationLog, State

pytestmark = pytest.mark.django_db


def test_stage_change_email_is_sent_once_even_when_the_task_runs_twice(mailoutbox):
    app = wf.submitted()
    entry = app.journal.get(action=Action.SUBMIT)
    InstructeurFactory(departement_id="63")
    mailoutbox.clear()
    assert tasks.notify_journal_entry(entry.pk) is True
    assert tasks.notify_journal_entry(entry.pk) is False
    assert len(mailoutbox) == 1
    assert "Dépôt" in mailoutbox[0].subject
    assert NotificationLog.objects.filter(key=f"journal:{entry.pk}").count() == 1


def test_emails_are_plain_text_never_html_escaped(mailoutbox):
    """A comment with an apostrophe, angle brackets and an ampersand reads as it was written
    in the e-mail (the text templates are not HTML)."""
    from workflows.lifecycle import ApplicationLifecycle

    app = wf.submitted()
    comment = "Pièce d'identité <manquante> & « attestation »"
    entry = ApplicationLifecycle(app).record(
        user=None,
        action=Action.SUBMIT,
        from_state=app.state,
        comment=comment,
        private=False,
        data={},
        notify=False,
    )
    mailoutbox.clear()
    assert tasks.notify_journal_entry(entry.pk) is True
    (mail,) = mailoutbox
    assert comment in mail.body
    assert "&#x27;" not in mail.body and "&lt;" not in mail.body
    assert entry.actor_label == "Estampille (automatiquement)"


def test_private_entries_send_nothing(mailoutbox):
    instructor = InstructeurFactory(departement_id="63")
    app = wf.in_instruction(instructor=instructor)
    services.assign(user=instructor, application_id=app.pk)
    entry = app.journal.get(action=Action.ASSIGN)
    assert tasks.notify_journal_entry(entry.pk) is False


def test_a_failed_send_can_be_retried(monkeypatch, mailoutbox):
    InstructeurFactory(departement_id="63")
    app = wf.submitted()
    entry = app.journal.get(action=Action.SUBMIT)

    def broken(*args, **kwargs):
        raise ConnectionError("SMTP indisponible")

    monkeypatch.setattr(emails.EmailMultiAlternatives, "send", broken)
    with pytest.raises(ConnectionError):
        tasks.notify_journal_entry(entry.pk)
    assert not NotificationLog.objects.exists()
    monkeypatch.undo()
    assert tasks.notify_journal_entry(entry.pk) is True


def test_overdue_opinions_are_reminded_once(django_capture_on_commit_callbacks, mailoutbox):
    instructor = InstructeurFactory(departement_id="63")
    app = wf.in_instruction(instructor=instructor)
    late = services.request_opinion(
        user=instructor,
        application_id=app.pk,
        kind="sous_prefet",
        addressee="Sous-préfecture d'Ambert",
        addressee_email="sp-ambert@example.fr",
        question="Avis ?",
    )
    on_time = services.request_opinion(
        user=instructor,
        application_id=app.pk,
        kind="conseil_departemental",
        addressee="Conseil départemental",
        addressee_email="cd63@example.fr",
        question="Avis ?",
    )
    type(late).objects.filter(pk=late.pk).update(due_on=today() - datetime.timedelta(days=1))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.remind_overdue_opinions() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.remind_overdue_opinions() == 0
    assert [m.to for m in mailoutbox] == [["sp-ambert@example.fr"]]
    assert "Relance" in mailoutbox[0].subject
    late.refresh_from_db()
    on_time.refresh_from_db()
    assert late.reminded_at is not None
    assert on_time.reminded_at is None
    assert app.journal.filter(action=Action.REMIND_OPINION).count() == 1


def test_daily_digest_lists_each_instructors_overdue_files(mailoutbox):
    alice = InstructeurFactory(departement_id="63")
    bob = InstructeurFactory(departement_id="63")
    gap = InstructeurFactory(departement_id="05")
    overdue = wf.in_instruction(instructor=alice)
    services.assign(user=alice, application_id=overdue.pk)
    fresh = wf.in_instruction(instructor=alice)
    type(overdue).objects.filter(pk=overdue.pk).update(
        stage_deadline=today() - datetime.timedelta(days=2)
    )
    mailoutbox.clear()
    assert tasks.send_overdue_digests() == 1
    assert tasks.send_overdue_digests() == 0  # once a day
    (mail,) = mailoutbox
    assert mail.to == [alice.email]
    assert mail.subject == "[Estampille] 1 dossier en retard"
    assert "dépassée de 2 jours" in mail.body
    assert overdue.reference in mail.body
    assert fresh.reference not in mail.body
    assert bob.email not in mail.to and gap.email not in mail.to


def test_deadlines_come_from_settings(settings):
    assert deadline_for("completeness") == today() + datetime.timedelta(
        days=DEFAULT_DEADLINES["completeness"]
    )
    settings.WORKFLOW_DEADLINES = {"completeness": 3}
    app = wf.submitted()
    assert app.stage_deadline == today() + datetime.timedelta(days=3)
    assert app.state == State.SUBMITTED


def test_overdue_is_marked_on_the_file_page(client):
    instructor = InstructeurFactory(departement_id="63")
    app = wf.submitted()
    type(app).objects.filter(pk=app.pk).update(stage_deadline=today() - datetime.timedelta(days=1))
    client.force_login(instructor)
    page = client.get(f"/dossiers/{app.pk}/").content.decode()
    assert "En retard" in page


def test_beat_schedule_entries_point_to_real_tasks():
    """Every beat entry of the settings names a task a worker knows; the reminders run often."""
    from django.conf import settings

    from config.celery import app as celery_app

    celery_app.loader.import_default_modules()
    entries = settings.CELERY_BEAT_SCHEDULE
    for entry in entries.values():
        assert entry["task"] in celery_app.tasks, entry["task"]
    frequent = {"workflows.tasks.remind_overdue_opinions", "workflows.tasks.send_overdue_digests"}
    reminders = [entry for entry in entries.values() if entry["task"] in frequent]
    assert {entry["task"] for entry in reminders} == frequent
    for entry in reminders:
        assert entry["schedule"].remaining_estimate(timezone.now()).days <= 3
