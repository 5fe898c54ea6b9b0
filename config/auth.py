"""Sign-in, password reset and sessions: throttled, expiring, explained in French.

- Sign-in attempts are counted by django-axes per account and network address (settings
  ``AXES_*`` in config/settings/base.py): after ``AXES_FAILURE_LIMIT`` failures the pair is
  locked for ``AXES_COOLOFF_TIME``, and the sign-in page says so (``lockout_response``).
- Password reset requests are counted per address and per network address
  (``PASSWORD_RESET_LIMIT_*``): beyond, nothing is sent and the page says why. Whether the
  address has an account is never revealed. A successful reset unlocks the account.
- A signed-in session ends after ``SESSION_IDLE_TIMEOUT`` seconds without a request and, in
  any case, ``SESSION_COOKIE_AGE`` seconds after signing in (``SessionTimeoutMiddleware``).
"""

from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy

from labelling.forms import EmailAuthenticationForm


def _minutes(seconds: float) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    if minutes % 60 == 0:
        hours = minutes // 60
        return "une heure" if hours == 1 else f"{hours} heures"
    return "une minute" if minutes == 1 else f"{minutes} minutes"


# --- sign-in throttling (django-axes) ------------------------------------------------------------


def axes_username(request: HttpRequest, credentials: dict | None) -> str:
    """The account an attempt is counted against: the e-mail address as typed, lower-cased, so
    that « Claire@… » and « claire@… » share one counter (AXES_USERNAME_CALLABLE)."""
    value = (credentials or {}).get("username") or request.POST.get("username") or ""
    return str(value).strip().lower()


def axes_not_counted(request: HttpRequest, credentials: dict | None) -> bool:
    """Attempts django-axes neither counts nor locks (AXES_WHITELIST_CALLABLE): ProConnect's
    callback, where the identity provider checked the agent (no password is tried here)."""
    return request is not None and request.path == reverse("proconnect_callback")


def lockout_message() -> str:
    cooloff = settings.AXES_COOLOFF_TIME.total_seconds()
    return (
        "Trop de tentatives de connexion ont échoué : ce compte est bloqué depuis cet appareil "
        f"pendant {_minutes(cooloff)}. Réessayez ensuite, ou choisissez un nouveau mot de passe "
        "avec « Mot de passe oublié ? »."
    )


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """The sign-in page again, with the lockout explained (AXES_LOCKOUT_CALLABLE); status 429."""
    form = EmailAuthenticationForm(
        request, initial={"username": axes_username(request, credentials)}
    )
    return render(
        request,
        "registration/login.html",
        {"form": form, "lockout_message": lockout_message(), "next": request.POST.get("next", "")},
        status=429,
    )


class LoginView(auth_views.LoginView):
    """Sign-in by e-mail and password, and « S'identifier avec ProConnect » when it is on."""

    template_name = "registration/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        from config import proconnect

        context = super().get_context_data(**kwargs)
        context["proconnect_enabled"] = proconnect.enabled()
        context["title"] = "Se connecter"
        return context


class LogoutView(auth_views.LogoutView):
    """Signs out; a session opened with ProConnect then ends ProConnect's session too."""

    def post(self, request, *args, **kwargs):
        from config import proconnect

        end_session = proconnect.end_session_url(request)
        response = super().post(request, *args, **kwargs)
        return HttpResponseRedirect(end_session) if end_session else response


# --- password reset ------------------------------------------------------------------------------


def client_address(request: HttpRequest) -> str:
    """The client's network address: the connection's, or behind TRUSTED_PROXY_COUNT proxies
    the X-Forwarded-For entry they vouch for (AXES_CLIENT_IP_CALLABLE)."""
    hops = settings.TRUSTED_PROXY_COUNT
    forwarded = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [h for h in forwarded if h]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")


def _over_limit(kind: str, value: str, limit: int) -> bool:
    """Count one request for ``value`` and say whether it is beyond ``limit`` in the window.
    Values are hashed: the cache holds no address in clear."""
    digest = hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()
    key = f"password-reset:{kind}:{digest}"
    window = settings.PASSWORD_RESET_LIMIT_WINDOW
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit


class PasswordResetView(auth_views.PasswordResetView):
    """Sends the reset link, pointing to SITE_URL (never to the request's Host header), at most
    PASSWORD_RESET_LIMIT_PER_EMAIL times per address and PASSWORD_RESET_LIMIT_PER_IP times per
    network address in PASSWORD_RESET_LIMIT_WINDOW seconds."""

    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        by_email = _over_limit("email", email, settings.PASSWORD_RESET_LIMIT_PER_EMAIL)
        by_address = _over_limit(
            "ip", client_address(self.request), settings.PASSWORD_RESET_LIMIT_PER_IP
        )
        if by_email or by_address:
            form.add_error(
                None,
                "Trop de demandes de nouveau mot de passe pour cette adresse ou depuis cet "
                f"appareil : réessayez dans {_minutes(settings.PASSWORD_RESET_LIMIT_WINDOW)}. "
                "Si un courriel vous a déjà été envoyé, utilisez le lien qu'il contient.",
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        self.extra_email_context = {"site_url": settings.SITE_URL.rstrip("/")}
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """A new password chosen through the e-mailed link also lifts a sign-in lockout."""

    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        from axes.utils import reset

        response = super().form_valid(form)
        reset(username=form.user.get_username().lower())
        return response


# --- sessions ------------------------------------------------------------------------------------

SIGNED_IN_AT = "estampille_signed_in_at"
SEEN_AT = "estampille_seen_at"
# The last request's time is written at most once a minute, not on every request.
SEEN_RESOLUTION = 60


def stamp_session(sender, request, user, **kwargs) -> None:
    """`user_logged_in` receiver: the session starts its clocks at sign-in (written with the
    sign-in itself, so that the middleware need not write on the next request)."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_AT] = now
        request.session[SEEN_AT] = now


class SessionTimeoutMiddleware:
    """Signs out a user idle for SESSION_IDLE_TIMEOUT seconds, or signed in for more than
    SESSION_COOKIE_AGE seconds, and sends them to the sign-in page with the reason."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            # Sessions opened before this middleware existed start their clocks now.
            signed_in_at = session.get(SIGNED_IN_AT) or session.setdefault(SIGNED_IN_AT, now)
            seen_at = session.get(SEEN_AT, now)
            reason = None
            if now - seen_at > settings.SESSION_IDLE_TIMEOUT:
                reason = (
                    "Votre session a pris fin après "
                    f"{_minutes(settings.SESSION_IDLE_TIMEOUT)} sans activité"
                )
            elif now - signed_in_at > settings.SESSION_COOKIE_AGE:
                reason = f"Votre session a pris fin {_minutes(settings.SESSION_COOKIE_AGE)} après la connexion"
            if reason:
                logout(request)
                messages.info(request, f"{reason} : reconnectez-vous pour continuer.")
                return redirect_to_login(request.get_full_path())
            if now - seen_at >= SEEN_RESOLUTION or SEEN_AT not in session:
                session[SEEN_AT] = now
        return self.get_response(request)
