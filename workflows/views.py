"""Thin DSFR views: load the application through a scoped selector (404 when it is not the
user's), bind a form, call one service, show its French message."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from labelling.exports import Column, Table
from labelling.models import Operator, PorteurKind
from workflows import draft, integrations, permissions, selectors, services
from workflows.deadlines import today
from workflows.forms import (
    STEP_FORMS,
    AgentFormSet,
    AssignForm,
    CompletenessForm,
    ConventionStatusForm,
    ConventionUploadForm,
    CorrectionForm,
    CriterionReviewForm,
    DecisionForm,
    MessageForm,
    NoteForm,
    OpinionAnswerForm,
    OpinionRequestForm,
    ProposalForm,
    ReasonForm,
    SubmitForm,
    SupportingDocumentForm,
    agent_initial,
)
from workflows.lifecycle import ApplicationLifecycle, help_sections
from workflows.models import Action, Application, DocumentRole, Outcome, State

PAGE_SIZE = 50


def _application(request: HttpRequest, application_id) -> Application:
    app = selectors.application_for_user(user=request.user, application_id=application_id)
    if app is None:
        raise Http404("Ce dossier n'existe pas ou vous n'y avez pas accès.")
    return app


def _detail_url(app: Application, anchor: str = "") -> str:
    return reverse("workflows:application_detail", args=[app.pk]) + (f"#{anchor}" if anchor else "")


def _attempt(request: HttpRequest, form, call: Callable[[], object], success: str) -> bool:
    """Run a service; on invalid input, put its errors on the form (and keep what was typed);
    on a refused transition, show the message. True when it went through."""
    try:
        call()
    except services.InvalidInput as exc:
        for field, errors in exc.field_errors.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        if not exc.field_errors:
            form.add_error(None, exc.message)
        return False
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    except services.WorkflowError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


def _action_page(
    request: HttpRequest,
    app: Application,
    *,
    form,
    title: str,
    intro: str = "",
    submit_label: str = "Valider",
    multipart: bool = False,
    danger: bool = False,
) -> HttpResponse:
    return render(
        request,
        "workflows/action_form.html",
        {
            "title": title,
            "app": app,
            "form": form,
            "intro": intro,
            "submit_label": submit_label,
            "multipart": multipart,
            "danger": danger,
        },
    )


# --- public help --------------------------------------------------------------------------


def help_stages(request: HttpRequest) -> HttpResponse:
    sections, all_along = help_sections()
    return render(
        request,
        "workflows/help_stages.html",
        {"title": "Les étapes d'une candidature", "sections": sections, "all_along": all_along},
    )


# --- porteur: drafting --------------------------------------------------------------------


@login_required
def porteur_applications(request: HttpRequest) -> HttpResponse:
    if not request.user.is_porteur:
        raise Http404
    apps = selectors.porteur_applications(user=request.user)
    return render(
        request,
        "workflows/porteur_list.html",
        {
            "title": "Mes candidatures",
            "applications": apps,
            "candidate_places": selectors.candidate_places_without_application(
                user=request.user
            ).order_by("name"),
        },
    )


@login_required
@require_POST
def application_start(request: HttpRequest) -> HttpResponse:
    try:
        app = services.start_application(
            user=request.user, place_id=request.POST.get("place") or None
        )
    except services.WorkflowError as exc:
        messages.error(request, exc.message)
        return redirect("workflows:porteur_applications")
    return redirect("workflows:draft_step", application_id=app.pk, step=draft.STEPS[0].slug)


def _step_context(app: Application, step: str) -> dict:
    check = selectors.live_check(app)
    index = draft.STEP_SLUGS.index(step)
    return {
        "app": app,
        "steps": draft.STEPS,
        "step": draft.STEP_BY_SLUG[step],
        "step_number": index + 1,
        "step_count": len(draft.STEPS),
        "next_step": draft.STEPS[index + 1] if index + 1 < len(draft.STEPS) else None,
        "check": check,
    }


@login_required
def draft_step(request: HttpRequest, application_id, step: str) -> HttpResponse:
    app = _application(request, application_id)
    if step not in draft.STEP_SLUGS:
        raise Http404
    if not request.user.is_porteur or app.state not in (State.DRAFT, State.INCOMPLETE):
        return redirect(_detail_url(app))
    declaration = app.draft_declaration
    formset = None
    upload_form = None
    if step == "agents":
        form = None
        formset = AgentFormSet(
            request.POST or None, initial=agent_initial(declaration), prefix="agents"
        )
    else:
        form_class = STEP_FORMS[step]
        form = form_class(request.POST or None, initial=form_class.initial_from(declaration))
    if step == "pieces":
        upload_form = SupportingDocumentForm(prefix="piece")
    if request.method == "POST":
        target = form if form is not None else formset
        valid = form.is_valid() if form is not None else formset.is_valid()
        if valid:
            data = target.to_data()
            error_form = form if form is not None else formset.forms[0]
            if _attempt(
                request,
                error_form,
                lambda: services.save_draft_step(
                    user=request.user, application_id=app.pk, step=step, data=data
                ),
                "Étape enregistrée.",
            ):
                index = draft.STEP_SLUGS.index(step)
                if "suivant" in request.POST and index + 1 < len(draft.STEPS):
                    return redirect(
                        "workflows:draft_step",
                        application_id=app.pk,
                        step=draft.STEPS[index + 1].slug,
                    )
                if "suivant" in request.POST:
                    return redirect("workflows:draft_submit", application_id=app.pk)
                return redirect("workflows:draft_step", application_id=app.pk, step=step)
    context = _step_context(app, step)
    context.update(
        {
            "title": f"Candidature — {context['step'].title}",
            "form": form,
            "formset": formset,
            "upload_form": upload_form,
            "supporting": app.documents.filter(role=DocumentRole.SUPPORTING),
        }
    )
    return render(request, "workflows/draft_step.html", context)


@login_required
@require_POST
def draft_upload(request: HttpRequest, application_id) -> HttpResponse:
    app = _application(request, application_id)
    form = SupportingDocumentForm(request.POST, request.FILES, prefix="piece")
    if form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            integrations.validate_upload(uploaded)
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            if _attempt(
                request,
                form,
                lambda: services.add_supporting_document(
                    user=request.user,
                    application_id=app.pk,
                    title=form.cleaned_data["title"],
                    uploaded_file=uploaded,
                ),
                "Pièce ajoutée.",
            ):
                return redirect("workflows:draft_step", application_id=app.pk, step="pieces")
    context = _step_context(app, "pieces")
    context.update(
        {
            "title": "Candidature — Pièces justificatives",
            "form": STEP_FORMS["pieces"](),
            "upload_form": form,
            "supporting": app.documents.filter(role=DocumentRole.SUPPORTING),
        }
    )
    return render(request, "workflows/draft_step.html", context, status=400)


@login_required
def draft_submit(request: HttpRequest, application_id) -> HttpResponse:
    app = _application(request, application_id)
    if not request.user.is_porteur or app.state not in (State.DRAFT, State.INCOMPLETE):
        return redirect(_detail_url(app))
    form = SubmitForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _attempt(
            request,
            form,
            lambda: services.submit_application(
                user=request.user,
                application_id=app.pk,
                justification=form.cleaned_data["justification"],
            ),
            "Votre dossier est déposé. Un accusé de réception vous est adressé.",
        )
    ):
        return redirect(_detail_url(app))
    missing = [s for s in draft.STEPS if s.slug not in app.completed_steps]
    return render(
        request,
        "workflows/draft_submit.html",
        {
            "title": "Déposer la candidature",
            "app": app,
            "form": form,
            "missing": missing,
            "steps": draft.STEPS,
            "declaration": draft.describe(
                app.draft_declaration,
                operator_names=dict(Operator.objects.values_list("code", "name")),
            ),
            "supporting": app.documents.filter(role=DocumentRole.SUPPORTING),
            "check": selectors.live_check(app),
        },
    )


# --- the file page (every role) ---------------------------------------------------------


@login_required
def application_detail(request: HttpRequest, application_id) -> HttpResponse:
    app = _application(request, application_id)
    user = request.user
    is_prefecture = user.is_prefecture
    reviews = {r.criterion_code: r for r in app.reviews.filter(revision=app.revision)}
    criteria = [{**c, "review": reviews.get(c["code"])} for c in selectors.current_criteria(app)]
    lifecycle = ApplicationLifecycle(app)
    links = selectors.document_links(user=user, app=app)
    thread = selectors.messages_for(app=app)
    for message in thread:
        message.links = [link for link in links if link.message_id == message.pk]
    context = {
        "title": f"Dossier {app.reference}",
        "app": app,
        "is_porteur": user.is_porteur,
        "is_instructor": user.is_instructor,
        "is_signataire": user.is_signataire,
        "is_prefecture": is_prefecture,
        "criteria": criteria,
        "journal": selectors.journal_for(user=user, app=app),
        "messages_thread": thread,
        "documents": [link for link in links if link.role != DocumentRole.MESSAGE],
        "corrections": list(app.corrections.select_related("corrected_by")),
        "opinions": list(app.opinions.select_related("operator")) if is_prefecture else [],
        "notes": list(app.private_notes.select_related("author")) if is_prefecture else [],
        "trackings": list(app.convention_trackings.select_related("operator")),
        "message_form": MessageForm(),
        "note_form": NoteForm(),
        # « Ce que vous pouvez faire » and the links inside the page: from the table.
        "offers": lifecycle.offers(user),
        "can": lifecycle.may(user),
        "declaration": draft.describe(
            app.declaration,
            operator_names=dict(Operator.objects.values_list("code", "name")),
        ),
        "completion_request": (
            app.journal.filter(action=Action.REQUEST_MORE).order_by("-at", "-id").first()
            if app.state == State.INCOMPLETE
            else None
        ),
        "today": today(),
        "State": State,
        "Outcome": Outcome,
    }
    return render(request, "workflows/application_detail.html", context)


# --- préfecture actions -------------------------------------------------------------------


@login_required
def completeness(request: HttpRequest, application_id) -> HttpResponse:
    app = _application(request, application_id)
    form = CompletenessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["decision"] == "complet":
            ok = _attempt(
                request,
                form,
                lambda: services.declare_complete(user=request.user, application_id=app.pk),
                "Le dossier est déclaré complet : l'instruction commence.",
            )
        else:
            ok = _attempt(
                request,
                form,
                lambda: services.request_completion(
                    user=request.user,
                    application_id=app.pk,
                    message=form.cleaned_data["message"],
                ),
                "Le dossier est renvoyé au porteur pour compléments ; le délai est suspendu.",
            )
        if ok or not form.errors:
            return redirect(_detail_url(app))
    return _action_page(
        request,
        app,
        form=form,
        title="Complétude du dossier",
        intro="Vérifiez que le dossier contient tout ce qu'il faut pour l'instruire.",
    )


@login_required
def review(request: HttpRequest, application_id) -> HttpResponse:
    app = _application(request, application_id)
    # The appraisals and comments of the préfecture never reach the porteur.
    if not permissions.INSTRUCTOR.allows(request.user, app):
        raise PermissionDenied(permissions.INSTRUCTOR.refusal)
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
                    request.POST or None,
                    prefix=criterion["code"],
                    criterion=criterion,
                    initial=initial,
                ),
            }
        )
    if request.method == "POST":
        forms_ok = all(row["form"].is_valid() for row in rows)
        if forms_ok:
            payload = [
                {"code": row["criterion"]["code"], **row["form"].cleaned_data} for row in rows
            ]
            try:
                services.review_criteria(user=request.user, application_id=app.pk, reviews=payload)
            except services.InvalidInput as exc:
                messages.error(request, exc.message)
            except services.WorkflowError as exc:
                messages.error(request, exc.message)
                return redirect(_detail_url(app))
            else:
                messages.success(request, "Appréciations enregistrées.")
                if "terminer" in request.POST and _finish(request, app, services.finish_review):
                    return redirect(_detail_url(app))
                return redirect(_detail_url(app, "criteres"))
    return render(
        request,
        "workflows/review.html",
        {"title": "Instruction des critères", "app": app, "rows": rows},
    )


def _finish(request: HttpRequest, app: Application, service) -> bool:
    try:
        service(user=request.user, application_id=app.pk)
    except services.WorkflowError as exc:
        messages.error(request, exc.message)
        return False
    return True


@login_required
@require_POST
def finish_review(request: HttpRequest, application_id) -> HttpResponse:
    app = _application(request, application_id)
    if _finish(request, app, services.finish_review):
        messages.success(request, "Instruction des critères terminée.")
    return redirect(_detail_url(app))


@login_required
@require_POST
def close_opinions(request: HttpRequest, application_id) -> HttpResponse:
    app = _application(request, application_id)
    if _finish(request, app, services.close_opinions):
        messages.success(request, "La consultation est close.")
    return redirect(_detail_url(app))


@login_required
@require_POST
def finish_conventions(request: HttpRequest, application_id) -> HttpResponse:
    app = _application(request, application_id)
    if _finish(request, app, services.finish_conventions):
        messages.success(request, "Conventions réunies : la proposition peut être rédigée.")
    return redirect(_detail_url(app))


@login_required
def opinion_request(request: HttpRequest, application_id) -> HttpResponse:
    app = _application(request, application_id)
    form = OpinionRequestForm(
        request.POST or None,
        shareable=[(str(row.pk), row.title) for row in selectors.shareable_documents(app=app)],
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _attempt(
            request,
            form,
            lambda: services.request_opinion(
                user=request.user,
                application_id=app.pk,
                kind=form.cleaned_data["kind"],
                operator_code=(
                    form.cleaned_data["operator_code"].pk
                    if form.cleaned_data["operator_code"]
                    else ""
                ),
                addressee=form.cleaned_data["addressee"],
                addressee_email=form.cleaned_data["addressee_email"],
                question=form.cleaned_data["question"],
                due_on=form.cleaned_data["due_on"],
                shared_document_ids=form.cleaned_data.get("shared") or [],
            ),
            "La demande d'avis est envoyée.",
        )
    ):
        return redirect(_detail_url(app, "avis"))
    return _action_page(request, app, form=form, title="Demander un avis", submit_label="Envoyer")


@login_required
def opinion_answer(request: HttpRequest, application_id, opinion_id) -> HttpResponse:
    app = _application(request, application_id)
    opinion = app.opinions.filter(pk=opinion_id).first()
    if opinion is None:
        raise Http404
    form = OpinionAnswerForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _attempt(
            request,
            form,
            lambda: services.record_opinion(
                user=request.user,
                application_id=app.pk,
                opinion_id=opinion.pk,
                favourable=form.cleaned_data["favourable"] == "oui",
                answer=form.cleaned_data["answer"],
            ),
            "L'avis est enregistré.",
        )
    ):
        return redirect(_detail_url(app, "avis"))
    return _action_page(
        request,
        app,
        form=form,
        title=f"Enregistrer l'avis de {opinion.addressee}",
        intro=opinion.question,
    )


@login_required
def convention_upload(request: HttpRequest, application_id, operator_code: str) -> HttpResponse:
    app = _application(request, application_id)
    tracking = (
        app.convention_trackings.select_related("operator")
        .filter(operator_id=operator_code)
        .first()
    )
    if tracking is None:
        raise Http404
    form = ConventionUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            integrations.validate_upload(uploaded)
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            if _attempt(
                request,
                form,
                lambda: services.upload_convention(
                    user=request.user,
                    application_id=app.pk,
                    operator_code=operator_code,
                    signed_on=form.cleaned_data["signed_on"],
                    uploaded_file=uploaded,
                ),
                "La convention signée est déposée.",
            ):
                return redirect(_detail_url(app, "conventions"))
    return _action_page(
        request,
        app,
        form=form,
        title=f"Convention signée avec {tracking.operator.name}",
        multipart=True,
        submit_label="Déposer",
    )


@login_required
def convention_status(request: HttpRequest, application_id, operator_code: str) -> HttpResponse:
    app = _application(request, application_id)
    tracking = (
        app.convention_trackings.select_related("operator")
        .filter(operator_id=operator_code)
        .first()
    )
    if tracking is None:
        raise Http404
    form = ConventionStatusForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _attempt(
            request,
            form,
            lambda: services.set_convention_status(
                user=request.user,
                application_id=app.pk,
                operator_code=operator_code,
                status=form.cleaned_data["status"],
                comment=form.cleaned_data["comment"],
            ),
            "Le suivi de la convention est mis à jour.",
        )
    ):
        return redirect(_detail_url(app, "conventions"))
    return _action_page(
        request,
        app,
        form=form,
        title=f"Convention avec {tracking.operator.name} : {tracking.get_status_display()}",
    )


@login_required
def proposal(request: HttpRequest, application_id) -> HttpResponse:
    app = _application(request, application_id)
    form = ProposalForm(request.POST or None, criteria=selectors.current_criteria(app))
    if (
        request.method == "POST"
        and form.is_valid()
        and _attempt(
            request,
            form,
            lambda: services.propose(
                user=request.user,
                application_id=app.pk,
                outcome=form.cleaned_data["outcome"],
                reasons=form.cleaned_data["reasons"],
                effective_on=form.cleaned_data["effective_on"],
                failed_criteria=form.cleaned_data["failed_criteria"],
            ),
            "La proposition est transmise au signataire.",
        )
    ):
        return redirect(_detail_url(app))
    return _action_page(request, app, form=form, title="Proposition de décision")


@login_required
def decision(request: HttpRequest, application_id) -> HttpResponse:
    app = _application(request, application_id)
    form = DecisionForm(
        request.POST or None,
        initial={"decided_on": today(), "effective_on": app.proposed_effective_on},
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _attempt(
            request,
            form,
            lambda: services.sign_decision(
                user=request.user,
                application_id=app.pk,
                decided_on=form.cleaned_data["decided_on"],
                effective_on=form.cleaned_data["effective_on"],
                reasons=form.cleaned_data["reasons"],
            ),
            "La décision est signée.",
        )
    ):
        return redirect(_detail_url(app))
    verb = "labelliser" if app.proposed_outcome == Outcome.LABEL else "refuser"
    return _action_page(
        request,
        app,
        form=form,
        title="Signer la décision",
        intro=f"Proposition : {verb}. Motifs : {app.proposal_reasons}",
        submit_label="Signer",
    )


def _reason_action(
    request: HttpRequest, application_id, *, service, title: str, success: str, label: str
) -> HttpResponse:
    app = _application(request, application_id)
    form = ReasonForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _attempt(
            request,
            form,
            lambda: service(
                user=request.user, application_id=app.pk, reason=form.cleaned_data["reason"]
            ),
            success,
        )
    ):
        return redirect(_detail_url(app))
    return _action_page(request, app, form=form, title=title, submit_label=label, danger=True)


@login_required
def withdraw(request: HttpRequest, application_id) -> HttpResponse:
    return _reason_action(
        request,
        application_id,
        service=services.withdraw,
        title="Retirer la candidature (sans suite)",
        success="La candidature est retirée.",
        label="Retirer la candidature",
    )


@login_required
def close(request: HttpRequest, application_id) -> HttpResponse:
    return _reason_action(
        request,
        application_id,
        service=services.close_abandoned,
        title="Clore le dossier abandonné",
        success="Le dossier est clos.",
        label="Clore le dossier",
    )


@login_required
def return_proposal(request: HttpRequest, application_id) -> HttpResponse:
    return _reason_action(
        request,
        application_id,
        service=services.return_proposal,
        title="Renvoyer la proposition à l'instructeur",
        success="La proposition est renvoyée à l'instructeur.",
        label="Renvoyer la proposition",
    )


@login_required
def reopen(request: HttpRequest, application_id) -> HttpResponse:
    return _reason_action(
        request,
        application_id,
        service=services.reopen,
        title="Rouvrir le dossier décidé",
        success="Le dossier est rouvert : une nouvelle révision est en instruction.",
        label="Rouvrir",
    )


@login_required
def correct(request: HttpRequest, application_id) -> HttpResponse:
    app = _application(request, application_id)
    form = CorrectionForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _attempt(
            request,
            form,
            lambda: services.correct_declaration(
                user=request.user,
                application_id=app.pk,
                path=form.cleaned_data["path"],
                value=form.cleaned_data["parsed"],
                reason=form.cleaned_data["reason"],
            ),
            "La correction est enregistrée et la conformité recalculée.",
        )
    ):
        return redirect(_detail_url(app, "corrections"))
    return _action_page(request, app, form=form, title="Corriger la déclaration")


@login_required
@require_POST
def add_note(request: HttpRequest, application_id) -> HttpResponse:
    app = _application(request, application_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        _attempt(
            request,
            form,
            lambda: services.add_private_note(
                user=request.user, application_id=app.pk, body=form.cleaned_data["body"]
            ),
            "Note enregistrée.",
        )
    else:
        messages.error(request, "La note est vide.")
    return redirect(_detail_url(app, "notes"))


@login_required
def post_message(request: HttpRequest, application_id) -> HttpResponse:
    app = _application(request, application_id)
    form = MessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        files = [form.cleaned_data["attachment"]] if form.cleaned_data["attachment"] else []
        try:
            for uploaded in files:
                integrations.validate_upload(uploaded)
        except ValidationError as exc:
            form.add_error("attachment", exc)
        else:
            if _attempt(
                request,
                form,
                lambda: services.post_message(
                    user=request.user,
                    application_id=app.pk,
                    body=form.cleaned_data["body"],
                    files=files,
                ),
                "Message envoyé.",
            ):
                return redirect(_detail_url(app, "messages"))
    return _action_page(
        request, app, form=form, title="Écrire un message", multipart=True, submit_label="Envoyer"
    )


@login_required
@require_POST
def take(request: HttpRequest, application_id) -> HttpResponse:
    app = _application(request, application_id)
    try:
        services.assign(user=request.user, application_id=app.pk)
    except services.WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Vous instruisez ce dossier.")
    return redirect(request.POST.get("next") or _detail_url(app))


@login_required
@require_POST
def queue_take(request: HttpRequest) -> HttpResponse:
    """Batch action of the queue: the instructor takes every selected file they may take."""
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
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("workflows:queue")
    return redirect(next_url)


@login_required
def assign(request: HttpRequest, application_id) -> HttpResponse:
    app = _application(request, application_id)
    form = AssignForm(request.POST or None, departement_id=app.departement_id)
    if (
        request.method == "POST"
        and form.is_valid()
        and _attempt(
            request,
            form,
            lambda: services.assign(
                user=request.user,
                application_id=app.pk,
                assignee_id=form.cleaned_data["assignee"].pk,
            ),
            "Le dossier est attribué.",
        )
    ):
        return redirect(_detail_url(app))
    return _action_page(request, app, form=form, title="Attribuer le dossier")


# --- partner operators --------------------------------------------------------------------


@login_required
def operator_opinions(request: HttpRequest) -> HttpResponse:
    if not request.user.is_operator:
        raise Http404
    return render(
        request,
        "workflows/operator_opinions.html",
        {
            "title": "Avis demandés",
            "opinions": selectors.opinions_for_operator(user=request.user),
            "today": today(),
        },
    )


@login_required
def operator_opinion(request: HttpRequest, opinion_id) -> HttpResponse:
    opinion = selectors.opinions_for_operator(user=request.user).filter(pk=opinion_id).first()
    if opinion is None:
        raise Http404("Cet avis n'existe pas ou ne vous est pas demandé.")
    form = OpinionAnswerForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _attempt(
            request,
            form,
            lambda: services.record_opinion(
                user=request.user,
                application_id=opinion.application_id,
                opinion_id=opinion.pk,
                favourable=form.cleaned_data["favourable"] == "oui",
                answer=form.cleaned_data["answer"],
            ),
            "Votre avis est transmis à la préfecture. Merci.",
        )
    ):
        return redirect("workflows:operator_opinions")
    return render(
        request,
        "workflows/operator_opinion.html",
        {
            "title": "Donner un avis",
            "opinion": opinion,
            "form": form,
            # What the request shares: the declaration asked about, and the documents chosen.
            "declaration": draft.describe(
                opinion.application.declaration,
                operator_names=dict(Operator.objects.values_list("code", "name")),
            ),
            "shared": selectors.opinion_document_links(user=request.user, opinion=opinion),
        },
    )


# --- queues and exports -----------------------------------------------------------------


QUEUE_STATES = [(s.value, s.label) for s in State if s != State.DRAFT]


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
        Column("Étape", lambda app: app.get_state_display()),
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
            "sorts": [
                ("echeance", "Échéance la plus proche"),
                ("-echeance", "Échéance la plus lointaine"),
                ("depot", "Dépôt le plus ancien"),
                ("-depot", "Dépôt le plus récent"),
                ("commune", "Commune"),
                ("lieu", "Nom du lieu"),
                ("etape", "Étape"),
            ],
        },
    )


@login_required
def queue_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    _require_queue_user(request)
    apps = selectors.queue(user=request.user, filters=_filters(request))
    return QUEUE_TABLE.response(
        fmt, apps.iterator(chunk_size=500), filename=f"dossiers-{timezone.localdate().isoformat()}"
    )
