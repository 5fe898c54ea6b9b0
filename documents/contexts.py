"""What each kind of official document shows: one typed structure per kind.

The app that asks for a document builds its context (workflows builds the accusé de réception
from the file it has just frozen, with the deadlines it is configured with); the documents app
stores it as the document's frozen snapshot (`to_snapshot()`, plain JSON with a ``schema``),
reads it back (`load_context`) and renders it. Templates read the context as ``doc`` (and its
common parts as ``place``, ``porteur``, ``application``, ``cahier``, ``signataire``).

To add a field: give it a default (old snapshots keep loading), use it in the kind's template.
To add a kind: a subclass with its ``kind`` (a `DocumentKind`), registered in `KINDS`."""

from __future__ import annotations

import dataclasses
import datetime
import types
import typing
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from documents import french
from documents.models import APPEALABLE_KINDS, DocumentKind

# --- the parts every kind shares -----------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """The place the document is about, as it was when the document was asked for."""

    name: str
    commune: str = ""
    commune_insee: str = ""
    departement: str = ""  # code, e.g. "63": the préfecture's details come from it
    address: str = ""

    @property
    def in_commune(self) -> str:
        """« à Ambert », « au Mans »."""
        return french.a(self.commune) if self.commune else ""

    @property
    def of_commune(self) -> str:
        """« d'Ambert », « du Puy-en-Velay », « de Saint-Anthème »."""
        return french.de(self.commune) if self.commune else ""

    @property
    def location(self) -> str:
        """What follows the place's name: « situé place de l'Aubépin, 63660 Saint-Anthème »,
        « situé 12 place Charles de Gaulle à Ambert », « situé à Ambert »."""
        address = french.address_in_sentence(self.address)
        if address and french.address_names_commune(self.address, self.commune):
            return f"situé {address}"
        if address:
            return f"situé {address}" + (f" {self.in_commune}" if self.commune else "")
        return f"situé {self.in_commune}" if self.commune else ""


@dataclass(frozen=True)
class Porteur:
    """The body that runs the place. `article` is how its name reads in a sentence (« la »
    Communauté de communes…, « l'» Association…, « » for La Poste); empty: guessed from the
    name's first word (`documents.french.infer_article`)."""

    name: str
    kind: str = ""  # in French words (« Intercommunalité (EPCI) »)
    address: str = ""
    commune: str = ""
    representative: str = ""
    article: str = ""
    siren: str = ""

    @property
    def article_used(self) -> str:
        if self.article == "-":
            return ""
        return self.article or french.infer_article(self.name)

    @property
    def in_sentence(self) -> str:
        """« la Communauté de communes Ambert Livradois Forez »."""
        return french.with_article(self.name, self.article_used)

    @property
    def of_name(self) -> str:
        """« de la Communauté… », « du Syndicat… », « de l'Association… »."""
        return french.de(self.name, self.article_used)

    @property
    def to_name(self) -> str:
        """« à la Communauté… », « au Syndicat… »."""
        return french.a(self.name, self.article_used)


@dataclass(frozen=True)
class Person:
    """Who signs (or who writes, for a letter of the service)."""

    name: str
    quality: str = ""
    title: str = ""  # under the name, for a letter of the service (« Chef du bureau … »)


@dataclass(frozen=True)
class FileReference:
    """The file (dossier) the document belongs to."""

    reference: str
    revision: int = 1
    version_code: str = ""
    submitted_on: datetime.date | None = None


@dataclass(frozen=True)
class CahierDesCharges:
    """The version of the rules the file is checked against, as the documents cite it."""

    title: str = "cahier des charges France Services"
    reference: str = (
        "circulaire n° 6094-SG du 1er juillet 2019 relative à la création de France Services"
    )
    visa: str = ""


@dataclass(frozen=True)
class Prefecture:
    """Details that replace those `documents.prefectures` knows for the département."""

    name: str = ""
    of_name: str = ""
    seat: str = ""
    tribunal: str = ""
    service: str = ""
    address: str = ""
    prefet_name: str = ""
    appointment: str = ""
    delegation: str = ""
    phone: str = ""
    email: str = ""
    prefet_feminine: bool = False
    # None: read from the signatory's quality (« la secrétaire générale »).
    secretary_general_feminine: bool | None = None

    def overrides(self) -> dict[str, str]:
        return {k: v for k, v in dataclasses.asdict(self).items() if v and isinstance(v, str)}


OPINION_VERDICTS = {
    "favorable": "favorable",
    "unfavorable": "défavorable",
    "defavorable": "défavorable",
    "reserved": "réservé",
    "reserve": "réservé",
}


@dataclass(frozen=True)
class Opinion:
    """An opinion collected during the instruction (a partner operator, the mayor…), cited in
    the decision's visas with its date."""

    author: str
    verdict: str = ""  # favorable, unfavorable, reserved (or French words)
    given_on: datetime.date | None = None
    article: str = ""  # how the author's name reads after « de » (see Porteur.article)

    @property
    def verdict_phrase(self) -> str:
        return OPINION_VERDICTS.get(self.verdict, self.verdict or "")

    @property
    def author_of(self) -> str:
        article = "" if self.article == "-" else (self.article or french.infer_article(self.author))
        return french.de(self.author, article)


@dataclass(frozen=True)
class Criterion:
    """A criterion of the cahier des charges, as the conformity engine reports it."""

    code: str
    label: str = ""
    message: str = ""
    reference: str = ""


STATUS_LABELS = {
    "pass": "Respecté",
    "fail": "Non respecté",
    "warning": "Avertissement",
    "unknown": "Non évalué",
    "not_applicable": "Sans objet",
}


@dataclass(frozen=True)
class ReviewLine:
    """The instructor's appraisal of one criterion (statuses: pass, fail, warning…)."""

    code: str
    label: str = ""
    automatic: str = ""
    verdict: str = ""
    comment: str = ""
    justification: str = ""

    @property
    def automatic_label(self) -> str:
        return STATUS_LABELS.get(self.automatic, self.automatic or "—")

    @property
    def verdict_label(self) -> str:
        return STATUS_LABELS.get(self.verdict, self.verdict or "—")

    @property
    def remark(self) -> str:
        return self.comment or self.justification


@dataclass(frozen=True)
class FundingShare:
    """One funder's part of a funding decision, with where it is charged and who pays it."""

    label: str
    amount: Decimal
    percent: Decimal | None = None
    budget_line: str = ""
    comptable: str = ""
    engagement: str = ""


@dataclass(frozen=True)
class FundingPayment:
    """A planned payment of a funding decision."""

    label: str  # « Versement n° 1 — État (FNADT) »
    amount: Decimal
    due_on: datetime.date


# --- the base of every kind ------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class DocumentContext:
    """What every document shows. `issued_on` is the date it bears (« Fait à …, le … »)."""

    kind: ClassVar[str]

    place: Place
    porteur: Porteur
    issued_on: datetime.date
    application: FileReference | None = None
    signataire: Person | None = None
    cahier: CahierDesCharges = field(default_factory=CahierDesCharges)
    prefecture: Prefecture = field(default_factory=Prefecture)
    visas: tuple[str, ...] = ()  # replace the legal recitals (« Vu … ») of a decision
    extra_visas: tuple[str, ...] = ()
    reference: str = ""  # the document's own number, when the préfecture gives one

    @property
    def appealable(self) -> bool:
        return self.kind in APPEALABLE_KINDS

    @property
    def document_date(self) -> datetime.date:
        """The date that names the document: its decision's, else the day it bears."""
        return getattr(self, "decided_on", None) or self.issued_on

    @property
    def signer(self) -> Person | None:
        return self.signataire

    def to_snapshot(self) -> dict:
        """Plain JSON: what `Document.context` stores."""
        return {"schema": f"{self.kind}/1", **_dump(self)}


def _dump(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _dump(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple | list):
        return [_dump(item) for item in value]
    return value


def _load(kind: Any, value: Any) -> Any:
    """The value of type `kind` that `_dump` gave `value` for."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        options = [arg for arg in typing.get_args(kind) if arg is not type(None)]
        return _load(options[0], value)
    if origin is tuple:
        (item, *_rest) = typing.get_args(kind)
        return tuple(_load(item, element) for element in value or ())
    if dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        names = {f.name for f in dataclasses.fields(kind) if f.init}
        return kind(**{k: _load(hints[k], v) for k, v in value.items() if k in names})
    if kind is datetime.date:
        return datetime.date.fromisoformat(value) if isinstance(value, str) else value
    if kind is datetime.datetime:
        return datetime.datetime.fromisoformat(value) if isinstance(value, str) else value
    if kind is Decimal:
        return Decimal(str(value))
    if kind is int:
        return int(value)
    return value


# --- the kinds ------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class AccuseReception(DocumentContext):
    """Acknowledgement of a submission (CRPA L112-3 and R112-5: it states the deadlines)."""

    kind: ClassVar[str] = DocumentKind.ACCUSE_RECEPTION
    submission_number: int
    submitted_on: datetime.date
    completeness_days: int  # WORKFLOW_DEADLINES["completeness"] when the file was submitted
    instruction_days: int  # WORKFLOW_DEADLINES["instruction"]
    # What silence means (CRPA L231-1 acceptance, L231-4 rejection) and from when; empty: the
    # setting DOCUMENTS_IMPLICIT_DECISION and two months after receipt (frozen on request).
    implicit_decision: str = ""  # "acceptation" or "rejet"
    implicit_decision_on: datetime.date | None = None


@dataclass(frozen=True, kw_only=True)
class DemandeComplements(DocumentContext):
    """What is missing, and until when (CRPA L114-5: the time limit runs from their receipt)."""

    kind: ClassVar[str] = DocumentKind.DEMANDE_COMPLEMENTS
    items: tuple[str, ...]
    due_on: datetime.date


@dataclass(frozen=True, kw_only=True)
class RapportInstruction(DocumentContext):
    """The instructor's report: each criterion appraised, and the proposal (internal)."""

    kind: ClassVar[str] = DocumentKind.RAPPORT_INSTRUCTION
    reviews: tuple[ReviewLine, ...]
    outcome: str  # "label" or "refuse"
    reasons: str
    effective_on: datetime.date | None = None
    failed: tuple[Criterion, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ArreteLabellisation(DocumentContext):
    kind: ClassVar[str] = DocumentKind.ARRETE_LABELLISATION
    decided_on: datetime.date
    effective_on: datetime.date
    reasons: str = ""
    considerants: tuple[str, ...] = ()
    report_on: datetime.date | None = None  # the rapport d'instruction's date
    opinions: tuple[Opinion, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Refus(DocumentContext):
    """A motivated refusal (CRPA L211-2, L211-5): the criteria not met and the reasons."""

    kind: ClassVar[str] = DocumentKind.REFUS
    decided_on: datetime.date
    reasons: str
    failed: tuple[Criterion, ...] = ()
    report_on: datetime.date | None = None
    opinions: tuple[Opinion, ...] = ()


@dataclass(frozen=True, kw_only=True)
class DecisionFinancement(DocumentContext):
    """The préfet's decision granting a place's yearly subsidy: the beneficiary (the porteur,
    with its SIREN), the amount and its split from the year's rate (each part with its budget
    line and comptable assignataire), the payments, the year's finance law."""

    kind: ClassVar[str] = DocumentKind.DECISION_FINANCEMENT
    amount: Decimal
    year: int
    shares: tuple[FundingShare, ...] = ()
    payment_terms: tuple[str, ...] = ()
    payments: tuple[FundingPayment, ...] = ()
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None
    labelled_on: datetime.date | None = None
    labelling_visa: str = ""
    account_label: str = ""
    prorata: str = ""
    beneficiary_siren: str = ""
    beneficiary_siret: str = ""
    finance_law: str = ""  # « la loi n° … du … de finances pour 2024 »
    yearly_amount: Decimal | None = None
    adjustment: str = ""  # why the amount differs from the rules', when it does

    @property
    def year_text(self) -> str:
        return str(self.year)

    @property
    def finance_law_text(self) -> str:
        return self.finance_law or f"la loi de finances pour {self.year}"

    @property
    def share_lines(self) -> tuple[FundingShare, ...]:
        return self.shares


@dataclass(frozen=True, kw_only=True)
class MiseEnDemeure(DocumentContext):
    """Before withdrawing a label: the conditions no longer met, until when to comply, and the
    right to present observations (CRPA L122-1)."""

    kind: ClassVar[str] = DocumentKind.MISE_EN_DEMEURE
    failed: tuple[Criterion, ...]
    comply_by: datetime.date
    review_on: datetime.date | None = None
    labelled_on: datetime.date | None = None
    reasons: str = ""
    review_reference: str = ""
    labelling_reference: str = ""  # the labelling arrêté's number (filled when it is asked)


@dataclass(frozen=True, kw_only=True)
class ArreteAbrogation(DocumentContext):
    """Withdrawal of a label for the future: an abrogation because the conditions its
    maintenance depended on are no longer met (CRPA L242-2 1°), after the contradictory
    procedure (L121-1, L122-1): the mise en demeure by its number and date, the porteur's
    observations with their date."""

    kind: ClassVar[str] = DocumentKind.ARRETE_ABROGATION
    failed: tuple[Criterion, ...]
    effective_on: datetime.date
    labelled_on: datetime.date | None = None
    notice_on: datetime.date | None = None
    comply_by: datetime.date | None = None
    reasons: str = ""
    observations: str = ""
    observations_on: datetime.date | None = None
    notice_reference: str = ""
    labelling_reference: str = ""


KINDS: dict[str, type[DocumentContext]] = {
    cls.kind: cls
    for cls in (
        AccuseReception,
        DemandeComplements,
        RapportInstruction,
        ArreteLabellisation,
        Refus,
        DecisionFinancement,
        MiseEnDemeure,
        ArreteAbrogation,
    )
}


# Kinds renamed since: snapshots frozen under the former name read as the new kind.
RENAMED_KINDS = {"arrete_retrait": DocumentKind.ARRETE_ABROGATION.value}


class UnreadableContext(ValueError):
    """A snapshot that is not a typed context of a known kind."""


def load_context(snapshot: dict) -> DocumentContext:
    """The typed context a snapshot holds (`to_snapshot` read back)."""
    schema = str((snapshot or {}).get("schema", ""))
    kind, _, version = schema.partition("/")
    kind = RENAMED_KINDS.get(kind, kind)
    if kind not in KINDS or version != "1":
        raise UnreadableContext(
            f"Données figées illisibles (schéma « {schema or 'absent'} ») : ce document a été "
            "produit avant les contextes typés ; demandez-en un nouveau."
        )
    data = {k: v for k, v in snapshot.items() if k != "schema"}
    return _load(KINDS[kind], data)
