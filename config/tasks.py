"""Celery tasks of the project itself (housekeeping)."""

from celery import shared_task


@shared_task(name="config.sweep_orphan_files", acks_late=True)
def sweep_orphan_files() -> int:
    from config.files import sweep_orphan_files as sweep

    return len(sweep().orphans)


@shared_task(name="config.purge_submitted_forms", acks_late=True)
def purge_submitted_forms() -> int:
    from config.idempotency import purge

    return purge()
