"""Production: everything comes from the environment; refuses to start without the essentials.

Chosen only when asked: DJANGO_SETTINGS_MODULE=config.settings.prod (and by config/wsgi.py,
which only a production server loads)."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.http.request import validate_host

from .base import *  # noqa: F403
from .base import env

for required in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "SITE_URL", "EMAIL_URL"):
    if not env(required, default=""):
        raise ImproperlyConfigured(
            f"La variable d'environnement {required} est obligatoire en production."
        )

if env.bool("PROCONNECT_ENABLED", default=False):
    for required, value in (
        ("PROCONNECT_CLIENT_ID", OIDC_RP_CLIENT_ID),  # noqa: F405
        ("PROCONNECT_CLIENT_SECRET", OIDC_RP_CLIENT_SECRET),  # noqa: F405
        ("PROCONNECT_URL (ou OIDC_OP_AUTHORIZATION_ENDPOINT)", OIDC_OP_AUTHORIZATION_ENDPOINT),  # noqa: F405
        ("PROCONNECT_URL (ou OIDC_OP_TOKEN_ENDPOINT)", OIDC_OP_TOKEN_ENDPOINT),  # noqa: F405
        ("PROCONNECT_URL (ou OIDC_OP_USER_ENDPOINT)", OIDC_OP_USER_ENDPOINT),  # noqa: F405
        ("PROCONNECT_URL (ou OIDC_OP_JWKS_ENDPOINT)", OIDC_OP_JWKS_ENDPOINT),  # noqa: F405
    ):
        if not value:
            raise ImproperlyConfigured(
                f"ProConnect est activé (PROCONNECT_ENABLED) : {required} est obligatoire."
            )

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

SITE_URL = env("SITE_URL").rstrip("/")
_site = urlsplit(SITE_URL)
if _site.scheme != "https" or not _site.hostname:
    raise ImproperlyConfigured(
        f"SITE_URL doit être l'adresse publique du site en https (par exemple "
        f"https://estampille.example.gouv.fr), pas « {SITE_URL} »."
    )
if _site.hostname in ("localhost", "::1") or _site.hostname.startswith("127."):
    raise ImproperlyConfigured(
        f"SITE_URL désigne cette machine (« {SITE_URL} ») : les liens des courriels et les codes "
        "QR des documents seraient inutilisables. Donnez l'adresse publique du site."
    )
if not validate_host(_site.hostname, ALLOWED_HOSTS):
    raise ImproperlyConfigured(
        f"L'hôte de SITE_URL (« {_site.hostname} ») doit figurer dans ALLOWED_HOSTS."
    )
CSRF_TRUSTED_ORIGINS = env.list(
    "CSRF_TRUSTED_ORIGINS", default=[f"https://{h}" for h in ALLOWED_HOSTS]
)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# "__Host-" cookies are only accepted over https, for this exact host, on every path.
SESSION_COOKIE_NAME = "__Host-estampille-session"
CSRF_COOKIE_NAME = "__Host-estampille-csrf"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],  # noqa: F405
        "upgrade-insecure-requests": True,
    }
}

# EMAIL_URL gives the backend and its server (smtp://relais:25, smtp+tls://user:pass@host:587,
# consolemail://…); EMAIL_BACKEND, when set, overrides the backend only.
EMAIL_CONFIG = env.email_url("EMAIL_URL")
globals().update(EMAIL_CONFIG)
EMAIL_BACKEND = env("EMAIL_BACKEND", default=EMAIL_CONFIG["EMAIL_BACKEND"])
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
