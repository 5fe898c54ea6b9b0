"""The tables of the network's status pages, declared once for the page and the CSV/XLSX
exports (`labelling.exports`)."""

from __future__ import annotations

from labelling.exports import Column, Table
from labelling.funding.money import plain
from labelling.network_status import DISTANCE_STEPS, STATUSES

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def month_label(month) -> str:
    return f"{MONTHS[month.month - 1]} {month.year}"


def distance(km) -> str:
    """A distance in French (« 12,5 »); empty when unknown (no place within reach)."""
    return "" if km is None else f"{km}".replace(".", ",")


def status_table(first: str) -> Table:
    return Table(
        "Lieux par statut",
        [
            Column(first, lambda row: row.name),
            *[
                Column(status.label, lambda row, key=status.key: row.count(key))
                for status in STATUSES
            ],
            Column("Total", lambda row: row.total),
        ],
    )


KIND_TITLES = {
    "candidatures": "Candidature au label",
    "revues": "Revue annuelle",
    "financements": "Financement",
}

STAGES = Table(
    "Dossiers par étape",
    [
        Column("Dossier", lambda row: KIND_TITLES[row.kind]),
        Column("Étape", lambda row: row.label),
        Column("Dossiers", lambda row: row.files),
        Column("En retard", lambda row: row.overdue if row.open and row.clock else ""),
    ],
)

OVERDUE = Table(
    "Dossiers en retard",
    [
        Column("Référence", lambda app: app.reference),
        Column("Lieu", lambda app: app.place.name if app.place_id else ""),
        Column("Commune", lambda app: app.place.commune.name if app.place_id else ""),
        Column("Département", lambda app: app.departement_id),
        Column("Porteur", lambda app: app.porteur.name),
        Column("Étape", lambda app: app.get_state_display()),
        Column("Échéance", lambda app: app.stage_deadline),
        Column(
            "Suivi par", lambda app: app.assigned_to.get_full_name() if app.assigned_to_id else ""
        ),
    ],
)

OVERDUE_REVIEWS = Table(
    "Revues en retard",
    [
        Column("Lieu", lambda review: review.place.name),
        Column("Année", lambda review: review.year),
        Column("Commune", lambda review: review.place.commune.name),
        Column("Département", lambda review: review.departement_id),
        Column("Étape", lambda review: review.get_state_display()),
        Column("Échéance", lambda review: review.stage_deadline),
        Column(
            "Suivi par",
            lambda review: review.assigned_to.get_full_name() if review.assigned_to_id else "",
        ),
    ],
)

FUNDING = Table(
    "Financement et enveloppes",
    [
        Column("Département", lambda row: f"{row.name} ({row.code})" if row.code else row.name),
        Column("Financeur", lambda row: row.funder),
        Column("Enveloppe (€)", lambda row: plain(row.envelope)),
        Column("Engagé (€)", lambda row: plain(row.committed)),
        Column("Disponible (€)", lambda row: plain(row.left)),
        Column("Part engagée", lambda row: row.used_label),
    ],
)

LABELS_BY_MONTH = Table(
    "Labels par mois d'effet",
    [
        Column("Mois d'effet", lambda row: month_label(row[0])),
        Column("Labels", lambda row: row[1]),
    ],
)

FORMATS = Table(
    "Lieux par format et type",
    [
        Column("Format", lambda row: row.label),
        Column("Principal", lambda row: row.principal),
        Column("Antenne", lambda row: row.antenne),
        Column("Type non renseigné", lambda row: row.unknown),
        Column("Total", lambda row: row.total),
    ],
)

COVERAGE = Table(
    "Couverture",
    [
        Column("Département", lambda row: f"{row.name} ({row.code})" if row.code else row.name),
        Column("Population", lambda row: row.population),
        Column("Population couverte", lambda row: row.covered),
        Column("Part couverte", lambda row: row.share_label),
        Column("EPCI", lambda row: row.epci),
        Column("EPCI couverts", lambda row: row.epci_covered),
        *[
            Column(f"Part à moins de {km} km d'un lieu", lambda row, km=km: row.within_label(km))
            for km in DISTANCE_STEPS
        ],
        Column("Commune la plus éloignée (km)", lambda row: distance(row.farthest_km)),
    ],
)

DISTANCES = Table(
    "Distance au lieu le plus proche",
    [
        Column("Commune", lambda row: row.commune.name),
        Column("Code INSEE", lambda row: row.commune_id),
        Column("Département", lambda row: row.departement_id),
        Column("Population", lambda row: row.population),
        Column("Distance à vol d'oiseau (km)", lambda row: distance(row.distance_km)),
        Column(
            "Lieu le plus proche",
            lambda row: row.nearest_place.name if row.nearest_place_id else "",
        ),
        Column(
            "Commune du lieu",
            lambda row: row.nearest_place.commune.name if row.nearest_place_id else "",
        ),
        Column("Couverte (EPCI doté)", lambda row: row.covered),
    ],
)

UNCOVERED_EPCI = Table(
    "EPCI sans France Services",
    [
        Column("EPCI", lambda row: row.name),
        Column("SIREN", lambda row: row.siren),
        Column("Nature", lambda row: row.kind),
        Column("Départements", lambda row: row.departements),
        Column("Communes", lambda row: row.communes),
        Column("Population", lambda row: row.population),
    ],
)
