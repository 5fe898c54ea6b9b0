"""The two versions of the cahier des charges shipped with Estampille.

They are loaded as published ``Version`` rows by the data migration ``0003_builtin_versions``;
from then on the database is the source of truth and later versions are published as data."""

from __future__ import annotations

import datetime

from labelling.conformity.specs import CriterionSpec, VersionSpec

MSAP = "Cahier des charges des Maisons de services au public (CGET)"
CIRCULAIRE = "Circulaire n° 6094-SG du 1er juillet 2019 relative à la création de France Services"
NATIONAL_PARTNERS = [
    "caf",
    "assurance_maladie",
    "assurance_retraite",
    "msa",
    "france_travail",
    "la_poste",
    "dgfip",
    "justice",
    "interieur",
]


def _weekly_hours(reference: str) -> CriterionSpec:
    return CriterionSpec(
        code="opening.weekly_hours",
        kind="min_weekly_hours",
        params={"minutes": 24 * 60},
        label="Ouverture d'au moins 24 heures par semaine",
        message_pass="{hours} d'ouverture par semaine, {required} exigées.",
        message_fail="{hours} d'ouverture par semaine, {required} exigées : il manque {missing}.",
        reference=reference,
    )


def _accessible(reference: str) -> CriterionSpec:
    return CriterionSpec(
        code="premises.accessible_pmr",
        kind="premises_flag",
        params={"flag": "accessible_pmr"},
        severity="warning",
        label="Accessibilité aux personnes à mobilité réduite",
        message_pass="Le lieu est déclaré accessible aux personnes à mobilité réduite.",
        message_fail=(
            "Le lieu n'est pas déclaré accessible aux personnes à mobilité réduite "
            "(réponse : {declared})."
        ),
        reference=reference,
    )


MSAP_2016 = VersionSpec(
    code="msap-2016",
    title="Maisons de services au public — cahier des charges 2016",
    starts_on=datetime.date(2016, 1, 1),
    ends_on=datetime.date(2019, 12, 31),
    source_reference=(f"{MSAP} ; conditions rappelées par la préfecture du Puy-de-Dôme (2018)"),
    criteria=(
        _weekly_hours(
            f"{MSAP}, rappelé par la préfecture du Puy-de-Dôme (2018) : ouverture d'au moins "
            "24 heures par semaine pour assurer la continuité du service."
        ),
        CriterionSpec(
            code="staff.trained_primo_accueil",
            kind="min_trained_agents",
            params={"training_kinds": ["primo_accueil", "france_services_initiale"], "count": 1},
            label="Au moins un agent formé au primo-accueil",
            message_pass=(
                "Agents formés au primo-accueil au {reference_date} : {trained} ; "
                "{required} exigé au moins."
            ),
            message_fail=(
                "Agents formés au primo-accueil au {reference_date} : {trained} ; "
                "il en faut au moins {required}."
            ),
            reference=(
                f"{MSAP} : au moins une personne formée au primo-accueil (médiation numérique, "
                "orientation vers l'opérateur compétent)."
            ),
        ),
        CriterionSpec(
            code="staff.continuity",
            kind="min_total_fte",
            params={"fte": "1", "strict": True},
            label="Plus d'un équivalent temps plein pour assurer la continuité du service",
            message_pass="{fte} ETP au total ; {comparison} {required} ETP exigé.",
            message_fail=(
                "{fte} ETP au total : il faut {comparison} {required} ETP pour assurer la "
                "continuité du service (formations, congés, absences)."
            ),
            reference=(
                f"{MSAP} : continuité du service, qui suppose en pratique plus d'un équivalent "
                "temps plein."
            ),
        ),
        CriterionSpec(
            code="operators.presence",
            kind="operators_presence",
            label="Chaque opérateur partenaire est présent, sur place ou à distance",
            message_pass=(
                "Opérateurs déclarés : {count}, tous présents sur place ou joignables à distance."
            ),
            message_fail="Opérateurs ni présents sur place ni joignables à distance : {absent}.",
            reference=(
                f"{MSAP} : chaque opérateur partenaire est présent, par une permanence sur place "
                "ou par un agent joignable (téléphone, visioconférence)."
            ),
        ),
        CriterionSpec(
            code="operators.minimum",
            kind="min_present_operators",
            params={"count": 2},
            label="Au moins deux opérateurs partenaires présents",
            message_pass=(
                "Opérateurs présents sur place ou à distance : {present} ; "
                "{required} exigés au moins."
            ),
            message_fail=(
                "Opérateurs présents sur place ou à distance : {present} ; "
                "il en faut au moins {required}."
            ),
            reference=f"{MSAP} : une MSAP réunit au moins deux opérateurs partenaires.",
        ),
        _accessible(f"{MSAP} : conditions d'accueil du public (accessibilité)."),
    ),
)

FRANCE_SERVICES_2019 = VersionSpec(
    code="france-services-2019",
    title="France Services — circulaire du 1er juillet 2019",
    starts_on=datetime.date(2020, 1, 1),
    source_reference=CIRCULAIRE,
    criteria=(
        _weekly_hours(f"{CIRCULAIRE} : ouverture d'au moins 24 heures par semaine."),
        CriterionSpec(
            code="opening.days",
            kind="min_open_days",
            params={"days": 5},
            label="Ouverture au moins cinq jours par semaine",
            message_pass="Ouverture sur {days} de la semaine ; {required} exigés.",
            message_fail="Ouverture sur {days} de la semaine seulement ; il en faut {required}.",
            reference=f"{CIRCULAIRE} : ouverture cinq jours par semaine.",
        ),
        CriterionSpec(
            code="staff.trained_agents",
            kind="min_trained_agents",
            params={"training_kinds": ["france_services_initiale"], "count": 2},
            label="Au moins deux agents ayant suivi la formation initiale France Services",
            message_pass=(
                "Agents ayant suivi la formation initiale France Services au {reference_date} : "
                "{trained} ; {required} exigés au moins."
            ),
            message_fail=(
                "Agents ayant suivi la formation initiale France Services au {reference_date} : "
                "{trained} ; il en faut au moins {required}."
            ),
            reference=(
                f"{CIRCULAIRE} : au moins deux agents polyvalents formés à l'accueil France "
                "Services."
            ),
        ),
        CriterionSpec(
            code="staff.simultaneous_presence",
            kind="simultaneous_presence",
            params={"agents": 2, "hours_per_fte": 35},
            severity="warning",
            label="Deux agents présents pendant toute l'ouverture",
            message_pass=(
                "{fte} ETP assurent {staff_hours} de présence par semaine, de quoi garder "
                "{agents} agents présents pendant les {hours} d'ouverture ({required_hours})."
            ),
            message_fail=(
                "{fte} ETP assurent {staff_hours} de présence par semaine : il en faut "
                "{required_hours} pour garder {agents} agents présents pendant les {hours} "
                "d'ouverture."
            ),
            reference=(
                f"{CIRCULAIRE} : au moins deux agents polyvalents présents en permanence "
                "pendant les heures d'ouverture."
            ),
        ),
        CriterionSpec(
            code="operators.national_partners",
            kind="required_partners",
            params={"partners": NATIONAL_PARTNERS},
            label="Présence des neuf partenaires nationaux",
            message_pass="Les {required} sont présents, sur place ou à distance.",
            message_fail="Partenaires nationaux absents ou sans présence : {missing}.",
            reference=(
                f"{CIRCULAIRE} : présence des neuf partenaires nationaux (CAF, Assurance "
                "maladie, Assurance retraite, MSA, Pôle emploi devenu France Travail, La Poste, "
                "DGFiP, ministères de la Justice et de l'Intérieur)."
            ),
        ),
        CriterionSpec(
            code="premises.confidential_office",
            kind="premises_flag",
            params={"flag": "confidential_office"},
            label="Bureau fermé pour les entretiens confidentiels",
            message_pass="Le lieu dispose d'un bureau fermé pour les entretiens confidentiels.",
            message_fail=(
                "Aucun bureau fermé pour les entretiens confidentiels n'est déclaré "
                "(réponse : {declared})."
            ),
            reference=f"{CIRCULAIRE} : un espace de confidentialité pour les entretiens.",
        ),
        CriterionSpec(
            code="premises.digital_space",
            kind="premises_flag",
            params={"flag": "digital_space"},
            label="Espace numérique en accès libre",
            message_pass=(
                "Le lieu offre un accès libre et gratuit à un poste informatique avec "
                "imprimante et scanner."
            ),
            message_fail="Aucun espace numérique en accès libre n'est déclaré (réponse : {declared}).",
            reference=(
                f"{CIRCULAIRE} : un espace numérique en libre accès (poste informatique, "
                "imprimante, scanner)."
            ),
        ),
        _accessible(f"{CIRCULAIRE} : conditions d'accueil du public (accessibilité)."),
    ),
)

BUILTIN_VERSIONS: tuple[VersionSpec, ...] = (MSAP_2016, FRANCE_SERVICES_2019)
