"""Demo contexts of every kind, shaped like what the workflows snapshot (render_samples, tests,
benchmarks)."""

from __future__ import annotations

import copy
from typing import Any

from documents.models import DocumentKind

SIGNATAIRE = {
    "name": "Claire Fontanel",
    "quality": "Pour le préfet et par délégation,\nla secrétaire générale de la préfecture",
}
INSTRUCTOR = {"name": "Julien Marcellin", "quality": "L'instructeur du dossier"}

FAILED = [
    {
        "code": "ouverture.hebdomadaire",
        "label": "Ouverture d'au moins 24 heures par semaine",
        "message": "Le lieu est ouvert 18 heures par semaine.",
    },
    {
        "code": "agents.deux_presents",
        "label": "Deux agents formés présents en permanence",
        "message": "Un seul agent est présent le mercredi après-midi.",
    },
]

REVIEWS = [
    {"code": "ouverture.hebdomadaire", "label": "Ouverture d'au moins 24 heures par semaine",
     "automatic": "pass", "verdict": "pass", "comment": "31 h 30 sur 5 jours et demi."},
    {"code": "agents.deux_presents", "label": "Deux agents formés présents en permanence",
     "automatic": "pass", "verdict": "pass", "comment": ""},
    {"code": "formation.initiale", "label": "Formation initiale France Services suivie",
     "automatic": "fail", "verdict": "pass",
     "comment": "Attestation CNFPT du 12 mars 2026 produite après le dépôt."},
    {"code": "partenaires.nationaux", "label": "Présence des partenaires nationaux",
     "automatic": "pass", "verdict": "pass", "comment": "Neuf conventions signées."},
    {"code": "accueil.confidentialite", "label": "Bureau de confidentialité",
     "automatic": "pass", "verdict": "pass", "comment": ""},
]  # fmt: skip


def base_context(
    *,
    place_name: str = "France Services d'Ambert",
    address: str = "12 place Charles de Gaulle",
    commune: str = "Ambert",
    commune_insee: str = "63003",
    departement: str = "63",
    porteur_name: str = "Communauté de communes Ambert Livradois Forez",
    porteur_kind: str = "Intercommunalité (EPCI)",
    issued_on: str = "2026-11-23",
) -> dict[str, Any]:
    return {
        "issued_on": issued_on,
        "place": {
            "name": place_name,
            "address": address,
            "commune": commune,
            "commune_insee": commune_insee,
            "departement": departement,
        },
        "porteur": {"name": porteur_name, "kind": porteur_kind},
        "application": {
            "reference": f"FS-{departement}-2026-0042",
            "revision": 1,
            "version_code": "france-services-2019",
            "submitted_at": "2026-09-14T10:32:00+02:00",
        },
    }


def sample_context(kind: str, **overrides: Any) -> dict[str, Any]:
    """A full context of this kind; keyword arguments go to ``base_context``."""
    context = base_context(**overrides)
    kind = DocumentKind(kind)
    if kind == DocumentKind.ACCUSE_RECEPTION:
        context["submission"] = {"number": 1, "at": "2026-09-14T10:32:00+02:00"}
        context["issued_on"] = "2026-09-14"
        context["signataire"] = {"name": "", "quality": "Le service instructeur"}
    elif kind == DocumentKind.DEMANDE_COMPLEMENTS:
        context["request"] = {
            "items": [
                "l'attestation de formation France Services de Mme Sylvie Ferré",
                "la convention signée avec la Caisse d'allocations familiales du Puy-de-Dôme",
                "le plan du bureau de confidentialité",
            ],
            "due_on": "2026-10-30",
        }
        context["issued_on"] = "2026-09-30"
        context["instructor"] = INSTRUCTOR
    elif kind == DocumentKind.RAPPORT_INSTRUCTION:
        context["reviews"] = copy.deepcopy(REVIEWS)
        context["proposal"] = {
            "outcome": "label",
            "reasons": "Le lieu satisfait à l'ensemble des critères du cahier des charges.",
            "effective_on": "2027-01-01",
        }
        context["instructor"] = INSTRUCTOR
        context["issued_on"] = "2026-11-10"
    elif kind == DocumentKind.ARRETE_LABELLISATION:
        context["decision"] = {
            "outcome": "label",
            "decided_on": "2026-11-23",
            "effective_on": "2027-01-01",
        }
        context["signataire"] = SIGNATAIRE
    elif kind == DocumentKind.REFUS:
        context["decision"] = {
            "outcome": "refusal",
            "decided_on": "2026-11-23",
            "failed_criteria": copy.deepcopy(FAILED),
        }
        context["signataire"] = SIGNATAIRE
    elif kind == DocumentKind.DECISION_FINANCEMENT:
        context["funding"] = {
            "amount": "30000",
            "year": 2027,
            "labelled_on": "2026-11-23",
            "period_start": "2027-01-01",
            "period_end": "2027-12-31",
        }
        context["signataire"] = SIGNATAIRE
    elif kind == DocumentKind.MISE_EN_DEMEURE:
        context["notice"] = {
            "failed_criteria": copy.deepcopy(FAILED),
            "comply_by": "2027-01-31",
            "review_on": "2026-11-15",
            "labelled_on": "2020-01-01",
        }
        context["signataire"] = SIGNATAIRE
    elif kind == DocumentKind.ARRETE_RETRAIT:
        context["withdrawal"] = {
            "failed_criteria": copy.deepcopy(FAILED),
            "labelled_on": "2020-01-01",
            "notice_on": "2026-09-01",
            "comply_by": "2026-10-31",
            "effective_on": "2026-12-01",
        }
        context["signataire"] = SIGNATAIRE
    return context
