"""Supporting documents are judged by content: many bad files refused with their reason, good
ones accepted, nothing of a refused file kept."""

import gzip
import io
import struct
import zipfile
import zlib

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from documents.models import SupportingDocument
from documents.services import store_supporting_document
from documents.uploads import SupportingFileField, ValidatedUpload, validate_upload
from tests.documents.conftest import readers

# --- generators ---------------------------------------------------------------------------------


def make_pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _pdf_with(change) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    change(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def encrypted_pdf() -> bytes:
    return _pdf_with(lambda w: w.encrypt("secret", algorithm="RC4-128"))


def javascript_pdf() -> bytes:
    def add_js(writer):
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert('bonjour');"),
            }
        )

    return _pdf_with(add_js)


def attachment_pdf() -> bytes:
    return _pdf_with(lambda w: w.add_attachment("virus.exe", b"MZ\x90\x00"))


def image(fmt: str, size=(64, 48), mode="RGB", **save) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, (200, 30, 30) if mode == "RGB" else None).save(buffer, fmt, **save)
    return buffer.getvalue()


def png_chunk(kind: bytes, data: bytes, crc: int | None = None) -> bytes:
    crc = zlib.crc32(kind + data) if crc is None else crc
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png_bad_crc() -> bytes:
    data = image("PNG")
    # IHDR's CRC sits at bytes 29..33
    return data[:29] + b"\x00\x00\x00\x00" + data[33:]


def png_huge_dimensions() -> bytes:
    ihdr = struct.pack(">IIBBBBB", 50_000, 50_000, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 10)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


def zip_bytes(name="a.txt", content=b"bonjour") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


def broken_xref_pdf() -> bytes:
    data = make_pdf()
    head = data.rpartition(b"startxref")[0]
    return head + b"startxref\n9\n%%EOF\n"


PDF = make_pdf()
JPEG = image("JPEG")

BAD = [
    # (name, content, expected code, words of the message)
    ("vide.pdf", b"", "empty", "est vide"),
    ("notes.pdf", "Compte rendu de la réunion\n".encode() * 20, "unsupported_type", "fichier texte"),
    ("page.pdf", b"<!DOCTYPE html><html><body>x</body></html>", "unsupported_type", "page HTML"),
    ("script.pdf", b"<script>alert(1)</script>", "unsupported_type", "page HTML"),
    ("archive.pdf", zip_bytes(), "unsupported_type", "archive ZIP"),
    ("rapport.docx", zip_bytes("word/document.xml"), "unsupported_type", "archive ZIP"),
    ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 100, "unsupported_type",
     "programme exécutable"),
    ("prog.jpg", b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "unsupported_type", "programme exécutable"),
    ("photo.gif", image("GIF"), "unsupported_type", "image GIF"),
    ("photo.bmp", image("BMP"), "unsupported_type", "image BMP"),
    ("photo.webp", b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 40, "unsupported_type",
     "image WebP"),
    ("scan.tiff", image("TIFF"), "unsupported_type", "image TIFF"),
    ("logo.svg", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>',
     "unsupported_type", "image SVG"),
    ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>',
     "unsupported_type", "image SVG"),
    ("data.pdf", b'<?xml version="1.0"?><dossier/>', "unsupported_type", "fichier XML"),
    ("lettre.pdf", b"{\\rtf1\\ansi Bonjour}", "unsupported_type", "document RTF"),
    ("doc.pdf.gz", gzip.compress(PDF), "unsupported_type", "archive compressée"),
    ("ancien.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "unsupported_type",
     "ancien document Office"),
    ("binaire.pdf", bytes(range(256)) * 4, "unsupported_type", "type non reconnu"),
    ("html-puis-pdf.pdf", b"<html>" + PDF, "unsupported_type", "page HTML"),
    ("secret.pdf", encrypted_pdf(), "pdf_encrypted", "est chiffré : enregistrez-le sans mot de passe"),
    ("coupe.pdf", PDF[: len(PDF) // 2], "pdf_truncated", "est incomplet"),
    ("sans-fin.pdf", PDF.replace(b"%%EOF", b""), "pdf_truncated", "est incomplet"),
    ("entete-seul.pdf", b"%PDF-1.7\n", "pdf_truncated", "est incomplet"),
    ("bruit.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 8 + b"\n%%EOF\n", "pdf_broken_xref",
     "table des objets"),
    ("xref.pdf", broken_xref_pdf(), "pdf_broken_xref", "table des objets"),
    ("polyglotte.pdf", PDF + zip_bytes(), "pdf_trailing_data", "après la fin du PDF"),
    ("polyglotte-html.pdf", PDF + b"<html><script>alert(1)</script></html>", "pdf_trailing_data",
     "après la fin du PDF"),
    ("script.pdf", javascript_pdf(), "pdf_active_content", "contenu actif"),
    ("joint.pdf", attachment_pdf(), "pdf_active_content", "contenu actif"),
    ("vide-de-pages.pdf", _pdf_with(lambda w: None)[:0] + make_pdf(0), "pdf_no_page",
     "aucune page"),
    ("tronquee.jpg", JPEG[: len(JPEG) // 2], "image_unreadable", "image JPEG lisible"),
    ("entete.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image_unreadable", "image JPEG lisible"),
    ("polyglotte.jpg", JPEG + zip_bytes(), "image_trailing_data", "après la fin de l'image"),
    ("crc.png", png_bad_crc(), "image_unreadable", "image PNG lisible"),
    ("entete.png", b"\x89PNG\r\n\x1a\n", "image_unreadable", "image PNG lisible"),
    ("tronquee.png", image("PNG", size=(300, 300))[:200], "image_unreadable", "image PNG lisible"),
    ("polyglotte.png", image("PNG") + b"<html><script>alert(1)</script></html>",
     "image_trailing_data", "après la fin de l'image"),
    ("bombe.png", png_huge_dimensions(), "image_too_large", "trop grande"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "content", "code", "words"), BAD, ids=[f"{i:02d}-{b[0]}" for i, b in enumerate(BAD)]
)
def test_bad_upload_refused_with_reason(name, content, code, words):
    with pytest.raises(ValidationError) as caught:
        validate_upload(uploaded_file=SimpleUploadedFile(name, content))
    error = caught.value
    assert error.code == code, error.messages
    assert words in error.messages[0]
    assert error.messages[0].startswith(f"Le fichier « {name} »")


def test_at_least_thirty_bad_files():
    assert len(BAD) >= 30


def test_oversized_refused(settings):
    settings.DOCUMENTS_UPLOAD_MAX_BYTES = 2000
    with pytest.raises(ValidationError) as caught:
        validate_upload(uploaded_file=SimpleUploadedFile("gros.pdf", make_pdf(20)))
    assert caught.value.code == "too_large"
    assert "dépasse la taille maximale de 2 Ko" in caught.value.messages[0]


def test_oversized_by_argument():
    with pytest.raises(ValidationError) as caught:
        validate_upload(uploaded_file=SimpleUploadedFile("photo.jpg", JPEG), max_bytes=100)
    assert caught.value.code == "too_large"


def test_too_many_pages(settings):
    settings.DOCUMENTS_UPLOAD_MAX_PAGES = 5
    with pytest.raises(ValidationError) as caught:
        validate_upload(uploaded_file=SimpleUploadedFile("long.pdf", make_pdf(6)))
    assert caught.value.code == "pdf_too_many_pages"
    assert "compte 6 pages, au-delà de la limite de 5 pages" in caught.value.messages[0]
    assert validate_upload(uploaded_file=SimpleUploadedFile("ok.pdf", make_pdf(5))).pages == 5


GOOD = [
    ("attestation.pdf", PDF, "application/pdf", "pdf", 1),
    ("dossier complet.PDF", make_pdf(12), "application/pdf", "pdf", 12),
    ("photo.jpg", JPEG, "image/jpeg", "jpg", 1),
    ("photo.jpeg", image("JPEG", progressive=True), "image/jpeg", "jpg", 1),
    ("plan.png", image("PNG"), "image/png", "png", 1),
    ("transparent.png", image("PNG", mode="RGBA"), "image/png", "png", 1),
    ("gris.png", image("PNG", mode="L"), "image/png", "png", 1),
    ("scan-sans-extension", PDF, "application/pdf", "pdf", 1),
    ("image-nommee.pdf", image("PNG"), "image/png", "png", 1),
]


@pytest.mark.parametrize(("name", "content", "content_type", "extension", "pages"), GOOD)
def test_good_upload_accepted(name, content, content_type, extension, pages):
    import hashlib

    result = validate_upload(uploaded_file=SimpleUploadedFile(name, content))
    assert result == ValidatedUpload(
        content_type=content_type,
        extension=extension,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        pages=pages,
    )


def test_real_weasyprint_pdf_accepted():
    from documents.rendering import render_pdf
    from documents.samples import sample_context

    pdf = render_pdf(
        context=sample_context("refus"), verification_code="AAAA-BBBB-CCCC",
        verify_url="http://x/verifier/AAAA-BBBB-CCCC/",
    )  # fmt: skip
    assert validate_upload(uploaded_file=SimpleUploadedFile("refus.pdf", pdf)).pages >= 1


# --- storing --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_store_keeps_file_under_random_name(place, porteur_user):
    piece = store_supporting_document(
        place=place,
        subject_key="application:1",
        title="  Attestation de formation  ",
        uploaded_file=SimpleUploadedFile("Attestation Mme Ferré.pdf", PDF),
        uploaded_by=porteur_user,
        audience=readers(place),
    )
    assert piece.title == "Attestation de formation"
    assert piece.original_name == "Attestation Mme Ferré.pdf"
    assert piece.file.name.startswith("documents/pieces/") and piece.file.name.endswith(".pdf")
    assert "Ferr" not in piece.file.name
    with piece.file.open("rb") as handle:
        assert handle.read() == PDF
    assert (piece.content_type, piece.size, piece.pages) == ("application/pdf", len(PDF), 1)


@pytest.mark.django_db
def test_refused_file_leaves_nothing(place, porteur_user, settings):
    with pytest.raises(ValidationError):
        store_supporting_document(
            place=place,
            subject_key="application:1",
            title="Pièce",
            uploaded_file=SimpleUploadedFile("secret.pdf", encrypted_pdf()),
            uploaded_by=porteur_user,
            audience=readers(place),
        )
    assert SupportingDocument.objects.count() == 0
    assert not [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]


class PieceForm(forms.Form):
    file = SupportingFileField(label="Pièce")


def test_form_field():
    form = PieceForm(files={"file": SimpleUploadedFile("secret.pdf", encrypted_pdf())})
    assert not form.is_valid()
    assert "est chiffré" in form.errors["file"][0]
    form = PieceForm(files={"file": SimpleUploadedFile("ok.pdf", PDF)})
    assert form.is_valid()
    assert form.cleaned_data["file"].validated.pages == 1
    assert 'accept=".pdf' in str(PieceForm()["file"])
