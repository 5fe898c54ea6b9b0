"""The real services of production: PostgreSQL, Redis as cache and Celery broker, a worker."""

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache
from django.db import connection

from config.celery import app


@app.task(name="tests.add")
def add(x: int, y: int) -> int:
    return x + y


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
    app.conf.task_always_eager = False
    app.conf.result_backend = settings.REDIS_URL
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
            assert add.delay(2, 3).get(timeout=20) == 5
    finally:
        app.conf.task_always_eager = True
        app.conf.result_backend = None
