"""The settings a newcomer relies on: production refuses to start without what it needs, says why
in French, and passes Django's deployment checks; development and tests need nothing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROD_ENV = {
    "SECRET_KEY": "x" * 64 + "-a-long-and-random-production-secret",
    "ALLOWED_HOSTS": "estampille.gouv.fr",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/estampille",
    "SITE_URL": "https://estampille.gouv.fr",
    "EMAIL_URL": "smtp+tls://estampille:secret@relais.gouv.fr:587",
}
SETTINGS_VARIABLES = (
    "DJANGO_SETTINGS_MODULE",
    *PROD_ENV,
    "EMAIL_BACKEND",
    "CSRF_TRUSTED_ORIGINS",
)


def run_python(code: str, *, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "config.settings.prod", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRINT_SETTINGS = (
    "import django; from django.conf import settings; django.setup(); "
    "print(settings.SETTINGS_MODULE, settings.EMAIL_BACKEND, settings.EMAIL_HOST, "
    "settings.EMAIL_PORT, settings.EMAIL_USE_TLS, settings.SITE_URL, sep='|')"
)


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "SITE_URL", "EMAIL_URL"])
def test_prod_refuses_to_start_without_its_environment(missing):
    env = {k: v for k, v in PROD_ENV.items() if k != missing}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert f"La variable d'environnement {missing} est obligatoire en production." in result.stderr


@pytest.mark.parametrize(
    ("site_url", "words"),
    [
        ("http://estampille.gouv.fr", "en https"),
        ("https://127.0.0.1:8000", "désigne cette machine"),
        ("https://localhost", "désigne cette machine"),
        ("https://[::1]/", "désigne cette machine"),
        ("https://autre-site.gouv.fr", "doit figurer dans ALLOWED_HOSTS"),
        ("estampille.gouv.fr", "en https"),
    ],
)
def test_prod_refuses_a_site_url_that_people_cannot_reach(site_url, words):
    result = run_manage("check", env={**PROD_ENV, "SITE_URL": site_url})
    assert result.returncode != 0
    assert words in result.stderr


def test_prod_check_deploy_prints_no_warning():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr


def test_prod_secures_cookies_and_transport():
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.SECURE_HSTS_SECONDS, settings.SECURE_SSL_REDIRECT, "
        "settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, "
        "settings.SESSION_COOKIE_NAME, settings.X_FRAME_OPTIONS, settings.SECURE_REFERRER_POLICY, "
        "settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['upgrade-insecure-requests'], "
        "settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['script-src'], sep='|')"
    )
    out = run_python(code, env={**PROD_ENV, "DJANGO_SETTINGS_MODULE": "config.settings.prod"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().split("|") == [
        "31536000",
        "True",
        "True",
        "True",
        "__Host-estampille-session",
        "DENY",
        "same-origin",
        "True",
        "[\"'self'\"]",
    ]


def test_prod_sends_e_mails_as_email_url_says_and_email_backend_overrides_the_backend():
    env = {**PROD_ENV, "DJANGO_SETTINGS_MODULE": "config.settings.prod"}
    out = run_python(PRINT_SETTINGS, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().split("|") == [
        "config.settings.prod",
        "django.core.mail.backends.smtp.EmailBackend",
        "relais.gouv.fr",
        "587",
        "True",
        "https://estampille.gouv.fr",
    ]
    custom = "django.core.mail.backends.filebased.EmailBackend"
    out = run_python(PRINT_SETTINGS, env={**env, "EMAIL_BACKEND": custom})
    assert out.stdout.split("|")[1] == custom


def test_development_is_the_default_of_manage_py_and_celery():
    """manage.py, Celery (and so `make worker`/`make beat`) load the same settings: dev, unless
    DJANGO_SETTINGS_MODULE asks for another; e-mails on the console, links to this machine."""
    code = (
        "import os, sys; sys.argv = ['manage.py']; "
        "import config.celery, manage; "
        "print(os.environ['DJANGO_SETTINGS_MODULE'], config.celery.app.main); " + PRINT_SETTINGS
    )
    out = run_python(code, env={})
    assert out.returncode == 0, out.stderr
    first, second = out.stdout.strip().splitlines()
    assert first == "config.settings.dev estampille"
    assert second.split("|")[:2] == [
        "config.settings.dev",
        "django.core.mail.backends.console.EmailBackend",
    ]
    assert second.split("|")[-1] == "http://127.0.0.1:8000"


def test_tests_keep_e_mails_in_memory(settings):
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend"


def test_documents_are_verified_at_site_url(settings):
    from documents.services import verify_url

    settings.SITE_URL = "https://estampille.gouv.fr/"
    assert verify_url("AB12-CD34-EF56") == "https://estampille.gouv.fr/verifier/AB12-CD34-EF56/"


def test_every_setting_the_code_reads_is_declared_in_base():
    """`settings.X` and `getattr(settings, "X", …)` in the apps name settings of base.py (or of
    Django itself): a default hidden in the code would differ from the one documented."""
    import re

    from django.conf import global_settings

    from config.settings import base

    names = set()
    for package in ("config", "labelling", "workflows", "documents"):
        for path in (ROOT / package).rglob("*.py"):
            if "settings" in path.parts or "migrations" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            names |= set(re.findall(r"\bsettings\.([A-Z][A-Z0-9_]+)", text))
            names |= set(re.findall(r"getattr\(\s*settings,\s*[\"']([A-Z][A-Z0-9_]+)", text))
    undeclared = sorted(
        n for n in names if not hasattr(base, n) and not hasattr(global_settings, n)
    )
    assert names and not undeclared
