"""The broker stopped for a while (a private redis-server on a free port, started and stopped by
the test): requests still succeed, the porteur sees « Document en préparation », and once the
broker is back the queued work goes out — the accusé de réception produced by a real worker,
each e-mail sent exactly once — through the periodic catch-ups."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.urls import reverse

from config.celery import app as celery_app
from documents.models import Document
from documents.services import requeue_stale_documents
from tests.workflows import factories as wf
from workflows.models import NotificationLog
from workflows.tasks import resend_unsent_notifications

pytestmark = [pytest.mark.services, pytest.mark.slow]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    def __init__(self):
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port), "--save", "",
             "--appendonly", "no", "--bind", "127.0.0.1"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server ne démarre pas")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def reset_connections():
    """New broker connections from now on (the pools are made again on first use)."""
    from kombu import pools

    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
        celery_app._pool = None
    # kombu keeps its pools by broker URL: a closed one must not be handed to the next test
    # that publishes to the same URL (« Acquire on closed pool » when CELERY_BROKER_URL is set).
    pools.reset()
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker(settings):
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server est requis pour ce test")
    redis = PrivateRedis()
    redis.start()
    old = celery_app.conf.broker_url
    celery_app.conf.update(broker_url=redis.url, task_always_eager=False)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    reset_connections()
    try:
        yield redis
    finally:
        redis.stop()
        reset_connections()
        celery_app.conf.update(broker_url=old, task_always_eager=True)


def wait_for(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.django_db(transaction=True)
def test_requests_succeed_while_the_broker_is_down_and_the_work_goes_out_after(client, broker):
    app = wf.drafted()
    porteur = wf.porteur_of(app)
    client.force_login(porteur)
    broker.stop()

    started = time.monotonic()
    response = client.post(reverse("workflows:draft_submit", args=[app.pk]), {})
    assert response.status_code == 302, response.content.decode()[:500]
    assert time.monotonic() - started < 20  # the user is not kept waiting for the broker
    app.refresh_from_db()
    assert app.state == "depose"
    page = client.get(reverse("workflows:application_detail", args=[app.pk])).content.decode()
    assert "Document en préparation" in page
    accuse = app.documents.get(kind="accuse_reception").document
    assert accuse.status == "pending"
    assert not NotificationLog.objects.exists() and mail.outbox == []

    broker.start()  # the broker is back (empty: what was not published is not there)
    with start_worker(celery_app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        # What beat runs every 10 minutes, without waiting for it.
        assert requeue_stale_documents(older_than_minutes=0) >= 1
        resend_unsent_notifications(older_than_minutes=0)
        assert wait_for(lambda: Document.objects.get(pk=accuse.pk).status == "ready")
        assert wait_for(lambda: NotificationLog.objects.filter(key__startswith="journal:").exists())
        # A second catch-up sends nothing twice.
        resend_unsent_notifications(older_than_minutes=0)
        time.sleep(2)
    keys = list(NotificationLog.objects.values_list("key", flat=True))
    assert len(keys) == len(set(keys))
    subjects = [m.subject for m in mail.outbox]
    assert len(subjects) == len(set(subjects)), subjects
