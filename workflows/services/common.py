"""What every stage's services share: the transition runner bound to the application's table,
the journal outside a transition, and the documents a file asks for.

A service is one function per action, keyword-only and typed. It fires one transition of
`workflows.lifecycle` (or creates a draft); every check and write happens in one transaction,
so a refused action changes nothing."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import Any

from django.utils import timezone

from documents import services as documents
from labelling.models import User
from workflows import permissions, selectors
from workflows.errors import InvalidInput
from workflows.fsm import Run
from workflows.fsm import transition as _transition
from workflows.lifecycle import ApplicationLifecycle
from workflows.models import Application, ApplicationDocument, DocumentRole, JournalEntry


def transition(name: str, *, user: User | None, application_id) -> AbstractContextManager[Run]:
    """`workflows.fsm.transition` on the application's table: lock, check, then fire."""
    return _transition(ApplicationLifecycle, name, user=user, pk=application_id)


def journal(
    app: Application,
    *,
    user: User | None,
    action: str,
    comment: str = "",
    private: bool = False,
    data: dict | None = None,
    notify: bool = False,
) -> JournalEntry:
    """A journal entry for an action that is not a transition (the creation of a draft)."""
    return ApplicationLifecycle(app).record(
        user=user,
        action=action,
        from_state=app.state,
        comment=comment,
        private=private,
        data=data or {},
        notify=notify,
    )


def required_reason(reason: str, message: str) -> str:
    """The stripped reason, or an error on the `reason` field saying what is expected."""
    if not reason.strip():
        raise InvalidInput(message, field_errors={"reason": [message]})
    return reason.strip()


def person(user: User | None) -> dict:
    if user is None:
        return {}
    return {"name": user.get_full_name() or user.email, "email": user.email}


def criteria_details(app: Application, codes: Iterable[str]) -> list[dict]:
    by_code = {c["code"]: c for c in selectors.current_criteria(app)}
    return [
        {
            "code": code,
            "label": by_code.get(code, {}).get("label") or code,
            "message": by_code.get(code, {}).get("message", ""),
            "reference": by_code.get(code, {}).get("reference", ""),
        }
        for code in codes
    ]


def document_context(app: Application, **extra: Any) -> dict:
    """A snapshot of what a document shows, taken now (documents never read live rows)."""
    place = app.place
    snapshot = app.submitted_snapshot or {}
    return {
        "application": {
            "id": str(app.pk),
            "reference": app.reference,
            "revision": app.revision,
            "state": app.state,
            "state_label": app.get_state_display(),
            "version_code": app.version_code,
            "submitted_at": app.submitted_at.isoformat() if app.submitted_at else None,
            "submitted_on": (
                timezone.localdate(app.first_submitted_at).isoformat()
                if app.first_submitted_at
                else None
            ),
            "first_submitted_at": (
                app.first_submitted_at.isoformat() if app.first_submitted_at else None
            ),
        },
        "place": {
            "name": place.name if place else app.site_name,
            "address": place.address if place else "",
            "commune": place.commune.name if place else "",
            "commune_insee": place.commune_id if place else "",
            "departement": place.departement_id if place else "",
        },
        "porteur": {"name": app.porteur.name, "kind": app.porteur.get_kind_display()},
        "conformity": snapshot.get("conformity", {}),
        **extra,
    }


def request_document(
    app: Application, *, kind: str, user: User | None, title: str, suffix: str, **context: Any
) -> ApplicationDocument:
    """Ask the documents app for a document of this file, read by the audience the file's
    policy gives it (`workflows.permissions.document_readers`)."""
    document = documents.request_document(
        kind=kind,
        place=app.place,
        subject_key=f"application:{app.pk}:r{app.revision}:{suffix}",
        context=document_context(app, **context),
        audience=permissions.document_readers(app, kind),
        requested_by=user,
    )
    return ApplicationDocument.objects.create(
        application=app,
        revision=app.revision,
        role=DocumentRole.GENERATED,
        kind=kind,
        title=title,
        document=document,
        added_by=user,
    )


def store_piece(
    app: Application,
    *,
    role: str,
    title: str,
    uploaded_file,
    user: User,
    subject: str,
    kind: str = "",
    message=None,
) -> ApplicationDocument:
    """Keep an uploaded file of this file (a piece, an attachment, a convention), read by those
    who read the file."""
    piece = documents.store_supporting_document(
        place=app.place,
        subject_key=f"application:{app.pk}:{subject}",
        title=title,
        uploaded_file=uploaded_file,
        uploaded_by=user,
        audience=permissions.file_readers(app),
    )
    return ApplicationDocument.objects.create(
        application=app,
        revision=app.revision,
        role=role,
        kind=kind,
        title=title,
        piece=piece,
        message=message,
        added_by=user,
    )
