"""Celery beat entries of the workflows app; config/settings/base.py merges them:

from workflows.schedule import BEAT_SCHEDULE as WORKFLOWS_BEAT_SCHEDULE
CELERY_BEAT_SCHEDULE.update(WORKFLOWS_BEAT_SCHEDULE)
"""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "workflows-remind-overdue-opinions": {
        "task": "workflows.tasks.remind_overdue_opinions",
        "schedule": crontab(hour=7, minute=30),
    },
    # E-mails asked for while the broker was down (labelling/queueing.py) go out once it is back.
    "workflows-resend-unsent-notifications": {
        "task": "workflows.resend_unsent_notifications",
        "schedule": crontab(minute="*/10"),
    },
    "workflows-overdue-digest": {
        "task": "workflows.tasks.send_overdue_digests",
        "schedule": crontab(hour=7, minute=45, day_of_week="mon-fri"),
    },
    # The national status page's figures, computed ahead within their cache time
    # (NETWORK_STATUS_CACHE_SECONDS, 5 minutes by default).
    "workflows-warm-network-status": {
        "task": "workflows.dashboard.tasks.warm_network_status",
        "schedule": crontab(minute="*/4"),
    },
}
