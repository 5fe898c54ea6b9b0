"""The embedded default of `make run`: SQLite, tasks run eagerly in-process, e-mails on the console."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)

# A self-signed seal is created on first use (never in production).
DOCUMENTS_SEAL_DEV_PAIR = True
