"""The public verification page: the document's key content and its situation today, absolute
links from SITE_URL, throttled per client; specimens never verify."""

import dataclasses
import io
import re

import pypdf
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from documents.samples import sample_context
from documents.services import regenerate_document
from tests.documents.pdf_tools import pdf_text, read_field

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def page(client, document):
    return client.get(reverse("documents:verify", args=[document.verification_code]))


def test_the_page_shows_what_the_document_says_and_that_it_is_in_force(client, make_document):
    document = make_document("arrete_labellisation", subject_key="label")
    html = page(client, document).content.decode()
    for expected in (
        "63-2026-LAB-0001",
        "Communauté de communes Ambert Livradois Forez",
        "France Services d&#x27;Ambert",
        "Labellisation « France Services »",
        "1er janvier 2027",
        "Situation : en vigueur",
        document.sha256,
    ):
        assert expected in html, expected


def test_an_abrogated_labelling_reads_abrogated(client, make_document):
    label = make_document("arrete_labellisation", subject_key="label")
    context = dataclasses.replace(sample_context("arrete_abrogation"), labelling_reference="")
    make_document(context=context, subject_key="abrogation")
    html = page(client, label).content.decode()
    assert "Situation : abrogé à compter du 1 décembre 2026" in html
    assert "63-2026-ABR-0001" in html
    assert "Situation : en vigueur" not in html


def test_a_replaced_revision_reads_replaced(client, make_document):
    first = make_document("refus", subject_key="refus")
    regenerate_document(document=first, requested_by=None)
    assert "Remplacé par la révision 2" in page(client, first).content.decode()


def test_amount_of_a_funding_decision(client, make_document):
    document = make_document("decision_financement", subject_key="fin")
    html = page(client, document).content.decode()
    assert "Montant" in html and "35 000 €" in html.replace("\u202f", " ").replace("\xa0", " ")


def test_verification_is_throttled_per_client(client, make_document, settings):
    settings.DOCUMENTS_VERIFY_LIMIT = 2
    document = make_document("refus", subject_key="refus")
    assert page(client, document).status_code == 200
    assert page(client, document).status_code == 200
    response = page(client, document)
    assert response.status_code == 429
    assert "Trop de vérifications" in response.content.decode()
    assert response["Retry-After"] == str(settings.DOCUMENTS_VERIFY_WINDOW)
    other = client.get(
        reverse("documents:verify", args=[document.verification_code]),
        REMOTE_ADDR="10.0.0.9",
    )
    assert other.status_code == 200


def test_links_are_absolute_from_site_url_and_clickable(make_document, settings):
    settings.SITE_URL = "https://estampille.example.gouv.fr"
    document = make_document("arrete_labellisation", subject_key="label")
    pdf = read_field(document.file)
    url = f"https://estampille.example.gouv.fr/verifier/{document.verification_code}/"
    assert url.replace(" ", "") in pdf_text(pdf).replace(" ", "")
    links = [
        annotation.get_object()["/A"]["/URI"]
        for page_ in pypdf.PdfReader(io.BytesIO(pdf)).pages
        for annotation in page_.get("/Annots", [])
        if "/A" in annotation.get_object()
    ]
    assert url in links


def test_render_samples_are_specimens_whose_codes_never_verify(client, tmp_path):
    call_command("render_samples", str(tmp_path), kind=["arrete_labellisation"])
    text = pdf_text((tmp_path / "arrete_labellisation.pdf").read_bytes())
    assert "SPÉCIMEN" in text
    code = re.search(r"/verifier/(0000-[0-9A-Z]{4}-[0-9A-Z]{4})/", text.replace(" ", "")).group(1)
    response = client.get(reverse("documents:verify", args=[code]))
    assert response.status_code == 404
    assert "spécimen" in response.content.decode()
