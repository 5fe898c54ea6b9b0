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
Keys are purged after ``SUBMITTED_FORM_DAYS`` days (``purge_submitted_forms``)."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
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


def purge(*, older_than_days: int | None = None) -> int:
    days = settings.SUBMITTED_FORM_DAYS if older_than_days is None else older_than_days
    limit = timezone.now() - datetime.timedelta(days=days)
    deleted, _ = SubmittedForm.objects.filter(created_at__lt=limit).delete()
    return deleted
