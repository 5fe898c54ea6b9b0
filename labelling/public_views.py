"""Pages for the public, without an account: the home page, the directory of the places in
force (list, map and a page per place) and the open data."""

from __future__ import annotations

import io

from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
)
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from labelling import directory, opendata, views
from labelling.models import Presence

#: What the map's tiles need beyond this site: OpenStreetMap's tile servers (the only outside
#: resource of the directory; the list works without them).
TILE_HOSTS = ("https://tile.openstreetmap.org",)

try:  # django-csp, once the security settings install it: the map may load its tiles.
    from csp.decorators import csp_update

    allow_map_tiles = csp_update({"img-src": list(TILE_HOSTS)})
except ImportError:  # pragma: no cover - without django-csp no policy restricts images

    def allow_map_tiles(view):
        return view


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """``/``: the role's home for a signed-in user, the public home for everyone else."""
    if request.user.is_authenticated:
        return views.home(request)
    return render(request, "public/home.html", {"title": "Accueil"})


def _coordinate(value: str | None) -> float | None:
    try:
        number = float((value or "").replace(",", "."))
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


@require_GET
@allow_map_tiles
def directory_search(request: HttpRequest) -> HttpResponse:
    """``/annuaire/?q=…`` (commune, postcode, département, name), ``?lat=…&lon=…`` (près de
    moi), ``?commune=CODE`` (a commune chosen among several): the places in force, nearest
    first, 20 a page, as a list and on a map."""
    latitude = _coordinate(request.GET.get("lat"))
    longitude = _coordinate(request.GET.get("lon"))
    if latitude is None or longitude is None:
        latitude = longitude = None
    search = directory.search_directory(
        query=request.GET.get("q", ""),
        latitude=latitude,
        longitude=longitude,
        commune_code=request.GET.get("commune", "")[:5],
    )
    if search.kind == "none" and not search.message:
        search = directory.Search(
            kind="all",
            heading="Toutes les France Services",
            ids=list(
                directory.places_in_force()
                .order_by("departement_id", "commune__name", "name", "pk")
                .values_list("pk", flat=True)
            ),
        )
    paginator = Paginator(range(search.total), directory.PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    hits = search.page(page.number) if search.total else []
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "public/directory.html",
        {
            # The title says what is shown (RGAA 8.6): the search and the page of results.
            "title": " — ".join(
                part
                for part in (
                    search.heading if search.kind != "all" else "",
                    f"page {page.number} sur {paginator.num_pages}"
                    if paginator.num_pages > 1
                    else "",
                    "Trouver une France Services",
                )
                if part
            ),
            "search": search,
            "page": page,
            "hits": hits,
            "query": query.urlencode(),
            "q": request.GET.get("q", ""),
        },
    )


@require_GET
@cache_control(max_age=600, public=True)
def map_data(request: HttpRequest) -> JsonResponse:
    """``/annuaire/carte.json``: every place in force with a position, for the map's markers:
    ``{"places": [[id, latitude, longitude, name, commune], …]}``."""
    rows = (
        directory.places_in_force()
        .filter(latitude__isnull=False, longitude__isnull=False)
        .order_by("pk")
        .values_list("pk", "latitude", "longitude", "name", "commune__name")
    )
    return JsonResponse(
        {
            "places": [
                [str(pk), float(lat), float(lon), name, commune]
                for pk, lat, lon, name, commune in rows
            ]
        },
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )


@require_GET
@allow_map_tiles
def place(request: HttpRequest, place_id) -> HttpResponse:
    """``/annuaire/<id>/``: a place in force, as the public sees it."""
    found = (
        directory.public_places()
        .select_related("porteur", "public_identifier")
        .prefetch_related("presences__operator")
        .filter(pk=place_id)
        .first()
    )
    if found is None:
        raise Http404("Ce lieu n'existe pas ou son label n'est pas en vigueur.")
    presences = [p for p in found.presences.all() if p.presence != Presence.NONE]
    return render(
        request,
        "public/place.html",
        {
            "title": found.name,
            "place": found,
            "hours": directory.hours_in_words(directory.weekly_hours(found)),
            "on_site": [p for p in presences if p.presence == Presence.ON_SITE],
            "remote": [p for p in presences if p.presence == Presence.REMOTE],
            "label_date": found.label_effective_on or found.labelled_on,
            "identifier": opendata.identifier_of(found),
        },
    )


@require_GET
def opendata_page(request: HttpRequest) -> HttpResponse:
    """``/donnees/``: the open-data files, their licence, date and attribution."""
    latest = opendata.latest_files()
    return render(
        request,
        "public/opendata.html",
        {
            "title": "Données ouvertes",
            "files": [(fmt, latest.get(fmt)) for fmt in opendata.FORMATS],
            "licence": opendata.LICENCE,
            "licence_url": opendata.LICENCE_URL,
            "attribution": opendata.ATTRIBUTION,
            "count": directory.places_in_force().count(),
        },
    )


@require_GET
def opendata_download(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """``/donnees/france-services.csv|json``: the latest published file; before the first
    publication, today's export made on the fly."""
    if fmt not in opendata.FORMATS:
        raise Http404("Format inconnu.")
    content_type = {"csv": "text/csv; charset=utf-8", "json": "application/json"}[fmt]
    record = opendata.latest_files().get(fmt)
    if record is not None and record.file.storage.exists(record.file.name):
        return FileResponse(
            record.file.open("rb"),
            as_attachment=True,
            filename=f"france-services-{record.data_date:%Y%m%d}.{fmt}",
            content_type=content_type,
        )
    buffer = io.StringIO()
    opendata.export_opendata(fmt=fmt, output=buffer)
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="france-services.{fmt}"'
    return response
