"""Celery beat entries of the funding files; config/settings/base.py merges them."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # The new year's funding files of every labelled place, in each préfecture's queue.
    "funding-open-year": {
        "task": "workflows.funding.tasks.open_new_year",
        "schedule": crontab(hour=6, minute=0, day_of_month=2, month_of_year=1),
    },
}
