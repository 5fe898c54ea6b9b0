"""From a typed context (`documents.contexts`) to a PDF: Django template → HTML → WeasyPrint.

Nothing here reads the database: a document is made from the snapshot stored with it, so that
rendering it again gives the same text whatever happened to the live rows since.

The template of a kind (``templates/documents/<kind>.html``) reads the typed context as
``doc``; see `build_template_context` for the other names.
"""

from __future__ import annotations

import base64
import datetime
import logging
import os
import threading
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from documents import french
from documents.contexts import DocumentContext
from documents.models import DocumentKind
from documents.prefectures import prefecture_info
from labelling.text import strip_controls_keep_layout

# WeasyPrint tells every step at INFO level: too chatty for a worker's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

REFERENCE_PREFIX = {
    DocumentKind.ACCUSE_RECEPTION: "AR",
    DocumentKind.DEMANDE_COMPLEMENTS: "DC",
    DocumentKind.RAPPORT_INSTRUCTION: "RI",
    DocumentKind.ARRETE_LABELLISATION: "AP-LAB",
    DocumentKind.REFUS: "DEC-REF",
    DocumentKind.DECISION_FINANCEMENT: "DEC-FIN",
    DocumentKind.MISE_EN_DEMEURE: "MED",
    DocumentKind.ARRETE_ABROGATION: "AP-RET",
}

DECISION_QUALITY = "Pour le préfet et par délégation,\nle secrétaire général de la préfecture"
SERVICE_QUALITY = "Le service instructeur"
DEFAULT_SERVICE = "Direction de la citoyenneté et de la légalité"


# --- fonts and resources (nothing is fetched from the network) ------------------------------


@lru_cache(maxsize=1)
def font_dir() -> Path:
    import dsfr

    return Path(dsfr.__file__).parent / "static" / "dsfr" / "dist" / "fonts"


@lru_cache(maxsize=1)
def font_faces_css() -> str:
    """@font-face rules for Marianne, read from django-dsfr's static files by file:// URL."""
    rules = []
    for weight, style, name in (
        (400, "normal", "Marianne-Regular"),
        (400, "italic", "Marianne-Regular_Italic"),
        (700, "normal", "Marianne-Bold"),
        (700, "italic", "Marianne-Bold_Italic"),
    ):
        url = (font_dir() / f"{name}.woff").as_uri()
        rules.append(
            f"@font-face {{ font-family: 'Marianne'; font-weight: {weight}; "
            f"font-style: {style}; src: url('{url}') format('woff'); }}"
        )
    return "\n".join(rules)


def _url_fetcher():
    """A WeasyPrint fetcher that only opens data: URIs and the font files."""
    from weasyprint.urls import URLFetcher

    allowed_root = str(font_dir().resolve())

    class LocalOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith("file://"):
                path = Path(url[len("file://") :]).resolve()
                if str(path).startswith(allowed_root):
                    return super().fetch(url, headers)
            raise ValueError(f"Ressource refusée (hors ligne seulement) : {url[:80]}")

    return LocalOnlyFetcher(allowed_protocols={"file", "data"})


def qr_data_uri(url: str) -> str:
    """A QR code of the verification URL as an SVG data URI, made locally.

    The mask pattern is fixed (every mask gives a valid code; choosing the "best" one costs
    10 ms a document) and the SVG is one path of horizontal runs of dark modules."""
    import qrcode

    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2, mask_pattern=2)
    qr.add_data(url)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    size = len(matrix)
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(runs)}"/></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("ascii")).decode("ascii")


# --- small value helpers ----------------------------------------------------------------


def parse_date(value: Any) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value)
    try:
        if "T" in text or " " in text.strip():
            parsed = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
            if parsed.tzinfo is not None:
                from zoneinfo import ZoneInfo

                parsed = parsed.astimezone(ZoneInfo("Europe/Paris"))
            return parsed.date()
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        return None


def to_decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def format_euros(value: Any) -> str:
    """30000 → "30 000 €"; 1234.5 → "1 234,50 €" (spaces: the template keeps them unbroken)."""
    amount = to_decimal(value)
    if amount is None:
        return ""
    amount = amount.quantize(Decimal("0.01"))
    units, cents = divmod(abs(amount) * 100, 100)
    grouped = f"{int(units):,}".replace(",", " ")
    sign = "-" if amount < 0 else ""
    if cents:
        return f"{sign}{grouped},{int(cents):02d} €"
    return f"{sign}{grouped} €"


# --- the template context ------------------------------------------------------------------


def build_template_context(
    *, context: DocumentContext, verification_code: str, verify_url: str, specimen: bool = False
) -> dict:
    """What the kind's template reads: the typed context as ``doc``, its common parts by name,
    the préfecture's details (from the département, with the context's overrides), the
    document's reference, verification code and QR code, and the fonts."""
    place = context.place
    prefecture = prefecture_details(context)
    decided_on = context.document_date
    signer = context.signer
    quality = (signer.quality if signer else "") or (
        DECISION_QUALITY if context.appealable else SERVICE_QUALITY
    )
    reference = context.reference or (
        f"{REFERENCE_PREFIX.get(context.kind, 'DOC')}-{place.departement}-{decided_on:%Y-%m-%d}-"
        f"{verification_code[:4]}"
    )
    return {
        "doc": context,
        "kind": context.kind,
        "kind_label": DocumentKind(context.kind).label,
        "appealable": context.appealable,
        "reference": reference,
        "place": place,
        "porteur": context.porteur,
        "prefecture": prefecture,
        "issued_on": context.issued_on,
        "decided_on": decided_on,
        "signataire": {"name": signer.name if signer else "", "quality": quality},
        "application": context.application,
        "cahier": context.cahier,
        "visas": context.visas,
        "extra_visas": context.extra_visas,
        "verification_code": verification_code,
        "verify_url": verify_url,
        "implicit": implicit_decision(context),
        "specimen": specimen,
        "qr_code": qr_data_uri(verify_url),
        "font_faces": font_faces_css(),
    }


def prefecture_details(context: DocumentContext) -> dict[str, Any]:
    """The préfecture's details a document prints: the département's data, then what the
    context froze (`contexts.Prefecture`), and the sentences made from them."""
    prefecture: dict[str, Any] = dict(prefecture_info(context.place.departement))
    prefecture["service"] = DEFAULT_SERVICE
    prefecture.update(context.prefecture.overrides())
    feminine = bool(getattr(context.prefecture, "prefet_feminine", False))
    prefet = "préfète" if feminine else "préfet"
    of_name = prefecture["of_name"]
    prefecture["prefet_word"] = prefet
    prefecture["prefet_title"] = f"{'La' if feminine else 'Le'} {prefet} {of_name}"
    prefecture["to_prefet"] = f"{'à la' if feminine else 'au'} {prefet} {of_name}"
    prefecture["of_prefet"] = f"{'de la' if feminine else 'du'} {prefet} {of_name}"
    prefecture["seat_in"] = french.a(prefecture["seat"]) if prefecture.get("seat") else ""
    sg_feminine = getattr(context.prefecture, "secretary_general_feminine", None)
    if sg_feminine is None:
        signer = context.signer
        sg_feminine = bool(signer and "la secrétaire générale" in (signer.quality or ""))
    sg = "la secrétaire générale" if sg_feminine else "le secrétaire général"
    prefecture["executor"] = f"{sg[0].upper()}{sg[1:]} de la préfecture {of_name}"
    prefecture["executor_charged"] = "chargée" if sg_feminine else "chargé"
    prefecture["proposal"] = french.de(
        f"{sg.split(' ', 1)[1]} de la préfecture {of_name}", sg.split(" ")[0]
    )
    prefecture["prefet_in_sentence"] = f"{'la' if feminine else 'le'} {prefet} {of_name}"
    return prefecture


def implicit_decision(context: DocumentContext) -> dict[str, Any] | None:
    """For an accusé de réception: whether silence accepts or rejects, and from which date."""
    from django.conf import settings

    if not hasattr(context, "implicit_decision"):
        return None
    regime = context.implicit_decision or settings.DOCUMENTS_IMPLICIT_DECISION
    on = context.implicit_decision_on or add_months(
        context.submitted_on, settings.DOCUMENTS_IMPLICIT_DECISION_MONTHS
    )
    return {"accepts": regime == "acceptation", "regime": regime, "on": on}


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (the last day of the month when it has fewer days)."""
    import calendar

    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- rendering -----------------------------------------------------------------------------


def render_html(
    *, context: DocumentContext, verification_code: str, verify_url: str, specimen: bool = False
) -> str:
    data = build_template_context(
        context=context,
        verification_code=verification_code,
        verify_url=verify_url,
        specimen=specimen,
    )
    with translation.override("fr"):
        html = render_to_string(f"documents/{context.kind}.html", data)
    # Text stored before it was cleaned at the boundary may hold control characters (a vertical
    # tab pasted from Word): never shown as empty boxes.
    return french.typeset_html(strip_controls_keep_layout(html))


_fonts = threading.local()


def font_configuration():
    """The WeasyPrint font configuration of this thread, kept from one document to the next.

    A new configuration per document decodes the four Marianne WOFF files and registers them
    with Fontconfig again: about 40 ms of a 180 ms render. Kept, the @font-face rules of the
    next document find their fonts already registered (WeasyPrint keys them by descriptors) and
    its Pango font map keeps its glyph caches. One per thread: Fontconfig and Pango objects are
    not shared between threads (a threaded development server renders in several), nor between
    processes: a worker process forked after a render makes its own."""
    config = getattr(_fonts, "config", None)
    if config is None or config.pid != os.getpid():
        config = _fonts.config = _process_font_configuration()
    return config


def _process_font_configuration():
    from weasyprint.text.fonts import FontConfiguration

    class ProcessFontConfiguration(FontConfiguration):
        """Deletes its folder of decoded fonts only in the process that made it: a forked child
        dropping the configuration it inherited must not remove the parent's fonts."""

        def __init__(self):
            super().__init__()
            self.pid = os.getpid()

        def __del__(self):
            if getattr(self, "pid", None) == os.getpid():
                super().__del__()

    return ProcessFontConfiguration()


def html_to_pdf(html: str, *, archival: bool = False) -> bytes:
    """WeasyPrint's PDF; `archival`: PDF/A-3b (fonts embedded, metadata, for archiving) and
    tagged for accessibility."""
    import weasyprint  # ~0.6 s to import: never at Django start-up

    options = {"pdf_variant": "pdf/a-3b", "pdf_tags": True} if archival else {}
    return weasyprint.HTML(
        string=html, base_url=font_dir().as_uri() + "/", url_fetcher=_url_fetcher()
    ).write_pdf(font_config=font_configuration(), **options)


def render_pdf(
    *, context: DocumentContext, verification_code: str, verify_url: str, specimen: bool = False
) -> bytes:
    """The PDF of a document, made from its typed context alone (`specimen`: stamped
    « SPÉCIMEN », for samples whose codes verify nothing)."""
    return html_to_pdf(
        render_html(
            context=context,
            verification_code=verification_code,
            verify_url=verify_url,
            specimen=specimen,
        )
    )
