"""Handing work to Celery without making the user pay for a broker that is down.

``enqueue(task, *args)`` publishes the task; when the broker cannot be reached (Redis stopped,
restarting, network cut) it logs a warning and returns False instead of raising: the request
that asked for the work has already committed what it did, and its answer must not become an
error. The work itself is recorded in the database (a document ``pending``, a journal entry
without its e-mail) and a periodic catch-up sends it again once the broker is back:
``documents.requeue_stale_documents`` (every 10 minutes) and
``workflows.resend_unsent_notifications`` (every 10 minutes). Tasks are idempotent, so a task
sent twice does its work once."""

from __future__ import annotations

import logging

from kombu.exceptions import OperationalError

logger = logging.getLogger("estampille.queue")

# Publishing retries briefly, then gives up: a user waits at most about a second.
RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.3, "interval_max": 0.5}


def enqueue(task, *args) -> bool:
    if task.app.conf.task_always_eager:
        task.apply_async(args=args)  # in-process (make run, tests): errors are the task's own
        return True
    try:
        task.apply_async(args=args, retry=True, retry_policy=RETRY_POLICY)
    except (OperationalError, OSError) as error:
        logger.warning(
            "broker injoignable, tâche %s remise à plus tard : %s", task.name, type(error).__name__
        )
        return False
    return True
