"""Hostile PDFs, written byte by byte as an attacker would, are refused with a French reason
wherever their action hangs and however its name is spelt; harmless links and navigation pass."""

import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.uploads import validate_upload

CONTENT = b"BT /F1 12 Tf 72 760 Td (Attestation) Tj ET"


def _stream(data: bytes, entries: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), entries, data)


def raw_pdf(objects: list[bytes], *, compressed: dict[int, bytes] | None = None) -> bytes:
    """A PDF from object bodies (object n is ``objects[n - 1]``, object 1 the catalogue), with
    a classic cross-reference table; with ``compressed``, those objects go into an object stream
    and the file uses a cross-reference stream, as PDF 1.5 writers do."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number, body in enumerate(objects, start=1):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    if not compressed:
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        for number in range(1, len(objects) + 1):
            out += b"%010d 00000 n \n" % offsets[number]
        out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
        return bytes(out + b"startxref\n%d\n%%%%EOF\n" % xref)
    # Object stream: "number offset" pairs, then the bodies.
    stream_number = max(len(objects), *compressed) + 1
    heads, bodies, position = [], b"", 0
    for number, body in sorted(compressed.items()):
        heads.append(b"%d %d" % (number, position))
        bodies += body + b"\n"
        position = len(bodies)
    header = b" ".join(heads) + b"\n"
    packed = zlib.compress(header + bodies)
    offsets[stream_number] = len(out)
    out += b"%d 0 obj\n%s\nendobj\n" % (
        stream_number,
        _stream(packed, b"/Type /ObjStm /N %d /First %d /Filter /FlateDecode"
                % (len(compressed), len(header))),
    )  # fmt: skip
    xref_number = stream_number + 1
    size = xref_number + 1
    rows = b""
    for number in range(size):
        if number == 0:
            rows += bytes([0]) + (0).to_bytes(4, "big") + (65535).to_bytes(2, "big")
        elif number in compressed:
            index = sorted(compressed).index(number)
            rows += bytes([2]) + stream_number.to_bytes(4, "big") + index.to_bytes(2, "big")
        elif number == xref_number:
            rows += bytes([1]) + len(out).to_bytes(4, "big") + (0).to_bytes(2, "big")
        else:
            rows += bytes([1]) + offsets[number].to_bytes(4, "big") + (0).to_bytes(2, "big")
    xref = len(out)
    out += b"%d 0 obj\n%s\nendobj\n" % (
        xref_number,
        _stream(rows, b"/Type /XRef /Size %d /W [1 4 2] /Root 1 0 R" % size),
    )
    return bytes(out + b"startxref\n%d\n%%%%EOF\n" % xref)


def one_page(
    *, catalogue: bytes = b"", page: bytes = b"", extra: tuple[bytes, ...] = (), **kw
) -> bytes:
    """A one-page PDF; ``extra`` objects are numbered from 5."""
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R %s >>" % catalogue,
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R %s >>" % page,
            _stream(CONTENT),
            *extra,
        ],
        **kw,
    )


JS = b"/S /J#61vaScript /J#53 (app.alert('bonjour'))"
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"

HOSTILE = [
    # (name, content, code, words)
    ("page-aa.pdf", one_page(page=b"/AA << /O << %s >> >>" % JS),
     "pdf_active_content", "un script (JavaScript), à la page 1"),
    ("lien-js.pdf", one_page(page=b"/Annots [5 0 R]", extra=(
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 99 99] /A << %s >> >>" % JS,)),
     "pdf_active_content", "un script (JavaScript), à la page 1"),
    ("ouverture-launch.pdf", one_page(catalogue=b"/OpenAction << /S /Launch /F (cmd.exe) >>"),
     "pdf_active_content", "le lancement d'un programme, à l'ouverture du document"),
    ("launch-echappe.pdf", one_page(catalogue=b"/OpenAction << /S /L#61#75nch /F (calc) >>"),
     "pdf_active_content", "le lancement d'un programme"),
    ("envoi.pdf", one_page(catalogue=b"/AcroForm << /Fields [5 0 R] >>", page=b"/Annots [5 0 R]",
     extra=(b"<< /FT /Btn /T (envoyer) /Type /Annot /Subtype /Widget /Rect [0 0 9 9] "
            b"/A << /S /SubmitForm /F << /FS /URL /F (https://collecte.example/) >> >> >>",)),
     "pdf_active_content", "l'envoi d'un formulaire vers l'extérieur, dans un champ de formulaire"),
    ("import.pdf", one_page(catalogue=b"/AcroForm << /Fields [5 0 R] >>", extra=(
        b"<< /FT /Tx /T (nom) /AA << /K << /S /ImportData /F (donnees.fdf) >> >> >>",)),
     "pdf_active_content", "l'import de données extérieures"),
    ("autre-fichier.pdf", one_page(page=b"/Annots [5 0 R]", extra=(
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] "
        b"/A << /S /GoToR /F (\\\\\\\\serveur\\\\partage\\\\a.pdf) /D [0 /Fit] >> >>",)),
     "pdf_active_content", "l'ouverture d'un autre fichier, à la page 1"),
    ("richmedia.pdf", one_page(page=b"/Annots [5 0 R]", extra=(
        b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 9 9] >>",)),
     "pdf_active_content", "un contenu multimédia actif"),
    ("noms-js.pdf", one_page(catalogue=b"/Names << /J#61vaScript << /Names [(a) 5 0 R] >> >>",
     extra=(b"<< /S /JavaScript /JS (app.alert(1)) >>",)),
     "pdf_active_content", "un script (JavaScript), dans les noms du document"),
    ("piece-jointe-annotation.pdf", one_page(page=b"/Annots [5 0 R]", extra=(
        b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 9 9] "
        b"/FS << /Type /Filespec /F (a.exe) /EF << /F 6 0 R >> >> >>",
        _stream(b"MZ\x90\x00", b"/Type /EmbeddedFile"))),
     "pdf_active_content", "un fichier joint"),
    ("type-par-reference.pdf", one_page(catalogue=b"/OpenAction 5 0 R", extra=(
        b"<< /S 6 0 R /F (autre.pdf) /D [0 /Fit] >>", b"/GoToR")),
     "pdf_active_content", "l'ouverture d'un autre fichier, à l'ouverture du document"),
    ("chaine-next.pdf", one_page(catalogue=b"/OpenAction << /S /GoTo /D [3 0 R /Fit] "
                                           b"/Next [<< /S /Launch /F (calc) >>] >>"),
     "pdf_active_content", "le lancement d'un programme, à l'ouverture du document"),
    ("url-automatique.pdf", one_page(page=b"/AA << /O << /S /URI /URI (https://pistage.example/) >> >>"),
     "pdf_active_content", "l'ouverture automatique d'une adresse internet, à la page 1"),
    ("document-aa.pdf", one_page(catalogue=b"/AA << /WC << %s >> >>" % JS),
     "pdf_active_content", "dans les actions automatiques du document"),
    ("xfa.pdf", one_page(catalogue=b"/AcroForm << /Fields [] /XFA 5 0 R >>",
     extra=(_stream(b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'></xdp:xdp>"),)),
     "pdf_active_content", "un formulaire XFA"),
    ("objet-compresse.pdf", one_page(page=b"/Annots [5 0 R]", compressed={
        5: b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A 6 0 R >>",
        6: b"<< %s >>" % JS}),
     "pdf_active_content", "un script (JavaScript), à la page 1"),
    ("objet-isole.pdf", one_page(extra=(b"<< /S /Launch /F (calc) >>",)),
     "pdf_active_content", "le lancement d'un programme, dans un objet du fichier"),
    ("html-dans-un-flux.pdf", one_page(extra=(_stream(HTML),)),
     "pdf_html_content", "une page web (HTML) cachée"),
    ("html-compresse.pdf", one_page(extra=(_stream(zlib.compress(b"\n  " + HTML),
                                                   b"/Filter /FlateDecode"),)),
     "pdf_html_content", "une page web (HTML) cachée"),
    ("donnees-avant.pdf", b"\x00\x01 donnees\n" + one_page(), "pdf_leading_data",
     "des données avant le début du PDF"),
    ("html-avant-pdf.pdf", b"<html><body>Bonjour</body></html>\n" + one_page(),
     "unsupported_type", "page HTML qui contient un PDF"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "content", "code", "words"), HOSTILE, ids=[case[0] for case in HOSTILE]
)
def test_hostile_pdf_refused_with_its_reason(name, content, code, words):
    with pytest.raises(ValidationError) as caught:
        validate_upload(uploaded_file=SimpleUploadedFile(name, content))
    assert caught.value.code == code, caught.value.messages
    message = caught.value.messages[0]
    assert message.startswith(f"Le fichier « {name} » ")
    assert words in message


HARMLESS = [
    ("simple.pdf", one_page()),
    ("lien-web.pdf", one_page(page=b"/Annots [5 0 R]", extra=(
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] "
        b"/A << /S /URI /URI (https://www.service-public.fr/) >> >>",))),
    ("ouverture-page.pdf", one_page(catalogue=b"/OpenAction [3 0 R /Fit]")),
    ("ouverture-goto.pdf", one_page(catalogue=b"/OpenAction << /S /GoTo /D [3 0 R /Fit] >>")),
    ("imprimer.pdf", one_page(page=b"/Annots [5 0 R]", extra=(
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /Named /N /Print >> >>",))),
    ("compresse.pdf", one_page(compressed={5: b"<< /Producer (Estampille) >>"})),
    ("metadonnees.pdf", one_page(catalogue=b"/Metadata 5 0 R", extra=(
        _stream(b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta/>',
                b"/Type /Metadata /Subtype /XML"),))),
    ("formulaire.pdf", one_page(catalogue=b"/AcroForm << /Fields [5 0 R] >>", extra=(
        b"<< /FT /Tx /T (nom) /V (Claire) >>",))),
]  # fmt: skip


@pytest.mark.parametrize(("name", "content"), HARMLESS, ids=[case[0] for case in HARMLESS])
def test_harmless_pdf_accepted(name, content):
    assert validate_upload(uploaded_file=SimpleUploadedFile(name, content)).pages == 1
