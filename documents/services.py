"""Writes of the documents app: ask for official documents (made in the background), produce
them, regenerate or retry them, and store supporting documents after validation.

Workflows decide *which* document a step needs, build what it shows (a typed context of
`documents.contexts`) and say who reads it (an `Audience`); this module decides how it is made,
stored, granted and verified."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from documents import permissions, registers, seal
from documents.audiences import Audience
from documents.contexts import DocumentContext, UnreadableContext, load_context
from documents.models import (
    Document,
    DocumentBatch,
    DocumentKind,
    DocumentStatus,
    SupportingDocument,
)
from documents.prefectures import prefecture_info
from documents.rendering import DECISION_QUALITY, html_to_pdf, render_html, render_pdf
from documents.signatories import SERVICE_QUALITY, SignatureNotDelegated, freeze_signatory
from documents.uploads import validate_upload
from labelling.models import Place, User
from labelling.queueing import enqueue

__all__ = [
    "Audience",
    "BatchItem",
    "DocumentNotRetryable",
    "SignatureNotDelegated",
    "produce_document",
    "record_failure",
    "regenerate_document",
    "render_pdf",
    "request_document",
    "request_documents_batch",
    "requeue_stale_documents",
    "retry_document",
    "share_document",
    "store_supporting_document",
    "verify_url",
]

logger = logging.getLogger(__name__)

ACTIVE_STATUSES = (DocumentStatus.PENDING, DocumentStatus.RUNNING, DocumentStatus.READY)


class DocumentNotRetryable(ValueError):
    """Only a failed document can be retried; only a ready or failed one regenerated."""


def site_url() -> str:
    """The public address of the site, without a trailing slash (setting ``SITE_URL``)."""
    return settings.SITE_URL.rstrip("/")


def verify_url(code: str) -> str:
    """The absolute address printed (and QR-coded) on a document to verify it."""
    return site_url() + reverse("documents:verify", args=[code])


# --- who signs ---------------------------------------------------------------------------------


def _signatory(context: DocumentContext, requested_by: User | None) -> tuple[str, str]:
    person = context.signer
    name = person.name if person else ""
    if not name and requested_by is not None and context.appealable:
        name = requested_by.get_full_name() or ""
    default_quality = DECISION_QUALITY if context.appealable else SERVICE_QUALITY
    return name[:200], ((person.quality if person else "") or default_quality)[:300]


# --- asking for documents -----------------------------------------------------------------


def _enqueue(document_id) -> None:
    from documents.tasks import render_document

    enqueue(render_document, str(document_id))  # broker down: requeue_stale_documents resends


def _create_revision(
    *,
    place: Place,
    subject_key: str,
    context: DocumentContext,
    revision: int,
    requested_by: User | None,
    audience: Audience | None = None,
    grants_from: Document | None = None,
    previous: Document | None = None,
) -> Document:
    # The register number: a revision keeps its document's, a new document takes the next one
    # of its préfecture's register (in this transaction: no gap if it rolls back).
    number = (previous.register_number if previous is not None else "") or context.reference
    if not number:
        number = registers.next_number(
            departement=context.place.departement or place.departement_id,
            kind=context.kind,
            year=context.document_date.year,
        )
    if context.reference != number:
        context = dataclasses.replace(context, reference=number)
    name, quality = _signatory(context, requested_by)
    document = Document.objects.create(
        kind=context.kind,
        register_number=number[:30],
        place=place,
        subject_key=subject_key,
        revision=revision,
        context=context.to_snapshot(),
        signed_by_name=name,
        signed_by_quality=quality,
        requested_by=requested_by,
        public_verification=(
            audience.public_verification
            if audience is not None
            else getattr(grants_from, "public_verification", False)
        ),
    )
    if audience is not None:
        permissions.grant(document, audience)
    if grants_from is not None:
        permissions.copy_grants(grants_from, document)
    transaction.on_commit(lambda: _enqueue(document.pk), robust=True)
    return document


def _latest(kind: str, subject_key: str, *, lock: bool = False) -> Document | None:
    documents = Document.objects.filter(kind=kind, subject_key=subject_key)
    if lock:
        documents = documents.select_for_update()
    return documents.order_by("-revision").first()


def labelling_arrete(place: Place) -> Document | None:
    """The arrêté that labelled this place (its latest, numbered)."""
    return (
        Document.objects.filter(place=place, kind=DocumentKind.ARRETE_LABELLISATION)
        .exclude(register_number="")
        .order_by("-created_at", "-revision")
        .first()
    )


def _cite_labelling(context: DocumentContext, place: Place) -> DocumentContext:
    """An abrogation cites the labelling arrêté it ends by its number and date, a mise en
    demeure the arrêté that may be abrogated."""
    if getattr(context, "labelling_reference", ""):
        return context
    arrete = labelling_arrete(place)
    if arrete is None:
        return context
    decided = (arrete.context or {}).get("decided_on")
    return dataclasses.replace(
        context,
        labelling_reference=arrete.register_number,
        labelled_on=(datetime.date.fromisoformat(decided) if decided else context.labelled_on),
    )


def request_document(
    *,
    place: Place,
    subject_key: str,
    context: DocumentContext,
    audience: Audience,
    requested_by: User | None = None,
) -> Document:
    """The document of the context's kind for this subject: the latest revision when it is
    pending, running or ready (asking twice makes one document); otherwise a new revision, made
    in the background once the surrounding transaction commits, from `context` (a typed
    context of `documents.contexts`, frozen as the document's snapshot). The `audience` reads
    it (and nobody else: an empty audience leaves it to no one)."""
    if not isinstance(context, DocumentContext):
        raise TypeError("context est un contexte typé de documents.contexts.")
    kind = DocumentKind(context.kind).value
    if not subject_key:
        raise ValueError("subject_key est obligatoire.")
    # Who signs and by what right, the préfecture's details: frozen now (raises
    # SignatureNotDelegated for a decision nobody may sign « par délégation »).
    context = freeze_signatory(context, requested_by=requested_by)
    if kind in (DocumentKind.ARRETE_ABROGATION, DocumentKind.MISE_EN_DEMEURE):
        context = _cite_labelling(context, place)
    latest = _latest(kind, subject_key)
    if latest is not None and latest.status in ACTIVE_STATUSES:
        permissions.grant(latest, audience)
        return latest
    try:
        with transaction.atomic():
            return _create_revision(
                place=place,
                subject_key=subject_key,
                context=context,
                revision=(latest.revision + 1) if latest else 1,
                requested_by=requested_by,
                audience=audience,
                previous=latest,
            )
    except IntegrityError:
        # Someone asked for the same document at the same moment: theirs is ours.
        latest = _latest(kind, subject_key)
        if latest is None:
            raise
        return latest


@transaction.atomic
def regenerate_document(
    *, document: Document, requested_by: User | None, context: DocumentContext | None = None
) -> Document:
    """A new revision of a ready (or failed) document, from the same snapshot unless another is
    given. The earlier revision is kept unchanged, and stays verifiable; the new one has the same
    readers."""
    latest = _latest(document.kind, document.subject_key, lock=True)
    if document.status not in (DocumentStatus.READY, DocumentStatus.FAILED):
        raise DocumentNotRetryable("Le document est encore en cours de production.")
    if latest is not None and latest.pk != document.pk and latest.status in ACTIVE_STATUSES[:2]:
        return latest  # a newer revision is already being made
    if context is None:
        try:
            context = load_context(document.context)
        except UnreadableContext as exc:
            raise DocumentNotRetryable(str(exc)) from exc
    if context.kind != document.kind:
        raise ValueError("Une révision garde le type du document.")
    return _create_revision(
        place=document.place,
        subject_key=document.subject_key,
        context=context,
        revision=(latest.revision if latest else document.revision) + 1,
        requested_by=requested_by,
        grants_from=document,
        previous=latest or document,
    )


@transaction.atomic
def retry_document(*, document: Document, requested_by: User | None = None) -> Document:
    """Start again the production of a failed document (same revision, same code)."""
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if locked.status != DocumentStatus.FAILED:
        raise DocumentNotRetryable("Seul un document en échec peut être relancé.")
    locked.status = DocumentStatus.PENDING
    locked.error = ""
    locked.save(update_fields=["status", "error", "updated_at"])
    logger.info("document %s relancé par %s", locked.pk, getattr(requested_by, "pk", None))
    transaction.on_commit(lambda: _enqueue(locked.pk), robust=True)
    return locked


@dataclass(frozen=True)
class BatchItem:
    place: Place
    subject_key: str
    context: DocumentContext
    audience: Audience


@transaction.atomic
def request_documents_batch(
    *,
    items: Iterable[BatchItem | dict],
    requested_by: User | None = None,
    title: str = "",
) -> DocumentBatch:
    """Ask for many documents at once; the batch follows their progress."""
    batch = DocumentBatch.objects.create(title=title[:200], requested_by=requested_by)
    documents = []
    for item in items:
        if isinstance(item, dict):
            item = BatchItem(**item)
        documents.append(
            request_document(
                place=item.place,
                subject_key=item.subject_key,
                context=item.context,
                audience=item.audience,
                requested_by=requested_by,
            )
        )
    batch.documents.add(*documents)
    batch.total = len({d.pk for d in documents})
    batch.save(update_fields=["total"])
    return batch


# --- producing (the Celery task's body) ---------------------------------------------------


def official_pdf(*, context: DocumentContext, verification_code: str, verify_url: str) -> bytes:
    """The PDF as the préfecture issues it: a decision is PDF/A-3b, tagged, and sealed (PAdES);
    a letter or a report is a plain PDF."""
    html = render_html(context=context, verification_code=verification_code, verify_url=verify_url)
    if not context.appealable:
        return html_to_pdf(html)
    pdf = html_to_pdf(html, archival=True)
    label = DocumentKind(context.kind).label
    return seal.seal_pdf(
        pdf,
        reason=f"{label} n° {context.reference}" if context.reference else label,
        location=prefecture_info(context.place.departement)["seat"],
    )


def produce_document(*, document_id) -> Document:
    """Render and store one document. Idempotent: a ready document is left as it is, and when
    two workers race, the first to store wins and the other's PDF is dropped."""
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document_id)
        if document.status == DocumentStatus.READY:
            return document
        document.status = DocumentStatus.RUNNING
        document.attempts += 1
        document.save(update_fields=["status", "attempts", "updated_at"])

    pdf = official_pdf(
        context=load_context(document.context),
        verification_code=document.verification_code,
        verify_url=verify_url(document.verification_code),
    )
    digest = hashlib.sha256(pdf).hexdigest()

    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document_id)
        if document.status == DocumentStatus.READY:
            return document
        document.file.save("document.pdf", ContentFile(pdf), save=False)
        try:
            document.sha256 = digest
            document.status = DocumentStatus.READY
            document.ready_at = timezone.now()
            document.error = ""
            document.save(
                update_fields=["file", "sha256", "status", "ready_at", "error", "updated_at"]
            )
        except Exception:
            document.file.storage.delete(document.file.name)
            raise
    return document


def record_failure(*, document_id, error: str, final: bool) -> None:
    """Note an attempt's error; after the last attempt the document is marked failed."""
    with transaction.atomic():
        document = Document.objects.select_for_update().filter(pk=document_id).first()
        if document is None or document.status == DocumentStatus.READY:
            return
        document.error = error[:5000]
        document.status = DocumentStatus.FAILED if final else DocumentStatus.PENDING
        document.save(update_fields=["error", "status", "updated_at"])


def requeue_stale_documents(*, older_than_minutes: int = 15) -> int:
    """Enqueue again documents left pending or running (a lost message, a broker that was
    down when they were asked for). Safe: the task is idempotent."""
    limit = timezone.now() - timezone.timedelta(minutes=older_than_minutes)
    ids = list(
        Document.objects.filter(
            status__in=(DocumentStatus.PENDING, DocumentStatus.RUNNING), updated_at__lt=limit
        ).values_list("pk", flat=True)[:1000]
    )
    for document_id in ids:
        _enqueue(document_id)
    return len(ids)


# --- supporting documents --------------------------------------------------------------------


@transaction.atomic
def store_supporting_document(
    *,
    place: Place,
    subject_key: str,
    title: str,
    uploaded_file,
    uploaded_by: User | None,
    audience: Audience,
) -> SupportingDocument:
    """Validate the file by its content, then keep it under a random name, read by `audience`.
    A refused file raises ValidationError and nothing of it is kept."""
    validated = validate_upload(uploaded_file=uploaded_file)
    if validated.content is not None:
        content = validated.content  # re-encoded: what followed the image dropped
    else:
        uploaded_file.seek(0)
        content = uploaded_file.read()
    original_name = os.path.basename(getattr(uploaded_file, "name", "") or "")[:255]
    document = SupportingDocument(
        place=place,
        subject_key=subject_key,
        title=(title or "").strip()[:200] or original_name or "Pièce justificative",
        original_name=original_name or f"piece.{validated.extension}",
        content_type=validated.content_type,
        extension=validated.extension,
        size=validated.size,
        pages=validated.pages,
        sha256=validated.sha256,
        uploaded_by=uploaded_by,
    )
    document.file.save(f"piece.{validated.extension}", ContentFile(content), save=False)
    try:
        document.save()
        permissions.grant(document, audience)
    except Exception:
        document.file.storage.delete(document.file.name)
        raise
    return document


def share_document(
    obj: Document | SupportingDocument, *, audience: Audience, replace: bool = False
) -> None:
    """Let more readers read an existing document or piece (`replace`: only them)."""
    permissions.grant(obj, audience, replace=replace)
