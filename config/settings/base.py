"""Settings shared by every environment. Values that change between machines come from the
environment (django-environ); dev.py (the default of manage.py and Celery), test.py and prod.py
(only when asked: DJANGO_SETTINGS_MODULE=config.settings.prod) adjust them.

Every setting the code reads is declared here, with its default and why."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

# Development only; prod.py requires a real one from the environment.
SECRET_KEY = env("SECRET_KEY", default="dev-only-not-secret-estampille")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
# The public address of the site, used for every absolute URL: links in e-mails (notifications,
# password reset) and the verification address printed and QR-coded on documents. prod.py
# requires an https address that is not this machine.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "dsfr",
    "widget_tweaks",
    "guardian",
    "viewflow",
    "viewflow.workflow",
    "labelling",
    "workflows",
    "documents",
    # The project itself, above the domain apps: demo data, navigation (config/apps.py).
    "config",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.navigation",
            ],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# SQLite file by default (make run); PostgreSQL in CI and production (DATABASE_URL).
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Seconds a database connection is kept between requests (0: one per request).
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "labelling.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Uploaded and generated files are never served from a public URL: views check rights first.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media-non-publique/"

# E-mails are printed on the console in development; test.py keeps them in memory; prod.py
# sends them as EMAIL_URL says (smtp://, smtp+tls://…), EMAIL_BACKEND overriding the backend.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="Estampille <ne-pas-repondre@estampille.local>"
)
# The sender of the error reports Django mails to ADMINS (none by default).
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# Redis serves as cache (and, by default, as Celery broker) when REDIS_URL is set; otherwise a
# per-process memory cache.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: the broker is CELERY_BROKER_URL, else REDIS_URL, else in memory (tasks then run
# eagerly, in the request's process: dev.py and test.py). Results are not stored: tasks write
# their outcome in the database.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {}

from workflows.schedule import BEAT_SCHEDULE as WORKFLOWS_BEAT_SCHEDULE  # noqa: E402

CELERY_BEAT_SCHEDULE.update(WORKFLOWS_BEAT_SCHEDULE)
# Documents left pending or running (a worker lost, a broker restarted) are sent again.
CELERY_BEAT_SCHEDULE["documents-requeue-stale"] = {
    "task": "documents.requeue_stale_documents",
    "schedule": 600,
}

# Stage deadlines in calendar days, by stage (JSON, e.g. {"completeness": 15}); the stages not
# given keep the defaults of workflows/deadlines.py.
WORKFLOW_DEADLINES: dict = env.json("WORKFLOW_DEADLINES", default={})
# Supporting documents (documents/uploads.py): largest file accepted, in bytes, and largest
# number of pages of a PDF.
DOCUMENTS_UPLOAD_MAX_BYTES = env.int("DOCUMENTS_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
DOCUMENTS_UPLOAD_MAX_PAGES = env.int("DOCUMENTS_UPLOAD_MAX_PAGES", default=100)

# viewflow: no middleware or URL registered behind our back (see ../shared/STACK.md).
VIEWFLOW = {"AUTOREGISTER": False}

# Logs go to standard error, at LOG_LEVEL (INFO by default).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"weasyprint.progress": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
