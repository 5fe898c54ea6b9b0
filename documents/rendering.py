"""From a frozen context to a PDF: Django template → HTML → WeasyPrint.

Nothing here reads the database: a document is made from the snapshot stored with it, so that
rendering it again gives the same text whatever happened to the live rows since.

The snapshot (``Document.context``) is a JSON object. Keys every kind understands:

- ``place``: name, address, commune, commune_insee, departement (code)
- ``porteur``: name, kind
- ``prefecture``: name, of_name ("du Puy-de-Dôme"), seat (chef-lieu), tribunal, service,
  address, prefet_name; defaults come from the département code
- ``issued_on``: ISO date the document bears ("Fait à …, le …")
- ``signataire``: name, quality
- ``application``: reference, submitted_at, version_code
- ``cahier_des_charges``: title, reference (the version of the rules the file is checked on)
- ``visas``: replaces the legal-basis recitals ("Vu …") of decisions; ``extra_visas`` adds some

and per kind: ``submission`` (accusé), ``request`` (compléments), ``reviews`` / ``proposal``
(rapport), ``decision`` (labellisation, refus), ``funding`` (financement), ``notice``
(mise en demeure), ``withdrawal`` (retrait). See the templates in ``templates/documents/``.
"""

from __future__ import annotations

import base64
import datetime
import logging
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from documents.models import APPEALABLE_KINDS, DocumentKind
from documents.prefectures import prefecture_info

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
    DocumentKind.ARRETE_RETRAIT: "AP-RET",
}

DECISION_QUALITY = "Pour le préfet et par délégation,\nle secrétaire général de la préfecture"
SERVICE_QUALITY = "Pour le préfet et par délégation,\nle service instructeur"
DEFAULT_SERVICE = "Direction de la citoyenneté et de la légalité"

DEFAULT_CAHIER = {
    "title": "cahier des charges France Services",
    "reference": "circulaire n° 6094-SG du 1er juillet 2019 relative à la création de "
    "France Services",
}


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


def _as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _as_list(value: Any) -> list:
    if isinstance(value, list):
        return value
    if isinstance(value, str) and value.strip():
        return [line.strip(" -•*\t") for line in value.splitlines() if line.strip(" -•*\t")]
    return []


# --- the template context ------------------------------------------------------------------


def _criteria_index(context: dict) -> dict[str, dict]:
    """Criteria known from the conformity snapshot, by code (label, message, reference)."""
    index: dict[str, dict] = {}
    conformity = _as_dict(context.get("conformity"))
    for source in (conformity.get("criteria"), conformity.get("results"), context.get("criteria")):
        for item in source if isinstance(source, list) else []:
            if isinstance(item, dict) and item.get("code"):
                index.setdefault(str(item["code"]), {}).update(
                    {k: v for k, v in item.items() if v not in (None, "")}
                )
    return index


def _failed_criteria(context: dict, *sources: Any) -> list[dict]:
    """Failed criteria as dicts with code, label and message, whatever shape they came in."""
    index = _criteria_index(context)
    result = []
    for source in sources:
        for item in _as_list(source):
            if isinstance(item, dict):
                code = str(item.get("code", ""))
                merged = {**index.get(code, {}), **{k: v for k, v in item.items() if v}}
            else:
                code = str(item)
                merged = {"code": code, **index.get(code, {})}
            merged.setdefault("label", merged.get("code", ""))
            result.append(merged)
        if result:
            break
    return result


STATUS_LABELS = {
    "pass": "Respecté",
    "ok": "Respecté",
    "conforme": "Respecté",
    "fail": "Non respecté",
    "ko": "Non respecté",
    "non_conforme": "Non respecté",
    "warning": "Avertissement",
    "unknown": "Non évalué",
    "not_applicable": "Sans objet",
    "": "—",
}


def _status_label(value: Any) -> str:
    text = str(value or "")
    return STATUS_LABELS.get(text.lower(), text)


def _reviews(context: dict) -> list[dict]:
    index = _criteria_index(context)
    rows = []
    reviews = context.get("reviews")
    if not isinstance(reviews, list) or not reviews:
        reviews = [{"code": code, "automatic": c.get("status")} for code, c in index.items()]
    for review in reviews:
        if not isinstance(review, dict):
            continue
        code = str(review.get("code") or review.get("criterion_code") or "")
        known = index.get(code, {})
        rows.append(
            {
                "code": code,
                "label": review.get("label") or known.get("label") or "",
                "automatic": _status_label(
                    review.get("automatic") or review.get("automatic_status") or known.get("status")
                ),
                "verdict": _status_label(review.get("verdict")),
                "comment": review.get("comment") or review.get("justification") or "",
            }
        )
    return rows


def build_template_context(
    *, kind: str, context: dict, verification_code: str, verify_url: str
) -> dict:
    place = _as_dict(context.get("place"))
    departement = str(place.get("departement") or _as_dict(context.get("prefecture")).get("code"))
    prefecture: dict[str, Any] = dict(prefecture_info(departement))
    prefecture["service"] = DEFAULT_SERVICE
    prefecture["prefet_title"] = f"Le préfet {prefecture['of_name']}"
    prefecture.update({k: v for k, v in _as_dict(context.get("prefecture")).items() if v})
    issued_on = parse_date(context.get("issued_on")) or datetime.date.today()

    decision = _as_dict(context.get("decision"))
    decided_on = parse_date(decision.get("decided_on")) or issued_on
    is_decision = kind in APPEALABLE_KINDS
    signataire = _as_dict(context.get("signataire")) or _as_dict(context.get("instructor"))
    signed_by = {
        "name": signataire.get("name") or "",
        "quality": signataire.get("quality") or (DECISION_QUALITY if is_decision else ""),
    }
    if not signed_by["quality"]:
        signed_by["quality"] = SERVICE_QUALITY

    application = dict(_as_dict(context.get("application")))
    application["submitted_on"] = parse_date(
        application.get("submitted_at") or _as_dict(context.get("submission")).get("at")
    )
    cahier = {**DEFAULT_CAHIER, **_as_dict(context.get("cahier_des_charges"))}

    reference = context.get("reference") or (
        f"{REFERENCE_PREFIX.get(kind, 'DOC')}-{departement}-{decided_on:%Y-%m-%d}-"
        f"{verification_code[:4]}"
    )
    data: dict[str, Any] = {
        "kind": kind,
        "kind_label": DocumentKind(kind).label,
        "appealable": is_decision,
        "reference": reference,
        "place": place,
        "porteur": _as_dict(context.get("porteur")),
        "prefecture": prefecture,
        "issued_on": issued_on,
        "decided_on": decided_on,
        "signataire": signed_by,
        "application": application,
        "cahier": cahier,
        "visas": _as_list(context.get("visas")),
        "extra_visas": _as_list(context.get("extra_visas")),
        "verification_code": verification_code,
        "verify_url": verify_url,
        "qr_code": qr_data_uri(verify_url),
        "font_faces": font_faces_css(),
        "raw": context,
    }
    data.update(_kind_data(kind, context, issued_on=issued_on, decision=decision))
    return data


def _kind_data(kind: str, context: dict, *, issued_on: datetime.date, decision: dict) -> dict:
    if kind == DocumentKind.ACCUSE_RECEPTION:
        submission = _as_dict(context.get("submission"))
        deadlines = _as_dict(context.get("deadlines"))
        return {
            "submission": submission,
            "submitted_on": parse_date(submission.get("at")) or issued_on,
            "completeness_days": deadlines.get("completeness_days", 15),
            "instruction_days": deadlines.get("instruction_days", 60),
        }
    if kind == DocumentKind.DEMANDE_COMPLEMENTS:
        request = _as_dict(context.get("request"))
        items = _as_list(request.get("items")) or _as_list(request.get("message"))
        days = int(request.get("days") or 30)
        due_on = parse_date(request.get("due_on")) or issued_on + datetime.timedelta(days=days)
        return {"request": request, "missing_items": items, "due_on": due_on}
    if kind == DocumentKind.RAPPORT_INSTRUCTION:
        proposal = _as_dict(context.get("proposal"))
        return {
            "proposal": proposal,
            "proposal_effective_on": parse_date(proposal.get("effective_on")),
            "review_rows": _reviews(context),
            "failed": _failed_criteria(context, proposal.get("failed_criteria")),
        }
    if kind == DocumentKind.ARRETE_LABELLISATION:
        return {
            "decision": decision,
            "effective_on": parse_date(decision.get("effective_on"))
            or parse_date(decision.get("decided_on"))
            or issued_on,
            "considerants": _as_list(context.get("considerants")),
        }
    if kind == DocumentKind.REFUS:
        return {
            "decision": decision,
            "failed": _failed_criteria(
                context, decision.get("failed_criteria"), context.get("failed_criteria")
            ),
        }
    if kind == DocumentKind.DECISION_FINANCEMENT:
        funding = _as_dict(context.get("funding"))
        amount = to_decimal(funding.get("amount")) or Decimal(0)
        shares = funding.get("shares")
        if not isinstance(shares, list) or not shares:
            half = (amount / 2).quantize(Decimal("0.01"))
            shares = [
                {
                    "label": "État — programme 112 « Impulsion et coordination de la politique "
                    "d'aménagement du territoire » (FNADT)",
                    "amount": str(half),
                },
                {
                    "label": "Fonds national France services (opérateurs)",
                    "amount": str(amount - half),
                },
            ]
        return {
            "funding": funding,
            "amount": format_euros(amount),
            "year": str(funding.get("year") or issued_on.year),
            "shares": [
                {"label": s.get("label", ""), "amount": format_euros(s.get("amount"))}
                for s in shares
                if isinstance(s, dict)
            ],
            "payment_terms": _as_list(funding.get("payment_terms")),
            "period_start": parse_date(funding.get("period_start")),
            "period_end": parse_date(funding.get("period_end")),
        }
    if kind == DocumentKind.MISE_EN_DEMEURE:
        notice = _as_dict(context.get("notice"))
        days = int(notice.get("days") or 60)
        return {
            "notice": notice,
            "failed": _failed_criteria(context, notice.get("failed_criteria")),
            "comply_by": parse_date(notice.get("comply_by"))
            or issued_on + datetime.timedelta(days=days),
            "review_on": parse_date(notice.get("review_on")),
        }
    if kind == DocumentKind.ARRETE_RETRAIT:
        withdrawal = _as_dict(context.get("withdrawal"))
        return {
            "withdrawal": withdrawal,
            "failed": _failed_criteria(context, withdrawal.get("failed_criteria")),
            "labelled_on": parse_date(withdrawal.get("labelled_on")),
            "notice_on": parse_date(withdrawal.get("notice_on")),
            "comply_by": parse_date(withdrawal.get("comply_by")),
            "effective_on": parse_date(withdrawal.get("effective_on")) or issued_on,
        }
    raise ValueError(f"Type de document inconnu : {kind}")


# --- rendering -----------------------------------------------------------------------------


def render_html(*, kind: str, context: dict, verification_code: str, verify_url: str) -> str:
    DocumentKind(kind)  # unknown kinds fail here, before any work
    data = build_template_context(
        kind=kind, context=context, verification_code=verification_code, verify_url=verify_url
    )
    with translation.override("fr"):
        return render_to_string(f"documents/{kind}.html", data)


def html_to_pdf(html: str) -> bytes:
    import weasyprint  # ~0.6 s to import: never at Django start-up

    return weasyprint.HTML(
        string=html, base_url=font_dir().as_uri() + "/", url_fetcher=_url_fetcher()
    ).write_pdf()


def render_pdf(*, kind: str, context: dict, verification_code: str, verify_url: str) -> bytes:
    """The PDF of a document of this kind, made from the frozen context alone."""
    return html_to_pdf(
        render_html(
            kind=kind, context=context, verification_code=verification_code, verify_url=verify_url
        )
    )
