"""What every page of a file shares, and the one class of the pages that bind a form and call a
service (`FormAction`).

- The file comes from the user's scope (`workflows.selectors.application_for_user`): a file
  outside it answers 404, the same as a missing one.
- The transition the page fires is checked in the table before the form is shown: a user who
  sees the file but may not do this gets a 403 with the table's French refusal; at the wrong
  stage, the page sends back to the file with the reason.
- The form is bound; the service is called with what it cleaned; what the service refuses
  (`InvalidInput`) goes back onto the form's fields, keeping what was typed; another refusal
  (another person acted first…) is shown on the file page.
- On success: a French message, then `next` when it is a URL of this site, else the file."""

from __future__ import annotations

import unicodedata
from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from idempotency.keys import REPLAYED, AlreadySubmitted, submitted_once
from workflows import selectors, services
from workflows.lifecycle import ApplicationLifecycle
from workflows.models import Application


def application_or_404(request: HttpRequest, application_id) -> Application:
    app = selectors.application_for_user(user=request.user, application_id=application_id)
    if app is None:
        raise Http404("Ce dossier n'existe pas ou vous n'y avez pas accès.")
    return app


def detail_url(app: Application, anchor: str = "") -> str:
    return reverse("workflows:application_detail", args=[app.pk]) + (f"#{anchor}" if anchor else "")


def safe_next(request: HttpRequest, default: str) -> str:
    """`next` from the form or the query when it is a path of this very site, else `default`.
    Anything else (a bare word, which `redirect` would read as a view name, a control
    character, a space) is not a page the site sent, and the default is used."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not target.startswith("/") or any(
        ch.isspace() or unicodedata.category(ch).startswith("C") for ch in target
    ):
        return default
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def require(lifecycle: ApplicationLifecycle, name: str, user) -> None:
    """403 with the table's refusal when this user may not fire `name` on the file."""
    refusal = lifecycle.refusal(name, user)
    if refusal is not None:
        raise PermissionDenied(refusal)


def put_errors_on_form(form: forms.Form, error: services.InvalidInput) -> None:
    """The service's field errors on the form's fields (others on the form itself)."""
    for field, field_errors in error.field_errors.items():
        for message in field_errors:
            form.add_error(field if field in form.fields else None, message)
    if not error.field_errors:
        form.add_error(None, error.message)


class FormAction(LoginRequiredMixin, View):
    """A page of a file: a form whose cleaned data go to one service.

    Subclasses set `transition` (the name in `workflows.lifecycle`), `form_class`, `title`,
    `success_message` and write `perform(form)`; optional: `intro`, `submit_label`,
    `multipart`, `danger`, `anchor` (where to land on the file page), `upload_field` (a file
    field whose content validation errors belong to it)."""

    transition: ClassVar[str]
    form_class: ClassVar[type[forms.Form]]
    template_name = "workflows/action_form.html"
    title = ""
    intro = ""
    submit_label = "Valider"
    multipart = False
    danger = False
    anchor = ""
    success_message = ""
    upload_field = ""
    # Pages without a form of their own (a button posts): errors come back as messages.
    post_only = False

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.app = self.get_application()
        self.lifecycle = ApplicationLifecycle(self.app)
        require(self.lifecycle, self.transition, request.user)
        self.setup_objects()
        if self.post_only and request.method != "POST":
            return redirect(detail_url(self.app))
        unmet = self.lifecycle.unmet(self.transition)
        if unmet is not None and request.method != "POST":
            messages.info(request, unmet)
            return redirect(self.get_error_url())
        return super().dispatch(request, *args, **kwargs)

    # --- what a page may change ------------------------------------------------------------

    def get_application(self) -> Application:
        return application_or_404(self.request, self.kwargs["application_id"])

    def setup_objects(self) -> None:
        """Load what else the page is about (an opinion, a convention): 404 when missing."""

    def get_form_kwargs(self) -> dict:
        kwargs: dict = {}
        if self.request.method == "POST":
            kwargs["data"] = self.request.POST
            if self.multipart:
                kwargs["files"] = self.request.FILES
        return kwargs

    def get_form(self) -> forms.Form:
        return self.form_class(**self.get_form_kwargs())

    def perform(self, form: forms.Form) -> object:
        raise NotImplementedError

    def get_success_url(self) -> str:
        return safe_next(self.request, detail_url(self.app, self.anchor))

    def get_error_url(self) -> str:
        """Where a refusal (not now, another person acted first) sends the user back."""
        return detail_url(self.app)

    def get_success_message(self, result: object) -> str:
        return self.success_message

    def get_context_data(self, **kwargs: Any) -> dict:
        return {
            "title": self.title,
            "app": self.app,
            "intro": self.intro,
            "submit_label": self.submit_label,
            "multipart": self.multipart,
            "danger": self.danger,
            **kwargs,
        }

    # --- the two methods ------------------------------------------------------------------------

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render(self.get_form())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.get_form()
        if form.is_valid():
            try:
                # One form, one effect: a second post of this form does nothing again.
                with submitted_once(request, f"workflows:{self.transition}") as once:
                    result = self.perform(form)
                    once.done(self.get_success_url())
            except AlreadySubmitted as replay:
                messages.info(request, REPLAYED)
                return redirect(replay.result_url or self.get_success_url())
            except services.InvalidInput as error:
                if self.post_only:
                    messages.error(request, error.message)
                    return redirect(self.get_error_url())
                put_errors_on_form(form, error)
            except ValidationError as error:
                form.add_error(self.upload_field or None, error)
            except services.WorkflowError as error:
                messages.error(request, error.message)
                return redirect(self.get_error_url())
            else:
                message = self.get_success_message(result)
                if message:
                    messages.success(request, message)
                return redirect(self.get_success_url())
        elif self.post_only:
            messages.error(request, self.invalid_message(form))
            return redirect(self.get_error_url())
        return self.render(form, status=200)

    def invalid_message(self, form: forms.Form) -> str:
        return " ".join(str(e) for errors in form.errors.values() for e in errors)

    def render(self, form: forms.Form, status: int = 200) -> HttpResponse:
        return render(
            self.request, self.template_name, self.get_context_data(form=form), status=status
        )


class NoForm(forms.Form):
    """The form of a button that posts nothing but itself."""


def open_file(request: HttpRequest, application_id, transition: str):
    """For the pages that are not a `FormAction`: the file (404 outside the scope), the 403 of
    the table, and a redirect to the file when `transition` is not possible now (else None)."""
    app = application_or_404(request, application_id)
    lifecycle = ApplicationLifecycle(app)
    require(lifecycle, transition, request.user)
    unmet = lifecycle.unmet(transition)
    if unmet is not None:
        messages.info(request, unmet)
        return app, lifecycle, redirect(detail_url(app))
    return app, lifecycle, None
