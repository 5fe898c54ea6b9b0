"""The yearly campaign against real PostgreSQL, Redis and celery worker processes: a worker
SIGKILLed while it opens the campaign, tells the porteurs or reminds them, and the work is done
exactly once after a new worker starts — one review per place, one e-mail per review (the
message comes back, acks_late; what the killed worker wrote rolls back with its connection).
And two openings of the same campaign at once (two connections): one set of reviews, no error."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connections, transaction

from labelling.queueing import enqueue
from tests.documents.test_worker_kill import _broker, _database_url, _stop, _wait_for
from tests.workflows.renewal.helpers import conform_place, porteur_user_of
from workflows.models import NotificationLog
from workflows.renewal import services, tasks
from workflows.renewal.models import JournalEntry, Review, ReviewAction

pytestmark = [pytest.mark.services, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
ROOT = Path(django_settings.BASE_DIR)
PLACES = 3


def start(name: str, log: Path, mails: Path, **env: str) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": _broker(),
        "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
        "MAIL_TEST_DIR": str(mails),
        **env,
    }
    handle = log.open("w")
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("celery")), "-A",
         "tests.faults.killable_campaign_worker", "worker", "--pool=solo", "--loglevel=INFO",
         "--without-mingle", "--without-gossip", "--without-heartbeat", "-n", f"{name}@%h"],
        cwd=ROOT, env=environment, stdout=handle, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    process.log_handle = handle
    return process


@pytest.fixture
def real_broker():
    """Tasks published to Redis (not run in the test's process), the broker emptied around."""
    import redis

    from config.celery import app as celery_app

    broker = _broker()
    redis.Redis.from_url(broker).flushdb()
    saved = (celery_app.conf.task_always_eager, celery_app.conf.broker_url)
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = broker
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    try:
        yield broker
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.broker_url = saved
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        redis.Redis.from_url(broker).flushdb()


@pytest.fixture
def places():
    found = [conform_place(name=f"France Services n° {n}") for n in range(PLACES)]
    for place in found:
        porteur_user_of(place)
    return found


def opened_keys() -> set[str]:
    return set(
        NotificationLog.objects.filter(key__startswith="review-opened:").values_list(
            "key", flat=True
        )
    )


def the_year() -> int:
    """The year the daily task opens (it runs in the workers, on today's date)."""
    from workflows.deadlines import today
    from workflows.renewal import deadlines

    day = today()
    assert day >= deadlines.campaign_date(day.year), "campagne pas encore due à cette date"
    return day.year


def exactly_once(year: int, mails: Path) -> None:
    reviews = Review.objects.filter(year=year)
    assert reviews.count() == PLACES
    assert JournalEntry.objects.filter(review__year=year, action=ReviewAction.OPEN).count() == (
        PLACES
    )
    assert opened_keys() == {f"review-opened:{pk}" for pk in reviews.values_list("pk", flat=True)}
    sent = [p.read_text() for p in mails.iterdir()]
    assert len(sent) == PLACES, sent
    # Delivered again (a duplicated message, the next day's run): nothing more.
    assert tasks.notify_campaign_opened(year) == 0
    assert services.open_due_campaign().created == 0
    assert Review.objects.filter(year=year).count() == PLACES


def test_worker_killed_while_opening_the_campaign_then_it_opens_once(tmp_path, real_broker, places):
    year = the_year()
    mails, marker = tmp_path / "mails", tmp_path / "opening"
    mails.mkdir()
    logs = [tmp_path / "worker1.log", tmp_path / "worker2.log"]
    first = second = None
    try:
        assert enqueue(tasks.open_due_campaign)  # what beat sends every morning
        first = start(
            "campaign1", logs[0], mails, CAMPAIGN_TEST_DELAY="60", CAMPAIGN_TEST_MARKER=str(marker)
        )
        _wait_for(marker.exists, 90, "le premier worker n'a pas ouvert la campagne", logs)
        _stop(first, signal.SIGKILL)
        assert first.returncode == -signal.SIGKILL
        # Killed before its commit: nothing of the campaign is left, nobody was told.
        assert not Review.objects.filter(year=year).exists()
        assert list(mails.iterdir()) == []

        second = start("campaign2", logs[1], mails)
        _wait_for(
            lambda: len(opened_keys()) == PLACES,
            90,
            "le second worker n'a pas ouvert la campagne ni prévenu les porteurs",
            logs,
        )
    finally:
        for process in (first, second):
            if process is not None:
                _stop(process, signal.SIGKILL)
    exactly_once(year, mails)


def test_worker_killed_while_telling_the_porteurs_then_each_is_told_once(
    tmp_path, real_broker, places
):
    year = the_year()
    services.open_due_campaign()  # on commit: the e-mails' task goes to Redis
    mails, marker = tmp_path / "mails", tmp_path / "sending"
    mails.mkdir()
    logs = [tmp_path / "worker1.log", tmp_path / "worker2.log"]
    first = second = None
    try:
        first = start("notify1", logs[0], mails, MAIL_TEST_DELAY="60", MAIL_TEST_MARKER=str(marker))
        _wait_for(marker.exists, 90, "le premier worker n'a pas commencé les courriels", logs)
        _stop(first, signal.SIGKILL)
        assert first.returncode == -signal.SIGKILL
        assert list(mails.iterdir()) == [] and opened_keys() == set()

        second = start("notify2", logs[1], mails)
        _wait_for(
            lambda: len(opened_keys()) == PLACES,
            90,
            "le second worker n'a pas prévenu les porteurs",
            logs,
        )
    finally:
        for process in (first, second):
            if process is not None:
                _stop(process, signal.SIGKILL)
    exactly_once(year, mails)


def test_worker_killed_between_two_reminders_then_each_porteur_is_reminded_once(
    tmp_path, real_broker, places
):
    """The daily reminders, one transaction per review: killed after the first is committed,
    the task comes back and reminds the others, never the first again."""
    year = the_year()
    services.open_campaign(year=year, on=datetime.date(year, 1, 15), notify=False)
    mails, marker = tmp_path / "mails", tmp_path / "reminding"
    mails.mkdir()
    logs = [tmp_path / "worker1.log", tmp_path / "worker2.log"]
    reminders = JournalEntry.objects.filter(review__year=year, action=ReviewAction.REMIND)
    first = second = None
    try:
        assert enqueue(tasks.send_review_reminders)  # what beat sends every morning
        first = start(
            "remind1", logs[0], mails, REMINDER_TEST_DELAY="60", REMINDER_TEST_MARKER=str(marker)
        )
        _wait_for(marker.exists, 90, "le premier worker n'a pas relancé", logs)
        _stop(first, signal.SIGKILL)
        assert first.returncode == -signal.SIGKILL
        assert reminders.count() == 1  # one committed, the others never written

        second = start("remind2", logs[1], mails)
        _wait_for(
            lambda: (
                NotificationLog.objects.filter(key__startswith="review-journal:").count() == PLACES
            ),
            90,
            "le second worker n'a pas fini les relances",
            logs,
        )
    finally:
        for process in (first, second):
            if process is not None:
                _stop(process, signal.SIGKILL)
    assert reminders.count() == PLACES
    assert sorted(reminders.values_list("review_id", flat=True)) == sorted(
        Review.objects.filter(year=year).values_list("pk", flat=True)
    )
    assert len(list(mails.iterdir())) == PLACES
    assert services.send_reminders() == 0  # the next morning: nothing more
    assert reminders.count() == PLACES


def test_two_openings_at_once_make_one_set_of_reviews(places):
    """The second opening reads before the first commits, then waits on the unique index, is
    refused, and counts again: no duplicate, no error, the first made every review."""
    year = the_year()
    written = threading.Event()
    outcomes: dict[str, object] = {}

    def first():
        try:
            with transaction.atomic():
                outcomes["first"] = services.open_campaign(year=year, notify=False)
                written.set()
                threading.Event().wait(1.5)  # the second one reads and inserts meanwhile
        except Exception as error:
            outcomes["first"] = error
        finally:
            written.set()
            connections.close_all()

    def second():
        try:
            written.wait(30)
            outcomes["second"] = services.open_campaign(year=year, notify=False)
        except Exception as error:
            outcomes["second"] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(isinstance(o, Exception) for o in outcomes.values()), outcomes
    assert outcomes["first"].created == PLACES
    assert outcomes["second"].created == 0 and outcomes["second"].existing == PLACES
    assert Review.objects.filter(year=year).count() == PLACES
    assert JournalEntry.objects.filter(review__year=year, action=ReviewAction.OPEN).count() == (
        PLACES
    )
