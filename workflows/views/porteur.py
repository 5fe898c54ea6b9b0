"""The porteur's pages: its applications, the draft step by step, the submission, the
withdrawal."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from idempotency.keys import REPLAYED, AlreadySubmitted, once_per_form, submitted_once
from labelling.models import Operator
from workflows import draft, integrations, selectors, services
from workflows.forms import (
    STEP_FORMS,
    AgentFormSet,
    ReasonForm,
    SubmitForm,
    SupportingDocumentForm,
    agent_initial,
)
from workflows.models import Application, DocumentRole
from workflows.views.base import FormAction, detail_url, open_file, put_errors_on_form


@login_required
def porteur_applications(request: HttpRequest) -> HttpResponse:
    if not request.user.is_porteur:
        raise Http404
    return render(
        request,
        "workflows/porteur_list.html",
        {
            "title": "Mes candidatures",
            "applications": selectors.porteur_applications(user=request.user),
            "candidate_places": selectors.candidate_places_without_application(
                user=request.user
            ).order_by("name"),
        },
    )


@login_required
@require_POST
def application_start(request: HttpRequest) -> HttpResponse:
    if not request.user.is_porteur:
        raise Http404  # as « Mes candidatures »: no such page outside a porteur's account
    try:
        with submitted_once(request, "workflows:application_start") as once:
            app = services.start_application(
                user=request.user, place_id=request.POST.get("place") or None
            )
            url = reverse("workflows:draft_step", args=[app.pk, draft.STEPS[0].slug])
            once.done(url)
    except AlreadySubmitted as replay:  # a double click makes one draft
        messages.info(request, REPLAYED)
        return redirect(replay.result_url or reverse("workflows:porteur_applications"))
    except services.WorkflowError as exc:
        messages.error(request, exc.message)
        return redirect("workflows:porteur_applications")
    return redirect(url)


def _step_context(app: Application, step: str) -> dict:
    index = draft.STEP_SLUGS.index(step)
    return {
        "app": app,
        "steps": draft.STEPS,
        "step": draft.STEP_BY_SLUG[step],
        "step_number": index + 1,
        "step_count": len(draft.STEPS),
        "next_step": draft.STEPS[index + 1] if index + 1 < len(draft.STEPS) else None,
        "check": (check := selectors.live_check(app)),
        "todo": draft.todo(check.errors, completed=app.completed_steps),
        "supporting": app.documents.filter(role=DocumentRole.SUPPORTING),
    }


@login_required
def draft_resume(request: HttpRequest, application_id) -> HttpResponse:
    """« Reprendre le brouillon »: the first step not filled in yet, else the summary."""
    app, _lifecycle, elsewhere = open_file(request, application_id, "edit_draft")
    if elsewhere:
        return elsewhere
    for step in draft.STEPS:
        if step.slug not in app.completed_steps:
            return redirect("workflows:draft_step", application_id=app.pk, step=step.slug)
    return redirect("workflows:draft_submit", application_id=app.pk)


@login_required
@once_per_form("workflows:draft_step")
def draft_step(request: HttpRequest, application_id, step: str) -> HttpResponse:
    """One step of the form, with the live check of the cahier des charges beside it."""
    if step not in draft.STEP_SLUGS:
        raise Http404
    app, _lifecycle, elsewhere = open_file(request, application_id, "edit_draft")
    if elsewhere:
        return elsewhere
    declaration = app.draft_declaration
    form = formset = None
    if step == "agents":
        formset = AgentFormSet(
            request.POST if request.method == "POST" else None,
            initial=agent_initial(declaration),
            prefix="agents",
        )
    else:
        form_class = STEP_FORMS[step]
        form = form_class(
            request.POST if request.method == "POST" else None,
            initial=form_class.initial_from(declaration),
        )
    if request.method == "POST":
        target = form if form is not None else formset
        if target.is_valid():
            try:
                services.save_draft_step(
                    user=request.user, application_id=app.pk, step=step, data=target.to_data()
                )
            except services.InvalidInput as error:
                put_errors_on_form(form if form is not None else formset.forms[0], error)
            except services.WorkflowError as error:
                messages.error(request, error.message)
                return redirect(detail_url(app))
            else:
                messages.success(request, "Étape enregistrée.")
                index = draft.STEP_SLUGS.index(step)
                if "suivant" not in request.POST:
                    return redirect("workflows:draft_step", application_id=app.pk, step=step)
                if index + 1 < len(draft.STEPS):
                    return redirect(
                        "workflows:draft_step",
                        application_id=app.pk,
                        step=draft.STEPS[index + 1].slug,
                    )
                return redirect("workflows:draft_submit", application_id=app.pk)
    context = _step_context(app, step)
    context.update(
        {
            "title": f"Candidature — {context['step'].title}",
            "form": form,
            "formset": formset,
            "upload_form": SupportingDocumentForm(prefix="piece") if step == "pieces" else None,
        }
    )
    return render(request, "workflows/draft_step.html", context)


@login_required
@require_POST
@once_per_form("workflows:draft_piece_remove")
def draft_piece_remove(request: HttpRequest, application_id, document_id) -> HttpResponse:
    """« Supprimer » a piece of the draft."""
    app, _lifecycle, elsewhere = open_file(request, application_id, "edit_draft")
    if elsewhere:
        return elsewhere
    try:
        services.remove_supporting_document(
            user=request.user, application_id=app.pk, document_id=document_id
        )
    except services.WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "La pièce est supprimée.")
    return redirect("workflows:draft_step", application_id=app.pk, step="pieces")


@login_required
@require_POST
def draft_upload(request: HttpRequest, application_id) -> HttpResponse:
    """A piece added from the « pièces » step (validated by its content)."""
    app, _lifecycle, elsewhere = open_file(request, application_id, "edit_draft")
    if elsewhere:
        return elsewhere
    form = SupportingDocumentForm(request.POST, request.FILES, prefix="piece")
    if form.is_valid():
        uploaded = form.cleaned_data["file"]
        done_url = reverse("workflows:draft_step", args=[app.pk, "pieces"])
        try:
            integrations.validate_upload(uploaded)
            with submitted_once(request, "workflows:draft_upload") as once:
                services.add_supporting_document(
                    user=request.user,
                    application_id=app.pk,
                    title=form.cleaned_data["title"],
                    uploaded_file=uploaded,
                    replace=request.POST.get("remplace") or None,
                )
                once.done(done_url)
        except AlreadySubmitted:
            messages.info(request, REPLAYED)
            return redirect(done_url)
        except ValidationError as error:
            form.add_error("file", error)
        except services.InvalidInput as error:
            put_errors_on_form(form, error)
        except services.WorkflowError as error:
            messages.error(request, error.message)
            return redirect(detail_url(app))
        else:
            messages.success(request, "Pièce ajoutée.")
            return redirect("workflows:draft_step", application_id=app.pk, step="pieces")
    context = _step_context(app, "pieces")
    context.update(
        {
            "title": "Candidature — Pièces justificatives",
            "form": STEP_FORMS["pieces"](),
            "upload_form": form,
        }
    )
    return render(request, "workflows/draft_step.html", context, status=400)


class DraftSubmit(FormAction):
    """The submission page: what is missing, the declaration, the live check, the button."""

    transition = "submit"
    form_class = SubmitForm
    template_name = "workflows/draft_submit.html"
    title = "Déposer la candidature"
    success_message = "Votre dossier est déposé. Un accusé de réception vous est adressé."

    def perform(self, form):
        return services.submit_application(
            user=self.request.user,
            application_id=self.app.pk,
            justification=form.cleaned_data["justification"],
        )

    def get_context_data(self, **kwargs):
        app = self.app
        return super().get_context_data(
            missing=[s for s in draft.STEPS if s.slug not in app.completed_steps],
            steps=draft.STEPS,
            declaration=draft.describe(
                app.draft_declaration,
                operator_names=dict(Operator.objects.values_list("code", "name")),
            ),
            supporting=app.documents.filter(role=DocumentRole.SUPPORTING),
            check=(check := selectors.live_check(app)),
            todo=draft.todo(check.errors, completed=app.completed_steps),
            **kwargs,
        )


class Withdraw(FormAction):
    transition = "withdraw"
    form_class = ReasonForm
    title = "Retirer la candidature (sans suite)"
    submit_label = "Retirer la candidature"
    danger = True
    success_message = "La candidature est retirée."

    def perform(self, form):
        return services.withdraw(
            user=self.request.user, application_id=self.app.pk, reason=form.cleaned_data["reason"]
        )
