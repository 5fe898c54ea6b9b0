"""Celery beat entries of the yearly reviews; config/settings/base.py merges them. The
campaign task runs every day and opens the year's campaign from `RENEWAL_CAMPAIGN_DATE` on
(idempotent: it only creates the reviews that are missing)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "renewal-open-due-campaign": {
        "task": "workflows.renewal.tasks.open_due_campaign",
        "schedule": crontab(hour=6, minute=0),
    },
    "renewal-send-reminders": {
        "task": "workflows.renewal.tasks.send_review_reminders",
        "schedule": crontab(hour=7, minute=15),
    },
    "renewal-overdue-digest": {
        "task": "workflows.renewal.tasks.send_overdue_review_digests",
        "schedule": crontab(hour=7, minute=50, day_of_week="mon-fri"),
    },
    "renewal-wake-due-notices": {
        "task": "workflows.renewal.tasks.wake_due_notices",
        "schedule": crontab(hour=6, minute=30),
    },
}
