"""Pages of the cahier des charges: the public self-check, and for the national agency the
versions, their drafts, publication and impact studies."""

from __future__ import annotations

import datetime
import json
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from idempotency.keys import once_per_form
from labelling.conformity import check, validate_declaration
from labelling.conformity.criteria import KINDS
from labelling.conformity.declaration import today_in_paris
from labelling.conformity.validation import InvalidDeclaration, parse_json
from labelling.exports import Column, Table
from labelling.forms import CleanTextForm, CleanTextModelForm
from labelling.models import Criterion, ImpactRun, Version
from labelling.models.referential import Severity, VersionStatus
from labelling.queueing import enqueue
from labelling.selfcheck import SelfCheckForm
from labelling.tasks import compute_impact_run
from labelling.versions.publishing import (
    VersionError,
    create_draft_version,
    publish_version,
    update_draft_criterion,
)
from labelling.versions.store import version_in_force

# --- Public self-check ----------------------------------------------------------------------


def selfcheck(request: HttpRequest) -> HttpResponse:
    """ "Mon lieu peut-il être labellisé ?" — no account, nothing stored."""
    form = SelfCheckForm(data=request.POST if request.method == "POST" else {})
    version = version_in_force(on=today_in_paris())
    result = None
    if version is not None and form.is_valid():
        result = check(declaration=validate_declaration(form.declaration()), version=version)
    context = {
        "title": "Mon lieu peut-il être labellisé ?",
        "form": form,
        "version": version,
        "result": result,
    }
    fragment = request.headers.get("X-Requested-With") == "fetch" or "HX-Request" in request.headers
    if fragment:
        return render(request, "labelling/conformity/_selfcheck_results.html", context)
    return render(request, "labelling/conformity/selfcheck.html", context)


# --- National pages -------------------------------------------------------------------------


def national_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_national:
            raise PermissionDenied("Réservé à l'agence nationale.")
        return view(request, *args, **kwargs)

    return wrapped


class DraftForm(CleanTextForm):
    code = forms.SlugField(
        label="Code de la version", max_length=50, help_text="Par exemple france-services-2027"
    )
    title = forms.CharField(label="Titre", max_length=300)
    source_reference = forms.CharField(label="Texte de référence", max_length=500, required=False)
    copy_from = forms.ModelChoiceField(
        label="Reprendre les critères de",
        queryset=Version.objects.all(),
        required=False,
        empty_label="Aucune version (brouillon vide)",
    )


class CriterionForm(CleanTextModelForm):
    params = forms.CharField(
        label="Paramètres (JSON)",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text='Par exemple {"minutes": 1440}',
    )

    class Meta:
        model = Criterion
        fields = ["label", "severity", "params", "message_pass", "message_fail", "reference"]
        widgets = {
            "message_pass": forms.Textarea(attrs={"rows": 2}),
            "message_fail": forms.Textarea(attrs={"rows": 2}),
            "reference": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.initial["params"] = json.dumps(self.instance.params or {}, ensure_ascii=False)
        kind = KINDS.get(self.instance.kind)
        if kind is not None:
            self.fields["params"].help_text = (
                "; ".join(f"{name} : {text}" for name, text in kind.params.items())
                or "Aucun paramètre : {}"
            )
            facts = ", ".join("{" + f + "}" for f in kind.facts)
            for name in ("message_pass", "message_fail"):
                self.fields[name].help_text = f"Valeurs utilisables : {facts}"

    def clean_params(self):
        raw = self.cleaned_data["params"]
        try:  # the checks and French messages of the declarations (depth, NaN, where it fails)
            parse_json(raw)
        except InvalidDeclaration as exc:
            raise forms.ValidationError(exc.errors[0].message) from None
        value = json.loads(raw)
        if not isinstance(value, dict):
            raise forms.ValidationError("Un objet JSON est attendu, par exemple {}.")
        return value


class PublishForm(CleanTextForm):
    starts_on = forms.DateField(
        label="En vigueur à partir du",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


@national_required
@once_per_form("labelling:version_list")
def version_list(request: HttpRequest) -> HttpResponse:
    form = DraftForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            draft = create_draft_version(user=request.user, **form.cleaned_data)
        except VersionError as exc:
            form.add_error("code", str(exc))
        else:
            messages.success(request, f"Brouillon {draft.code} créé.")
            return redirect("labelling:version_detail", code=draft.code)
    versions = Version.objects.prefetch_related("criteria").order_by("status", "-starts_on", "code")
    return render(
        request,
        "labelling/referential/version_list.html",
        {"title": "Cahier des charges", "versions": versions, "form": form},
    )


@national_required
def version_detail(request: HttpRequest, code: str) -> HttpResponse:
    version = get_object_or_404(Version, code=code)
    return render(
        request,
        "labelling/referential/version_detail.html",
        {
            "title": f"Version {version.code}",
            "version": version,
            "is_draft": version.status == VersionStatus.DRAFT,
            "criteria": version.criteria.order_by("position", "pk"),
            "publish_form": PublishForm(initial={"starts_on": today_in_paris()}),
            "runs": version.impact_runs.all()[:10],
        },
    )


@national_required
@once_per_form("labelling:criterion_edit")
def criterion_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    criterion = get_object_or_404(Criterion, pk=pk, version__code=code)
    if criterion.version.status != VersionStatus.DRAFT:
        messages.error(
            request, "Une version publiée ne se modifie plus : créez une nouvelle version."
        )
        return redirect("labelling:version_detail", code=code)
    form = CriterionForm(
        request.POST if request.method == "POST" else None, instance=Criterion.objects.get(pk=pk)
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_draft_criterion(
                user=request.user,
                criterion=criterion,
                **{name: form.cleaned_data[name] for name in form.Meta.fields},
            )
        except VersionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Critère {criterion.code} enregistré.")
            return redirect("labelling:version_detail", code=code)
    return render(
        request,
        "labelling/referential/criterion_form.html",
        {
            "title": f"Critère {criterion.code}",
            "criterion": criterion,
            "form": form,
            "severities": Severity.choices,
        },
    )


@national_required
@require_POST
@once_per_form("labelling:version_publish")
def version_publish(request: HttpRequest, code: str) -> HttpResponse:
    version = get_object_or_404(Version, code=code)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez une date d'entrée en vigueur valide.")
    else:
        try:
            publish_version(
                version=version, starts_on=form.cleaned_data["starts_on"], user=request.user
            )
        except VersionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Version {version.code} publiée.")
    return redirect("labelling:version_detail", code=code)


@national_required
@require_POST
@once_per_form("labelling:impact_start")
def impact_start(request: HttpRequest, code: str) -> HttpResponse:
    version = get_object_or_404(Version, code=code)
    run = ImpactRun.objects.create(version=version, created_by=request.user)
    # Broker down: the run stays « en attente » and labelling.requeue_stale_impact_runs resends it.
    transaction.on_commit(lambda: enqueue(compute_impact_run, str(run.pk)))
    return redirect("labelling:impact_detail", run_id=run.pk)


@national_required
def impact_detail(request: HttpRequest, run_id) -> HttpResponse:
    run = get_object_or_404(ImpactRun.objects.select_related("version"), pk=run_id)
    return render(
        request,
        "labelling/referential/impact_detail.html",
        {"title": f"Impact de {run.version.code}", "run": run, "results": run.results},
    )


IMPACT_TABLE: Table[dict] = Table(
    "Lieux",
    [
        Column("Région", lambda place: place["region"]),
        Column("Département", lambda place: place["departement"]),
        Column("Lieu", lambda place: place["name"]),
        Column("Conforme à la version en vigueur", lambda place: place["conform_before"]),
        Column("Conforme au brouillon", lambda place: place["conform_after"]),
        Column("Critères non respectés", lambda place: ", ".join(place["failed"])),
    ],
)


@national_required
def impact_export(request: HttpRequest, run_id, fmt: str) -> HttpResponseBase:
    run = get_object_or_404(ImpactRun.objects.select_related("version"), pk=run_id)
    name = f"impact-{run.version.code}-{datetime.date.today():%Y%m%d}"
    return IMPACT_TABLE.response(fmt, (run.results or {}).get("places", []), filename=name)
