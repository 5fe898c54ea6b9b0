"""Settings shared by every environment. Values that change between machines come from the
environment (django-environ); dev.py (the default of manage.py and Celery), test.py and prod.py
(only when asked: DJANGO_SETTINGS_MODULE=config.settings.prod) adjust them.

Every setting the code reads is declared here, with its default and why."""

import datetime
from pathlib import Path

import environ
from csp.constants import NONE, SELF

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
    "axes",
    "csp",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # One-time keys of the forms: the lowest layer, every app may use it (idempotency/).
    "idempotency",
    "labelling",
    "workflows",
    "workflows.onboarding",
    "workflows.funding",
    "workflows.renewal",
    "documents",
    # The project itself, above the domain apps: demo data, navigation (config/apps.py).
    "config",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "config.errors.CleanQueryStringMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "config.auth.SessionTimeoutMiddleware",
    # 401/403/404 on a page or an endpoint: who (account number), what, when (config/access_log.py).
    "config.access_log.RefusedAccessLogMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.errors.DatabaseBusyMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into config.auth.lockout_response.
    "axes.middleware.AxesMiddleware",
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
            # {% once %}: the one-time key of the forms that create something.
            "builtins": ["idempotency.templatetags.once"],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# SQLite file by default (make run); PostgreSQL in CI and production (DATABASE_URL).
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database takes one writer at a time. A transaction that starts as a reader
    # and then writes cannot wait for the lock (« database is locked » at once, e.g. three
    # people signing together): every transaction takes the write lock when it begins
    # (IMMEDIATE) and waits up to SQLITE_TIMEOUT seconds for it. Beyond that the person is
    # asked to retry, nothing written (config.errors.DatabaseBusyMiddleware).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": env.int("SQLITE_TIMEOUT", default=20), "transaction_mode": "IMMEDIATE"}
    )
# Seconds a database connection is kept between requests (0: one per request).
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "labelling.User"
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out account is refused before its password is even checked
    # (django-axes: every call to authenticate() must pass the request).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # ProConnect (OpenID Connect): answers only on its own callback, and only when enabled.
    "config.proconnect.ProConnectBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Password rules for everyone (Django's validators, whose messages Django gives in French):
# at least 12 characters, not too close to the e-mail or name, not a common password, not
# only digits.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row

# --- Sign-in throttling (django-axes; config/auth.py) ---
# After AXES_FAILURE_LIMIT failed sign-ins for one account from one network address, that pair
# is locked for AXES_COOLOFF_MINUTES; the sign-in page says so, in French. Locking the pair
# (not the account alone) keeps a stranger from locking an agent out from elsewhere.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "config.auth.axes_username"
AXES_LOCKOUT_CALLABLE = "config.auth.lockout_response"
AXES_CLIENT_IP_CALLABLE = "config.auth.client_address"
# ProConnect's callback carries no password to guess: it is not counted (a préfecture's agents
# sharing one network address are not locked out by a colleague's refused sign-in).
AXES_WHITELIST_CALLABLE = "config.auth.axes_not_counted"
# Failed attempts are kept (to count them, and for the admin); successful sign-ins are not.
AXES_DISABLE_ACCESS_LOG = True
# Behind TRUSTED_PROXY_COUNT reverse proxies that each append to X-Forwarded-For, the client's
# network address is that header's entry as many hops from the right; with none (default), the
# connection's own address. Used to count sign-in and password reset attempts.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Password reset requests (config/auth.py): at most this many per address and per network
# address within the window (seconds); beyond, nothing is sent and the page says why.
PASSWORD_RESET_LIMIT_PER_EMAIL = env.int("PASSWORD_RESET_LIMIT_PER_EMAIL", default=3)
PASSWORD_RESET_LIMIT_PER_IP = env.int("PASSWORD_RESET_LIMIT_PER_IP", default=10)
PASSWORD_RESET_LIMIT_WINDOW = env.int("PASSWORD_RESET_LIMIT_WINDOW", default=3600)

# --- ProConnect: sign-in of State agents by OpenID Connect (config/proconnect.py) ---
# Off by default. When on, the sign-in page offers « S'identifier avec ProConnect » to the
# instructors, signataires and national users: the account is the one whose e-mail is the
# agent's (never created, never given a role by the sign-in; an administrator grants it).
# PROCONNECT_URL is the provider's base address (its endpoints are /authorize, /token,
# /userinfo, /jwks and /session/end below it, as ProConnect publishes them); each one can be
# given by its own OIDC_OP_* variable instead. The client id and secret are those ProConnect
# gives for this site, whose callback is SITE_URL + /compte/proconnect/retour/ and whose
# post-logout address is SITE_URL + /compte/connexion/.
PROCONNECT_ENABLED = env.bool("PROCONNECT_ENABLED", default=False)
PROCONNECT_URL = env("PROCONNECT_URL", default="").rstrip("/")


def _proconnect_endpoint(name: str, path: str) -> str:
    return env(name, default=f"{PROCONNECT_URL}{path}" if PROCONNECT_URL else "")


OIDC_OP_AUTHORIZATION_ENDPOINT = _proconnect_endpoint(
    "OIDC_OP_AUTHORIZATION_ENDPOINT", "/authorize"
)
OIDC_OP_TOKEN_ENDPOINT = _proconnect_endpoint("OIDC_OP_TOKEN_ENDPOINT", "/token")
OIDC_OP_USER_ENDPOINT = _proconnect_endpoint("OIDC_OP_USER_ENDPOINT", "/userinfo")
OIDC_OP_JWKS_ENDPOINT = _proconnect_endpoint("OIDC_OP_JWKS_ENDPOINT", "/jwks")
OIDC_OP_LOGOUT_ENDPOINT = _proconnect_endpoint("OIDC_OP_LOGOUT_ENDPOINT", "/session/end")
OIDC_RP_CLIENT_ID = env("PROCONNECT_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env("PROCONNECT_CLIENT_SECRET", default="")
# ProConnect signs its ID tokens and user information with RS256 unless asked otherwise.
OIDC_RP_SIGN_ALGO = env("PROCONNECT_SIGN_ALGO", default="RS256")
# The claims ProConnect gives as scopes: the agent's e-mail, first name and last name.
OIDC_RP_SCOPES = env("PROCONNECT_SCOPES", default="openid email given_name usual_name")
OIDC_AUTHENTICATION_CALLBACK_URL = "proconnect_callback"
OIDC_CREATE_USER = False
# The ID token is kept in the session: signing out of Estampille also ends the ProConnect
# session (its end_session endpoint wants it as id_token_hint).
OIDC_STORE_ID_TOKEN = True
OIDC_USE_PKCE = env.bool("PROCONNECT_USE_PKCE", default=True)
# Seconds to wait for ProConnect's answers before telling the agent it does not answer.
OIDC_TIMEOUT = env.int("PROCONNECT_TIMEOUT", default=10)
if PROCONNECT_ENABLED and OIDC_OP_LOGOUT_ENDPOINT:
    # Signing out is a form whose answer goes on to ProConnect's end of session.
    from urllib.parse import urlsplit as _urlsplit

    _logout = _urlsplit(OIDC_OP_LOGOUT_ENDPOINT)
    PROCONNECT_ORIGIN = f"{_logout.scheme}://{_logout.netloc}"
else:
    PROCONNECT_ORIGIN = ""

# --- Sessions ---
# A session ends when the browser closes, after SESSION_IDLE_TIMEOUT seconds without a request,
# and at the latest SESSION_COOKIE_AGE seconds after signing in (config.auth middleware).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=10 * 3600)
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)

# --- Security headers (prod.py adds HSTS, secure cookies and the https redirect) ---
# Content-Security-Policy (django-csp): only this site's own scripts, styles, fonts, images and
# connections; no inline script and no inline style (templates use static files and classes; a
# test reads them), no plugin, no framing. Images may be data: URIs (the DSFR's CSS icons).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "frame-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF, *([PROCONNECT_ORIGIN] if PROCONNECT_ORIGIN else [])],
    }
}
# Permissions-Policy (django-permissions-policy): no powerful feature for anyone, except
# geolocation for this site itself (the public directory's « près de chez moi », on a click).
PERMISSIONS_POLICY = {
    "geolocation": ["self"],
    **{
        feature: []
        for feature in (
            "accelerometer",
            "autoplay",
            "bluetooth",
            "browsing-topics",
            "camera",
            "display-capture",
            "encrypted-media",
            "gyroscope",
            "hid",
            "idle-detection",
            "local-fonts",
            "magnetometer",
            "microphone",
            "midi",
            "payment",
            "publickey-credentials-get",
            "screen-wake-lock",
            "serial",
            "usb",
            "xr-spatial-tracking",
        )
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

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
# Where people write when they cannot use a page (the accessibility statement, RGAA).
ACCESSIBILITY_CONTACT_EMAIL = env(
    "ACCESSIBILITY_CONTACT_EMAIL", default="accessibilite@estampille.local"
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

from celery.schedules import crontab  # noqa: E402

from workflows.schedule import BEAT_SCHEDULE as WORKFLOWS_BEAT_SCHEDULE  # noqa: E402

CELERY_BEAT_SCHEDULE.update(WORKFLOWS_BEAT_SCHEDULE)
from labelling.schedule import BEAT_SCHEDULE as LABELLING_BEAT_SCHEDULE  # noqa: E402

CELERY_BEAT_SCHEDULE.update(LABELLING_BEAT_SCHEDULE)
from workflows.renewal.schedule import BEAT_SCHEDULE as RENEWAL_BEAT_SCHEDULE  # noqa: E402

CELERY_BEAT_SCHEDULE.update(RENEWAL_BEAT_SCHEDULE)
from workflows.funding.schedule import BEAT_SCHEDULE as FUNDING_BEAT_SCHEDULE  # noqa: E402

CELERY_BEAT_SCHEDULE.update(FUNDING_BEAT_SCHEDULE)
# Documents left pending or running (a worker lost, a broker restarted) are sent again.
CELERY_BEAT_SCHEDULE["documents-requeue-stale"] = {
    "task": "documents.requeue_stale_documents",
    "schedule": 600,
}

# Housekeeping (config/tasks.py): stored files that no row references, older than
# ORPHAN_FILE_GRACE_HOURS, deleted every night (config/files.py); forms' one-time keys purged.
ORPHAN_FILE_GRACE_HOURS = env.float("ORPHAN_FILE_GRACE_HOURS", default=24)
CELERY_BEAT_SCHEDULE["config-sweep-orphan-files"] = {
    "task": "config.sweep_orphan_files",
    "schedule": crontab(hour=3, minute=15),
}
CELERY_BEAT_SCHEDULE["idempotency-purge-submitted-forms"] = {
    "task": "idempotency.purge_submitted_forms",
    "schedule": crontab(hour=3, minute=30),
}

# Stage deadlines in calendar days, by stage (JSON, e.g. {"completeness": 15}); the stages not
# given keep the defaults of workflows/deadlines.py.
WORKFLOW_DEADLINES: dict = env.json("WORKFLOW_DEADLINES", default={})
# The network's status pages (/reseau/): seconds their figures stay in the shared cache (a beat
# task computes the national ones ahead); 0 computes them on every request.
NETWORK_STATUS_CACHE_SECONDS = env.int("NETWORK_STATUS_CACHE_SECONDS", default=300)
# Invitations of the porteurs of imported places (workflows/onboarding): days a link stays valid.
ONBOARDING_INVITATION_DAYS = env.int("ONBOARDING_INVITATION_DAYS", default=14)
# Yearly reviews (workflows/renewal): the day (« MM-JJ ») the year's campaign opens, the days
# after the opening when porteurs who have not answered are reminded (each once), and the stage
# deadlines in days (JSON: answer, instruction, suspension, decision, notice).
RENEWAL_CAMPAIGN_DATE = env("RENEWAL_CAMPAIGN_DATE", default="01-15")
RENEWAL_REMINDER_DAYS: list = env.list("RENEWAL_REMINDER_DAYS", cast=int, default=[15, 30])
RENEWAL_DEADLINES: dict = env.json("RENEWAL_DEADLINES", default={})
# Supporting documents (documents/uploads.py): largest file accepted, in bytes, and largest
# number of pages of a PDF.
DOCUMENTS_UPLOAD_MAX_BYTES = env.int("DOCUMENTS_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
DOCUMENTS_UPLOAD_MAX_PAGES = env.int("DOCUMENTS_UPLOAD_MAX_PAGES", default=100)
# What the silence of the préfecture on a labelling request means (CRPA L231-1: acceptance as a
# rule; L231-4 and its decrees: rejection, e.g. for decisions of a financial nature): a policy
# choice the accusé de réception states, "rejet" or "acceptation", and after how many months.
DOCUMENTS_IMPLICIT_DECISION = env("DOCUMENTS_IMPLICIT_DECISION", default="rejet")
DOCUMENTS_IMPLICIT_DECISION_MONTHS = env.int("DOCUMENTS_IMPLICIT_DECISION_MONTHS", default=2)
# The public verification page answers a client (network address) at most this many times per
# window (seconds): codes cannot be tried in bulk.
# The electronic seal of decisions (PAdES, pyHanko): private key and certificate in PEM, and
# the key's passphrase if any. DOCUMENTS_SEAL_DEV_PAIR creates a self-signed pair where none
# exists (development and tests only; production must be given a real one).
DOCUMENTS_SEAL_KEY = env("DOCUMENTS_SEAL_KEY", default=str(BASE_DIR / "var" / "seal" / "key.pem"))
DOCUMENTS_SEAL_CERT = env(
    "DOCUMENTS_SEAL_CERT", default=str(BASE_DIR / "var" / "seal" / "certificate.pem")
)
DOCUMENTS_SEAL_PASSPHRASE = env("DOCUMENTS_SEAL_PASSPHRASE", default="")
DOCUMENTS_SEAL_DEV_PAIR = env.bool("DOCUMENTS_SEAL_DEV_PAIR", default=False)
DOCUMENTS_VERIFY_LIMIT = env.int("DOCUMENTS_VERIFY_LIMIT", default=30)
DOCUMENTS_VERIFY_WINDOW = env.int("DOCUMENTS_VERIFY_WINDOW", default=60)

# viewflow: no middleware or URL registered behind our back (see ../shared/STACK.md).
VIEWFLOW = {"AUTOREGISTER": False}

# Logs go to standard error, at LOG_LEVEL (INFO by default).
# Days the one-time keys of the forms are kept (a second post of a form is recognised that long;
# idempotency/keys.py).
SUBMITTED_FORM_DAYS = env.int("SUBMITTED_FORM_DAYS", default=7)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # django-axes reports every sign-in at INFO; its lockout warnings are kept.
        "axes": {"level": "WARNING"},
    },
}

# --- REST API (/api/v1/: config/api_urls.py, labelling/rest.py, workflows/rest.py) ---
# Read-only, JSON only (no browsable API: its pages carry inline scripts). Public endpoints (the
# places in force, the published versions) need no account; the others a token
# (« Authorization: Token … », made on /compte/jeton-api/) or the session. Requests are
# throttled per network address (anonymous) and per user; errors are French JSON.
API_PUBLIC_RATE = env("API_PUBLIC_RATE", default="120/min")
API_USER_RATE = env("API_USER_RATE", default="600/min")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"public": API_PUBLIC_RATE, "user": API_USER_RATE},
    "EXCEPTION_HANDLER": "labelling.rest.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # « ?format= » filters places by format; it never picks a renderer.
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API Estampille",
    "DESCRIPTION": (
        "Lieux France Services en vigueur et versions du cahier des charges (sans compte, "
        "données sous Licence Ouverte 2.0) ; dossiers de candidature et décisions (avec un jeton, "
        'selon les mêmes droits que les pages). Erreurs en JSON : {"detail", "code"}.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}
