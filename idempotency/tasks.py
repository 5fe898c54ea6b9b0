"""Housekeeping of the one-time keys."""

from celery import shared_task


@shared_task(name="idempotency.purge_submitted_forms", acks_late=True)
def purge_submitted_forms() -> int:
    from idempotency.keys import purge

    return purge()
