"""One form, one effect: every form that creates something (a message, a note, a draft, a
piece, an opinion request…) or fires a step of a file carries a one-time key (``{% once %}``
in its template, a hidden ``request_key`` field). The view runs what the form does inside
``submitted_once``: the key is written in the same transaction, under a unique constraint.

- A second post of the same form (double click, reload, two tabs) finds the key: nothing is
  done again and the user lands where the first post led (``AlreadySubmitted``).
- Two posts at the same instant: the database makes the second wait for the first, then
  refuses its key (PostgreSQL's unique index), so exactly one is done.
- A post refused (a field to correct, a step not possible now) rolls back with its key: the
  corrected form can be sent again.
Keys are purged after ``SUBMITTED_FORM_DAYS`` days (``purge_submitted_forms``).

A view that does its work and answers with a redirection can simply be decorated with
``@once_per_form("app:action")``: the redirection is where a second post is sent; an answer
that is not a redirection (the form shown again with what to correct), or a redirection with
only an error message (nothing done), forgets the key.

This module is the lowest layer of the project: it imports no app of it (import-linter)."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from idempotency.models import SubmittedForm

FIELD = "request_key"
REPLAYED = "Ce formulaire avait déjà été envoyé : il n'a été pris en compte qu'une fois."


class AlreadySubmitted(Exception):
    def __init__(self, result_url: str = ""):
        super().__init__(result_url)
        self.result_url = result_url


def new_key() -> str:
    return str(uuid.uuid4())


def key_of(request: HttpRequest) -> uuid.UUID | None:
    raw = request.POST.get(FIELD, "")
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


class Once:
    def __init__(self, row: SubmittedForm | None):
        self.row = row

    def done(self, result_url: str) -> None:
        """Where the first post led: a second one is sent there."""
        if self.row is not None:
            self.row.result_url = result_url[:500]
            self.row.save(update_fields=["result_url"])

    def forget(self) -> None:
        """Nothing was done that a second post could repeat (a form to correct): the same form
        may be sent again once corrected."""
        if self.row is not None:
            self.row.delete()
            self.row = None


@contextmanager
def submitted_once(request: HttpRequest, action: str) -> Iterator[Once]:
    """Run the body once per form key (see the module); a form without a key (an API client,
    an old page) runs as before."""
    key = key_of(request)
    user = request.user
    if key is None or not user.is_authenticated:
        yield Once(None)
        return
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = SubmittedForm.objects.create(key=key, user=user, action=action[:100])
        except IntegrityError:
            earlier = SubmittedForm.objects.filter(key=key, user=user).first()
            raise AlreadySubmitted(earlier.result_url if earlier else "") from None
        yield Once(row)


REDIRECTIONS = (301, 302, 303)


def once_per_form(action: str) -> Callable:
    """Decorate a view (under its sign-in check) so that each form posted to it has one
    effect: see the module. The view runs inside the key's transaction."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method != "POST":
                return view(request, *args, **kwargs)
            try:
                with submitted_once(request, action) as once:
                    response = view(request, *args, **kwargs)
                    if response.status_code in REDIRECTIONS and not _refused(request):
                        once.done(response["Location"])
                    else:
                        once.forget()
                    return response
            except AlreadySubmitted as replay:
                messages.info(request, REPLAYED)
                return redirect(replay.result_url or "/")

        return wrapper

    return decorate


def _refused(request: HttpRequest) -> bool:
    """The view said only an error (a step not possible now, no file taken): nothing was done,
    and the same form may be sent again."""
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", [])
    levels = {message.level for message in queued}
    return messages.ERROR in levels and messages.SUCCESS not in levels


def purge(*, older_than_days: int | None = None) -> int:
    days = settings.SUBMITTED_FORM_DAYS if older_than_days is None else older_than_days
    limit = timezone.now() - datetime.timedelta(days=days)
    deleted, _ = SubmittedForm.objects.filter(created_at__lt=limit).delete()
    return deleted
