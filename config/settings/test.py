"""Tests: SQLite in memory by default; with CI=true (or DATABASE_URL set) PostgreSQL and Redis."""

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = "test-only"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
MEDIA_ROOT = env.path("MEDIA_ROOT", default="/tmp/estampille-test-media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
