"""The seal: each decision is PDF/A-3b and carries a PAdES signature that pyHanko validates
against the seal's certificate; one changed byte breaks it. Letters are not sealed."""

import io

import pypdf
import pytest

from documents import seal
from tests.documents.pdf_tools import pdf_text, read_field

pytestmark = pytest.mark.django_db


def validate(pdf: bytes):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    (signature,) = reader.embedded_signatures
    context = ValidationContext(trust_roots=[seal.trusted_certificate()])
    return validate_pdf_signature(signature, context)


def test_a_decision_is_sealed_and_the_seal_validates(make_document):
    document = make_document("arrete_labellisation", subject_key="label")
    pdf = read_field(document.file)
    status = validate(pdf)
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    assert status.signing_cert.subject.native["common_name"] == "Sceau de développement Estampille"
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data()
    assert b"pdfaid" in xmp and b"3" in xmp  # PDF/A-3 identification
    assert "/OutputIntents" in root
    assert "/StructTreeRoot" in root  # tagged
    # PDF/A-3 is PDF 1.7: the seal's incremental update must not raise the version to 2.0.
    assert pdf.startswith(b"%PDF-1.7")
    assert str(root.get("/Version", "/1.7")) == "/1.7"
    assert "ARRÊTÉ PRÉFECTORAL" in pdf_text(pdf)


def test_one_changed_byte_breaks_the_seal(make_document):
    pdf = bytearray(read_field(make_document("refus", subject_key="refus").file))
    index = pdf.index(b"ARR") if b"ARR" in pdf else pdf.index(b"/Type /Catalog")
    pdf[index + 1] ^= 0x01
    try:
        status = validate(bytes(pdf))
    except Exception:  # the altered file does not even parse as signed
        return
    assert not (status.intact and status.valid)


def test_a_byte_changed_in_the_content_stream_breaks_the_seal(make_document):
    pdf = bytearray(read_field(make_document("arrete_labellisation", subject_key="x").file))
    index = pdf.index(b"stream\n") + 20  # inside the first (compressed) content stream
    pdf[index] ^= 0xFF
    try:
        status = validate(bytes(pdf))
    except Exception:
        return
    assert not status.intact


def test_letters_are_not_sealed(make_document):
    from pyhanko.pdf_utils.reader import PdfFileReader

    pdf = read_field(make_document("accuse_reception", subject_key="ar").file)
    assert not PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures


def test_production_without_a_key_refuses_to_seal(settings, tmp_path):
    settings.DOCUMENTS_SEAL_DEV_PAIR = False
    settings.DOCUMENTS_SEAL_KEY = str(tmp_path / "absent.pem")
    settings.DOCUMENTS_SEAL_CERT = str(tmp_path / "absent-cert.pem")
    with pytest.raises(seal.SealUnavailable):
        seal.seal_pdf(b"%PDF-1.7", reason="test")
