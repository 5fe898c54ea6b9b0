"""The pages of a partner operator: the opinions asked of it, and its answer. It sees the
declaration it is asked about and what the request shares with it, never the file."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from labelling.models import Operator
from workflows import draft, selectors, services
from workflows.deadlines import today
from workflows.forms import OpinionAnswerForm
from workflows.lifecycle import ApplicationLifecycle
from workflows.views.base import FormAction, require


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


class OperatorOpinion(FormAction):
    transition = "record_opinion"
    form_class = OpinionAnswerForm
    template_name = "workflows/operator_opinion.html"
    title = "Donner un avis"
    success_message = "Votre avis est transmis à la préfecture. Merci."

    def get_application(self):
        self.opinion = (
            selectors.opinions_for_operator(user=self.request.user)
            .filter(pk=self.kwargs["opinion_id"])
            .first()
        )
        if self.opinion is None:
            raise Http404("Cet avis n'existe pas ou ne vous est pas demandé.")
        return self.opinion.application

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.app = self.get_application()
        require(ApplicationLifecycle(self.app), self.transition, request.user)
        return super(FormAction, self).dispatch(request, *args, **kwargs)

    def get_success_url(self):
        return reverse("workflows:operator_opinions")

    def get_error_url(self):
        return reverse("workflows:operator_opinions")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            opinion=self.opinion,
            # What the request shares: the declaration asked about, and the documents chosen.
            declaration=draft.describe(
                self.opinion.application.declaration,
                operator_names=dict(Operator.objects.values_list("code", "name")),
            ),
            shared=selectors.opinion_document_links(user=self.request.user, opinion=self.opinion),
            **kwargs,
        )

    def perform(self, form):
        return services.record_opinion(
            user=self.request.user,
            application_id=self.opinion.application_id,
            opinion_id=self.opinion.pk,
            favourable=form.cleaned_data["favourable"] == "oui",
            answer=form.cleaned_data["answer"],
        )
