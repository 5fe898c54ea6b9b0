"""The Celery app of the worker-kill test (`celery -A tests.documents.killable_worker worker`).

Unacknowledged messages come back after 5 s (not an hour), and with DOCUMENTS_TEST_RENDER_DELAY
the render waits (after touching DOCUMENTS_TEST_MARKER) so that the test can kill it mid-task."""

import os
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from config.celery import app  # noqa: E402
from documents import services  # noqa: E402

app.conf.task_always_eager = False
app.conf.broker_url = os.environ["CELERY_BROKER_URL"]
app.conf.broker_transport_options = {
    "visibility_timeout": 5,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}

_delay = float(os.environ.get("DOCUMENTS_TEST_RENDER_DELAY", "0") or 0)
_marker = os.environ.get("DOCUMENTS_TEST_MARKER", "")

if _delay:
    _render = services.official_pdf

    def _slow_render(**kwargs):
        if _marker:
            Path(_marker).write_text("rendu commencé")
        time.sleep(_delay)
        return _render(**kwargs)

    services.official_pdf = _slow_render

__all__ = ["app"]
