"""Tests: SQLite in memory by default; with CI=true (or DATABASE_URL set) PostgreSQL and Redis."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env

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

# A self-signed seal is created on first use (never in production), in the checkout: two
# checkouts tested at once on one machine never share (nor replace) each other's pair.
DOCUMENTS_SEAL_DEV_PAIR = True
DOCUMENTS_SEAL_KEY = env(
    "DOCUMENTS_SEAL_KEY", default=str(BASE_DIR / "var" / "test-seal" / "key.pem")
)
DOCUMENTS_SEAL_CERT = env(
    "DOCUMENTS_SEAL_CERT", default=str(BASE_DIR / "var" / "test-seal" / "certificate.pem")
)
