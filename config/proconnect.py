"""Sign-in of State agents with ProConnect (OpenID Connect, mozilla-django-oidc).

Off unless ``PROCONNECT_ENABLED``; configured from the environment (config/settings/base.py).

- The account is found by the e-mail ProConnect vouches for (case ignored). It is never
  created and never given a role here: an administrator or a national user grants it. An
  unknown address, an account of a porteur or an operator, an administrator's account or a
  deactivated one is refused with a French page that says what to do.
- The agent's first and last names fill the account's when it has none.
- Signing out of Estampille also ends the ProConnect session (``end_session_url``).
- Whatever ProConnect answers (an error, a refusal, no answer at all), the agent gets a page
  saying so, never an error 500.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.crypto import get_random_string
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from labelling.models import Role

logger = logging.getLogger(__name__)

# The roles of State agents who may sign in with ProConnect.
PROCONNECT_ROLES = (Role.INSTRUCTEUR, Role.SIGNATAIRE, Role.NATIONAL)
SESSION_FLAG = "estampille_signed_in_with_proconnect"


def enabled() -> bool:
    return bool(settings.PROCONNECT_ENABLED)


@dataclass(frozen=True)
class Refusal:
    """Why a ProConnect sign-in did not open a session, told to the agent."""

    title: str
    message: str
    status: int = 403
    email: str = ""


def _refuse(request: HttpRequest, refusal: Refusal) -> None:
    request.proconnect_refusal = refusal


def may_sign_in(user) -> bool:
    """An active State agent with a role ProConnect serves (and its département, for a
    préfecture's agent)."""
    return bool(
        user.is_active
        and user.role in PROCONNECT_ROLES
        and (user.is_prefecture or user.role == Role.NATIONAL)
    )


class ProConnectBackend(OIDCAuthenticationBackend):
    """Authenticates on ProConnect's callback only; inert when ProConnect is off (so that
    password sign-ins never need its settings)."""

    def __init__(self, *args, **kwargs):
        if enabled():
            super().__init__(*args, **kwargs)
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        if not enabled() or request is None or "password" in kwargs:
            return None
        return super().authenticate(request, **kwargs)

    def verify_claims(self, claims) -> bool:
        return bool(claims.get("sub")) and bool(claims.get("email"))

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims):
            _refuse(
                self.request,
                Refusal(
                    "ProConnect n'a pas transmis votre adresse électronique",
                    "Estampille reconnaît les agents à leur adresse électronique "
                    "professionnelle : sans elle, la connexion ne peut aboutir. Réessayez, ou "
                    "connectez-vous avec votre mot de passe.",
                ),
            )
            return None
        email = str(claims["email"]).strip()
        users = list(self.filter_users_by_claims({"email": email}))
        if not users:
            _refuse(
                self.request,
                Refusal(
                    "Aucun compte Estampille n'est ouvert à cette adresse",
                    "ProConnect vous a bien identifié, mais aucun compte Estampille ne porte "
                    "cette adresse électronique. Les comptes ne sont pas créés à la connexion : "
                    "demandez à l'administrateur d'Estampille ou à l'agence nationale (ANCT) "
                    "d'ouvrir le vôtre avec votre rôle (instructeur ou signataire de votre "
                    "préfecture, agence nationale), puis reconnectez-vous.",
                    email=email,
                ),
            )
            return None
        if len(users) > 1:  # impossible with the unique address, kept as a guard
            _refuse(
                self.request,
                Refusal(
                    "Plusieurs comptes portent cette adresse",
                    "Demandez à l'administrateur d'Estampille de n'en garder qu'un.",
                    email=email,
                ),
            )
            return None
        user = users[0]
        if not may_sign_in(user):
            _refuse(self.request, self._role_refusal(user, email))
            return None
        return self.update_user(user, claims)

    @staticmethod
    def _role_refusal(user, email: str) -> Refusal:
        if not user.is_active:
            return Refusal(
                "Ce compte est désactivé",
                "Le compte Estampille à cette adresse a été désactivé. Demandez à "
                "l'administrateur d'Estampille de le réactiver si vous en avez encore besoin.",
                email=email,
            )
        if user.role in (Role.PORTEUR, Role.OPERATEUR):
            return Refusal(
                "ProConnect est réservé aux agents de l'État",
                "Votre compte Estampille est celui d'un porteur ou d'un opérateur partenaire : "
                "connectez-vous avec votre adresse électronique et votre mot de passe.",
                email=email,
            )
        if user.role == Role.ADMIN:
            return Refusal(
                "Les comptes d'administration se connectent par mot de passe",
                "Pour protéger l'administration d'Estampille, ce compte ne se connecte pas "
                "avec ProConnect : utilisez votre adresse électronique et votre mot de passe.",
                email=email,
            )
        return Refusal(
            "Votre compte n'a pas encore de rôle complet",
            "Votre compte Estampille existe mais n'est rattaché à aucune préfecture. Demandez "
            "à l'administrateur d'Estampille ou à l'agence nationale de compléter votre rôle.",
            email=email,
        )

    def update_user(self, user, claims):
        """Names from ProConnect fill the account's empty ones; nothing else changes."""
        changed = []
        for field, claim in (("first_name", "given_name"), ("last_name", "usual_name")):
            value = str(claims.get(claim) or "").strip()[:150]
            if value and not getattr(user, field):
                setattr(user, field, value)
                changed.append(field)
        if changed:
            user.save(update_fields=changed)
        return user

    def get_user(self, user_id):
        try:
            return self.UserModel.objects.get(pk=user_id)
        except self.UserModel.DoesNotExist:
            return None


FAILED = Refusal(
    "La connexion avec ProConnect n'a pas abouti",
    "ProConnect n'a pas confirmé votre identité (connexion annulée, lien expiré ou ouvert "
    "dans un autre navigateur). Recommencez depuis la page de connexion.",
    status=400,
)
UNREACHABLE = Refusal(
    "ProConnect ne répond pas",
    "Le service ProConnect n'a pas répondu à Estampille. Réessayez dans quelques minutes, "
    "ou connectez-vous avec votre adresse électronique et votre mot de passe.",
    status=502,
)


class ProConnectLoginView(OIDCAuthenticationRequestView):
    """Sends the agent to ProConnect (404 when ProConnect is off)."""

    def dispatch(self, request, *args, **kwargs):
        if not enabled():
            raise Http404("ProConnect n'est pas activé.")
        return super().dispatch(request, *args, **kwargs)

    def __init__(self, *args, **kwargs):
        if enabled():
            super().__init__(*args, **kwargs)


class ProConnectCallbackView(OIDCAuthenticationCallbackView):
    """ProConnect's answer: a session for a known State agent, otherwise a page that says why."""

    def get(self, request):
        if not enabled():
            raise Http404("ProConnect n'est pas activé.")
        try:
            return super().get(request)
        except SuspiciousOperation as exc:
            logger.warning("ProConnect callback refused: %s", exc)
            return self.login_failure()
        except requests.RequestException as exc:
            logger.warning("ProConnect unreachable: %s", exc)
            request.proconnect_refusal = UNREACHABLE
            return self.login_failure()

    def login_success(self):
        response = super().login_success()
        self.request.session[SESSION_FLAG] = True
        return response

    def login_failure(self):
        refusal = getattr(self.request, "proconnect_refusal", None) or FAILED
        return refusal_page(self.request, refusal)


def refusal_page(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    return render(
        request,
        "registration/proconnect_refused.html",
        {"title": refusal.title, "refusal": refusal},
        status=refusal.status,
    )


def end_session_url(request: HttpRequest) -> str | None:
    """Where to send an agent signed in with ProConnect once signed out of Estampille, so that
    ProConnect ends its session too; None for the other sessions."""
    if not enabled() or not settings.OIDC_OP_LOGOUT_ENDPOINT:
        return None
    id_token = request.session.get("oidc_id_token")
    if not request.session.get(SESSION_FLAG) or not id_token:
        return None
    query = urlencode(
        {
            "id_token_hint": id_token,
            "state": get_random_string(32),
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
        }
    )
    return f"{settings.OIDC_OP_LOGOUT_ENDPOINT}?{query}"
