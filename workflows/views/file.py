"""The file page, read by everyone who sees the file (porteur, préfecture, agency), and what
both sides do from it: messages, signed conventions."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from labelling.models import Operator
from workflows import draft, integrations, selectors, services
from workflows.deadlines import today
from workflows.forms import ConventionUploadForm, MessageForm, NoteForm
from workflows.lifecycle import ApplicationLifecycle
from workflows.models import Action, DocumentRole, Outcome, State
from workflows.permissions import sees_private_parts
from workflows.views.base import FormAction, application_or_404


@login_required
def application_detail(request: HttpRequest, application_id) -> HttpResponse:
    """Everything the user may read of the file, and « Ce que vous pouvez faire » (from the
    table), in a fixed number of queries."""
    app = application_or_404(request, application_id)
    user = request.user
    # The préfecture's own parts (appraisals, opinions, notes) are shown to the préfecture.
    prefecture = user.is_prefecture and sees_private_parts(user, app)
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
        "is_prefecture": prefecture,
        "criteria": criteria,
        "journal": selectors.journal_for(user=user, app=app),
        "messages_thread": thread,
        "documents": [link for link in links if link.role != DocumentRole.MESSAGE],
        "corrections": list(app.corrections.select_related("corrected_by")),
        "opinions": list(app.opinions.select_related("operator")) if prefecture else [],
        "notes": list(app.private_notes.select_related("author")) if prefecture else [],
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


class PostMessage(FormAction):
    transition = "post_message"
    form_class = MessageForm
    title = "Écrire un message"
    multipart = True
    submit_label = "Envoyer"
    anchor = "messages"
    upload_field = "attachment"
    success_message = "Message envoyé."

    def perform(self, form):
        files = [form.cleaned_data["attachment"]] if form.cleaned_data["attachment"] else []
        for uploaded in files:
            integrations.validate_upload(uploaded)
        return services.post_message(
            user=self.request.user,
            application_id=self.app.pk,
            body=form.cleaned_data["body"],
            files=files,
        )


class ConventionUpload(FormAction):
    """The porteur (or the instructor) deposits the signed convention with one partner."""

    transition = "upload_convention"
    form_class = ConventionUploadForm
    multipart = True
    submit_label = "Déposer"
    anchor = "conventions"
    upload_field = "file"
    success_message = "La convention signée est déposée."

    def setup_objects(self):
        self.tracking = (
            self.app.convention_trackings.select_related("operator")
            .filter(operator_id=self.kwargs["operator_code"])
            .first()
        )
        if self.tracking is None:
            raise Http404("Cette convention n'est pas suivie pour ce dossier.")
        self.title = f"Convention signée avec {self.tracking.operator.name}"

    def perform(self, form):
        uploaded = form.cleaned_data["file"]
        integrations.validate_upload(uploaded)
        return services.upload_convention(
            user=self.request.user,
            application_id=self.app.pk,
            operator_code=self.tracking.operator_id,
            signed_on=form.cleaned_data["signed_on"],
            uploaded_file=uploaded,
        )
