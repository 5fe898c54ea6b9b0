"""The real services of production: PostgreSQL, Redis as cache and Celery broker, a worker."""

import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache
from django.db import connection

from config.celery import app


@app.task(name="tests.add")
def add(x: int, y: int, key: str) -> None:
    cache.set(key, x + y, 60)


@pytest.mark.services
@pytest.mark.django_db
def test_database_is_postgresql():
    assert connection.vendor == "postgresql"


@pytest.mark.services
def test_cache_is_redis(settings):
    assert "redis" in settings.CACHES["default"]["BACKEND"].lower()
    cache.set("estampille-test", "ok", 10)
    assert cache.get("estampille-test") == "ok"


@pytest.mark.services
def test_a_real_worker_runs_tasks_from_the_redis_broker(settings):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    key = f"estampille-test-{uuid.uuid4()}"
    app.conf.task_always_eager = False
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
            add.delay(2, 3, key)
            deadline = time.monotonic() + 20
            while cache.get(key) is None and time.monotonic() < deadline:
                time.sleep(0.1)
    finally:
        app.conf.task_always_eager = True
    assert cache.get(key) == 5
