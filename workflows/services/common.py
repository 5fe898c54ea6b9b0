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

from documents import contexts
from documents import services as documents
from labelling.models import User
from workflows import permissions, selectors
from workflows.deadlines import today
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


def document_parts(app: Application) -> dict[str, Any]:
    """The parts every document of this file shows (`documents.contexts.DocumentContext`),
    taken now: documents are made from this snapshot, never from live rows."""
    place, porteur = app.place, app.porteur
    return {
        "place": contexts.Place(
            name=place.name if place else app.site_name,
            address=place.address if place else "",
            commune=place.commune.name if place else "",
            commune_insee=place.commune_id if place else "",
            departement=place.departement_id if place else "",
        ),
        "porteur": contexts.Porteur(
            name=porteur.name,
            kind=porteur.get_kind_display(),
            address=porteur.address,
            article=porteur.article,
        ),
        "application": contexts.FileReference(
            reference=app.reference,
            revision=app.revision,
            version_code=app.version_code,
            submitted_on=(
                timezone.localdate(app.first_submitted_at) if app.first_submitted_at else None
            ),
        ),
        "issued_on": today(),
    }


def signer(user: User | None, quality: str = "") -> contexts.Person | None:
    if user is None:
        return None
    return contexts.Person(name=user.get_full_name() or user.email, quality=quality)


def decision_sources(app: Application) -> dict[str, Any]:
    """What a decision cites of its instruction: the rapport's date (the proposal) and the
    opinions received, each with its date."""
    opinions = []
    for opinion in app.opinions.filter(answered_at__isnull=False).select_related("operator"):
        author = opinion.operator.name if opinion.operator else opinion.addressee
        opinions.append(
            contexts.Opinion(
                author=author,
                verdict="favorable" if opinion.favourable else "unfavorable",
                given_on=timezone.localdate(opinion.answered_at),
            )
        )
    return {
        "report_on": timezone.localdate(app.proposed_at) if app.proposed_at else None,
        "opinions": tuple(opinions),
    }


def criteria_lines(app: Application, codes: Iterable[str]) -> tuple[contexts.Criterion, ...]:
    """The criteria of these codes as the engine reported them for the file."""
    return tuple(contexts.Criterion(**c) for c in criteria_details(app, codes))


def request_document(
    app: Application,
    *,
    context: contexts.DocumentContext,
    user: User | None,
    title: str,
    suffix: str,
) -> ApplicationDocument:
    """Ask the documents app for a document of this file, from its typed context, read by the
    audience the file's policy gives it (`workflows.permissions.document_readers`)."""
    document = documents.request_document(
        place=app.place,
        subject_key=f"application:{app.pk}:r{app.revision}:{suffix}",
        context=context,
        audience=permissions.document_readers(app, context.kind),
        requested_by=user,
    )
    return ApplicationDocument.objects.create(
        application=app,
        revision=app.revision,
        role=DocumentRole.GENERATED,
        kind=context.kind,
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
