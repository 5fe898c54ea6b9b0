"""The page where a signed-in user creates, renews or revokes their API token (one per user,
Django REST framework's TokenAuthentication; the admin can revoke any of them too)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from rest_framework.authtoken.models import Token

from idempotency.keys import once_per_form


@never_cache
@login_required
@once_per_form("api:token_page")
def token_page(request: HttpRequest) -> HttpResponse:
    """GET: whether the user has a token. POST ``action=create`` (a new token, any former one
    revoked) or ``action=revoke``. The key is shown once, right after it is made."""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            Token.objects.filter(user=request.user).delete()
            token = Token.objects.create(user=request.user)
            request.session["api_token_shown"] = token.key
            messages.success(request, "Votre jeton d'API est créé : copiez-le maintenant.")
        elif action == "revoke":
            deleted, _ = Token.objects.filter(user=request.user).delete()
            if deleted:
                messages.success(request, "Votre jeton d'API est révoqué : il ne sert plus à rien.")
            else:
                messages.info(request, "Vous n'aviez pas de jeton d'API : rien à révoquer.")
        else:  # a page altered: nothing done, and said
            messages.error(request, "Choisissez de créer ou de révoquer votre jeton d'API.")
        return redirect("api_token")
    token = Token.objects.filter(user=request.user).first()
    shown = request.session.pop("api_token_shown", None)
    return render(
        request,
        "api/token.html",
        {
            "title": "Jeton d'accès à l'API",
            "token": token,
            "key": shown if token is not None and shown == token.key else None,
        },
    )
