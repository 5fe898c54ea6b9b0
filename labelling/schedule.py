"""Celery beat entries of the labelling app; config/settings/base.py merges them."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # The open data of the places in force (CSV of the national list, JSON of the national
    # standards), published every night for the day that starts.
    "labelling-publish-opendata": {
        "task": "labelling.tasks.publish_opendata_files",
        "schedule": crontab(hour=2, minute=15),
    },
}
