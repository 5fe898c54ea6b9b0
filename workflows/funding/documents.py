"""The `decision_financement` PDF of a signed funding file: its typed context, built from the
file and the rules' data as they are at signature (a frozen snapshot)."""

from __future__ import annotations

from decimal import Decimal

from documents import contexts
from documents import services as documents
from documents.templatetags.documents_tags import date_long
from labelling.funding.legal import finance_law
from labelling.funding.money import euros
from workflows.funding.models import FundingFile
from workflows.funding.permissions import decision_readers


def decision_context(file: FundingFile, *, signer_name: str, signer_quality: str = ""):
    place = file.place
    porteur = file.porteur
    departement = place.departement
    parts = list(file.parts.select_related("funder"))
    payments = list(
        file.payments.select_related("part__funder").order_by("number", "part__position")
    )
    several = len({p.number for p in payments}) > 1
    prorata = ""
    if file.prorated:
        prorata = (
            f"le label du lieu a pris effet le {date_long(file.effective_on)} et que le forfait "
            f"annuel de {euros(file.yearly_amount)} est dû au prorata des jours labellisés dans "
            f"l'année, soit {file.days} jours sur {file.days_in_year}"
        )
    siret = file.beneficiary_siret or (porteur.siret or "" if porteur else "")
    return contexts.DecisionFinancement(
        place=contexts.Place(
            name=place.name,
            address=place.address,
            commune=place.commune.name,
            commune_insee=place.commune_id,
            departement=place.departement_id,
        ),
        porteur=contexts.Porteur(
            name=file.beneficiary_name or (porteur.name if porteur else ""),
            kind=porteur.get_kind_display() if porteur else "",
            address=porteur.address if porteur else "",
            # The porteur's article, unless the beneficiary frozen at signing bears another name.
            article=(
                porteur.article if porteur and file.beneficiary_name in ("", porteur.name) else ""
            ),
        ),
        issued_on=file.signed_on,
        signataire=contexts.Person(name=signer_name, quality=signer_quality),
        # The decision takes its number in the préfecture's register (63-2026-FIN-0001); the
        # funding file's reference is the « dossier » it belongs to.
        application=contexts.FileReference(reference=file.reference),
        labelling_visa=_labelling_visa(place),
        amount=file.amount,
        year=file.year,
        yearly_amount=file.yearly_amount,
        shares=tuple(
            contexts.FundingShare(
                label=part.funder.name,
                amount=part.amount,
                percent=part.percent,
                budget_line=part.funder.budget_line,
                comptable=_comptable(part.funder.comptable, departement),
                engagement=part.engagement_number,
            )
            for part in parts
        ),
        payments=tuple(
            contexts.FundingPayment(
                label=(f"Versement n° {p.number} — " if several else "") + p.part.funder.short_name,
                amount=p.amount,
                due_on=p.due_on,
            )
            for p in payments
        ),
        period_start=max(file.effective_on, _jan1(file.year)) if file.effective_on else None,
        period_end=_dec31(file.year),
        labelled_on=place.labelled_on,
        prorata=prorata,
        beneficiary_siren=siret[:9],
        beneficiary_siret=siret,
        finance_law=finance_law(file.year),
        adjustment=file.adjustment_reason if file.amount != file.proposed_amount else "",
    )


def _comptable(comptable: str, departement) -> str:
    """« le directeur départemental des finances publiques du Puy-de-Dôme »: the stored title
    (« Directeur départemental des finances publiques ({departement}) ») with its article, in
    lower case, and the département after « du / de la / des »."""
    from documents.prefectures import prefecture_info

    of_name = prefecture_info(departement.code, departement.name)["of_name"]
    text = comptable.replace(" ({departement})", f" {of_name}").replace(
        "{departement}", departement.name
    )
    first, _, rest = text.partition(" ")
    articles = {"directeur": "le", "directrice": "la", "comptable": "le", "trésorier": "le"}
    if first.lower() in articles:
        return f"{articles[first.lower()]} {first.lower()} {rest}".strip()
    return text


def _labelling_visa(place) -> str:
    """« l'arrêté préfectoral n° 63-2026-LAB-0001 du 4 mars 2026 portant labellisation … » when
    the place's labelling arrêté was made here; otherwise the template cites it by its date."""
    arrete = documents.labelling_arrete(place)
    if arrete is None:
        return ""
    decided = (arrete.context or {}).get("decided_on") or (arrete.context or {}).get("issued_on")
    on = f" du {date_long(decided)}" if decided else ""
    return (
        f"l'arrêté préfectoral n° {arrete.register_number}{on} portant labellisation "
        f"« France Services » du lieu « {place.name} »"
    )


def _jan1(year):
    import datetime

    return datetime.date(year, 1, 1)


def _dec31(year):
    import datetime

    return datetime.date(year, 12, 31)


def request_decision(file: FundingFile, *, user):
    context = decision_context(
        file,
        signer_name=(user.get_full_name() or user.email) if user else "",
        signer_quality="Pour le préfet et par délégation",
    )
    return documents.request_document(
        place=file.place,
        subject_key=f"funding:{file.pk}:decision",
        context=context,
        audience=decision_readers(file),
        requested_by=user,
    )


def decision_document(file: FundingFile):
    from documents.models import Document, DocumentKind

    return (
        Document.objects.filter(
            kind=DocumentKind.DECISION_FINANCEMENT, subject_key=f"funding:{file.pk}:decision"
        )
        .order_by("-revision")
        .first()
    )


ZERO = Decimal(0)
