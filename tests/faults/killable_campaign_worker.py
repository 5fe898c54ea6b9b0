"""The Celery app of the campaign kill tests (`celery -A tests.faults.killable_campaign_worker
worker`): the e-mail kill test's app (unacknowledged messages back after 5 s, MAIL_TEST_DELAY
slows each e-mail, e-mails written as files in MAIL_TEST_DIR), and with CAMPAIGN_TEST_DELAY the
opening of a campaign waits inside its transaction, after its reviews are written and before it
commits (touching CAMPAIGN_TEST_MARKER), so that the test can kill the worker there; with
REMINDER_TEST_DELAY the reminders wait after the first one is committed (touching
REMINDER_TEST_MARKER), the others not yet written."""

import os
import time
from pathlib import Path

from tests.faults.killable_mail_worker import app

_delay = float(os.environ.get("CAMPAIGN_TEST_DELAY", "0") or 0)
_marker = os.environ.get("CAMPAIGN_TEST_MARKER", "")

if _delay:
    from django.db import transaction

    from workflows.renewal import services

    _open = services.open_campaign

    def _slow_open(**kwargs):
        with transaction.atomic():
            outcome = _open(**kwargs)
            if _marker:
                Path(_marker).write_text(f"{outcome.created} revues écrites, non validées")
            time.sleep(_delay)
        return outcome

    services.open_campaign = _slow_open

_reminder_delay = float(os.environ.get("REMINDER_TEST_DELAY", "0") or 0)
_reminder_marker = os.environ.get("REMINDER_TEST_MARKER", "")

if _reminder_delay:
    from contextlib import contextmanager

    from workflows.renewal import services as renewal_services

    _transition = renewal_services.transition
    _done = []

    @contextmanager
    def _slow_transition(*args, **kwargs):
        with _transition(*args, **kwargs) as run:
            yield run
        _done.append(args[1:2])
        if len(_done) == 1:  # the first reminder is committed
            if _reminder_marker:
                Path(_reminder_marker).write_text("une relance validée")
            time.sleep(_reminder_delay)

    renewal_services.transition = _slow_transition

__all__ = ["app"]
