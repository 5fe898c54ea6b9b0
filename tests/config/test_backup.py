"""`make backup` / `make restore`: a backup restored into a fresh database and files folder holds
the same rows and the same files; restoring over live data is refused."""

import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from config.backup import PostgresTarget
from documents.services import store_supporting_document
from tests.documents.conftest import readers
from tests.documents.test_uploads import make_pdf
from tests.factories import PlaceFactory, PorteurUserFactory
from tests.workflows import factories as wf

TABLES = [
    "labelling_user",
    "labelling_place",
    "labelling_commune",
    "workflows_application",
    "workflows_journalentry",
    "documents_supportingdocument",
    "documents_document",
]


def _some_data(settings) -> dict[str, bytes]:
    """Rows in several apps, and stored files; returns the files by path under MEDIA_ROOT."""
    wf.submitted()
    place = PlaceFactory(name="France Services de Sauvegarde")
    store_supporting_document(
        place=place,
        subject_key="backup:1",
        title="Attestation",
        uploaded_file=SimpleUploadedFile("attestation.pdf", make_pdf(2)),
        uploaded_by=PorteurUserFactory(porteur=place.porteur),
        audience=readers(place),
    )
    root = Path(settings.MEDIA_ROOT)
    files = {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert files
    return files


def _counts(cursor) -> dict[str, int]:
    counts = {}
    for table in TABLES:
        cursor.execute(f"SELECT count(*) FROM {table}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _restored_files(media: Path) -> dict[str, bytes]:
    return {str(p.relative_to(media)): p.read_bytes() for p in media.rglob("*") if p.is_file()}


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_postgresql_backup_restores_into_a_fresh_database(settings, tmp_path):
    files = _some_data(settings)
    with connection.cursor() as cursor:
        expected = _counts(cursor)
    assert expected["workflows_journalentry"] and expected["documents_supportingdocument"]

    call_command("backup", dest=tmp_path / "backups")
    (folder,) = (tmp_path / "backups").iterdir()
    assert {p.name for p in folder.iterdir()} == {
        "database.dump",
        "media.tar.gz",
        "manifest.json",
    }

    source = PostgresTarget.from_settings(settings.DATABASES["default"])
    fresh = f"{source.name}_restored_{uuid.uuid4().hex[:8]}"
    url = f"postgres://{source.user}@{source.host}:{source.port}/{fresh}"
    media = tmp_path / "restored-media"
    try:
        call_command("restore", str(folder), database_url=url, media_root=media)
        with PostgresTarget.from_url(url).connect() as restored:
            assert _counts(restored.cursor()) == expected
            names = restored.execute("SELECT name FROM labelling_place").fetchall()
            assert ("France Services de Sauvegarde",) in names
            # The journal is still append-only in the restored database.
            with pytest.raises(Exception, match="ajout seul"):
                restored.execute("DELETE FROM workflows_journalentry")
        assert _restored_files(media) == files
        # Restoring again over what is now there is refused, in French.
        with pytest.raises(CommandError, match="n'est pas vide"):
            call_command("restore", str(folder), database_url=url, media_root=tmp_path / "m2")
    finally:
        with source.connect(name="postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_a_sqlite_backup_restores_into_a_new_file(settings, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite path (make run's default); PostgreSQL is tested above")
    import sqlite3

    files = _some_data(settings)
    with connection.cursor() as cursor:
        expected = _counts(cursor)

    call_command("backup", dest=tmp_path / "backups")
    (folder,) = (tmp_path / "backups").iterdir()
    target = tmp_path / "restauree.sqlite3"
    media = tmp_path / "restored-media"
    call_command("restore", str(folder), database_url=f"sqlite:///{target}", media_root=media)
    restored = sqlite3.connect(target)
    try:
        assert _counts(restored.cursor()) == expected
    finally:
        restored.close()
    assert _restored_files(media) == files

    with pytest.raises(CommandError, match="existe déjà"):
        call_command(
            "restore", str(folder), database_url=f"sqlite:///{target}", media_root=tmp_path / "m"
        )
    with pytest.raises(CommandError, match="n'est pas vide"):
        call_command(
            "restore", str(folder), database_url=f"sqlite:///{tmp_path}/b.db", media_root=media
        )


def test_an_altered_backup_is_refused(tmp_path):
    folder = tmp_path / "2026-01-01T00-00-00"
    folder.mkdir()
    (folder / "manifest.json").write_text(
        '{"database": {"file": "database.dump", "sha256": "0"}, '
        '"media": {"file": "media.tar.gz", "sha256": "0"}}'
    )
    (folder / "database.dump").write_bytes(b"x")
    (folder / "media.tar.gz").write_bytes(b"x")
    with pytest.raises(CommandError, match="altérée"):
        call_command(
            "restore", str(folder), database_url="sqlite:///x.db", media_root=tmp_path / "m"
        )
