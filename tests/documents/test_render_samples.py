import pytest
from django.core.management import call_command

from documents.models import DocumentKind
from labelling.models import Place
from tests.documents.pdf_tools import pdf_text

pytestmark = pytest.mark.django_db


def test_render_samples_writes_one_pdf_per_kind(tmp_path):
    call_command("render_samples", str(tmp_path / "out"))
    for kind in DocumentKind.values:
        pdf = (tmp_path / "out" / f"{kind}.pdf").read_bytes()
        assert pdf.startswith(b"%PDF-")
        assert "Préfecture du Puy-de-Dôme" in pdf_text(pdf)
    assert Place.objects.filter(departement_id="63").count() == 1
    call_command("render_samples", str(tmp_path / "again"), kind=["refus"])
    assert Place.objects.filter(departement_id="63").count() == 1
    assert [p.name for p in (tmp_path / "again").iterdir()] == ["refus.pdf"]
