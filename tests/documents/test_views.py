"""Public verification, downloads behind the place's access rules, status fragments, pages."""

import hashlib
import html as html_lib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.models import Document, DocumentStatus
from documents.services import store_supporting_document
from tests.documents.conftest import readers
from tests.documents.pdf_tools import read_field
from tests.documents.test_uploads import make_pdf

pytestmark = pytest.mark.django_db


def visible_text(html: str) -> str:
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)))


# --- verification ----------------------------------------------------------------------------


def test_verification_page_shows_the_hash_of_the_stored_file(client, make_document, signataire):
    document = make_document("arrete_labellisation", requested_by=signataire)
    response = client.get(reverse("documents:verify", args=[document.verification_code]))
    assert response.status_code == 200
    html = response.content.decode()
    stored = hashlib.sha256(read_field(document.file)).hexdigest()
    assert stored == document.sha256
    assert '<code class="documents-sha256"' in html and stored in html
    text = visible_text(html)
    for shown in ("Arrêté de labellisation", "France Services d'Ambert", "Ambert",
                  "23 novembre 2026", "Claire Fontanel", "Révision 1"):  # fmt: skip
        assert shown in text, shown


def test_verification_page_leaks_nothing_else(client, make_document, signataire):
    document = make_document("arrete_labellisation", requested_by=signataire)
    html = client.get(reverse("documents:verify", args=[document.verification_code])).content
    html = html.decode()
    for secret in (
        signataire.email,
        "FS-63-2026-0042",  # the dossier
        "12 place Charles de Gaulle",
        str(document.place_id),
        str(document.pk),
        document.file.name,
        "telecharger",
    ):
        assert secret not in html, secret


def test_verification_code_typed_loosely_redirects(client, make_document):
    document = make_document("refus")
    loose = document.verification_code.replace("-", " ").lower().replace("0", "o")
    response = client.get(reverse("documents:verify_form"), {"code": loose})
    assert response.status_code == 302
    assert response.url == reverse("documents:verify", args=[document.verification_code])


def test_unknown_code_is_a_french_404(client):
    response = client.get(reverse("documents:verify", args=["ZZZZ-ZZZZ-ZZZZ"]))
    assert response.status_code == 404
    assert "Aucun document officiel ne correspond" in response.content.decode()
    assert client.get("/verifier/n-importe-quoi/").status_code == 404


def test_pending_document_is_not_verifiable(client, place, django_capture_on_commit_callbacks):
    from documents.samples import sample_context
    from documents.services import request_document

    with django_capture_on_commit_callbacks(execute=False):
        document = request_document(
            place=place,
            subject_key="x",
            context=sample_context("refus"),
            audience=readers(place),
        )
    assert (
        client.get(reverse("documents:verify", args=[document.verification_code])).status_code
        == 404
    )


def test_verify_form_page(client):
    response = client.get(reverse("documents:verify_form"))
    assert response.status_code == 200
    assert "Code de vérification" in response.content.decode()
    response = client.get(reverse("documents:verify_form"), {"code": "trop-court"})
    assert "pas le bon format" in response.content.decode()


def test_upload_comparison_stores_nothing(client, make_document, settings):
    document = make_document("refus")
    url = reverse("documents:verify", args=[document.verification_code])
    same = SimpleUploadedFile("recu.pdf", read_field(document.file), "application/pdf")
    response = client.post(url, {"file": same})
    assert "Le fichier est identique au document original." in response.content.decode()
    other = SimpleUploadedFile("faux.pdf", make_pdf(), "application/pdf")
    response = client.post(url, {"file": other})
    assert "ne correspond pas au document original" in response.content.decode()
    stored = [p for p in (settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert stored == [settings.MEDIA_ROOT / document.file.name]


def test_later_revision_is_announced(client, make_document, django_capture_on_commit_callbacks):
    from documents.services import regenerate_document

    old = make_document("refus")
    with django_capture_on_commit_callbacks(execute=True):
        regenerate_document(document=old, requested_by=None)
    html = client.get(reverse("documents:verify", args=[old.verification_code])).content.decode()
    assert "Remplacé par la révision 2" in html


# --- downloads ---------------------------------------------------------------------------------


def test_owner_porteur_and_instructor_download(client, make_document, porteur_user, instructeur):
    document = make_document("arrete_labellisation")
    url = reverse("documents:download", args=[document.pk])
    for user in (porteur_user, instructeur):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == (
            'attachment; filename="arrete_labellisation-france-services-dambert-r1.pdf"'
        )
        assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == document.sha256


def test_other_departement_gets_404(client, make_document, other_instructeur):
    document = make_document("arrete_labellisation")
    client.force_login(other_instructeur)
    for name in ("download", "status"):
        assert client.get(reverse(f"documents:{name}", args=[document.pk])).status_code == 404
    assert (
        client.get(reverse("documents:place_documents", args=[document.place_id])).status_code
        == 404
    )


def test_other_porteur_gets_404(client, make_document):
    from tests.factories import PorteurUserFactory

    document = make_document("refus")
    client.force_login(PorteurUserFactory())
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 404


def test_anonymous_is_sent_to_login(client, make_document):
    document = make_document("refus")
    response = client.get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_not_ready_is_not_downloadable(
    client, place, instructeur, django_capture_on_commit_callbacks
):
    from documents.samples import sample_context
    from documents.services import request_document

    with django_capture_on_commit_callbacks(execute=False):
        document = request_document(
            place=place,
            subject_key="x",
            context=sample_context("refus"),
            audience=readers(place),
        )
    client.force_login(instructeur)
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 404
    fragment = client.get(reverse("documents:status", args=[document.pk])).content.decode()
    assert "Document en préparation…" in fragment
    assert f'data-poll-url="{reverse("documents:status", args=[document.pk])}"' in fragment


# --- status fragment and actions ------------------------------------------------------------------


def test_status_fragment_ready_has_the_link(client, make_document, porteur_user):
    document = make_document("refus")
    client.force_login(porteur_user)
    fragment = client.get(reverse("documents:status", args=[document.pk])).content.decode()
    assert reverse("documents:download", args=[document.pk]) in fragment
    assert "data-poll-url" not in fragment


def test_failed_fragment_offers_retry_to_instructors_only(
    client, make_document, monkeypatch, instructeur, porteur_user
):
    from documents import services

    monkeypatch.setattr(services, "official_pdf", lambda **kw: (_ for _ in ()).throw(OSError()))
    document = make_document("refus")
    monkeypatch.undo()
    url = reverse("documents:status", args=[document.pk])
    client.force_login(porteur_user)
    fragment = client.get(url).content.decode()
    assert "Échec" in fragment and "Relancer" not in fragment
    # A reader, but not the préfecture: a clear refusal, and nothing restarts.
    refused = client.post(reverse("documents:retry", args=[document.pk]))
    assert refused.status_code == 403
    assert "Seules la préfecture et l&#x27;agence nationale" in refused.content.decode()
    assert Document.objects.get(pk=document.pk).status == DocumentStatus.FAILED

    client.force_login(instructeur)
    assert "Relancer la production" in client.get(url).content.decode()
    response = client.post(reverse("documents:retry", args=[document.pk]))
    assert response.status_code == 302


def test_retry_view_produces_the_document(
    client, make_document, monkeypatch, instructeur, django_capture_on_commit_callbacks
):
    from documents import services

    monkeypatch.setattr(services, "official_pdf", lambda **kw: (_ for _ in ()).throw(OSError()))
    document = make_document("refus")
    monkeypatch.undo()
    client.force_login(instructeur)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("documents:retry", args=[document.pk]))
    assert Document.objects.get(pk=document.pk).status == DocumentStatus.READY


def test_place_documents_page(client, make_document, porteur_user, place):
    make_document("accuse_reception")
    store_supporting_document(
        place=place,
        subject_key="application:test",
        title="Attestation de formation",
        uploaded_file=SimpleUploadedFile("attestation.pdf", make_pdf(), "application/pdf"),
        uploaded_by=porteur_user,
        audience=readers(place),
    )
    client.force_login(porteur_user)
    html = client.get(reverse("documents:place_documents", args=[place.pk])).content.decode()
    assert "Accusé de réception" in html
    assert "Attestation de formation" in html
    assert "documents/poll.js" in html


def test_supporting_download_access(client, place, porteur_user, other_instructeur):
    piece = store_supporting_document(
        place=place,
        subject_key="application:test",
        title="Plan",
        uploaded_file=SimpleUploadedFile("plan des locaux.pdf", make_pdf(), "application/pdf"),
        uploaded_by=porteur_user,
        audience=readers(place),
    )
    url = reverse("documents:download_supporting", args=[piece.pk])
    client.force_login(porteur_user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    b"".join(response.streaming_content)
    client.force_login(other_instructeur)
    assert client.get(url).status_code == 404


def test_batch_page_and_fragment(
    client, place, instructeur, other_instructeur, django_capture_on_commit_callbacks
):
    from documents.samples import sample_context
    from documents.services import request_documents_batch

    with django_capture_on_commit_callbacks(execute=True):
        batch = request_documents_batch(
            items=[{"place": place, "subject_key": "f:1",
                    "context": sample_context("decision_financement"), "audience": readers(place)}],
            requested_by=instructeur,
            title="Forfaits 2027",
        )  # fmt: skip
    client.force_login(instructeur)
    html = client.get(reverse("documents:batch", args=[batch.pk])).content.decode()
    assert "1 / 1" in html and "terminée" in html
    fragment = client.get(reverse("documents:batch_status", args=[batch.pk])).content.decode()
    assert "data-poll-url" not in fragment
    client.force_login(other_instructeur)
    assert client.get(reverse("documents:batch", args=[batch.pk])).status_code == 404


def test_a_double_click_on_regenerate_makes_one_revision(
    client, make_document, instructeur, django_capture_on_commit_callbacks
):
    """« Produire une nouvelle révision » posted twice from the same page: one new revision."""
    from idempotency.keys import REPLAYED
    from tests.access.test_every_form_has_a_key import key_of_form

    document = make_document("refus")
    client.force_login(instructeur)
    url = reverse("documents:regenerate", args=[document.pk])
    page = client.get(reverse("documents:place_documents", args=[document.place_id]))
    key = key_of_form(page, url)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"request_key": key})
    revisions = Document.objects.filter(kind=document.kind, subject_key=document.subject_key)
    assert sorted(revisions.values_list("revision", flat=True)) == [1, 2]
    assert REPLAYED.replace("'", "&#x27;") in client.get(response.url).content.decode()
