from django.http import HttpRequest
from django.urls import reverse


def navigation(request: HttpRequest) -> dict:
    """The main navigation, by role."""
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        items.append({"label": "Accueil", "url": reverse("home")})
        if user.is_porteur:
            items.append({"label": "Mes lieux", "url": reverse("labelling:place_list")})
            items.append(
                {"label": "Mes candidatures", "url": reverse("workflows:porteur_applications")}
            )
            items.append({"label": "Mes financements", "url": reverse("funding:porteur_list")})
        else:
            items.append({"label": "Lieux", "url": reverse("labelling:place_list")})
        if user.is_prefecture:
            items.append({"label": "Dossiers", "url": reverse("workflows:queue")})
        if user.is_operator:
            items.append({"label": "Avis demandés", "url": reverse("workflows:operator_opinions")})
        if user.is_porteur or user.is_national or user.is_prefecture:
            items.append({"label": "Revues annuelles", "url": reverse("renewal:list")})
        if user.is_porteur or user.is_national or user.is_prefecture or user.is_operator:
            items.append({"label": "Activité", "url": reverse("activity:overview")})
        if user.is_national or user.is_prefecture:
            items.append({"label": "État du réseau", "url": reverse("network:status")})
            items.append({"label": "Rattachements", "url": reverse("onboarding:list")})
            items.append({"label": "Financements", "url": reverse("funding:queue")})
        if user.is_national:
            items.append({"label": "Cahier des charges", "url": reverse("labelling:version_list")})
    else:
        items.append({"label": "Trouver une France Services", "url": reverse("public:directory")})
        items.append(
            {"label": "Mon lieu peut-il être labellisé ?", "url": reverse("labelling:selfcheck")}
        )
    items.append({"label": "Les étapes d'une candidature", "url": reverse("workflows:help_stages")})
    items.append({"label": "Données ouvertes", "url": reverse("public:opendata")})
    if user is not None and user.is_authenticated:
        items.append({"label": "API", "url": reverse("api_token")})
    current = request.path
    for item in items:
        item["active"] = item["url"] == current
    return {"main_navigation": items}
