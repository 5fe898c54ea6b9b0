"""Sign-in throttling, password rules, session expiry, CSRF and security headers, as a person (or
an attacker) meets them through the pages."""

import datetime
import re
import time
from pathlib import Path

import pytest
from django.core import mail
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import InstructeurFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "un-mot-de-passe-long"


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """Counters live in the cache: each test gets its own key prefix (CACHES is reloaded)."""
    import uuid

    settings.CACHES = {
        alias: {**config, "KEY_PREFIX": uuid.uuid4().hex}
        for alias, config in settings.CACHES.items()
    }


def sign_in(client, email, password, address="192.0.2.10"):
    return client.post(
        reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=address
    )


# --- sign-in throttling ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_account_is_locked_after_repeated_failures_from_one_address(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(email="claire@example.fr", password=PASSWORD)
    for _ in range(2):
        response = sign_in(client, "claire@example.fr", "mauvais")
        assert response.status_code == 200
        assert "Adresse électronique ou mot de passe incorrect." in response.content.decode()
    # The third failure locks the account from this address, with the reason in French.
    response = sign_in(client, "Claire@Example.fr", "mauvais")
    page = response.content.decode()
    assert response.status_code == 429
    assert "Connexion bloquée pour quelques minutes" in page
    assert "ce compte est bloqué depuis cet appareil pendant 15 minutes" in page
    assert 'value="claire@example.fr"' in page
    # Even the right password is refused now, from this address only.
    assert sign_in(client, "claire@example.fr", PASSWORD).status_code == 429
    assert sign_in(client, "claire@example.fr", PASSWORD, address="198.51.100.7").status_code == 302


@pytest.mark.django_db
def test_the_lock_ends_after_the_cool_off(client, settings):
    from axes.models import AccessAttempt

    settings.AXES_FAILURE_LIMIT = 2
    UserFactory(email="claire@example.fr", password=PASSWORD)
    for _ in range(2):
        sign_in(client, "claire@example.fr", "mauvais")
    assert sign_in(client, "claire@example.fr", PASSWORD).status_code == 429
    # Sixteen minutes later (the cool-off is 15 minutes):
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(minutes=16)
    )
    assert sign_in(client, "claire@example.fr", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_failures_are_counted_per_account(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    UserFactory(email="claire@example.fr", password=PASSWORD)
    UserFactory(email="paul@example.fr", password=PASSWORD)
    for _ in range(2):
        sign_in(client, "claire@example.fr", "mauvais")
    assert sign_in(client, "paul@example.fr", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_behind_a_proxy_the_forwarded_address_is_counted(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(email="claire@example.fr", password=PASSWORD)
    proxy = "10.0.0.2"
    for _ in range(2):
        client.post(
            reverse("login"),
            {"username": "claire@example.fr", "password": "mauvais"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR="203.0.113.5",
        )
    # Another person behind the same proxy is not locked out; a forged header does not help.
    ok = client.post(
        reverse("login"),
        {"username": "claire@example.fr", "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="203.0.113.5, 203.0.113.9",
    )
    assert ok.status_code == 302
    client.logout()
    locked = client.post(
        reverse("login"),
        {"username": "claire@example.fr", "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.5",
    )
    assert locked.status_code == 429


# --- password reset -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_password_reset_requests_are_limited_without_revealing_accounts(client, settings):
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 2
    UserFactory(email="claire@example.fr")
    url = reverse("password_reset")
    for _ in range(2):
        assert client.post(url, {"email": "claire@example.fr"}).status_code == 302
    assert len(mail.outbox) == 2
    response = client.post(url, {"email": "claire@example.fr"})
    assert response.status_code == 429
    assert "Trop de demandes de nouveau mot de passe" in response.content.decode()
    assert len(mail.outbox) == 2
    # An address without an account is answered the same way.
    for _ in range(2):
        assert client.post(url, {"email": "personne@example.fr"}).status_code == 302
    assert client.post(url, {"email": "personne@example.fr"}).status_code == 429


@pytest.mark.django_db
def test_password_reset_requests_are_limited_per_address(client, settings):
    settings.PASSWORD_RESET_LIMIT_PER_IP = 3
    url = reverse("password_reset")
    for n in range(3):
        assert client.post(url, {"email": f"p{n}@example.fr"}).status_code == 302
    assert client.post(url, {"email": "p9@example.fr"}).status_code == 429


@pytest.mark.django_db
def test_a_new_password_lifts_the_lock(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    UserFactory(email="claire@example.fr", password=PASSWORD)
    for _ in range(2):
        sign_in(client, "claire@example.fr", "mauvais")
    client.post(reverse("password_reset"), {"email": "claire@example.fr"})
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    new = "Un-nouveau-mot-de-passe-2026"
    assert client.post(form_url, {"new_password1": new, "new_password2": new}).status_code == 302
    assert sign_in(client, "claire@example.fr", new).status_code == 302


# --- password rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Court-2026", "Il doit contenir au minimum 12 caractères."),
        ("123456789012345", "Ce mot de passe est entièrement numérique."),
        ("q1w2e3r4t5y6", "Ce mot de passe est trop courant."),
        ("claire.fontanel", "Le mot de passe est trop semblable au champ"),
    ],
)
@pytest.mark.django_db
def test_password_rules_are_explained_in_french(password, message):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    user = UserFactory(email="claire.fontanel@example.fr", first_name="Claire")
    with pytest.raises(ValidationError) as caught:
        validate_password(password, user)
    assert any(message in m for m in caught.value.messages), caught.value.messages


# --- sessions -------------------------------------------------------------------------------------


def _age_session(client, **seconds_ago):
    from config import auth

    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[getattr(auth, key)] = now - ago
    session.save()


@pytest.mark.django_db
def test_an_idle_session_ends_with_the_reason(client, settings):
    user = InstructeurFactory(password=PASSWORD)
    assert sign_in(client, user.email, PASSWORD).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    _age_session(client, SEEN_AT=settings.SESSION_IDLE_TIMEOUT + 5)
    response = client.get(reverse("labelling:place_list"), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[0][0].startswith(reverse("login") + "?next=")
    assert "Votre session a pris fin après 30 minutes sans activité" in page
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_session_ends_some_hours_after_signing_in_even_if_active(client, settings):
    user = InstructeurFactory(password=PASSWORD)
    sign_in(client, user.email, PASSWORD)
    client.get(reverse("home"))
    _age_session(client, SIGNED_IN_AT=settings.SESSION_COOKIE_AGE + 5, SEEN_AT=30)
    response = client.get(reverse("home"), follow=True)
    assert "Votre session a pris fin 10 heures après la connexion" in response.content.decode()


@pytest.mark.django_db
def test_an_active_session_goes_on(client):
    user = InstructeurFactory(password=PASSWORD)
    sign_in(client, user.email, PASSWORD)
    client.get(reverse("home"))
    _age_session(client, SEEN_AT=10 * 60)
    assert client.get(reverse("home")).status_code == 200


# --- CSRF -----------------------------------------------------------------------------------------

# Views that may be posted to without a CSRF token, and why (a new one must be added here).
CSRF_EXEMPT = {
    "api:conformity_check": "API publique sans compte ni session, qui n'enregistre rien",
    # Django REST framework's views skip Django's check and make their own: with the session,
    # every unsafe method needs the CSRF token (SessionAuthentication). These are read-only.
    **{
        f"api:{name}": "API REST en lecture seule (Django REST framework vérifie le CSRF)"
        for name in (
            "api-root",
            "place-list",
            "place-detail",
            "version-list",
            "version-detail",
            "application-list",
            "application-detail",
            "decision-list",
            "decision-detail",
            "schema",
            "docs",
        )
    },
}


def _views(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            prefix = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _views(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}", pattern.callback


def test_every_view_is_protected_against_csrf_but_the_listed_ones():
    views = _views(get_resolver().url_patterns)
    exempt = {name for name, view in views if getattr(view, "csrf_exempt", False)}
    assert exempt == set(CSRF_EXEMPT)


@pytest.mark.django_db
def test_a_forged_form_is_refused_in_french():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "a@b.fr", "password": "x"})
    page = response.content.decode()
    assert response.status_code == 403
    assert "Formulaire expiré" in page
    assert "rechargez-la, puis envoyez le formulaire de nouveau" in page


# --- headers and pages ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_carry_the_security_headers(client):
    response = client.get(reverse("login"))
    policy = {}
    for directive in response["Content-Security-Policy"].split(";"):
        name, _, value = directive.strip().partition(" ")
        policy[name] = value
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    features = dict(f.split("=") for f in response["Permissions-Policy"].split(", "))
    assert features["geolocation"] == "(self)"
    assert features["camera"] == features["microphone"] == features["payment"] == "()"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_error_pages_are_french(client, settings):
    response = client.get("/cette-page-n-existe-pas/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Page non trouvée" in page and "Erreur 404" in page
    assert "Content-Security-Policy" in response


def test_the_server_error_page_needs_no_request():
    from django.template.loader import render_to_string

    page = render_to_string("500.html")
    assert "Erreur inattendue" in page and "Erreur 500" in page


# Inline code that the Content-Security-Policy would refuse in a browser.
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "script inline"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "gestionnaire d'évènement inline"),
    (re.compile(r"\sstyle\s*=", re.I), "attribut style"),
    (re.compile(r"<style", re.I), "élément style"),
    (re.compile(r"javascript:", re.I), "lien javascript:"),
]
# Templates rendered into PDF by WeasyPrint (never served as a page), where CSS is inline.
PDF_TEMPLATES = {
    "base_document.html", "accuse_reception.html", "arrete_labellisation.html",
    "arrete_abrogation.html", "decision_financement.html", "demande_complements.html",
    "mise_en_demeure.html", "rapport_instruction.html", "refus.html",
}  # fmt: skip


def test_templates_have_no_inline_script_or_style():
    found = []
    paths = sorted(ROOT.glob("templates/**/*.html")) + sorted(ROOT.glob("*/templates/**/*.html"))
    for path in paths:
        if path.parent.name == "documents" and path.name in PDF_TEMPLATES:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            if pattern.search(text):
                found.append(f"{path.relative_to(ROOT)}: {what}")
    assert found == []
