from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from labelling import selectors
from labelling.models import Role
from labelling.models.network import LabelStatus

PAGE_SIZE = 50


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    places = selectors.place_list(user=user)
    context = {
        "title": "Accueil",
        "places": places[:20],
        "place_count": places.count(),
        "labelled_count": places.filter(label_status=LabelStatus.LABELLED).count(),
        "candidate_count": places.filter(label_status=LabelStatus.CANDIDATE).count(),
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
    return render(request, "labelling/place_detail.html", {"title": place.name, "place": place})
