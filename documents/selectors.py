"""Reads of the documents app, scoped by what the user may read (the audience each document
was given: `documents.permissions`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q

from documents.codes import is_specimen, normalize_code
from documents.models import (
    Document,
    DocumentBatch,
    DocumentKind,
    DocumentStatus,
    SupportingDocument,
)
from documents.permissions import readable_documents, readable_pieces

if TYPE_CHECKING:
    from labelling.models import User


def document_for_user(*, user: User, document_id) -> Document | None:
    """The document, or None when it does not exist or the user is not among its readers."""
    return (
        readable_documents(user, Document.objects.select_related("place"))
        .filter(pk=document_id)
        .first()
    )


def supporting_document_for_user(*, user: User, document_id) -> SupportingDocument | None:
    """The piece, or None when it does not exist or the user is not among its readers."""
    return (
        readable_pieces(user, SupportingDocument.objects.select_related("place"))
        .filter(pk=document_id)
        .first()
    )


def documents_for_place(*, user: User, place_id) -> list[Document]:
    """The official documents of a place that the user may read."""
    return list(
        readable_documents(user)
        .filter(place_id=place_id)
        .order_by("-created_at", "kind", "-revision")
    )


def supporting_documents_for_place(*, user: User, place_id) -> list[SupportingDocument]:
    """The supporting documents of a place that the user may read."""
    return list(readable_pieces(user).filter(place_id=place_id).order_by("-uploaded_at"))


def readable_document_ids(*, user: User, ids) -> set:
    """Among these document ids, those the user may read (one query)."""
    return set(readable_documents(user).filter(pk__in=list(ids)).values_list("pk", flat=True))


def readable_piece_ids(*, user: User, ids) -> set:
    """Among these piece ids, those the user may read (one query)."""
    return set(readable_pieces(user).filter(pk__in=list(ids)).values_list("pk", flat=True))


def latest_revisions(*, documents) -> dict:
    """For each document, its latest revision (same kind and subject), in one query."""
    documents = list(documents)
    if not documents:
        return {}
    keys = Q()
    for document in documents:
        keys |= Q(kind=document.kind, subject_key=document.subject_key)
    latest: dict = {}
    for candidate in Document.objects.filter(keys).order_by("revision"):
        latest[(candidate.kind, candidate.subject_key)] = candidate
    return {d.pk: latest.get((d.kind, d.subject_key), d) for d in documents}


def verifiable_document(*, code: str) -> Document | None:
    """A produced document by its verification code (typed loosely), or None."""
    normalized = normalize_code(code)
    if normalized is None or is_specimen(normalized):
        return None
    return (
        Document.objects.ready()
        .filter(public_verification=True)
        .select_related("place__commune")
        .filter(verification_code=normalized)
        .first()
    )


def verification_status(*, document: Document) -> dict:
    """What the document is worth today: replaced by a later revision, abrogated (a labelling
    arrêté ended by an abrogation arrêté), in force, or simply issued (a letter)."""
    from documents.contexts import UnreadableContext, load_context

    latest = (
        Document.objects.filter(kind=document.kind, subject_key=document.subject_key)
        .order_by("-revision")
        .first()
    )
    if latest is not None and latest.revision > document.revision:
        return {
            "state": "replaced",
            "label": f"Remplacé par la révision {latest.revision}",
            "since": latest.created_at.date(),
        }
    if document.kind == DocumentKind.ARRETE_LABELLISATION:
        abrogations = Document.objects.ready().filter(
            place_id=document.place_id,
            kind=DocumentKind.ARRETE_ABROGATION,
            created_at__gt=document.created_at,
        )
        for abrogation in abrogations.order_by("created_at"):
            try:
                context = load_context(abrogation.context)
            except UnreadableContext:
                continue
            cited = getattr(context, "labelling_reference", "")
            if cited and document.register_number and cited != document.register_number:
                continue
            return {
                "state": "abrogated",
                "label": f"Abrogé par l'arrêté n° {abrogation.register_number or '—'}",
                "since": context.effective_on,
            }
    if document.is_appealable:
        return {"state": "in_force", "label": "En vigueur", "since": None}
    return {"state": "issued", "label": "Émis", "since": None}


def latest_revision(*, document: Document) -> int:
    return (
        Document.objects.filter(kind=document.kind, subject_key=document.subject_key)
        .order_by("-revision")
        .values_list("revision", flat=True)
        .first()
        or document.revision
    )


def batch_for_user(*, user: User, batch_id) -> DocumentBatch | None:
    batch = DocumentBatch.objects.filter(pk=batch_id).first()
    if batch is None or not user.is_authenticated:
        return None
    if batch.requested_by_id == user.pk or getattr(user, "is_national", False):
        return batch
    return None


def batch_progress(*, batch: DocumentBatch) -> dict:
    """Counts of the batch's documents by status, in one query."""
    counts = batch.documents.aggregate(
        total=Count("pk"),
        **{status: Count("pk", filter=Q(status=status)) for status in DocumentStatus.values},
    )
    total = counts["total"] or 0
    done = counts[DocumentStatus.READY] + counts[DocumentStatus.FAILED]
    return {
        **counts,
        "done": done,
        "finished": total > 0 and done == total,
        "percent": round(100 * done / total) if total else 100,
    }
