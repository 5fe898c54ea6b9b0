"""A real worker, against Redis and PostgreSQL, killed (SIGKILL) in the middle of a document:
the message comes back, a new worker finishes it, and there is exactly one document."""

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from config.celery import app
from documents.models import Document, DocumentStatus
from documents.samples import sample_context
from documents.services import request_document
from tests.documents.conftest import readers

ROOT = Path(django_settings.BASE_DIR)


def _broker() -> str:
    url = os.environ.get("CELERY_BROKER_URL", "")
    return url if url.startswith("redis://") else "redis://127.0.0.1:6379/13"


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _start_worker(name: str, log: Path, **env: str) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": _broker(),
        "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
        **env,
    }
    celery = str(Path(sys.executable).with_name("celery"))
    handle = log.open("w")
    process = subprocess.Popen(
        [celery, "-A", "tests.documents.killable_worker", "worker", "--pool=solo",
         "--loglevel=INFO", "--without-mingle", "--without-gossip", "--without-heartbeat",
         "-n", f"{name}@%h"],
        cwd=ROOT, env=environment, stdout=handle, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    process.log_handle = handle
    return process


def _stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    process.log_handle.close()


def _wait_for(check, timeout: float, what: str, logs: list[Path]):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.3)
    tails = "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in logs if p.exists())
    pytest.fail(f"{what} : délai dépassé\n{tails}")


@pytest.fixture
def redis_app():
    import redis

    broker = _broker()
    redis.Redis.from_url(broker).flushdb()
    saved = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = broker
    app._pool = None
    app.amqp._producer_pool = None
    yield app
    app.conf.task_always_eager, app.conf.broker_url = saved
    app._pool = None
    app.amqp._producer_pool = None
    redis.Redis.from_url(broker).flushdb()


@pytest.mark.services
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_task_then_a_new_worker_finishes(redis_app, place, tmp_path):
    marker = tmp_path / "started"
    logs = [tmp_path / "worker1.log", tmp_path / "worker2.log"]
    document = request_document(
        place=place,
        subject_key="application:kill",
        context=sample_context("arrete_labellisation"),
        audience=readers(place),
    )  # autocommit: on_commit publishes to Redis at once
    first = _start_worker(
        "kill1", logs[0], DOCUMENTS_TEST_RENDER_DELAY="60", DOCUMENTS_TEST_MARKER=str(marker)
    )
    second = None
    try:
        _wait_for(marker.exists, 60, "le premier worker n'a pas commencé", logs)
        document.refresh_from_db()
        assert document.status == DocumentStatus.RUNNING
        _stop(first, signal.SIGKILL)
        assert first.returncode == -signal.SIGKILL

        second = _start_worker("kill2", logs[1])
        _wait_for(
            lambda: Document.objects.filter(pk=document.pk, status="ready").exists(),
            90,
            "le second worker n'a pas produit le document",
            logs,
        )
    finally:
        _stop(first, signal.SIGKILL)
        if second is not None:
            _stop(second)

    documents = Document.objects.filter(kind="arrete_labellisation", subject_key="application:kill")
    assert documents.count() == 1
    document = documents.get()
    assert document.status == DocumentStatus.READY and document.revision == 1
    assert document.attempts == 2
    stored = list((Path(django_settings.MEDIA_ROOT) / "documents" / "officiels").iterdir())
    assert len(stored) == 1
    assert hashlib.sha256(stored[0].read_bytes()).hexdigest() == document.sha256
