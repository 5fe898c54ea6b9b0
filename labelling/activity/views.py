"""The activity pages: the figures in the user's scope with their monthly charts, a place's year
with its months without figures, the month's form, the CSV import and its template."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from idempotency.keys import REPLAYED, AlreadySubmitted, once_per_form, submitted_once
from labelling import selectors as place_selectors
from labelling.access import log_refusal
from labelling.activity import csvfile, selectors, services
from labelling.activity.forms import FilterForm, ImportForm, MonthForm
from labelling.conformity.declaration import today_in_paris
from labelling.exports import Column, Table
from labelling.models import Operator
from labelling.permissions import activity_places, may_enter_activity, sees_activity

MAX_UPLOAD = 5 * 1024 * 1024


def _require_reader(request: HttpRequest) -> None:
    if not sees_activity(request.user):
        log_refusal(request, status=404, what="activité")
        raise Http404


def _require_writer(request: HttpRequest) -> None:
    """The import and its template: those who enter figures (porteurs, préfectures)."""
    if not (request.user.is_porteur or request.user.is_prefecture):
        log_refusal(request, status=404, what="import de l'activité")
        raise Http404


def _filters(request: HttpRequest):
    user = request.user
    years = selectors.years(user=user)
    operators = list(Operator.objects.values_list("pk", "name"))
    form = FilterForm(
        request.GET or None,
        years=years,
        operators=operators,
        show_operator=not user.is_operator,
        show_departement=user.is_national,
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.Filters(
            year=data.get("year"),
            departement=(data.get("departement") or "").strip().upper(),
            operator=data.get("operator") or "",
        )
    else:
        filters = selectors.Filters(year=years[0] if years and not form.is_bound else None)
    return form, filters


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    form, filters = _filters(request)
    series = selectors.series(user=request.user, filters=filters)
    query = request.GET.urlencode()
    places = activity_places(request.user).select_related("commune").order_by("name")[:200]
    return render(
        request,
        "labelling/activity/overview.html",
        {
            "title": "Activité des lieux",
            "form": form,
            "series": series,
            "chart": series.chart(),
            "query": query,
            "filters": filters,
            "writable_places": places,
        },
    )


EXPORT = Table(
    "activite",
    [
        Column("Lieu", lambda r: r.place.name),
        Column("Identifiant national", lambda r: r.place.id_fs or ""),
        Column("Commune", lambda r: r.place.commune.name),
        Column("Département", lambda r: r.place.departement_id),
        Column("Mois", lambda r: f"{r.month:%Y-%m}"),
        Column("Opérateur", lambda r: r.operator.name),
        Column("Personnes accompagnées", lambda r: r.people_helped),
        Column("Demandes", lambda r: r.requests),
        Column("Origine", lambda r: r.get_source_display()),
    ],
)


@login_required
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    _require_reader(request)
    _form, filters = _filters(request)
    rows = selectors.rows(user=request.user, filters=filters)
    return EXPORT.response(fmt, rows.iterator(), filename="activite")


def _place_or_404(request: HttpRequest, place_id):
    place = place_selectors.place_for_user(user=request.user, place_id=place_id)
    if place is None:
        log_refusal(request, status=404, what="lieu hors du périmètre", object_id=place_id)
        raise Http404("Ce lieu n'existe pas ou vous n'y avez pas accès.")
    return place


@login_required
def place_activity(request: HttpRequest, place_id) -> HttpResponse:
    place = _place_or_404(request, place_id)
    today = today_in_paris()
    try:
        year = int(request.GET.get("annee") or (today.year if today.month > 1 else today.year - 1))
    except ValueError:
        year = today.year
    year = min(max(year, 2000), today.year)
    operator = request.user.operator_id if request.user.is_operator else ""
    data = selectors.place_year(place=place, year=year, today=today, operator=operator)
    filters = selectors.Filters(year=year, place_id=str(place.pk), operator=operator)
    series = selectors.series(user=request.user, filters=filters)
    return render(
        request,
        "labelling/activity/place.html",
        {
            "title": f"Activité de {place.name} en {year}",
            "place": place,
            "data": data,
            "year": year,
            "years": list(range(today.year, max(2016, today.year - 8), -1)),
            "chart": series.chart(),
            "may_enter": may_enter_activity(request.user, place) and not data.closed,
        },
    )


@login_required
@once_per_form("activity:month_form")
def month_form(request: HttpRequest, place_id, year: int, month: int) -> HttpResponse:
    place = _place_or_404(request, place_id)
    if not may_enter_activity(request.user, place):
        log_refusal(request, status=403, what="saisie de l'activité", object_id=place_id)
        raise PermissionDenied("Seuls le porteur du lieu et sa préfecture saisissent ses chiffres.")
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise Http404
    day = datetime.date(year, month, 1)
    figures = selectors.month_figures(place=place, month=day)
    present = set(place.presences.exclude(presence="none").values_list("operator_id", flat=True))
    operators = list(
        Operator.objects.filter(pk__in=present | set(figures)).order_by("position", "name")
    )
    if not operators:
        operators = list(Operator.objects.filter(is_national=True).order_by("position", "name"))
    form = MonthForm(
        request.POST if request.method == "POST" else None,
        operators=operators,
        initial_figures=figures,
    )
    back = reverse("activity:place", args=[place.pk]) + f"?annee={year}"
    if request.method == "POST" and form.is_valid():
        try:
            services.save_month(user=request.user, place=place, month=day, figures=form.figures())
        except services.ActivityError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Chiffres de {selectors.month_label(day)} enregistrés.")
            return redirect(back)
    return render(
        request,
        "labelling/activity/month.html",
        {
            "title": f"Activité de {selectors.month_label(day)} — {place.name}",
            "place": place,
            "form": form,
            "back": back,
            "closed": services.is_closed(place, year),
        },
    )


@login_required
def import_figures(request: HttpRequest) -> HttpResponse:
    _require_writer(request)
    form = ImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    outcome = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            form.add_error("file", "Le fichier dépasse 5 Mo : découpez-le.")
        else:
            try:
                # One form, one effect: a file sent twice (a double click) is imported once.
                with submitted_once(request, "activity:import") as once:
                    outcome = services.import_csv(user=request.user, data=upload.read())
                    if outcome.fatal:
                        once.forget()  # nothing imported: the corrected file may be sent
                    else:
                        once.done(reverse("activity:import"))
            except AlreadySubmitted:
                messages.info(request, REPLAYED)
                form = ImportForm()
            else:
                if outcome.fatal:
                    form.add_error("file", outcome.fatal)
                    outcome = None
    return render(
        request,
        "labelling/activity/import.html",
        {
            "title": "Importer les chiffres mensuels",
            "form": form,
            "outcome": outcome,
            "columns": csvfile.COLUMN_HELP,
        },
    )


@login_required
def csv_template(request: HttpRequest) -> HttpResponse:
    _require_writer(request)
    example = (
        activity_places(request.user).exclude(id_fs=None).values_list("id_fs", flat=True).first()
    )
    response = HttpResponse(
        "\ufeff" + csvfile.template(example or "fs-0001"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="modele-activite.csv"'
    return response
