"""Background production of official documents."""

from __future__ import annotations

import logging

from celery import shared_task

from documents import services
from documents.models import Document

logger = logging.getLogger(__name__)

MAX_RETRIES = 3


@shared_task(
    bind=True,
    name="documents.render_document",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    dont_autoretry_for=(Document.DoesNotExist,),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
)
def render_document(self, document_id: str) -> object:
    """Make the PDF of one document. Idempotent; after the last retry the document is marked
    failed with the error, and the task ends without raising (the failure is recorded)."""
    final = self.request.retries >= (self.max_retries or 0)
    try:
        document = services.produce_document(document_id=document_id)
    except Document.DoesNotExist:
        logger.warning("document %s introuvable : rien à produire", document_id)
        return "missing"
    except Exception as exc:
        services.record_failure(
            document_id=document_id, error=f"{type(exc).__name__}: {exc}", final=final
        )
        if final:
            logger.exception(
                "document %s en échec après %s essais", document_id, self.request.retries + 1
            )
            return "failed"
        if self.request.is_eager:
            # Eager mode (tests, `make run`) propagates exceptions: retry in-process instead.
            return self.retry(exc=exc, countdown=0, throw=False)
        raise  # autoretry_for: the worker retries with exponential back-off
    return document.status


@shared_task(name="documents.requeue_stale_documents")
def requeue_stale_documents() -> int:
    """For the beat schedule: enqueue again documents whose message was lost."""
    return services.requeue_stale_documents()
