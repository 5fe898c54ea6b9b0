"""Every task is published through ``labelling.queueing.enqueue`` (a broker that is down never
turns a request into an error), and what was not published goes out with the catch-ups that
beat runs every 10 minutes (``workflows.resend_unsent_notifications``,
``labelling.requeue_stale_impact_runs``, ``documents.requeue_stale_documents``)."""

from __future__ import annotations

import ast
import datetime
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core import mail

from labelling.models import ImpactRun, Version
from labelling.tasks import requeue_stale_impact_runs
from workflows.models import NotificationLog
from workflows.tasks import resend_unsent_notifications

APPS = ("labelling", "workflows", "documents", "config", "idempotency")
# The one place that calls Celery's publishing methods.
PUBLISHER = "labelling/queueing.py"


def direct_publications() -> list[str]:
    root = Path(settings.BASE_DIR)
    found = []
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            name = path.relative_to(root).as_posix()
            if name == PUBLISHER or "/migrations/" in name:
                continue
            for node in ast.walk(ast.parse(path.read_text(), filename=name)):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("delay", "apply_async")
                ):
                    found.append(f"{name}:{node.lineno} .{node.func.attr}(")
    return found


def test_no_task_is_published_outside_enqueue():
    assert direct_publications() == [], (
        "publish through labelling.queueing.enqueue (broker-down safe), not directly"
    )


def test_the_scan_sees_a_direct_publication(tmp_path, settings):
    """The scan above finds what it looks for."""
    (tmp_path / "labelling").mkdir()
    (tmp_path / "labelling" / "views.py").write_text(
        "def view():\n    task.delay(1)\n    other.apply_async(args=[2])\n"
    )
    settings.BASE_DIR = tmp_path
    for app in APPS[1:]:
        (tmp_path / app).mkdir()
    assert direct_publications() == [
        "labelling/views.py:2 .delay(",
        "labelling/views.py:3 .apply_async(",
    ]


# --- the catch-ups -------------------------------------------------------------------------------

NOW = datetime.datetime(2026, 2, 1, 9, tzinfo=datetime.UTC)


@pytest.mark.django_db
def test_what_the_broker_never_got_goes_out_with_the_catch_up(
    django_capture_on_commit_callbacks,
):
    """Reviews (campaign opening, a step, a message), a funding file proposed, an invitation and
    an opinion reminder, all asked for while the broker was down (their ``on_commit``
    publication never ran): the catch-up sends each e-mail once, a second one sends nothing."""
    from tests.factories import InstructeurFactory, SignataireFactory, UserFactory
    from tests.workflows import factories as wf
    from tests.workflows.onboarding.test_onboarding import imported_place
    from tests.workflows.renewal.helpers import conform_place, porteur_user_of
    from workflows.funding import services as funding
    from workflows.funding.models import FundingCause
    from workflows.onboarding import services as onboarding
    from workflows.renewal import services as renewal
    from workflows.renewal.models import Review
    from workflows.services import instruction

    with time_machine.travel(NOW, tick=False):
        app = wf.in_instruction()
        instructor = app.journal.filter(actor__role="instructeur").first().actor
        place = conform_place()
        conform_place()  # its review stays « à remplir »: the opening e-mail is still due
        SignataireFactory(departement_id=place.departement_id)
        InstructeurFactory(departement_id=place.departement_id)
        mail.outbox.clear()
        NotificationLog.objects.all().delete()
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            renewal.open_campaign(year=2026)
            review = Review.objects.get(place=place)
            porteur = porteur_user_of(place)
            renewal.post_message(user=porteur, review_id=review.pk, body="Une question.")
            renewal.submit(user=porteur, review_id=review.pk, activity_confirmed=True)
            file = funding.open_funding_file(place=place, year=2026, cause=FundingCause.RENEWAL)
            funding.propose(user=instructor, file_id=file.pk)
            onboarding.invite(
                user=UserFactory(),
                place_id=imported_place("63113", email="").pk,
                email="nouveau-porteur@example.fr",
            )
            opinion = instruction.request_opinion(
                user=instructor,
                application_id=app.pk,
                kind="operateur",
                operator_code="caf",
                addressee="CAF",
                addressee_email="caf@example.fr",
                question="Une permanence ?",
            )
        assert len(callbacks) >= 6 and mail.outbox == []
        opinion.due_on = datetime.date(2026, 1, 20)  # overdue: the daily job reminds
        opinion.save(update_fields=["due_on"])
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            assert instruction.remind_opinion(opinion_id=opinion.pk)
        assert callbacks and mail.outbox == []  # the reminder never published
    later = NOW + datetime.timedelta(minutes=20)
    with time_machine.travel(later, tick=False):
        assert resend_unsent_notifications() >= 6
        keys = set(NotificationLog.objects.values_list("key", flat=True))
        for prefix in (
            "review-opened:",
            "review-journal:",
            "review-message:",
            "funding:",
            "onboarding:",
            "opinion-reminder:",
        ):
            assert any(k.startswith(prefix) for k in keys), prefix
        sent = len(mail.outbox)
        assert resend_unsent_notifications() == 0  # nothing left to send
        assert len(mail.outbox) == sent
    subjects = [m.subject for m in mail.outbox]
    assert len(subjects) == len(set(subjects)), subjects


@pytest.mark.django_db
def test_a_campaign_opened_without_email_is_not_told_by_the_catch_up():
    """``open_renewal_campaign --no-email``: the catch-up respects it."""
    from tests.workflows.renewal.helpers import conform_place, porteur_user_of
    from workflows.renewal import services as renewal

    with time_machine.travel(NOW, tick=False):
        porteur_user_of(conform_place())
        assert renewal.open_campaign(year=2026, notify=False).created == 1
    with time_machine.travel(NOW + datetime.timedelta(minutes=20), tick=False):
        assert resend_unsent_notifications() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_an_impact_study_never_published_is_sent_again():
    from tests.factories import UserFactory

    with time_machine.travel(NOW, tick=False):
        run = ImpactRun.objects.create(
            version=Version.objects.get(code="france-services-2019"), created_by=UserFactory()
        )
    with time_machine.travel(NOW + datetime.timedelta(minutes=5), tick=False):
        assert requeue_stale_impact_runs() == 0  # not stale yet
    with time_machine.travel(NOW + datetime.timedelta(minutes=15), tick=False):
        assert requeue_stale_impact_runs() == 1
    run.refresh_from_db()
    assert run.status == "done"
    with time_machine.travel(NOW + datetime.timedelta(minutes=30), tick=False):
        assert requeue_stale_impact_runs() == 0  # done: left alone
