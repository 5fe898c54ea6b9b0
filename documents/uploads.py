"""Validation of supporting documents, judged by their content, never by their name.

Only PDF, JPEG and PNG are accepted. A PDF must parse, must not be encrypted, truncated or carry
active content; an image must decode entirely. Every refusal says why, in French."""

from __future__ import annotations

import hashlib
import io
import os
import re
import warnings
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
ACCEPT_ATTRIBUTE = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"

MAX_PIXELS = 60_000_000

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
# A PDF reader accepts its header anywhere in the first 1024 bytes; we accept it only first.
_PDF_HEADER_WINDOW = 1024

# What people commonly try to send, to name it in the refusal.
_KNOWN_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "une archive ZIP (ou un document Office)"),
    (b"MZ", "un programme exécutable"),
    (b"\x7fELF", "un programme exécutable"),
    (b"GIF87a", "une image GIF"),
    (b"GIF89a", "une image GIF"),
    (b"BM", "une image BMP"),
    (b"II*\x00", "une image TIFF"),
    (b"MM\x00*", "une image TIFF"),
    (b"Rar!", "une archive RAR"),
    (b"7z\xbc\xaf", "une archive 7-Zip"),
    (b"\x1f\x8b", "une archive compressée"),
    (b"\xd0\xcf\x11\xe0", "un ancien document Office"),
    (b"{\\rtf", "un document RTF"),
)


@dataclass(frozen=True)
class ValidatedUpload:
    content_type: str
    extension: str
    size: int
    sha256: str
    pages: int | None
    # The bytes to keep when they differ from those sent (an image re-encoded without what
    # followed it); None: keep the file as sent.
    content: bytes | None = None


def max_upload_bytes() -> int:
    return settings.DOCUMENTS_UPLOAD_MAX_BYTES


def max_upload_pages() -> int:
    return settings.DOCUMENTS_UPLOAD_MAX_PAGES


def size_label(size: int) -> str:
    """10485760 → "10 Mo"; 2000 → "2 Ko" (French units, as people say them)."""
    for unit, factor in (("Go", 1024**3), ("Mo", 1024**2), ("Ko", 1024)):
        if size >= factor:
            value = round(size / factor, 1)
            return f"{value:g} {unit}".replace(".", ",")
    return f"{size} octets"


def _display_name(uploaded_file) -> str:
    return os.path.basename(getattr(uploaded_file, "name", "") or "") or "sans nom"


def _refuse(name: str, reason: str, code: str) -> ValidationError:
    return ValidationError(f"Le fichier « {name} » {reason}", code=code)


def _read_all(uploaded_file, limit: int) -> bytes:
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    if hasattr(uploaded_file, "chunks"):
        chunks, total = [], 0
        for chunk in uploaded_file.chunks():
            total += len(chunk)
            if total > limit:
                break
            chunks.append(chunk)
        data = b"".join(chunks)
        if total > limit:
            data += b"\0"  # marks it oversized without reading the rest
    else:
        data = uploaded_file.read(limit + 1)
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    return data


def sniff(data: bytes) -> str | None:
    """The accepted content type these bytes start with, or None."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(_PNG_MAGIC):
        return PNG
    return None


def _describe_unknown(data: bytes) -> str:
    head = data[:512]
    for signature, label in _KNOWN_SIGNATURES:
        if head.startswith(signature):
            return label
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "une image WebP"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<!doctype html", b"<html", b"<script", b"<head", b"<body")):
        return "une page HTML"
    if b"<svg" in stripped[:300]:
        return "une image SVG"
    if stripped.startswith(b"<?xml"):
        return "un fichier XML"
    try:
        head.decode("utf-8")
        return "un fichier texte"
    except UnicodeDecodeError:
        return "un fichier d'un type non reconnu"


def _check_pdf(data: bytes, name: str, max_pages: int) -> int:
    tail = data[-2048:]
    eof = tail.rfind(b"%%EOF")
    if eof < 0:
        raise _refuse(
            name,
            "est incomplet (fin du PDF absente) : le téléchargement ou la copie a sans doute été "
            "interrompu. Enregistrez-le de nouveau puis déposez-le.",
            "pdf_truncated",
        )
    if tail[eof + 5 :].strip(b"\r\n\t \x00"):
        raise _refuse(
            name,
            "contient des données après la fin du PDF. Enregistrez-le de nouveau en PDF "
            "(« Imprimer en PDF ») puis déposez-le.",
            "pdf_trailing_data",
        )
    match = _STARTXREF.search(data[-2048:].rstrip(b"\r\n\t \x00") + b"\n")
    offset = int(match.group(1)) if match else -1
    target = data[offset : offset + 40] if 0 < offset < len(data) else b""
    if not (target.startswith(b"xref") or re.match(rb"\d+\s+\d+\s+obj", target)):
        raise _refuse(
            name,
            "est endommagé (table des objets invalide). Enregistrez-le de nouveau en PDF puis "
            "déposez-le.",
            "pdf_broken_xref",
        )
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    from documents.pdf_inspection import HTML_PAGE, find_active_content

    pypdf_logger = logging.getLogger("pypdf")
    previous_level = pypdf_logger.level
    pypdf_logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise _refuse(
                    name,
                    "est chiffré : enregistrez-le sans mot de passe puis déposez-le à nouveau.",
                    "pdf_encrypted",
                )
            finding = find_active_content(reader)
            if finding is not None and finding.what == HTML_PAGE:
                raise _refuse(
                    name,
                    f"contient {HTML_PAGE} ({finding.where}) : ce n'est pas un PDF simple. "
                    "Enregistrez le document en PDF (« Imprimer en PDF ») puis déposez-le.",
                    "pdf_html_content",
                )
            if finding is not None:
                raise _refuse(
                    name,
                    f"contient du contenu actif : {finding.what}, {finding.where}. Pour la "
                    "sécurité de tous, ce type de PDF est refusé : enregistrez-le en PDF simple "
                    "(« Imprimer en PDF ») puis déposez-le.",
                    "pdf_active_content",
                )
            pages = len(reader.pages)
            if pages == 0:
                raise _refuse(name, "ne contient aucune page.", "pdf_no_page")
            if pages > max_pages:
                raise _refuse(
                    name,
                    f"compte {pages} pages, au-delà de la limite de {max_pages} pages. "
                    "Déposez-le en plusieurs parties.",
                    "pdf_too_many_pages",
                )
            for page in reader.pages:
                box = page.mediabox
                if float(box.width) <= 0 or float(box.height) <= 0:
                    raise PdfReadError("page sans dimensions")
                page.get_contents()
    except ValidationError:
        raise
    except Exception as exc:
        raise _refuse(
            name,
            "n'est pas un PDF lisible (il est endommagé ou mal formé). Enregistrez-le de nouveau "
            "en PDF puis déposez-le.",
            "pdf_unreadable",
        ) from exc
    finally:
        pypdf_logger.setLevel(previous_level)
    return pages


def _check_image(data: bytes, name: str, content_type: str) -> bytes | None:
    """Check an image decodes entirely; return it re-encoded when data follows its end (else
    None: the file is kept as sent)."""
    from PIL import Image

    label = "JPEG" if content_type == JPEG else "PNG"
    expected = "JPEG" if content_type == JPEG else "PNG"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format != expected:
                    raise ValueError(image.format)
                if image.width * image.height > MAX_PIXELS:
                    raise Image.DecompressionBombError("trop de pixels")
                image.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _refuse(
            name,
            "est une image trop grande (en pixels). Réduisez sa définition puis déposez-la.",
            "image_too_large",
        ) from exc
    except Exception as exc:
        raise _refuse(
            name,
            f"n'est pas une image {label} lisible (elle est tronquée ou endommagée). "
            "Enregistrez-la de nouveau ou scannez le document en PDF.",
            "image_unreadable",
        ) from exc
    if not _trailing_data(data, content_type):
        return None
    if content_type == JPEG and _phone_trailer(data):
        return _reencoded(data, content_type)
    raise _refuse(
        name,
        "contient des données après la fin de l'image. Enregistrez-la de nouveau puis déposez-la.",
        "image_trailing_data",
    )


# What phones append to a photo: the short video of a « Motion Photo » / « Photo animée »
# (an MP4 or QuickTime file, Google and Samsung), Samsung's trailer of extra media.
_PHONE_TRAILERS = (b"MotionPhoto_Data", b"SEFH", b"SEFT", b"mpvd")
_VIDEO_BRANDS = re.compile(rb"ftyp(mp4|mp42|isom|iso\d|qt  |heic|avc1|M4V )")


def _phone_trailer(data: bytes) -> bool:
    end = _jpeg_end(data)
    if end is None:
        return False
    trailer = data[end : end + 4096]
    return bool(_VIDEO_BRANDS.search(trailer)) or any(t in data[end:] for t in _PHONE_TRAILERS)


def _trailing_data(data: bytes, content_type: str) -> bool:
    """Whether bytes follow the end of the image (a phone's « Motion Photo » video, an archive
    glued behind a picture…)."""
    if content_type == PNG:
        iend = data.rfind(b"IEND")
        return iend < 0 or bool(data[iend + 8 :].strip(b"\x00"))
    end = _jpeg_end(data)
    if end is None:  # a structure we cannot walk: its last end-of-image marker, as before
        last = data.rfind(b"\xff\xd9")
        return last < 0 or bool(data[last + 2 :].strip(b"\x00\r\n"))
    return bool(data[end:].strip(b"\x00\r\n"))


def _jpeg_end(data: bytes) -> int | None:
    """The offset just after the first image's end-of-image marker, read segment by segment
    (a thumbnail inside the EXIF segment has its own markers, skipped with its segment)."""
    position = 2  # after SOI
    size = len(data)
    while position + 4 <= size:
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xD9:
            return position + 2
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            position += 2
            continue
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        position += 2 + length
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next real marker
            while position + 1 < size:
                if data[position] == 0xFF and data[position + 1] not in (0x00, *range(0xD0, 0xD8)):
                    break
                position += 1
    return None


def _reencoded(data: bytes, content_type: str) -> bytes:
    """The decodable image alone, encoded again: what follows it is dropped, and so is its
    metadata (a phone's position), the orientation applied to the pixels."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as image:
        image.load()
        upright = ImageOps.exif_transpose(image)
        output = io.BytesIO()
        if content_type == JPEG:
            if upright.mode not in ("RGB", "L", "CMYK"):
                upright = upright.convert("RGB")
            upright.save(output, "JPEG", quality=92, optimize=True)
        else:
            upright.save(output, "PNG", optimize=True)
    return output.getvalue()


def validate_upload(
    *, uploaded_file, max_bytes: int | None = None, max_pages: int | None = None
) -> ValidatedUpload:
    """Check a file by its content; raise ValidationError (in French, saying why) otherwise."""
    max_bytes = max_upload_bytes() if max_bytes is None else max_bytes
    max_pages = max_upload_pages() if max_pages is None else max_pages
    name = _display_name(uploaded_file)
    declared = getattr(uploaded_file, "size", None)
    too_big = _refuse(
        name,
        f"dépasse la taille maximale de {size_label(max_bytes)}. Réduisez-le "
        "(par exemple en le scannant en niveaux de gris) puis déposez-le à nouveau.",
        "too_large",
    )
    if declared is not None and declared > max_bytes:
        raise too_big
    data = _read_all(uploaded_file, max_bytes)
    if not data:
        raise _refuse(name, "est vide.", "empty")
    if len(data) > max_bytes:
        raise too_big
    content_type = sniff(data)
    hidden_pdf = content_type is None and b"%PDF-" in data[:_PDF_HEADER_WINDOW]
    if hidden_pdf and _describe_unknown(data) != "une page HTML":
        raise _refuse(
            name,
            "contient des données avant le début du PDF (son en-tête « %PDF- » doit venir en "
            "premier). Enregistrez-le de nouveau en PDF (« Imprimer en PDF ») puis déposez-le.",
            "pdf_leading_data",
        )
    if hidden_pdf:
        raise _refuse(
            name,
            "est une page HTML qui contient un PDF, pas un PDF : seul un PDF qui commence par "
            "son en-tête est accepté. Déposez le PDF lui-même.",
            "unsupported_type",
        )
    if content_type is None:
        raise _refuse(
            name,
            f"est {_describe_unknown(data)}, pas un PDF, une image JPEG ou une image PNG : "
            "seuls ces formats sont acceptés.",
            "unsupported_type",
        )
    pages: int | None = 1
    content = None
    if content_type == PDF:
        pages = _check_pdf(data, name, max_pages)
    else:
        content = _check_image(data, name, content_type)
        if content is not None:
            data = content
    return ValidatedUpload(
        content_type=content_type,
        extension=EXTENSIONS[content_type],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        pages=pages,
        content=content,
    )


def validate_supporting_file(value) -> None:
    """A field validator for model or form fields (raises ValidationError)."""
    if value:
        validate_upload(uploaded_file=value)


class SupportingFileField(forms.FileField):
    """A form field that accepts only valid PDF, JPEG or PNG files. After cleaning, the file
    carries its ``validated`` description (ValidatedUpload)."""

    def __init__(self, *args, max_bytes: int | None = None, max_pages: int | None = None, **kw):
        self.max_bytes = max_bytes
        self.max_pages = max_pages
        kw.setdefault(
            "help_text",
            f"PDF, JPEG ou PNG, {size_label(max_bytes or max_upload_bytes())} au plus.",
        )
        super().__init__(*args, **kw)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs["accept"] = ACCEPT_ATTRIBUTE
        return attrs

    def clean(self, data, initial=None):
        cleaned = super().clean(data, initial)
        if cleaned and cleaned is not initial and hasattr(cleaned, "read"):
            cleaned.validated = validate_upload(
                uploaded_file=cleaned, max_bytes=self.max_bytes, max_pages=self.max_pages
            )
        return cleaned
