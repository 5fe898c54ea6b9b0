"""Celery beat entries of the labelling app; config/settings/base.py merges them."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # The open data of the places in force (CSV of the national list, JSON of the national
    # standards), published every night for the day that starts.
    "labelling-publish-opendata": {
        "task": "labelling.tasks.publish_opendata_files",
        "schedule": crontab(hour=2, minute=15),
    },
    # The coverage of the population (EPCI with a place, distance to the nearest place) that
    # the network's status pages show, with its time: every hour, a few seconds.
    # Impact studies asked for while the broker was down (labelling/queueing.py) are sent again.
    "labelling-requeue-stale-impact-runs": {
        "task": "labelling.requeue_stale_impact_runs",
        "schedule": crontab(minute="*/10"),
    },
    "labelling-refresh-coverage": {
        "task": "labelling.tasks.refresh_coverage",
        "schedule": crontab(minute=7),
    },
}
