"""Reads of the documents app, scoped by what the user may see (the place's access rules)."""

from __future__ import annotations

from django.db.models import Count, Q

from documents.codes import normalize_code
from documents.models import Document, DocumentBatch, DocumentStatus, SupportingDocument
from labelling.models import Place, User
from labelling.selectors import place_for_user


def document_for_user(*, user: User, document_id) -> Document | None:
    """The document, or None when it does not exist or its place is hidden from the user."""
    document = Document.objects.select_related("place").filter(pk=document_id).first()
    if document is None or place_for_user(user=user, place_id=document.place_id) is None:
        return None
    return document


def supporting_document_for_user(*, user: User, document_id) -> SupportingDocument | None:
    document = SupportingDocument.objects.select_related("place").filter(pk=document_id).first()
    if document is None or place_for_user(user=user, place_id=document.place_id) is None:
        return None
    return document


def documents_for_place(*, place: Place) -> list[Document]:
    return list(Document.objects.filter(place=place).order_by("-created_at", "kind", "-revision"))


def supporting_documents_for_place(*, place: Place) -> list[SupportingDocument]:
    return list(SupportingDocument.objects.filter(place=place).order_by("-uploaded_at"))


def verifiable_document(*, code: str) -> Document | None:
    """A produced document by its verification code (typed loosely), or None."""
    normalized = normalize_code(code)
    if normalized is None:
        return None
    return (
        Document.objects.ready()
        .select_related("place__commune")
        .filter(verification_code=normalized)
        .first()
    )


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
