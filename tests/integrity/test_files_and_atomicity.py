"""A step that fails half-way leaves nothing behind: no state, no journal line, no document, no
e-mail; and the file it had already written on disk, referenced by no row, is swept after its
grace period by the nightly task (and the command)."""

from __future__ import annotations

import os
import time
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import transaction

from config.files import SWEPT_FOLDERS, sweep_orphan_files
from config.tasks import sweep_orphan_files as sweep_task
from documents.models import Document, SupportingDocument
from tests.workflows import factories as wf
from workflows import services
from workflows.models import Application, JournalEntry

pytestmark = pytest.mark.django_db


class Crash(Exception):
    pass


def files_on_disk() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def age(name: str, hours: float) -> None:
    path = Path(settings.MEDIA_ROOT) / name
    past = time.time() - hours * 3600
    os.utime(path, (past, past))


def test_a_failing_step_rolls_everything_back(monkeypatch, django_capture_on_commit_callbacks):
    app = wf.drafted()
    porteur = wf.porteur_of(app)
    before = {
        "journal": JournalEntry.objects.count(),
        "documents": Document.objects.count(),
    }

    def broken(*args, **kwargs):  # the document step fails after the state and journal were written
        raise Crash

    monkeypatch.setattr("workflows.services.drafting.request_document", broken)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Crash):
        services.submit_application(user=porteur, application_id=app.pk)
    app.refresh_from_db()
    assert app.state == "brouillon" and app.submitted_at is None
    assert JournalEntry.objects.count() == before["journal"]
    assert Document.objects.count() == before["documents"]
    assert mail.outbox == []


def test_a_file_written_in_a_rolled_back_transaction_is_swept():
    app = wf.drafted()
    porteur = wf.porteur_of(app)
    kept = services.add_supporting_document(
        user=porteur, application_id=app.pk, title="Bail", uploaded_file=wf.pdf()
    )
    with pytest.raises(Crash), transaction.atomic():
        services.add_supporting_document(
            user=porteur, application_id=app.pk, title="Plan", uploaded_file=wf.pdf("plan.pdf")
        )
        raise Crash  # e.g. the next write of the same request failed
    assert SupportingDocument.objects.count() == 1
    stored = files_on_disk()
    (orphan,) = stored - {kept.piece.file.name}
    assert orphan.split("/")[0] in SWEPT_FOLDERS
    # Within the grace period nothing is judged (a transaction may still be writing it).
    assert sweep_orphan_files().orphans == []
    age(orphan, 25)
    age(kept.piece.file.name, 25)
    out = StringIO()
    call_command("sweep_orphan_files", "--dry-run", stdout=out)
    assert orphan in out.getvalue() and "1 fichiers sans ligne à supprimer" in out.getvalue()
    assert orphan in files_on_disk()
    assert sweep_task.delay().get() == 1
    assert files_on_disk() == {kept.piece.file.name}
    assert Path(kept.piece.file.path).read_bytes().startswith(b"%PDF")


def test_every_stored_file_is_in_a_swept_folder(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        app = wf.submitted()
    assert Application.objects.filter(pk=app.pk, state="depose").exists()
    names = files_on_disk()
    assert names
    assert {name.split("/")[0] for name in names} <= set(SWEPT_FOLDERS)
    assert sweep_orphan_files(grace_hours=0).orphans == []  # everything referenced stays
