from django.http import HttpRequest
from django.urls import reverse

from labelling.models import Role


def navigation(request: HttpRequest) -> dict:
    """The main navigation, by role."""
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        items.append({"label": "Accueil", "url": reverse("home")})
        if user.role in (
            Role.INSTRUCTEUR,
            Role.SIGNATAIRE,
            Role.NATIONAL,
            Role.ADMIN,
            Role.OPERATEUR,
        ):
            items.append({"label": "Lieux", "url": reverse("labelling:place_list")})
        if user.role == Role.PORTEUR:
            items.append({"label": "Mes lieux", "url": reverse("labelling:place_list")})
    current = request.path if user is not None else ""
    for item in items:
        item["active"] = item["url"] == current
    return {"main_navigation": items}
