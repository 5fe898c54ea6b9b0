"""The yearly campaign: one review per labelled place, bulk and idempotent; the command's
output; the beat entry; the reminders after 15 and 30 days, each once (frozen time); the mise
en demeure deadline waking the file."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from labelling.models import LabelStatus
from tests.factories import InstructeurFactory, LabelledPlaceFactory, PlaceFactory
from tests.workflows.renewal.helpers import conform_place, porteur_user_of
from workflows.renewal import services, tasks
from workflows.renewal.models import JournalEntry, Review, ReviewAction, ReviewState

pytestmark = pytest.mark.django_db


def run_campaign(year: int) -> str:
    out = StringIO()
    call_command("open_renewal_campaign", "--year", str(year), stdout=out)
    return out.getvalue().strip()


def test_one_review_per_labelled_place_and_a_second_run_creates_none():
    labelled = [LabelledPlaceFactory() for _ in range(3)]
    PlaceFactory()  # in project
    LabelledPlaceFactory(label_status=LabelStatus.WITHDRAWN)
    # Labelled, but its label takes effect after the review date.
    LabelledPlaceFactory(
        labelled_on=datetime.date(2026, 1, 10), label_effective_on=datetime.date(2026, 9, 1)
    )
    suspended = LabelledPlaceFactory(label_status=LabelStatus.SUSPENDED)

    with time_machine.travel(datetime.datetime(2026, 2, 1, 9, tzinfo=datetime.UTC)):
        assert run_campaign(2026) == "4 revues créées, 0 déjà existantes"
        assert run_campaign(2026) == "0 revues créées, 4 déjà existantes"

    reviewed = set(Review.objects.filter(year=2026).values_list("place_id", flat=True))
    assert reviewed == {p.pk for p in labelled} | {suspended.pk}
    review = Review.objects.get(place=labelled[0])
    assert review.state == ReviewState.OPEN
    assert review.version_code == "france-services-2019"
    assert review.departement_id == labelled[0].departement_id
    assert review.review_date == datetime.date(2026, 2, 1)
    assert review.stage_deadline == datetime.date(2026, 3, 18)  # 45 days to answer
    # Each review's opening is journaled once.
    assert JournalEntry.objects.filter(action=ReviewAction.OPEN).count() == 4


def test_places_labelled_since_get_theirs_on_the_next_run():
    LabelledPlaceFactory()
    with time_machine.travel(datetime.datetime(2026, 2, 1, 9, tzinfo=datetime.UTC)):
        assert run_campaign(2026) == "1 revues créées, 0 déjà existantes"
        LabelledPlaceFactory()
        assert run_campaign(2026) == "1 revues créées, 1 déjà existantes"


def test_the_porteurs_are_told_once():
    place = LabelledPlaceFactory()
    porteur_user_of(place)
    with time_machine.travel(datetime.datetime(2026, 2, 1, 9, tzinfo=datetime.UTC)):
        services.open_campaign(year=2026)
        services.open_campaign(year=2026)
        tasks.notify_campaign_opened(2026)
    assert len(mail.outbox) == 1
    assert "Revue annuelle 2026" in mail.outbox[0].subject
    assert "Rien à changer" in mail.outbox[0].body


def test_the_beat_opens_the_campaign_from_the_configured_date(settings):
    settings.RENEWAL_CAMPAIGN_DATE = "03-01"
    LabelledPlaceFactory()
    assert "renewal-open-due-campaign" in settings.CELERY_BEAT_SCHEDULE
    with time_machine.travel(datetime.datetime(2026, 2, 28, 9, tzinfo=datetime.UTC)):
        assert tasks.open_due_campaign() == ""
    assert not Review.objects.exists()
    with time_machine.travel(datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC)):
        assert tasks.open_due_campaign() == "1 revues créées, 0 déjà existantes"
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)):
        assert tasks.open_due_campaign() == "0 revues créées, 1 déjà existantes"


def test_an_invalid_year_is_refused_in_french():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Année invalide"):
        run_campaign(1999)


def test_reminders_after_15_and_30_days_each_once(django_capture_on_commit_callbacks):
    place = LabelledPlaceFactory()
    user = porteur_user_of(place)
    with time_machine.travel(datetime.datetime(2026, 2, 1, 9, tzinfo=datetime.UTC)):
        services.open_campaign(year=2026, notify=False)
    review = Review.objects.get()

    def day(d):
        return time_machine.travel(
            datetime.datetime(2026, 2, 1, 9, tzinfo=datetime.UTC) + datetime.timedelta(days=d)
        )

    with django_capture_on_commit_callbacks(execute=True):
        with day(14):
            assert tasks.send_review_reminders() == 0
        with day(15):
            assert tasks.send_review_reminders() == 1
            assert tasks.send_review_reminders() == 0
        with day(29):
            assert tasks.send_review_reminders() == 0
        with day(30):
            assert tasks.send_review_reminders() == 1
        with day(31):
            assert tasks.send_review_reminders() == 0
    review.refresh_from_db()
    assert review.reminders_sent == 2
    reminders = [m for m in mail.outbox if "Relance" in m.subject]
    assert len(reminders) == 2
    assert reminders[0].to == [user.email]
    assert JournalEntry.objects.filter(review=review, action=ReviewAction.REMIND).count() == 2


def test_a_review_seen_late_gets_one_reminder_counted_for_both():
    LabelledPlaceFactory()
    with time_machine.travel(datetime.datetime(2026, 2, 1, 9, tzinfo=datetime.UTC)):
        services.open_campaign(year=2026, notify=False)
    with time_machine.travel(datetime.datetime(2026, 3, 10, 9, tzinfo=datetime.UTC)):
        assert services.send_reminders() == 1
        assert services.send_reminders() == 0
    assert Review.objects.get().reminders_sent == 2


def test_a_submitted_review_is_not_reminded():
    place = conform_place()
    user = porteur_user_of(place)
    with time_machine.travel(datetime.datetime(2026, 2, 1, 9, tzinfo=datetime.UTC)):
        services.open_campaign(year=2026, notify=False)
        review = Review.objects.get()
        services.confirm_unchanged(user=user, review_id=review.pk, activity_confirmed=True)
    with time_machine.travel(datetime.datetime(2026, 3, 10, 9, tzinfo=datetime.UTC)):
        assert services.send_reminders() == 0


def test_a_place_waiting_for_its_porteur_reminds_the_prefecture(
    django_capture_on_commit_callbacks,
):
    place = LabelledPlaceFactory(porteur=None)
    instructor = InstructeurFactory(departement=place.departement)
    with time_machine.travel(datetime.datetime(2026, 2, 1, 9, tzinfo=datetime.UTC)):
        services.open_campaign(year=2026, notify=False)
    with (
        time_machine.travel(datetime.datetime(2026, 2, 16, 9, tzinfo=datetime.UTC)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.send_reminders() == 1
    assert mail.outbox[-1].to == [instructor.email]
    assert "attend encore son porteur" in mail.outbox[-1].body


def test_the_mise_en_demeure_deadline_wakes_the_file():
    place = conform_place()
    user = porteur_user_of(place)
    instructor = InstructeurFactory(departement=place.departement)
    start = datetime.datetime(2026, 2, 1, 9, tzinfo=datetime.UTC)
    with time_machine.travel(start):
        services.open_campaign(year=2026, notify=False)
        review = Review.objects.get()
        services.confirm_unchanged(user=user, review_id=review.pk, activity_confirmed=True)
        services.issue_notice(
            user=instructor,
            review_id=review.pk,
            reasons="Ouvrir cinq jours par semaine.",
            deadline=datetime.date(2026, 4, 1),
        )
    review.refresh_from_db()
    assert review.state == ReviewState.NOTICE
    assert review.stage_deadline == datetime.date(2026, 4, 1)
    with time_machine.travel(datetime.datetime(2026, 3, 31, 9, tzinfo=datetime.UTC)):
        assert tasks.wake_due_notices() == 0
    with time_machine.travel(datetime.datetime(2026, 4, 1, 9, tzinfo=datetime.UTC)):
        assert tasks.wake_due_notices() == 1
        assert tasks.wake_due_notices() == 0
    review.refresh_from_db()
    assert review.state == ReviewState.RECHECK
    assert review.woken_at is not None
    assert review.conform is True
    entry = JournalEntry.objects.get(review=review, action=ReviewAction.WAKE)
    assert entry.actor is None and entry.data["echeance"] == "2026-04-01"
    # Back in the préfecture's queue, with a new instruction deadline.
    assert review.stage_deadline == datetime.date(2026, 5, 1)
    assert settings.CELERY_BEAT_SCHEDULE["renewal-wake-due-notices"]


def test_the_journal_of_the_reviews_is_append_only():
    from django.db import DatabaseError, transaction
    from django.db.models import ProtectedError

    LabelledPlaceFactory()
    services.open_campaign(year=2026, notify=False)
    entry = JournalEntry.objects.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        JournalEntry.objects.filter(pk=entry.pk).update(comment="réécrit")
    review = Review.objects.get()
    for thing in (entry, review):
        with pytest.raises(ProtectedError), transaction.atomic():
            thing.delete()
    assert JournalEntry.objects.filter(pk=entry.pk, comment="").exists()


def test_instructors_get_their_overdue_reviews_once_a_day():
    place = conform_place()
    user = porteur_user_of(place)
    instructor = InstructeurFactory(departement=place.departement)
    InstructeurFactory(departement_id="05")
    with time_machine.travel(datetime.datetime(2026, 2, 1, 9, tzinfo=datetime.UTC)):
        services.open_campaign(year=2026, notify=False)
        services.confirm_unchanged(
            user=user, review_id=Review.objects.get().pk, activity_confirmed=True
        )
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)):
        assert tasks.send_overdue_review_digests() == 0  # due on 03/03
    with time_machine.travel(datetime.datetime(2026, 3, 5, 9, tzinfo=datetime.UTC)):
        assert tasks.send_overdue_review_digests() == 1
        assert tasks.send_overdue_review_digests() == 0
    assert mail.outbox[-1].to == [instructor.email]
    assert "dépassée de 2 jours" in mail.outbox[-1].body
