"""The Celery app of the e-mail kill test (`celery -A tests.faults.killable_mail_worker worker`).

Unacknowledged messages come back after 5 s; with MAIL_TEST_DELAY the sending waits (after
touching MAIL_TEST_MARKER) so that the test can kill the worker in the middle of an e-mail. The
e-mails are written as files (MAIL_TEST_DIR), one per e-mail sent, for the test to count."""

import os
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django
from django.conf import settings

settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
settings.EMAIL_FILE_PATH = os.environ["MAIL_TEST_DIR"]
django.setup()

from config.celery import app  # noqa: E402
from workflows import emails, tasks  # noqa: E402, F401

app.conf.task_always_eager = False
app.conf.broker_url = os.environ["CELERY_BROKER_URL"]
app.conf.broker_transport_options = {
    "visibility_timeout": 5,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}

_delay = float(os.environ.get("MAIL_TEST_DELAY", "0") or 0)
_marker = os.environ.get("MAIL_TEST_MARKER", "")

if _delay:
    _send = emails.EmailMultiAlternatives.send

    def _slow_send(message, *args, **kwargs):
        if _marker:
            Path(_marker).write_text("envoi commencé")
        time.sleep(_delay)
        return _send(message, *args, **kwargs)

    emails.EmailMultiAlternatives.send = _slow_send

__all__ = ["app"]
