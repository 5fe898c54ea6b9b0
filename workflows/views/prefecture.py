"""The préfecture's pages: the queue and its exports, then each action on a file (completeness,
review, opinions, conventions, proposal, signature, closing, reopening, corrections, notes,
assignment). Each is a `FormAction` of the transition it fires."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from idempotency.keys import once_per_form
from labelling.exports import Column, Table
from labelling.models import PorteurKind
from workflows import permissions, selectors, services
from workflows.deadlines import today
from workflows.forms import (
    AssignForm,
    CompletenessForm,
    ConventionStatusForm,
    CorrectionForm,
    CriterionReviewForm,
    DecisionForm,
    NoteForm,
    OpinionAnswerForm,
    OpinionRequestForm,
    ProposalForm,
    ReasonForm,
)
from workflows.models import Action, Application, Outcome, State
from workflows.views.base import FormAction, NoForm, detail_url, open_file, safe_next

PAGE_SIZE = 50

# --- completeness ------------------------------------------------------------------------------


class Completeness(FormAction):
    """One page for the two answers: complete, or send back for more."""

    transition = "complete"
    form_class = CompletenessForm
    title = "Complétude du dossier"
    intro = "Vérifiez que le dossier contient tout ce qu'il faut pour l'instruire."

    def perform(self, form):
        if form.cleaned_data["decision"] == "complet":
            self.success_message = "Le dossier est déclaré complet : l'instruction commence."
            return services.declare_complete(user=self.request.user, application_id=self.app.pk)
        self.success_message = (
            "Le dossier est renvoyé au porteur pour compléments ; le délai est suspendu."
        )
        return services.request_completion(
            user=self.request.user,
            application_id=self.app.pk,
            message=form.cleaned_data["message"],
        )


# --- the review of the criteria -------------------------------------------------------------


@login_required
@once_per_form("workflows:review")
def review(request: HttpRequest, application_id) -> HttpResponse:
    """One form per criterion; « terminer » also records that the review is finished."""
    app, _lifecycle, elsewhere = open_file(request, application_id, "review")
    if elsewhere:
        return elsewhere
    existing = {r.criterion_code: r for r in app.reviews.filter(revision=app.revision)}
    rows = []
    for criterion in selectors.current_criteria(app):
        current = existing.get(criterion["code"])
        initial = (
            {
                "verdict": current.verdict,
                "comment": current.comment,
                "justification": current.override_justification,
            }
            if current
            else {"verdict": criterion["status"]}
        )
        rows.append(
            {
                "criterion": criterion,
                "form": CriterionReviewForm(
                    request.POST if request.method == "POST" else None,
                    prefix=criterion["code"],
                    criterion=criterion,
                    initial=initial,
                ),
            }
        )
    # Every form validated (not up to the first faulty one): all the errors are shown at once.
    valid = [row["form"].is_valid() for row in rows] if request.method == "POST" else []
    if request.method == "POST" and all(valid):
        payload = [{"code": row["criterion"]["code"], **row["form"].cleaned_data} for row in rows]
        try:
            services.review_criteria(user=request.user, application_id=app.pk, reviews=payload)
        except services.InvalidInput as error:
            messages.error(request, error.message)
        except services.WorkflowError as error:
            messages.error(request, error.message)
            return redirect(detail_url(app))
        else:
            messages.success(request, "Appréciations enregistrées.")
            if "terminer" not in request.POST:
                return redirect(detail_url(app, "criteres"))
            try:
                services.finish_review(user=request.user, application_id=app.pk)
            except services.WorkflowError as error:
                messages.error(request, error.message)
            return redirect(detail_url(app))
    return render(
        request,
        "workflows/review.html",
        {
            "title": "Instruction des critères",
            "app": app,
            "rows": rows,
            "error_summary": [
                (
                    row["form"][name].auto_id if name in row["form"].fields else "",
                    row["criterion"].get("label") or row["criterion"]["message"],
                    errors[0],
                )
                for row in rows
                if request.method == "POST"
                for name, errors in row["form"].errors.items()
            ],
        },
    )


class ButtonAction(FormAction):
    """A button on the file page that posts to a service with nothing to type."""

    form_class = NoForm
    post_only = True
    service = None

    def perform(self, form):
        return type(self).service(user=self.request.user, application_id=self.app.pk)


class FinishReview(ButtonAction):
    transition = "finish_review"
    service = services.finish_review
    success_message = "Instruction des critères terminée."


class CloseOpinions(ButtonAction):
    transition = "close_opinions"
    service = services.close_opinions
    success_message = "La consultation est close."


class FinishConventions(ButtonAction):
    transition = "finish_conventions"
    service = services.finish_conventions
    success_message = "Conventions réunies : la proposition peut être rédigée."


class Take(ButtonAction):
    transition = "take"
    service = services.assign
    success_message = "Vous instruisez ce dossier."


# --- opinions --------------------------------------------------------------------------------


class OpinionRequest(FormAction):
    transition = "request_opinion"
    form_class = OpinionRequestForm
    title = "Demander un avis"
    submit_label = "Envoyer"
    anchor = "avis"
    success_message = "La demande d'avis est envoyée."

    def get_form_kwargs(self):
        shareable = [
            (str(row.pk), row.title) for row in selectors.shareable_documents(app=self.app)
        ]
        return {**super().get_form_kwargs(), "shareable": shareable}

    def perform(self, form):
        data = form.cleaned_data
        return services.request_opinion(
            user=self.request.user,
            application_id=self.app.pk,
            kind=data["kind"],
            operator_code=data["operator_code"].pk if data["operator_code"] else "",
            addressee=data["addressee"],
            addressee_email=data["addressee_email"],
            question=data["question"],
            due_on=data["due_on"],
            shared_document_ids=data.get("shared") or [],
        )


class OpinionAnswer(FormAction):
    """The instructor records an opinion received by e-mail or by post."""

    transition = "record_opinion"
    form_class = OpinionAnswerForm
    anchor = "avis"
    success_message = "L'avis est enregistré."

    def setup_objects(self):
        self.opinion = self.app.opinions.filter(pk=self.kwargs["opinion_id"]).first()
        if self.opinion is None:
            raise Http404("Cet avis n'existe pas.")
        self.title = f"Enregistrer l'avis de {self.opinion.addressee}"
        self.intro = self.opinion.question

    def perform(self, form):
        return services.record_opinion(
            user=self.request.user,
            application_id=self.app.pk,
            opinion_id=self.opinion.pk,
            favourable=form.cleaned_data["favourable"] == "oui",
            answer=form.cleaned_data["answer"],
        )


# --- conventions ------------------------------------------------------------------------------


class ConventionStatus(FormAction):
    transition = "set_convention_status"
    form_class = ConventionStatusForm
    anchor = "conventions"
    success_message = "Le suivi de la convention est mis à jour."

    def setup_objects(self):
        self.tracking = (
            self.app.convention_trackings.select_related("operator")
            .filter(operator_id=self.kwargs["operator_code"])
            .first()
        )
        if self.tracking is None:
            raise Http404("Cette convention n'est pas suivie pour ce dossier.")
        self.title = (
            f"Convention avec {self.tracking.operator.name} : {self.tracking.get_status_display()}"
        )

    def perform(self, form):
        return services.set_convention_status(
            user=self.request.user,
            application_id=self.app.pk,
            operator_code=self.tracking.operator_id,
            status=form.cleaned_data["status"],
            comment=form.cleaned_data["comment"],
        )


# --- proposal and decision -------------------------------------------------------------------


class Proposal(FormAction):
    transition = "propose"
    form_class = ProposalForm
    title = "Proposition de décision"
    success_message = "La proposition est transmise au signataire."

    def sent_back(self):
        """The signataire's return of the last proposal of this revision, if it was sent back
        (the new proposal starts from it, with the reason in view)."""
        if not hasattr(self, "_sent_back"):
            last = (
                self.app.journal.filter(
                    revision=self.app.revision,
                    action__in=[Action.PROPOSE, Action.RETURN_PROPOSAL],
                )
                .order_by("-at", "-id")
                .first()
            )
            self._sent_back = last if last and last.action == Action.RETURN_PROPOSAL else None
        return self._sent_back

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "criteria": selectors.current_criteria(self.app)}
        returned = self.sent_back()
        if returned is not None:
            previous = returned.data.get("previous") or {}
            kwargs["initial"] = {
                "outcome": previous.get("outcome") or "",
                "reasons": previous.get("reasons") or "",
                "effective_on": previous.get("effective_on"),
                "failed_criteria": previous.get("failed_criteria") or [],
            }
        return kwargs

    def get_context_data(self, **kwargs):
        returned = self.sent_back()
        if returned is not None:
            kwargs.setdefault(
                "intro",
                f"Le signataire a renvoyé la proposition le {timezone.localtime(returned.at):%d/%m/%Y} "
                f"({returned.actor_label}) : « {returned.comment} ». La proposition renvoyée est "
                "reprise ci-dessous : modifiez-la puis transmettez-la de nouveau.",
            )
        return super().get_context_data(**kwargs)

    def perform(self, form):
        return services.propose(
            user=self.request.user,
            application_id=self.app.pk,
            outcome=form.cleaned_data["outcome"],
            reasons=form.cleaned_data["reasons"],
            effective_on=form.cleaned_data["effective_on"],
            failed_criteria=form.cleaned_data["failed_criteria"],
        )


class Decision(FormAction):
    transition = "sign"
    form_class = DecisionForm
    title = "Signer la décision"
    submit_label = "Signer"
    success_message = "La décision est signée."

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "initial": {"decided_on": today(), "effective_on": self.app.proposed_effective_on},
        }

    def get_context_data(self, **kwargs):
        verb = "labelliser" if self.app.proposed_outcome == Outcome.LABEL else "refuser"
        return super().get_context_data(
            intro=f"Proposition : {verb}. Motifs : {self.app.proposal_reasons}", **kwargs
        )

    def perform(self, form):
        return services.sign_decision(
            user=self.request.user,
            application_id=self.app.pk,
            decided_on=form.cleaned_data["decided_on"],
            effective_on=form.cleaned_data["effective_on"],
            reasons=form.cleaned_data["reasons"],
        )


class ReasonAction(FormAction):
    """An action whose only input is its motivation."""

    form_class = ReasonForm
    danger = True
    service = None

    def perform(self, form):
        return type(self).service(
            user=self.request.user, application_id=self.app.pk, reason=form.cleaned_data["reason"]
        )


class ReturnProposal(ReasonAction):
    transition = "return_proposal"
    service = services.return_proposal
    title = "Renvoyer la proposition à l'instructeur"
    submit_label = "Renvoyer la proposition"
    success_message = "La proposition est renvoyée à l'instructeur."


class Close(ReasonAction):
    transition = "close"
    service = services.close_abandoned
    title = "Clore le dossier abandonné"
    submit_label = "Clore le dossier"
    success_message = "Le dossier est clos."


class Reopen(ReasonAction):
    transition = "reopen"
    service = services.reopen
    title = "Rouvrir le dossier décidé"
    submit_label = "Rouvrir"
    success_message = "Le dossier est rouvert : une nouvelle révision est en instruction."


# --- corrections, notes, assignment -------------------------------------------------------------


class Correct(FormAction):
    transition = "correct"
    form_class = CorrectionForm
    title = "Corriger la déclaration"
    anchor = "corrections"
    success_message = "La correction est enregistrée et la conformité recalculée."

    def perform(self, form):
        return services.correct_declaration(
            user=self.request.user,
            application_id=self.app.pk,
            path=form.cleaned_data["path"],
            value=form.cleaned_data["parsed"],
            reason=form.cleaned_data["reason"],
        )


class AddNote(FormAction):
    transition = "add_note"
    form_class = NoteForm
    post_only = True
    anchor = "notes"
    success_message = "Note enregistrée."

    def invalid_message(self, form):
        return "La note est vide."

    def perform(self, form):
        return services.add_private_note(
            user=self.request.user, application_id=self.app.pk, body=form.cleaned_data["body"]
        )


class Assign(FormAction):
    transition = "assign"
    form_class = AssignForm
    title = "Attribuer le dossier"
    success_message = "Le dossier est attribué."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "departement_id": self.app.departement_id}

    def perform(self, form):
        return services.assign(
            user=self.request.user,
            application_id=self.app.pk,
            assignee_id=form.cleaned_data["assignee"].pk,
        )


# --- the queue and its exports ------------------------------------------------------------------


QUEUE_STATES = [(s.value, s.label) for s in State if s != State.DRAFT]
SORTS = [
    ("echeance", "Échéance la plus proche"),
    ("-echeance", "Échéance la plus lointaine"),
    ("depot", "Dépôt le plus ancien"),
    ("-depot", "Dépôt le plus récent"),
    ("commune", "Commune"),
    ("lieu", "Nom du lieu"),
    ("etape", "Étape"),
]


def _instructor_name(app: Application) -> str:
    if app.assigned_to is None:
        return ""
    return app.assigned_to.get_full_name() or app.assigned_to.email


QUEUE_TABLE: Table[Application] = Table(
    "Dossiers",
    [
        Column("Référence", lambda app: app.reference),
        Column("Lieu", lambda app: app.place.name if app.place else app.site_name),
        Column("Commune", lambda app: app.place.commune.name if app.place else ""),
        Column("Porteur", lambda app: app.porteur.name),
        Column("Nature du porteur", lambda app: app.porteur.get_kind_display()),
        Column("Étape", lambda app: app.state_label),
        Column("Instructeur", _instructor_name),
        Column(
            "Premier dépôt",
            lambda app: (
                timezone.localdate(app.first_submitted_at) if app.first_submitted_at else None
            ),
        ),
        Column("Échéance", lambda app: app.stage_deadline),
        Column("En retard", lambda app: app.overdue),
    ],
)


def _filters(request: HttpRequest) -> selectors.QueueFilters:
    get = request.GET
    return selectors.QueueFilters(
        state=get.get("etape", "") if get.get("etape", "") in dict(QUEUE_STATES) else "",
        commune=get.get("commune", "").strip(),
        porteur_kind=get.get("porteur", "") if get.get("porteur", "") in PorteurKind.values else "",
        overdue=get.get("retard") == "1",
        assigned=get.get("attribution", "")
        if get.get("attribution") in ("moi", "personne")
        else "",
        sort=get.get("tri", "echeance") if get.get("tri") in selectors.SORTS else "echeance",
    )


def _require_queue_user(request: HttpRequest) -> None:
    if not permissions.may_see_queue(request.user):
        raise Http404


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _require_queue_user(request)
    filters = _filters(request)
    apps = selectors.queue(user=request.user, filters=filters)
    page = Paginator(apps, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workflows/queue.html",
        {
            "title": "Dossiers à instruire",
            "page": page,
            "rows": [(app, QUEUE_TABLE.values(app)) for app in page.object_list],
            "columns": QUEUE_TABLE.headers,
            "filters": filters,
            "query": query.urlencode(),
            "states": QUEUE_STATES,
            "porteur_kinds": PorteurKind.choices,
            "sorts": SORTS,
        },
    )


@login_required
def queue_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    _require_queue_user(request)
    apps = selectors.queue(user=request.user, filters=_filters(request))
    return QUEUE_TABLE.response(
        fmt, apps.iterator(chunk_size=500), filename=f"dossiers-{timezone.localdate().isoformat()}"
    )


@login_required
@require_POST
@once_per_form("workflows:queue_take")
def queue_take(request: HttpRequest) -> HttpResponse:
    """Batch action of the queue: the instructor takes every selected file they may take."""
    _require_queue_user(request)
    taken, refused = 0, []
    for application_id in request.POST.getlist("dossiers"):
        try:
            services.assign(user=request.user, application_id=application_id)
        except (services.WorkflowError, ValidationError):
            refused.append(application_id)
        else:
            taken += 1
    if taken:
        messages.success(
            request, f"Vous instruisez {taken} dossier{'s' if taken > 1 else ''} de plus."
        )
    if refused:
        count = len(refused)
        messages.error(
            request,
            f"{count} dossier n'a pas pu être pris (déjà clos ou hors de votre département)."
            if count == 1
            else f"{count} dossiers n'ont pas pu être pris (déjà clos ou hors de votre département).",
        )
    if not taken and not refused:
        messages.info(request, "Cochez les dossiers à prendre.")
    return redirect(safe_next(request, reverse("workflows:queue")))
