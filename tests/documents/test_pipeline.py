"""Asking for documents, producing them in the (eager) task, failures, retries, revisions."""

import dataclasses
import hashlib

import pytest
from django.db import IntegrityError, transaction

from documents import services
from documents.contexts import UnreadableContext, load_context
from documents.models import Document, DocumentStatus
from documents.samples import sample_context
from documents.selectors import batch_progress
from documents.tasks import render_document
from tests.documents.conftest import readers
from tests.documents.pdf_tools import pdf_text, read_field
from tests.factories import PlaceFactory

pytestmark = pytest.mark.django_db


def test_request_produces_a_ready_document(make_document, signataire):
    document = make_document("arrete_labellisation", requested_by=signataire)
    assert document.status == DocumentStatus.READY
    assert document.revision == 1 and document.attempts == 1
    assert document.ready_at is not None
    content = read_field(document.file)
    assert hashlib.sha256(content).hexdigest() == document.sha256
    assert document.file.name.startswith("documents/officiels/")
    assert "ambert" not in document.file.name.lower()
    assert len(document.file.name.rsplit("/", 1)[1]) == 32 + 4
    assert document.signed_by_name == "Claire Fontanel"
    assert document.verification_code in pdf_text(content)


def test_nothing_is_enqueued_before_commit(place, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document = services.request_document(
            place=place,
            subject_key="s",
            context=sample_context("refus"),
            audience=readers(place),
        )
    assert len(callbacks) == 1
    assert Document.objects.get(pk=document.pk).status == DocumentStatus.PENDING


def test_snapshot_is_frozen(make_document, place):
    document = make_document("accuse_reception")
    assert document.context["schema"] == "accuse_reception/1"
    assert load_context(document.context) == dataclasses.replace(
        sample_context("accuse_reception"), reference=document.register_number
    )
    assert document.register_number == "63-2026-AR-0001"
    assert "Fait à Clermont-Ferrand" in pdf_text(read_field(document.file))
    place.name = "Nouveau nom"
    place.save()
    document.refresh_from_db()
    assert load_context(document.context).place.name == "France Services d'Ambert"


def test_request_is_idempotent(make_document):
    first = make_document("refus", subject_key="application:1")
    second = make_document("refus", subject_key="application:1")
    assert first.pk == second.pk
    assert Document.objects.count() == 1


def test_same_subject_other_kind_is_another_document(make_document):
    make_document("rapport_instruction", subject_key="application:1")
    make_document("refus", subject_key="application:1")
    assert Document.objects.count() == 2


def test_task_run_twice_makes_one_document(make_document):
    document = make_document("refus")
    sha, name = document.sha256, document.file.name
    assert render_document.delay(str(document.pk)).get() == DocumentStatus.READY
    render_document.apply(args=[str(document.pk)])
    document.refresh_from_db()
    assert Document.objects.count() == 1
    assert (document.sha256, document.file.name, document.attempts) == (sha, name, 1)


def test_missing_document_task_is_harmless():
    assert render_document.delay("00000000-0000-0000-0000-000000000000").get() == "missing"


def test_failure_is_retried_then_marked_failed_and_retry_works(
    make_document, monkeypatch, instructeur, django_capture_on_commit_callbacks
):
    calls = []

    def broken(**kwargs):
        calls.append(1)
        raise RuntimeError("Pango a disparu")

    monkeypatch.setattr(services, "official_pdf", broken)
    document = make_document("arrete_abrogation")
    assert document.status == DocumentStatus.FAILED
    assert "Pango a disparu" in document.error
    assert len(calls) == document.attempts == render_document.max_retries + 1
    assert not document.file and not document.sha256

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        services.retry_document(document=document, requested_by=instructeur)
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY and document.error == ""
    assert document.revision == 1


def test_transient_failure_recovers(make_document, monkeypatch):
    real = services.official_pdf
    calls = []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OSError("disque plein")
        return real(**kwargs)

    monkeypatch.setattr(services, "official_pdf", flaky)
    document = make_document("refus")
    assert document.status == DocumentStatus.READY
    assert document.attempts == 2


def test_only_failed_documents_can_be_retried(make_document):
    document = make_document("refus")
    with pytest.raises(services.DocumentNotRetryable):
        services.retry_document(document=document, requested_by=None)


def test_regeneration_makes_a_new_revision_and_keeps_the_old(
    make_document, signataire, django_capture_on_commit_callbacks
):
    old = make_document("arrete_labellisation")
    old_bytes = read_field(old.file)
    with django_capture_on_commit_callbacks(execute=True):
        new = services.regenerate_document(document=old, requested_by=signataire)
    new.refresh_from_db()
    old_again = Document.objects.get(pk=old.pk)
    assert new.revision == 2 and new.status == DocumentStatus.READY
    assert new.verification_code != old.verification_code
    assert new.sha256 != old.sha256
    assert old_again.status == DocumentStatus.READY and old_again.sha256 == old.sha256
    assert read_field(old_again.file) == old_bytes
    # The latest revision is what asking again returns.
    again = make_document("arrete_labellisation")
    assert again.pk == new.pk


def test_failed_latest_revision_is_replaced_on_request(make_document, monkeypatch):
    monkeypatch.setattr(services, "official_pdf", lambda **kw: (_ for _ in ()).throw(ValueError()))
    failed = make_document("refus")
    monkeypatch.undo()
    new = make_document("refus")
    assert failed.status == DocumentStatus.FAILED
    assert new.revision == 2 and new.status == DocumentStatus.READY


def test_ready_document_is_never_changed(make_document):
    document = make_document("refus")
    document.signed_by_name = "Quelqu'un d'autre"
    with pytest.raises(ValueError, match="jamais modifié"):
        document.save()


def test_constraint_ready_needs_file_and_hash(place):
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.create(
            kind="refus", place=place, subject_key="x", status=DocumentStatus.READY
        )


def test_unique_kind_subject_revision(place):
    Document.objects.create(kind="refus", place=place, subject_key="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.create(kind="refus", place=place, subject_key="x")


def test_a_loose_dict_or_an_unknown_kind_is_refused(place):
    with pytest.raises(TypeError):
        services.request_document(
            place=place, subject_key="x", context={"kind": "refus"}, audience=readers(place)
        )
    with pytest.raises(UnreadableContext):
        load_context({"schema": "attestation/1", "place": {"name": "x"}})
    with pytest.raises(UnreadableContext):
        load_context({"place": {"name": "x"}})  # a snapshot older than typed contexts


def test_batch_progress(place, django_capture_on_commit_callbacks, instructeur):
    other = PlaceFactory(name="France Services de Cunlhat")
    items = [
        services.BatchItem(
            place=p,
            subject_key=f"funding:{p.pk}:2027",
            context=sample_context("decision_financement"),
            audience=readers(p),
        )
        for p in (place, other)
    ]
    with django_capture_on_commit_callbacks(execute=False):
        batch = services.request_documents_batch(
            items=items, requested_by=instructeur, title="Forfaits 2027"
        )
    progress = batch_progress(batch=batch)
    assert (progress["total"], progress["pending"], progress["finished"]) == (2, 2, False)
    for document in batch.documents.all():
        render_document.delay(str(document.pk))
    progress = batch_progress(batch=batch)
    assert (progress["ready"], progress["percent"], progress["finished"]) == (2, 100, True)


def test_requeue_stale_documents(place, django_capture_on_commit_callbacks):
    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=False):
        document = services.request_document(
            place=place,
            subject_key="s",
            context=sample_context("refus"),
            audience=readers(place),
        )
    Document.objects.filter(pk=document.pk).update(
        updated_at=timezone.now() - timezone.timedelta(hours=1)
    )
    assert services.requeue_stale_documents() == 1
    assert Document.objects.get(pk=document.pk).status == DocumentStatus.READY
