"""Demo contexts of every kind (`render_samples`, tests, benchmarks).

Their criteria are never invented: they are what the conformity engine reports for a sample
declaration (a place of Ambert open 18 hours over 4 days, one trained agent, no closed office)
against the built-in France Services version, the codes, labels and messages the real
documents carry."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from documents import contexts as c
from documents.models import DocumentKind

SIGNATAIRE = c.Person(
    "Claire Fontanel",
    "Pour le préfet et par délégation,\nla secrétaire générale de la préfecture",
)
INSTRUCTOR = c.Person("Julien Marcellin", "L'instructeur du dossier")

SAMPLE_DECLARATION: dict[str, Any] = {
    "schema": "declaration/1",
    "reference_date": "2026-09-14",
    "site": {
        "name": "France Services d'Ambert",
        "address": "12 place Charles de Gaulle",
        "commune_insee": "63003",
        "porteur": {"kind": "epci", "name": "Communauté de communes Ambert Livradois Forez"},
    },
    "opening_hours": {
        day: [["09:00", "12:00"], ["13:30", "15:00"]] for day in ("mo", "tu", "th", "fr")
    },
    "agents": [
        {
            "name": "Sylvie Ferré",
            "fte": 1.0,
            "trainings": [{"kind": "france_services_initiale", "completed_on": "2022-04-08"}],
        }
    ],
    "operators": [
        {"code": code, "presence": "remote"}
        for code in (
            "caf",
            "assurance_maladie",
            "assurance_retraite",
            "msa",
            "france_travail",
            "la_poste",
            "dgfip",
            "justice",
            "interieur",
        )
    ],
    "premises": {"confidential_office": False, "digital_space": True, "accessible_pmr": True},
}


@lru_cache(maxsize=1)
def engine_results() -> tuple:
    """The engine's results (code, label, status, message, reference) for the sample."""
    from labelling.conformity import BUILTIN_VERSIONS, check, validate_declaration

    version = next(v for v in BUILTIN_VERSIONS if v.code == "france-services-2019")
    result = check(declaration=validate_declaration(SAMPLE_DECLARATION), version=version)
    return result.criteria


def failed_criteria() -> tuple[c.Criterion, ...]:
    return tuple(
        c.Criterion(code=r.code, label=r.label, message=r.message, reference=r.reference)
        for r in engine_results()
        if r.status == "fail"
    )


def review_lines() -> tuple[c.ReviewLine, ...]:
    """The instructor agrees with the engine, except on the digital space, seen on site."""
    lines = []
    for r in engine_results():
        verdict, comment = r.status, ""
        if r.code == "premises.digital_space":
            verdict, comment = "fail", "L'imprimante de l'espace numérique était hors service."
        lines.append(
            c.ReviewLine(
                code=r.code,
                label=r.label,
                automatic=r.status,
                verdict=verdict,
                comment=comment,
            )
        )
    return tuple(lines)


def demo_prefecture(departement: str) -> c.Prefecture:
    """The demo préfecture's details as a decision freezes them (delegation visa included)."""
    from documents.prefectures import DEMO_PREFECTURES
    from documents.templatetags.documents_tags import date_long

    data = DEMO_PREFECTURES.get(departement)
    if data is None:
        return c.Prefecture()
    title = data["delegate_title"].split(" ", 1)[1]
    return c.Prefecture(
        service=data["service"],
        address=data["address"],
        phone=data["phone"],
        email=data["email"],
        prefet_name=data["prefet_name"],
        prefet_feminine=data["prefet_feminine"],
        appointment=data["appointment_decree"],
        secretary_general_feminine=data["secretary_general_feminine"],
        delegation=(
            f"l'arrêté préfectoral n° {data['arrete_number']} du "
            f"{date_long(data['arrete_date'])} portant délégation de signature à "
            f"{SIGNATAIRE.name}, {title}"
        ),
    )


OPINIONS = (
    c.Opinion(
        "Caisse d'allocations familiales du Puy-de-Dôme", "favorable", datetime.date(2026, 10, 12)
    ),
    c.Opinion("sous-préfet d'Ambert", "favorable", datetime.date(2026, 10, 20), article="le"),
)


def base_parts(
    *,
    place_name: str = "France Services d'Ambert",
    address: str = "12 place Charles de Gaulle",
    commune: str = "Ambert",
    commune_insee: str = "63003",
    departement: str = "63",
    porteur_name: str = "Communauté de communes Ambert Livradois Forez",
    porteur_kind: str = "Intercommunalité (EPCI)",
    issued_on: datetime.date = datetime.date(2026, 11, 23),
) -> dict[str, Any]:
    return {
        "place": c.Place(
            name=place_name,
            address=address,
            commune=commune,
            commune_insee=commune_insee,
            departement=departement,
        ),
        "porteur": c.Porteur(name=porteur_name, kind=porteur_kind, article="la"),
        "application": c.FileReference(
            reference=f"FS-{departement}-2026-0042",
            revision=1,
            version_code="france-services-2019",
            submitted_on=datetime.date(2026, 9, 14),
        ),
        "issued_on": issued_on,
        "prefecture": demo_prefecture(departement),
    }


def sample_context(kind: str, **overrides: Any) -> c.DocumentContext:
    """A full context of this kind; keyword arguments go to `base_parts` (change anything
    else with `dataclasses.replace`)."""
    base = base_parts(**overrides)
    kind = DocumentKind(kind)
    if kind == DocumentKind.ACCUSE_RECEPTION:
        return c.AccuseReception(
            **{**base, "issued_on": datetime.date(2026, 9, 14)},
            signataire=c.Person("", "Le service instructeur"),
            submission_number=1,
            submitted_on=datetime.date(2026, 9, 14),
            completeness_days=15,
            instruction_days=60,
        )
    if kind == DocumentKind.DEMANDE_COMPLEMENTS:
        return c.DemandeComplements(
            **{**base, "issued_on": datetime.date(2026, 9, 30)},
            signataire=INSTRUCTOR,
            items=(
                "l'attestation de formation France Services de Mme Sylvie Ferré",
                "la convention signée avec la Caisse d'allocations familiales du Puy-de-Dôme",
                "le plan du bureau de confidentialité",
            ),
            due_on=datetime.date(2026, 10, 30),
        )
    if kind == DocumentKind.RAPPORT_INSTRUCTION:
        return c.RapportInstruction(
            **{**base, "issued_on": datetime.date(2026, 11, 10)},
            signataire=INSTRUCTOR,
            reviews=review_lines(),
            outcome="label",
            reasons="Les horaires élargis et le bureau aménagé depuis le dépôt lèvent les écarts.",
            effective_on=datetime.date(2027, 1, 1),
        )
    if kind == DocumentKind.ARRETE_LABELLISATION:
        return c.ArreteLabellisation(
            **base,
            signataire=SIGNATAIRE,
            decided_on=datetime.date(2026, 11, 23),
            effective_on=datetime.date(2027, 1, 1),
            report_on=datetime.date(2026, 11, 10),
            opinions=OPINIONS,
        )
    if kind == DocumentKind.REFUS:
        return c.Refus(
            **base,
            signataire=SIGNATAIRE,
            decided_on=datetime.date(2026, 11, 23),
            reasons="le lieu ne dispose pas d'un bureau permettant des entretiens confidentiels",
            failed=failed_criteria(),
            report_on=datetime.date(2026, 11, 10),
            opinions=OPINIONS,
        )
    if kind == DocumentKind.DECISION_FINANCEMENT:
        return c.DecisionFinancement(
            **base,
            signataire=SIGNATAIRE,
            amount=Decimal("35000.00"),
            year=2027,
            labelled_on=datetime.date(2026, 11, 23),
            period_start=datetime.date(2027, 1, 1),
            period_end=datetime.date(2027, 12, 31),
            beneficiary_siren="200070753",
            beneficiary_siret="20007075300014",
            yearly_amount=Decimal("35000.00"),
            shares=(
                c.FundingShare(
                    "État — Fonds national d'aménagement et de développement du territoire (FNADT)",
                    Decimal("17500.00"),
                    percent=Decimal("50"),
                    budget_line="Programme 112 « Impulsion et coordination de la politique "
                    "d'aménagement du territoire »",
                    comptable="le directeur départemental des finances publiques du Puy-de-Dôme",
                ),
                c.FundingShare(
                    "Fonds national France Services (opérateurs partenaires)",
                    Decimal("17500.00"),
                    percent=Decimal("50"),
                    budget_line="Fonds national France Services",
                    comptable="le directeur départemental des finances publiques du Puy-de-Dôme",
                ),
            ),
            payments=(
                c.FundingPayment("Versement n° 1", Decimal("35000.00"), datetime.date(2027, 1, 15)),
            ),
        )
    if kind == DocumentKind.MISE_EN_DEMEURE:
        return c.MiseEnDemeure(
            **base,
            signataire=SIGNATAIRE,
            failed=failed_criteria(),
            comply_by=datetime.date(2027, 1, 31),
            review_on=datetime.date(2026, 11, 15),
            labelled_on=datetime.date(2020, 1, 1),
        )
    return c.ArreteAbrogation(
        **base,
        signataire=SIGNATAIRE,
        failed=failed_criteria(),
        labelled_on=datetime.date(2020, 1, 1),
        notice_on=datetime.date(2026, 9, 1),
        comply_by=datetime.date(2026, 10, 31),
        effective_on=datetime.date(2026, 12, 1),
    )


def with_place(context: c.DocumentContext, place, porteur) -> c.DocumentContext:
    """The same context, about this place and porteur (model rows, read by their fields)."""
    return dataclasses.replace(
        context,
        place=c.Place(
            name=place.name,
            address=place.address,
            commune=place.commune.name,
            commune_insee=place.commune_id,
            departement=place.departement_id,
        ),
        porteur=c.Porteur(
            name=porteur.name if porteur else "",
            kind=porteur.get_kind_display() if porteur else "",
            address=porteur.address if porteur else "",
            article=porteur.article if porteur else "",
        ),
    )
