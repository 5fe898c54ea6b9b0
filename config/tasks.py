"""Celery tasks of the project itself (housekeeping)."""

from celery import shared_task


@shared_task(name="config.sweep_orphan_files", acks_late=True)
def sweep_orphan_files() -> int:
    from config.files import sweep_orphan_files as sweep

    return len(sweep().orphans)
