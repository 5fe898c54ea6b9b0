"""A real worker, against Redis and PostgreSQL, killed (SIGKILL) in the middle of an e-mail: the
message comes back, a new worker sends it, and it is sent exactly once (the NotificationLog row
written with the sending rolls back with the killed worker's transaction)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tests.documents.test_worker_kill import _broker, _database_url, _stop, _wait_for
from tests.factories import InstructeurFactory
from tests.workflows import factories as wf
from workflows import tasks
from workflows.models import Action, NotificationLog

pytestmark = [pytest.mark.services, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
ROOT = Path(django_settings.BASE_DIR)


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
        [str(Path(sys.executable).with_name("celery")), "-A", "tests.faults.killable_mail_worker",
         "worker", "--pool=solo", "--loglevel=INFO", "--without-mingle", "--without-gossip",
         "--without-heartbeat", "-n", f"{name}@%h"],
        cwd=ROOT, env=environment, stdout=handle, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    process.log_handle = handle
    return process


def test_worker_killed_mid_email_then_it_is_sent_exactly_once(tmp_path):
    import redis

    from config.celery import app as celery_app

    broker = _broker()
    redis.Redis.from_url(broker).flushdb()
    saved = (celery_app.conf.task_always_eager, celery_app.conf.broker_url)
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = broker
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    mails, marker = tmp_path / "mails", tmp_path / "started"
    mails.mkdir()
    logs = [tmp_path / "worker1.log", tmp_path / "worker2.log"]
    first = second = None
    try:
        InstructeurFactory(departement_id="63")  # told of the new file
        application = wf.submitted()  # on commit: the e-mail task goes to Redis
        entry = application.journal.get(action=Action.SUBMIT)
        key = f"journal:{entry.pk}"
        first = start("mail1", logs[0], mails, MAIL_TEST_DELAY="60", MAIL_TEST_MARKER=str(marker))
        _wait_for(marker.exists, 90, "le premier worker n'a pas commencé l'envoi", logs)
        _stop(first, signal.SIGKILL)
        assert first.returncode == -signal.SIGKILL
        assert list(mails.iterdir()) == []
        assert not NotificationLog.objects.filter(key=key).exists()

        second = start("mail2", logs[1], mails)
        _wait_for(
            lambda: NotificationLog.objects.filter(key=key).exists(),
            90,
            "le second worker n'a pas envoyé le courriel",
            logs,
        )
    finally:
        for process in (first, second):
            if process is not None:
                _stop(process, signal.SIGKILL)
        celery_app.conf.task_always_eager, celery_app.conf.broker_url = saved
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        redis.Redis.from_url(broker).flushdb()
    sent = [p.read_text() for p in mails.iterdir()]
    assert len(sent) == 1
    assert application.reference in sent[0]
    # Delivered again (a duplicated message): the task sends nothing more.
    assert tasks.notify_journal_entry(entry.pk) is False
    assert NotificationLog.objects.filter(key=key).count() == 1
