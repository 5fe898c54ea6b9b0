"""The funding pages: the préfecture's queue (by département and year, exports for the
accounting service), a file's page and its action pages, the porteur's decisions and payments,
the rates and envelopes (national users edit them). Thin: a scoped read (404 outside the scope),
the table's 403, one service, its French message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from idempotency.keys import once_per_form
from labelling.access import log_refusal
from labelling.exports import Column, Table
from labelling.funding import selectors as rule_selectors
from labelling.funding import services as rule_services
from labelling.funding.money import euros, plain
from labelling.models import Departement, Funder
from labelling.permissions import may_edit_funding_rules, may_read_funding_rules
from workflows.errors import InvalidInput, NotFound, WorkflowError
from workflows.funding import documents as funding_documents
from workflows.funding import forms, selectors, services
from workflows.funding.lifecycle import FundingLifecycle
from workflows.funding.models import FundingFile, FundingState, Payment, PaymentStatus
from workflows.funding.permissions import may_see_queue, sees_instruction

PAGE_SIZE = 50


def _put_errors(form, error: InvalidInput) -> None:
    for field, errors in error.field_errors.items():
        for message in errors:
            form.add_error(field if field in form.fields else None, message)
    if not error.field_errors:
        form.add_error(None, error.message)


def _file_or_404(request: HttpRequest, file_id) -> FundingFile:
    file = selectors.file_for_user(user=request.user, file_id=file_id)
    if file is None:
        log_refusal(request, status=404, what="financement hors du périmètre", object_id=file_id)
        raise Http404("Ce dossier de financement n'existe pas ou vous n'y avez pas accès.")
    return file


def _require(request: HttpRequest, file: FundingFile, name: str) -> FundingLifecycle:
    lifecycle = FundingLifecycle(file)
    refusal = lifecycle.refusal(name, request.user)
    if refusal is not None:
        log_refusal(request, status=403, what=f"transition {name}", object_id=file.pk)
        raise PermissionDenied(refusal)
    return lifecycle


def _detail(file: FundingFile) -> str:
    return reverse("funding:detail", args=[file.pk])


def _require_queue(request: HttpRequest) -> None:
    if not may_see_queue(request.user):
        log_refusal(request, status=404, what="file des financements")
        raise Http404


def _year(value, default=None):
    try:
        year = int(value)
    except (TypeError, ValueError):
        return default
    return year if 2000 <= year <= 2100 else default


# --- the queue and its exports -------------------------------------------------------------------


def _filters(request: HttpRequest) -> dict:
    state = request.GET.get("etat", "")
    if state not in FundingState.values:
        state = ""
    departement = request.GET.get("departement", "").strip()[:3]
    if not request.user.is_national:
        departement = ""
    return {
        "year": _year(request.GET.get("annee")),
        "state": state,
        "departement": departement,
        "search": request.GET.get("q", "").strip()[:100],
    }


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _require_queue(request)
    filters = _filters(request)
    files = selectors.file_list(user=request.user, **filters)
    page = Paginator(files, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    counts = selectors.state_counts(user=request.user, year=filters["year"])
    year_now = timezone.localdate().year
    departement = (
        request.user.departement_id if request.user.is_prefecture else filters["departement"]
    )
    budget = []
    if filters["year"] and departement:
        pending = selectors.pending_by_funder(year=filters["year"], departement=departement)
        for line in rule_selectors.envelope_lines(
            year=filters["year"], departement_codes=[departement]
        ):
            waiting = pending.get(line.envelope.funder_id) or 0
            budget.append({"line": line, "pending": waiting, "after": line.left - waiting})
    return render(
        request,
        "funding/queue.html",
        {
            "title": "Financements",
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "states": [(v, label, counts.get(v, 0)) for v, label in FundingState.choices],
            "years": list(range(year_now + 1, 2015, -1)),
            "departements": Departement.objects.all() if request.user.is_national else [],
            "open_form": forms.OpenYearForm(initial={"year": year_now}),
            "budget": budget,
            "budget_departement": departement,
        },
    )


def _engagement(file: FundingFile, funder_code: str) -> str:
    return next((p.engagement_number for p in file.parts.all() if p.funder_id == funder_code), "")


DECISIONS_TABLE: Table = Table(
    "Décisions",
    [
        Column("Référence", lambda r: r.file.reference),
        Column("Année", lambda r: str(r.file.year)),
        Column("Département", lambda r: r.file.departement_id),
        Column("Lieu", lambda r: r.file.place.name),
        Column("Identifiant national", lambda r: r.file.place.id_fs),
        Column("Commune", lambda r: r.file.place.commune.name),
        Column(
            "Bénéficiaire", lambda r: r.file.beneficiary_name or getattr(r.file.porteur, "name", "")
        ),
        Column(
            "SIRET",
            lambda r: r.file.beneficiary_siret or getattr(r.file.porteur, "siret", "") or "",
        ),
        Column("Étape", lambda r: r.file.get_state_display()),
        Column("Signée le", lambda r: r.file.signed_on),
        Column("Montant total (€)", lambda r: plain(r.file.amount)),
        Column("Financeur", lambda r: r.part.funder.name if r.part else ""),
        Column("Imputation", lambda r: r.part.funder.budget_line if r.part else ""),
        Column("Part (%)", lambda r: plain(r.part.percent) if r.part else ""),
        Column("Montant du financeur (€)", lambda r: plain(r.part.amount) if r.part else ""),
        Column("Numéro d'engagement", lambda r: r.part.engagement_number if r.part else ""),
        Column("Montant calculé par les règles (€)", lambda r: plain(r.file.proposed_amount)),
        Column("Motif de l'ajustement", lambda r: r.file.adjustment_reason),
    ],
)


class _Row:
    __slots__ = ("file", "part")

    def __init__(self, file, part):
        self.file, self.part = file, part


def _decision_rows(files):
    for file in files.iterator(chunk_size=500):
        parts = list(file.parts.all())
        if not parts:
            yield _Row(file, None)
        for part in parts:
            yield _Row(file, part)


PAYMENTS_TABLE: Table[Payment] = Table(
    "Versements",
    [
        Column("Dossier de financement", lambda p: p.file.reference),
        Column("Année", lambda p: str(p.file.year)),
        Column("Département", lambda p: p.file.departement_id),
        Column("Lieu", lambda p: p.file.place.name),
        Column("Bénéficiaire", lambda p: p.file.beneficiary_name),
        Column("SIRET", lambda p: p.file.beneficiary_siret),
        Column("Financeur", lambda p: p.part.funder.name),
        Column("Imputation", lambda p: p.part.funder.budget_line),
        Column("Numéro d'engagement", lambda p: p.part.engagement_number),
        Column("Versement n°", lambda p: str(p.number)),
        Column("Montant (€)", lambda p: plain(p.amount)),
        Column("Prévu le", lambda p: p.due_on),
        Column("État", lambda p: p.get_status_display()),
        Column("Ordonnancé le", lambda p: p.ordered_on),
        Column("Payé le", lambda p: p.paid_on),
    ],
)


def _export_name(kind: str, filters: dict) -> str:
    parts = [kind]
    if filters.get("departement"):
        parts.append(filters["departement"])
    if filters.get("year"):
        parts.append(str(filters["year"]))
    parts.append(timezone.localdate().isoformat())
    return "-".join(parts)


@login_required
def export_decisions(request: HttpRequest, fmt: str) -> HttpResponse:
    _require_queue(request)
    filters = _filters(request)
    files = selectors.with_parts(selectors.file_list(user=request.user, **filters))
    return DECISIONS_TABLE.response(
        fmt, _decision_rows(files), filename=_export_name("financements-decisions", filters)
    )


@login_required
def export_payments(request: HttpRequest, fmt: str) -> HttpResponse:
    _require_queue(request)
    filters = _filters(request)
    payments = selectors.payment_list(
        user=request.user, year=filters["year"], departement=filters["departement"]
    )
    return PAYMENTS_TABLE.response(
        fmt,
        payments.iterator(chunk_size=500),
        filename=_export_name("financements-versements", filters),
    )


@login_required
@require_POST
@once_per_form("funding:open_year")
def open_year(request: HttpRequest) -> HttpResponse:
    _require_queue(request)
    form = forms.OpenYearForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("year", ["Année invalide."])))
        return redirect("funding:queue")
    year = form.cleaned_data["year"]
    departement = request.POST.get("departement", "").strip()[:3] or None
    try:
        result = services.open_year(user=request.user, year=year, departement=departement)
    except WorkflowError as error:
        messages.error(request, error.message)
        return redirect("funding:queue")
    text = (
        f"{result.opened} dossier{'s' if result.opened > 1 else ''} de financement {year} "
        f"ouvert{'s' if result.opened > 1 else ''}"
    )
    if result.other_channel:
        text += f", {result.other_channel} lieu(x) financé(s) par un autre canal (La Poste)"
    if result.already:
        text += f" ; {result.already} existai{'en' if result.already > 1 else ''}t déjà"
    messages.success(request, text + ".")
    if result.rate_missing:
        messages.warning(request, rule_selectors.no_rate_message(year))
    return redirect(reverse("funding:queue") + f"?annee={year}")


# --- a file ----------------------------------------------------------------------------------------


@login_required
def detail(request: HttpRequest, file_id) -> HttpResponse:
    file = _file_or_404(request, file_id)
    lifecycle = FundingLifecycle(file)
    instruction = sees_instruction(request.user, file)
    may = lifecycle.may(request.user)
    envelopes = []
    if instruction and file.state in (FundingState.TO_REVIEW, FundingState.TO_SIGN):
        envelopes = rule_selectors.envelope_lines(
            year=file.year, departement_codes=[file.departement_id]
        )
    return render(
        request,
        "funding/detail.html",
        {
            "title": f"Financement {file.year} — {file.place.name}",
            "file": file,
            "parts": selectors.parts_of(file),
            "payments": selectors.payments_of(file),
            "journal": selectors.journal_of(file) if instruction else [],
            "instruction": instruction,
            "offers": lifecycle.offers(request.user) if instruction else [],
            "may_order": may.get("order_payment", False),
            "may_pay": may.get("pay", False),
            "document": funding_documents.decision_document(file),
            "envelopes": envelopes,
            "today": timezone.localdate(),
        },
    )


def _action(
    request: HttpRequest,
    file_id,
    *,
    name: str,
    form_class,
    title: str,
    submit: str,
    perform,
    success: str,
    intro: str = "",
    form_kwargs=None,
    initial=None,
    template: str = "funding/action_form.html",
):
    file = _file_or_404(request, file_id)
    lifecycle = _require(request, file, name)
    unmet = lifecycle.unmet(name)
    if unmet is not None and request.method != "POST":
        messages.info(request, unmet)
        return redirect(_detail(file))
    kwargs = dict(form_kwargs or {})
    form = form_class(request.POST if request.method == "POST" else None, initial=initial, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            perform(file, form)
        except InvalidInput as error:
            _put_errors(form, error)
        except NotFound as error:
            raise Http404(error.message) from error
        except WorkflowError as error:
            messages.error(request, error.message)
            return redirect(_detail(file))
        else:
            messages.success(request, success)
            return redirect(_detail(file))
    return render(
        request,
        template,
        {
            "title": title,
            "file": file,
            "form": form,
            "submit": submit,
            "intro": intro,
            "parts": selectors.parts_of(file),
        },
    )


@login_required
@once_per_form("funding:adjust")
def adjust(request: HttpRequest, file_id) -> HttpResponse:
    return _action(
        request,
        file_id,
        name="adjust",
        form_class=forms.AdjustForm,
        title="Ajuster le montant",
        submit="Ajuster le montant",
        intro="Le montant calculé par les règles peut être ajusté en le motivant ; la "
        "répartition entre financeurs suit les pourcentages du taux de l'année.",
        perform=lambda file, form: services.adjust(
            user=request.user,
            file_id=file.pk,
            amount=form.cleaned_data["amount"],
            reason=form.cleaned_data["reason"],
        ),
        success="Le montant est ajusté.",
    )


@login_required
@once_per_form("funding:override")
def override(request: HttpRequest, file_id) -> HttpResponse:
    return _action(
        request,
        file_id,
        name="override",
        form_class=forms.ReasonForm,
        title="Autoriser le dépassement d'enveloppe",
        submit="Autoriser le dépassement",
        intro="La décision pourra être signée même si elle dépasse ce qui reste de l'enveloppe "
        "du département. Le motif est enregistré avec l'engagement.",
        perform=lambda file, form: services.override_envelope(
            user=request.user, file_id=file.pk, reason=form.cleaned_data["reason"]
        ),
        success="Le dépassement d'enveloppe est autorisé.",
    )


@login_required
@once_per_form("funding:send_back")
def send_back(request: HttpRequest, file_id) -> HttpResponse:
    return _action(
        request,
        file_id,
        name="send_back",
        form_class=forms.ReasonForm,
        title="Renvoyer à l'instructeur",
        submit="Renvoyer",
        perform=lambda file, form: services.send_back(
            user=request.user, file_id=file.pk, reason=form.cleaned_data["reason"]
        ),
        success="La proposition est renvoyée à l'instructeur.",
    )


@login_required
@once_per_form("funding:close")
def close(request: HttpRequest, file_id) -> HttpResponse:
    return _action(
        request,
        file_id,
        name="close",
        form_class=forms.ReasonForm,
        title="Classer sans suite",
        submit="Classer sans suite",
        perform=lambda file, form: services.close(
            user=request.user, file_id=file.pk, reason=form.cleaned_data["reason"]
        ),
        success="Le dossier est classé sans suite.",
    )


def _sign(request, file, form):
    signed_on = form.cleaned_data.get("signed_on") or timezone.localdate()
    return services.sign(
        user=request.user,
        file_id=file.pk,
        signed_on=signed_on,
        schedule=form.schedule(signed_on),
    )


@login_required
@once_per_form("funding:sign")
def sign(request: HttpRequest, file_id) -> HttpResponse:
    return _action(
        request,
        file_id,
        name="sign",
        form_class=forms.SignForm,
        title="Signer la décision de financement",
        submit="Signer la décision",
        intro="Le montant est pris sur l'enveloppe du département ; l'arrêté attributif est "
        "produit en PDF et le porteur en est informé.",
        perform=lambda file, form: _sign(request, file, form),
        success="La décision est signée ; l'arrêté est en cours de production.",
        initial={"signed_on": timezone.localdate(), "mode": "once"},
    )


@login_required
@once_per_form("funding:engage")
def engage(request: HttpRequest, file_id) -> HttpResponse:
    file = _file_or_404(request, file_id)
    return _action(
        request,
        file_id,
        name="engage",
        form_class=forms.EngagementForm,
        form_kwargs={"parts": selectors.parts_of(file)},
        title="Numéros d'engagement",
        submit="Enregistrer",
        perform=lambda f, form: services.record_engagements(
            user=request.user, file_id=f.pk, numbers=form.numbers()
        ),
        success="Les numéros d'engagement sont enregistrés.",
    )


def _post(request: HttpRequest, file_id, name: str, call, success: str) -> HttpResponse:
    file = _file_or_404(request, file_id)
    _require(request, file, name)
    try:
        call(file)
    except NotFound as error:
        raise Http404(error.message) from error
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect(_detail(file))


@login_required
@require_POST
@once_per_form("funding:propose")
def propose(request: HttpRequest, file_id) -> HttpResponse:
    return _post(
        request,
        file_id,
        "propose",
        lambda file: services.propose(user=request.user, file_id=file.pk),
        "Le montant est proposé à la signature.",
    )


@login_required
@require_POST
@once_per_form("funding:recompute")
def recompute(request: HttpRequest, file_id) -> HttpResponse:
    return _post(
        request,
        file_id,
        "recompute",
        lambda file: services.recompute(user=request.user, file_id=file.pk),
        "Le montant est recalculé selon les règles.",
    )


def _payment_date(request: HttpRequest):
    form = forms.PaymentDateForm(request.POST)
    if not form.is_valid():
        raise InvalidInput("Indiquez une date qui existe (jj/mm/aaaa).")
    return form.cleaned_data.get("on")


@login_required
@require_POST
@once_per_form("funding:order_payment")
def order_payment(request: HttpRequest, file_id, payment_id) -> HttpResponse:
    return _post(
        request,
        file_id,
        "order_payment",
        lambda file: services.order_payment(
            user=request.user, file_id=file.pk, payment_id=payment_id, on=_payment_date(request)
        ),
        "Le versement est ordonnancé.",
    )


@login_required
@require_POST
@once_per_form("funding:pay")
def pay(request: HttpRequest, file_id, payment_id) -> HttpResponse:
    return _post(
        request,
        file_id,
        "pay",
        lambda file: services.pay(
            user=request.user, file_id=file.pk, payment_id=payment_id, on=_payment_date(request)
        ),
        "Le versement est marqué payé.",
    )


# --- the porteur --------------------------------------------------------------------------------


@login_required
def porteur_list(request: HttpRequest) -> HttpResponse:
    if not request.user.is_porteur:
        log_refusal(request, status=404, what="financements du porteur")
        raise Http404
    files = selectors.porteur_files(user=request.user)
    documents = {f.pk: funding_documents.decision_document(f) for f in files}
    return render(
        request,
        "funding/porteur_list.html",
        {
            "title": "Mes financements",
            "files": [(f, documents.get(f.pk)) for f in files],
            "PaymentStatus": PaymentStatus,
        },
    )


# --- rates and envelopes ------------------------------------------------------------------------


def _require_rules_reader(request: HttpRequest) -> None:
    if not may_read_funding_rules(request.user):
        log_refusal(request, status=404, what="règles de financement")
        raise Http404


@login_required
@once_per_form("funding:rates")
def rates(request: HttpRequest) -> HttpResponse:
    _require_rules_reader(request)
    funders = list(Funder.objects.all())
    editable = may_edit_funding_rules(request.user)
    form = None
    if editable:
        year = _year(request.GET.get("annee"))
        initial = {"prorata_first_year": True}
        if year:
            current = next((r for r in rule_selectors.all_rates() if r.year == year), None)
            if current is not None:
                initial.update(
                    year=current.year,
                    amount=f"{current.amount}".replace(".", ","),
                    prorata_first_year=current.prorata_first_year,
                    **{f"percent_{s.funder_id}": s.percent for s in current.shares.all()},
                )
        form = forms.RateForm(
            request.POST if request.method == "POST" else None, funders=funders, initial=initial
        )
    if request.method == "POST":
        if not editable:
            log_refusal(request, status=403, what="modifier un taux")
            raise PermissionDenied("Seule l'agence nationale fixe les taux de financement.")
        if form.is_valid():
            try:
                rate = rule_services.save_rate(
                    user=request.user,
                    year=form.cleaned_data["year"],
                    amount=form.cleaned_data["amount"],
                    prorata_first_year=form.cleaned_data["prorata_first_year"],
                    shares=form.shares(),
                )
            except rule_services.FundingError as error:
                for field, errors in error.field_errors.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(
                    request,
                    f"Le taux à partir de {rate.year} est enregistré : {euros(rate.amount)} par an.",
                )
                return redirect("funding:rates")
    return render(
        request,
        "funding/rates.html",
        {
            "title": "Taux de financement",
            "rates": rule_selectors.all_rates(),
            "form": form,
            "editable": editable,
        },
    )


@login_required
@once_per_form("funding:envelopes")
def envelopes(request: HttpRequest) -> HttpResponse:
    _require_rules_reader(request)
    year = _year(request.GET.get("annee"), default=timezone.localdate().year)
    editable = may_edit_funding_rules(request.user)
    funders = list(Funder.objects.all())
    form = (
        forms.EnvelopeForm(
            request.POST if request.method == "POST" else None,
            funders=funders,
            initial={"departement": ""},
        )
        if editable
        else None
    )
    if request.method == "POST":
        if not editable:
            log_refusal(request, status=403, what="fixer une enveloppe")
            raise PermissionDenied("Seule l'agence nationale fixe les enveloppes.")
        if form.is_valid():
            try:
                envelope = rule_services.set_envelope(
                    user=request.user,
                    departement_code=form.cleaned_data["departement"].upper(),
                    year=year,
                    funder_code=form.cleaned_data["funder"],
                    amount=form.cleaned_data["amount"],
                )
            except rule_services.FundingError as error:
                for field, errors in error.field_errors.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(
                    request,
                    f"Enveloppe {year} de {envelope.departement.name} pour "
                    f"{envelope.funder.short_name} : {euros(envelope.amount)}.",
                )
                return redirect(reverse("funding:envelopes") + f"?annee={year}")
    codes = None if request.user.is_national else [request.user.departement_id]
    return render(
        request,
        "funding/envelopes.html",
        {
            "title": f"Enveloppes départementales {year}",
            "year": year,
            "years": list(range(timezone.localdate().year + 1, 2015, -1)),
            "lines": rule_selectors.envelope_lines(year=year, departement_codes=codes),
            "form": form,
            "editable": editable,
        },
    )


# --- help, derived from the table ----------------------------------------------------------------


def help_rows() -> list[dict]:
    """Each transition of the table as people read it: from, to, who, what it does."""
    from viewflow.utils import DEFAULT

    from workflows.fsm import step_of

    rows = []
    for _name, transition in FundingLifecycle.table():
        source = transition.source
        sources = source if isinstance(source, list | tuple) else [source]
        rows.append(
            {
                "label": transition.label,
                "from": ", ".join(FundingState(s).label for s in sources),
                "to": "" if transition.target is DEFAULT else FundingState(transition.target).label,
                "who": transition.permission.actor.label,
                "help": step_of(transition).help,
            }
        )
    return rows


def help_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "funding/help.html",
        {
            "title": "Les étapes d'un financement",
            "rows": help_rows(),
            "states": FundingState.choices,
        },
    )
