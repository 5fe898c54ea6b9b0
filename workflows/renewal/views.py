"""The review pages, by audience: the porteur answers (its reviews, the declaration's parts,
« rien à changer », the submission), the préfecture instructs and decides (queue with filters
and exports, the review page, each decision's form), the signataire signs. Thin: a scoped read
(404 outside the scope, logged), the table's 403 (logged), one service, its French message."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from idempotency.keys import REPLAYED, AlreadySubmitted, once_per_form, submitted_once
from labelling.access import log_refusal
from labelling.exports import Column, Table
from labelling.models import Operator
from workflows import draft
from workflows.errors import InvalidInput, WorkflowError
from workflows.forms import STEP_FORMS, AgentFormSet, agent_initial
from workflows.renewal import conformity, selectors, services
from workflows.renewal.forms import (
    ActivityForm,
    CommentForm,
    MessageForm,
    NoForm,
    NoticeForm,
    QueueForm,
    ReasonsForm,
    ReturnForm,
    SignForm,
)
from workflows.renewal.lifecycle import ReviewLifecycle, help_rows
from workflows.renewal.models import Review, ReviewState
from workflows.renewal.permissions import may_see_queue, sees_private_parts

PAGE_SIZE = 50
SECTION_TITLES = {
    "horaires": "Horaires d'ouverture",
    "agents": "Agents et formations",
    "operateurs": "Opérateurs partenaires",
    "locaux": "Locaux",
}


def _put_errors(form, error: InvalidInput) -> None:
    for field, errors in error.field_errors.items():
        for message in errors:
            form.add_error(field if field in form.fields else None, message)
    if not error.field_errors:
        form.add_error(None, error.message)


def review_or_404(request: HttpRequest, review_id) -> Review:
    review = selectors.review_for_user(user=request.user, review_id=review_id)
    if review is None:
        log_refusal(request, status=404, what="revue hors du périmètre", object_id=review_id)
        raise Http404("Cette revue n'existe pas ou vous n'y avez pas accès.")
    return review


def require(request: HttpRequest, lifecycle: ReviewLifecycle, name: str) -> None:
    refusal = lifecycle.refusal(name, request.user)
    if refusal is not None:
        log_refusal(request, status=403, what=f"transition {name}", object_id=lifecycle.obj.pk)
        raise PermissionDenied(refusal)


def detail_url(review: Review, anchor: str = "") -> str:
    return reverse("renewal:detail", args=[review.pk]) + (f"#{anchor}" if anchor else "")


# --- lists -------------------------------------------------------------------------------------


def _queue_filters(
    request: HttpRequest, years: list[int]
) -> tuple[QueueForm, selectors.QueueFilters]:
    form = QueueForm(request.GET or None, years=years)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.QueueFilters(
            year=data.get("year"),
            state=data.get("state") or "",
            departement=(data.get("departement") or "").strip().upper(),
            search=data.get("search") or "",
            mine=bool(data.get("mine")),
            overdue=bool(data.get("overdue")),
            conform=data.get("conform") or "",
        )
    else:
        filters = selectors.QueueFilters(year=years[0] if years and not form.is_bound else None)
    return form, filters


def review_list(request: HttpRequest) -> HttpResponse:
    """The porteur's reviews, or the préfecture's (the agency's) queue."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    if request.user.is_porteur:
        return render(
            request,
            "renewal/porteur_list.html",
            {
                "title": "Mes revues annuelles",
                "reviews": selectors.porteur_reviews(user=request.user),
                "help_rows": help_rows(),
            },
        )
    if not may_see_queue(request.user):
        log_refusal(request, status=404, what="file des revues")
        raise Http404
    years = selectors.years(user=request.user)
    form, filters = _queue_filters(request, years)
    reviews = selectors.queue(user=request.user, filters=filters)
    page = Paginator(reviews, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "renewal/queue.html",
        {
            "title": "Revues annuelles",
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "counts": selectors.state_counts(user=request.user, year=filters.year),
            "states": ReviewState.choices,
            "year": filters.year,
            "help_rows": help_rows(),
        },
    )


QUEUE_TABLE = Table(
    "revues-annuelles",
    [
        Column("Référence", lambda r: r.reference),
        Column("Année", lambda r: r.year),
        Column("Lieu", lambda r: r.place.name),
        Column("Identifiant national", lambda r: r.place.id_fs or ""),
        Column("Commune", lambda r: r.place.commune.name),
        Column("Département", lambda r: r.departement_id),
        Column("Porteur", lambda r: r.place.porteur.name if r.place.porteur else "à rattacher"),
        Column("Étape", lambda r: r.get_state_display()),
        Column("Échéance", lambda r: r.stage_deadline),
        Column("En retard", lambda r: bool(getattr(r, "overdue", False))),
        Column("Conforme", lambda r: r.conform),
        Column("Version", lambda r: r.version_code),
        Column("Déposée le", lambda r: r.submitted_at),
        Column("Rien à changer", lambda r: r.unchanged),
        Column(
            "Instructeur",
            lambda r: (
                (r.assigned_to.get_full_name() or r.assigned_to.email) if r.assigned_to else ""
            ),
        ),
    ],
)


def review_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    if not may_see_queue(request.user):
        log_refusal(request, status=404, what="export des revues")
        raise Http404
    years = selectors.years(user=request.user)
    _form, filters = _queue_filters(request, years)
    reviews = selectors.queue(user=request.user, filters=filters)
    return QUEUE_TABLE.response(fmt, reviews.iterator(), filename="revues-annuelles")


# --- the review page ---------------------------------------------------------------------------


def review_detail(request: HttpRequest, review_id) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    review = review_or_404(request, review_id)
    lifecycle = ReviewLifecycle(review)
    declaration = selectors.declaration_of(review)
    operator_names = dict(Operator.objects.values_list("code", "name"))
    check = conformity.check(declaration, version_code=review.version_code, on=review.review_date)
    changes = None
    if review.label_version_code and review.label_version_code != review.version_code:
        changes = conformity.version_changes(review.label_version_code, review.version_code)
    return render(
        request,
        "renewal/detail.html",
        {
            "title": f"Revue annuelle {review.year} — {review.place.name}",
            "review": review,
            "offers": lifecycle.offers(request.user),
            "declaration": draft.describe(declaration, operator_names=operator_names),
            "gaps": selectors.gaps_of(review),
            "check": check,
            "failed": [c for c in check.criteria if c["status"] == "fail"],
            "changes": changes,
            "journal": selectors.journal_for(user=request.user, review=review),
            "private": sees_private_parts(request.user, review),
            "messages_list": review.messages.select_related("author"),
            "message_form": MessageForm(),
            "documents": selectors.documents_of(review),
            "sections": SECTION_TITLES,
            "may_edit": lifecycle.allows("edit", request.user),
            "activity": selectors.activity_summary(review),
        },
    )


@once_per_form("renewal:edit_section")
def edit_section(request: HttpRequest, review_id, section: str) -> HttpResponse:
    """One part of the declaration, pre-filled with what the review (or the place) says."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    if section not in SECTION_TITLES:
        raise Http404
    review = review_or_404(request, review_id)
    lifecycle = ReviewLifecycle(review)
    require(request, lifecycle, "edit")
    unmet = lifecycle.unmet("edit")
    if unmet is not None:
        messages.info(request, unmet)
        return redirect(detail_url(review))
    declaration = selectors.declaration_of(review)
    form = formset = None
    if section == "agents":
        formset = AgentFormSet(
            request.POST if request.method == "POST" else None,
            initial=agent_initial(declaration),
            prefix="agents",
        )
    else:
        form_class = STEP_FORMS[section]
        form = form_class(
            request.POST if request.method == "POST" else None,
            initial=form_class.initial_from(declaration),
        )
    if request.method == "POST":
        target = form if form is not None else formset
        if target.is_valid():
            try:
                services.save_section(
                    user=request.user, review_id=review.pk, step=section, data=target.to_data()
                )
            except InvalidInput as error:
                _put_errors(form if form is not None else formset.forms[0], error)
            except WorkflowError as error:
                messages.error(request, error.message)
                return redirect(detail_url(review))
            else:
                messages.success(request, f"{SECTION_TITLES[section]} : enregistré.")
                order = list(SECTION_TITLES)
                index = order.index(section)
                if "suivant" in request.POST and index + 1 < len(order):
                    return redirect("renewal:edit", review_id=review.pk, section=order[index + 1])
                return redirect(detail_url(review, "declaration"))
    return render(
        request,
        "renewal/edit_section.html",
        {
            "title": f"Revue annuelle {review.year} — {SECTION_TITLES[section]}",
            "review": review,
            "section": section,
            "section_title": SECTION_TITLES[section],
            "sections": SECTION_TITLES,
            "form": form,
            "formset": formset,
            "next_section": _next(section),
        },
    )


def _next(section: str) -> str | None:
    order = list(SECTION_TITLES)
    index = order.index(section)
    return order[index + 1] if index + 1 < len(order) else None


class ReviewAction(LoginRequiredMixin, View):
    """A page of a review: a form whose cleaned data go to one service (the same contract as
    `workflows.views.base.FormAction`: scoped 404, the table's 403, field errors kept)."""

    transition: ClassVar[str]
    form_class: ClassVar[type[forms.Form]] = NoForm
    template_name = "renewal/action_form.html"
    title = ""
    intro = ""
    submit_label = "Valider"
    danger = False
    success_message = ""
    post_only = False

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.review = review_or_404(request, kwargs["review_id"])
        self.lifecycle = ReviewLifecycle(self.review)
        require(request, self.lifecycle, self.transition)
        if self.post_only and request.method != "POST":
            return redirect(detail_url(self.review))
        unmet = self.lifecycle.unmet(self.transition)
        if unmet is not None and request.method != "POST":
            messages.info(request, unmet)
            return redirect(detail_url(self.review))
        return super().dispatch(request, *args, **kwargs)

    def get_form(self) -> forms.Form:
        return self.form_class(self.request.POST if self.request.method == "POST" else None)

    def perform(self, form: forms.Form) -> object:
        raise NotImplementedError

    def extra_context(self) -> dict:
        return {}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render(self.get_form())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.get_form()
        if form.is_valid():
            try:
                # One form, one effect: a second post of this form does nothing again.
                with submitted_once(request, f"renewal:{self.transition}") as once:
                    self.perform(form)
                    once.done(detail_url(self.review))
            except AlreadySubmitted as replay:
                messages.info(request, REPLAYED)
                return redirect(replay.result_url or detail_url(self.review))
            except InvalidInput as error:
                if self.post_only:
                    messages.error(request, error.message)
                    return redirect(detail_url(self.review))
                _put_errors(form, error)
            except WorkflowError as error:
                messages.error(request, error.message)
                return redirect(detail_url(self.review))
            else:
                if self.success_message:
                    messages.success(request, self.success_message)
                return redirect(detail_url(self.review))
        return self.render(form)

    def render(self, form: forms.Form) -> HttpResponse:
        return render(
            self.request,
            self.template_name,
            {
                "title": self.title,
                "review": self.review,
                "intro": self.intro,
                "submit_label": self.submit_label,
                "danger": self.danger,
                "form": form,
                **self.extra_context(),
            },
        )


class Confirm(ReviewAction):
    transition = "confirm"
    form_class = ActivityForm
    title = "Rien à changer"
    intro = (
        "La déclaration du lieu reste celle qui est enregistrée (horaires, agents, formations, "
        "opérateurs, locaux). En confirmant, vous déposez la revue de l'année en une étape."
    )
    submit_label = "Rien à changer : confirmer et déposer"
    success_message = "Revue déposée : la préfecture va l'examiner."

    def extra_context(self) -> dict:
        return {"activity": selectors.activity_summary(self.review)}

    def perform(self, form):
        return services.confirm_unchanged(
            user=self.request.user,
            review_id=self.review.pk,
            activity_confirmed=form.cleaned_data["activity_confirmed"],
        )


class Submit(Confirm):
    transition = "submit"
    title = "Déposer la revue"
    intro = (
        "La déclaration mise à jour est vérifiée au regard du cahier des charges en vigueur, "
        "puis transmise à la préfecture."
    )
    submit_label = "Déposer la revue"

    def perform(self, form):
        return services.submit(
            user=self.request.user,
            review_id=self.review.pk,
            activity_confirmed=form.cleaned_data["activity_confirmed"],
        )


class Comply(ReviewAction):
    transition = "comply"
    form_class = CommentForm
    title = "Signaler les corrections"
    intro = (
        "Vous avez corrigé la déclaration du lieu : la préfecture la réexamine sans attendre "
        "l'échéance de la mise en demeure. Vous pouvez joindre vos observations."
    )
    submit_label = "Demander le réexamen"
    success_message = "La préfecture va réexaminer la revue."

    def perform(self, form):
        return services.comply(
            user=self.request.user,
            review_id=self.review.pk,
            comment=form.cleaned_data["comment"],
        )


class Assign(ReviewAction):
    transition = "assign"
    post_only = True
    success_message = "La revue est dans votre file."

    def perform(self, form):
        return services.assign(user=self.request.user, review_id=self.review.pk)


class Renew(ReviewAction):
    transition = "renew"
    form_class = CommentForm
    title = "Renouveler le label"
    intro = (
        "Le label continue pour l'année ; la déclaration de la revue devient celle du lieu et le "
        "dossier de financement de l'année s'ouvre."
    )
    submit_label = "Renouveler le label"
    success_message = "Label renouvelé."

    def perform(self, form):
        return services.renew(
            user=self.request.user, review_id=self.review.pk, comment=form.cleaned_data["comment"]
        )


class Notice(ReviewAction):
    transition = "notice"
    form_class = NoticeForm
    title = "Mettre en demeure"
    intro = (
        "La mise en demeure dit au porteur ce qu'il doit corriger et avant quelle date ; il peut "
        "présenter ses observations. À l'échéance, le lieu est vérifié de nouveau et la revue "
        "revient dans votre file."
    )
    submit_label = "Mettre en demeure"
    success_message = "Mise en demeure envoyée ; son PDF est en préparation."

    def get_form(self):
        criteria = selectors.criteria_of(self.review)
        choices = [(c["code"], c.get("label") or c["code"]) for c in criteria]
        failed = [c["code"] for c in criteria if c["status"] == "fail"]
        return NoticeForm(
            self.request.POST if self.request.method == "POST" else None,
            criteria_choices=choices,
            initial={"criteria": failed},
        )

    def perform(self, form):
        data = form.cleaned_data
        return services.issue_notice(
            user=self.request.user,
            review_id=self.review.pk,
            reasons=data["reasons"],
            deadline=data["deadline"],
            criteria=data["criteria"],
        )


class Suspend(ReviewAction):
    transition = "suspend"
    form_class = ReasonsForm
    title = "Suspendre le label"
    intro = (
        "Le lieu quitte l'annuaire public et les données ouvertes jusqu'à la décision suivante "
        "(renouvellement ou abrogation)."
    )
    submit_label = "Suspendre le label"
    danger = True
    success_message = "Label suspendu."

    def perform(self, form):
        return services.suspend(
            user=self.request.user, review_id=self.review.pk, reasons=form.cleaned_data["reasons"]
        )


class ProposeAbrogation(ReviewAction):
    transition = "propose_abrogation"
    form_class = ReasonsForm
    title = "Proposer l'abrogation du label"
    intro = "Un signataire de la préfecture (un autre que vous) signera l'arrêté d'abrogation."
    submit_label = "Proposer l'abrogation"
    danger = True
    success_message = "Abrogation proposée au signataire."

    def perform(self, form):
        return services.propose_abrogation(
            user=self.request.user, review_id=self.review.pk, reasons=form.cleaned_data["reasons"]
        )


class SignAbrogation(ReviewAction):
    transition = "sign_abrogation"
    form_class = SignForm
    title = "Signer l'arrêté d'abrogation"
    intro = (
        "Le label prend fin à la date d'effet : le lieu quitte l'annuaire public et les données "
        "ouvertes ; son histoire reste consultable."
    )
    submit_label = "Signer l'arrêté d'abrogation"
    danger = True
    success_message = "Arrêté d'abrogation signé ; son PDF est en préparation."

    def extra_context(self) -> dict:
        return {"reasons": self.review.abrogation_reasons}

    def perform(self, form):
        return services.sign_abrogation(
            user=self.request.user,
            review_id=self.review.pk,
            effective_on=form.cleaned_data["effective_on"],
        )


class ReturnAbrogation(ReviewAction):
    transition = "return_abrogation"
    form_class = ReturnForm
    title = "Renvoyer la proposition d'abrogation"
    submit_label = "Renvoyer à l'instructeur"
    success_message = "Proposition renvoyée à l'instructeur."

    def perform(self, form):
        return services.return_abrogation(
            user=self.request.user, review_id=self.review.pk, reason=form.cleaned_data["reason"]
        )


def post_message(request: HttpRequest, review_id) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    review = review_or_404(request, review_id)
    if request.method != "POST":
        return redirect(detail_url(review, "messages"))
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            with submitted_once(request, "renewal:message") as once:
                services.post_message(
                    user=request.user, review_id=review.pk, body=form.cleaned_data["body"]
                )
                once.done(detail_url(review, "messages"))
        except AlreadySubmitted:
            messages.info(request, REPLAYED)
        except WorkflowError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Message envoyé.")
    else:  # the message is refused: said, naming the field, on the page it goes back to
        messages.error(
            request,
            " ".join(
                f"{form[name].label} : {error}"
                for name, errors in form.errors.items()
                for error in errors
            ),
        )
    return redirect(detail_url(review, "messages"))
