from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from labelling import home as home_sections
from labelling import selectors, territories
from labelling.directory import in_force_filter
from labelling.models import Role
from labelling.models.network import LabelStatus
from labelling.permissions import may_invite_porteur

PAGE_SIZE = 50


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    places = selectors.place_list(user=user)
    context = {
        "title": "Accueil",
        "places": places[:20],
        "place_count": places.count(),
        # « labellisé » counts from the label's date of effect; those still to come apart.
        "labelled_count": places.filter(in_force_filter(on=timezone.localdate())).count(),
        "upcoming_count": places.filter(
            label_status=LabelStatus.LABELLED, label_effective_on__gt=timezone.localdate()
        ).count(),
        "candidate_count": places.filter(label_status=LabelStatus.CANDIDATE).count(),
        "sections": home_sections.sections_for(user),
    }
    template = {
        Role.PORTEUR: "labelling/home_porteur.html",
        Role.INSTRUCTEUR: "labelling/home_prefecture.html",
        Role.SIGNATAIRE: "labelling/home_prefecture.html",
        Role.OPERATEUR: "labelling/home_operateur.html",
    }.get(user.role, "labelling/home_national.html")
    return render(request, template, context)


@login_required
def place_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filters = {
        "region_code": request.GET.get("region", ""),
        "departement_code": request.GET.get("departement", ""),
        "label_status": request.GET.get("statut", ""),
        "search": request.GET.get("q", "").strip(),
    }
    places = selectors.place_list(user=user, **filters)
    page = Paginator(places, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "labelling/place_list.html",
        {
            "title": "Lieux",
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "regions": selectors.regions_with_departements() if user.is_national else [],
            "statuses": LabelStatus.choices,
        },
    )


@login_required
def place_detail(request: HttpRequest, place_id) -> HttpResponse:
    place = selectors.place_for_user(user=request.user, place_id=place_id)
    if place is None:
        raise Http404("Ce lieu n'existe pas ou vous n'y avez pas accès.")
    return render(
        request,
        "labelling/place_detail.html",
        {
            "title": place.name,
            "place": place,
            "gaps": selectors.declaration_gaps(place=place),
            # The agency or the préfecture invites the porteur of a place that waits for one.
            "may_invite": place.porteur_id is None and may_invite_porteur(request.user, place),
        },
    )


@require_GET
@cache_control(max_age=3600, public=True)
def commune_search(request: HttpRequest) -> JsonResponse:
    """``GET /territoires/communes/?q=…[&limit=N]``: communes whose name starts with ``q``
    (accents and case ignored) or whose postcode or INSEE code is ``q``, for the autocomplete.
    Public (the Code officiel géographique and the labelled places are open data). JSON:
    ``{"query": q, "results": [{"insee", "name", "label", "postal_codes", "departement":
    {"code", "name"}, "via", "labelled_places"}]}``."""
    query = request.GET.get("q", "")[:100]
    try:
        limit = int(request.GET.get("limit", territories.SEARCH_LIMIT))
    except ValueError:
        limit = territories.SEARCH_LIMIT
    results = territories.search_communes(query=query, limit=limit)
    return JsonResponse(
        {"query": query, "results": [r.to_dict() for r in results]},
        json_dumps_params={"ensure_ascii": False},
    )
