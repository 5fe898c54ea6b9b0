"""The network's status pages (issue 14): ``/reseau/`` for the agency (the whole network, a
région or a département, chosen in the URL) and the same page for a préfecture, scoped to its
département. Who sees which part is `labelling.permissions.network_area`; out of it, 404.

The figures (`workflows.dashboard.figures`) are computed in a fixed number of grouped queries
and kept a few minutes in the shared cache; the page says when they were computed. Every table
exports to CSV and XLSX (``/reseau/export/<table>.<csv|xlsx>`` with the same filters), computed
afresh."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from idempotency.keys import once_per_form
from labelling import coverage
from labelling import network_status as ns
from labelling.access import log_refusal
from labelling.models import Region
from labelling.permissions import OutOfScope, network_area
from labelling.public_views import allow_map_tiles
from labelling.queueing import enqueue
from labelling.tasks import refresh_coverage as refresh_coverage_task
from workflows.dashboard import figures as network_figures
from workflows.dashboard import selectors, tables
from workflows.dashboard.tables import month_label

FIRST_YEAR = 2016


def _area(request: HttpRequest) -> ns.Area:
    try:
        return network_area(
            request.user,
            region_code=request.GET.get("region", "")[:3],
            departement_code=request.GET.get("departement", "")[:3],
        )
    except OutOfScope:
        log_refusal(request, status=404, what="état du réseau hors du périmètre")
        raise Http404("Cette page n'existe pas ou vous n'y avez pas accès.") from None


def _year(request: HttpRequest) -> int:
    """The funding year asked for (``?annee=``), else this year; anything else is this year."""
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("annee", this_year))
    except ValueError:
        return this_year
    return year if FIRST_YEAR <= year <= this_year + 1 else this_year


def _query(area: ns.Area, year: int | None = None) -> str:
    parts = []
    if area.departement is not None:
        parts.append(f"departement={area.departement.code}")
    elif area.region is not None:
        parts.append(f"region={area.region.code}")
    if year and year != timezone.localdate().year:
        parts.append(f"annee={year}")
    return "&".join(parts)


@login_required
@require_GET
@allow_map_tiles
def network(request: HttpRequest) -> HttpResponse:
    user = request.user
    area = _area(request)
    year = _year(request)
    figures = network_figures.figures_for(area=area, year=year)
    status_first = "Région" if area.grouping == "region" else "Département"
    charts = {
        "status": {
            "labels": [row.name for row in figures.status_rows],
            "series": [
                {"label": s.label, "data": [row.count(s.key) for row in figures.status_rows]}
                for s in ns.STATUSES
            ],
        },
        "months": {
            "labels": [month_label(month) for month, _ in figures.months],
            "data": [n for _, n in figures.months],
        },
        "formats": {
            "labels": [row.label for row in figures.formats],
            "series": [
                {"label": "Principal", "data": [row.principal for row in figures.formats]},
                {"label": "Antenne", "data": [row.antenne for row in figures.formats]},
                {"label": "Type non renseigné", "data": [row.unknown for row in figures.formats]},
            ],
        },
    }
    return render(
        request,
        "dashboard/network.html",
        {
            "title": f"État du réseau — {area.label}",
            "area": area,
            "year": year,
            "years": list(range(timezone.localdate().year + 1, FIRST_YEAR - 1, -1)),
            "query": _query(area, year),
            "regions": Region.objects.prefetch_related("departements").order_by("name")
            if user.is_national
            else [],
            "f": figures,
            "cache_minutes": max(1, network_figures.seconds() // 60),
            # The rendered sections are kept with the figures: same area and year, same time.
            "cache_seconds": network_figures.seconds(),
            "fragment_key": (
                f"{network_figures.cache_key(area, year)}:{figures.computed_at.timestamp()}:"
                f"{int(user.is_national)}"
            ),
            "statuses": ns.STATUSES,
            "status_first": status_first,
            "months": [(month_label(m), n) for m, n in figures.months],
            "distance_steps": ns.DISTANCE_STEPS,
            "max_km": coverage.MAX_KM,
            "may_refresh": user.is_national,
            "charts": charts,
        },
    )


def _export_rows(request: HttpRequest, name: str):
    """The table ``name`` and its rows, for the area of the request (computed afresh)."""
    user = request.user
    area = _area(request)
    today = timezone.localdate()
    places = selectors.places(user=user, area=area)
    if name == "statuts":
        by_dep = ns.status_by_departement(
            places=places, today=today, conditions=selectors.status_conditions()
        )
        rows, total = ns.status_table(area=area, by_departement=by_dep)
        first = "Région" if area.grouping == "region" else "Département"
        return tables.status_table(first), [*rows, total]
    if name == "etapes":
        kinds = selectors.files_by_stage(user=user, area=area, today=today)
        return tables.STAGES, [row for kind in kinds for row in kind.rows]
    if name == "retards":
        return tables.OVERDUE, selectors.overdue_files(user=user, area=area, today=today).iterator()
    if name == "revues-en-retard":
        return tables.OVERDUE_REVIEWS, selectors.overdue_reviews(
            user=user, area=area, today=today
        ).iterator()
    if name == "labels-par-mois":
        return tables.LABELS_BY_MONTH, ns.labels_by_month(places=places)
    if name == "formats":
        return tables.FORMATS, ns.formats_and_kinds(places=places)
    if name == "couverture":
        rows, total = ns.coverage_by_departement(area=area)
        return tables.COVERAGE, [*rows, total]
    if name == "epci-non-couverts":
        return tables.UNCOVERED_EPCI, ns.uncovered_epci(area=area)
    if name == "distances":
        return tables.DISTANCES, ns.farthest_communes(area=area).iterator(chunk_size=2000)
    if name == "financement":
        rows, totals = ns.funding_by_departement(area=area, year=_year(request))
        return tables.FUNDING, [*rows, *totals]
    raise Http404("Ce tableau n'existe pas.")


@login_required
@require_GET
def export(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    table, rows = _export_rows(request, name)
    area = _area(request)
    suffix = (
        area.departement.code
        if area.departement
        else (area.region.code if area.region else "france")
    )
    date = timezone.localdate().isoformat()
    return table.response(fmt, rows, filename=f"reseau-{name}-{suffix}-{date}")


@login_required
@require_POST
@once_per_form("network:refresh_coverage")
def refresh_coverage(request: HttpRequest) -> HttpResponse:
    """The agency asks for the coverage (and the page's figures) to be computed again now."""
    area = _area(request)
    if not request.user.is_national:
        log_refusal(request, status=403, what="recalcul de la couverture")
        raise PermissionDenied("Seule l'agence nationale peut demander un nouveau calcul.")
    # Broker down: the hourly beat run (labelling-refresh-coverage) computes it anyway.
    enqueue(refresh_coverage_task)
    network_figures.forget(area, _year(request))
    messages.success(
        request,
        "Le calcul de la couverture est lancé ; il prend quelques secondes. Rechargez la page "
        "pour voir les chiffres à jour.",
    )
    query = _query(area, _year(request))
    return redirect(reverse("network:status") + (f"?{query}" if query else "") + "#couverture")


@login_required
@require_GET
def map_data(request: HttpRequest) -> JsonResponse:
    """The places of the area with a position, for the page's map."""
    area = _area(request)
    points = ns.map_points(
        places=selectors.places(user=request.user, area=area),
        today=timezone.localdate(),
        conditions=selectors.status_conditions(),
    )
    return JsonResponse(
        {
            "places": [
                [p["id"], p["lat"], p["lon"], p["name"], p["commune"], p["status"]] for p in points
            ]
        },
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )
