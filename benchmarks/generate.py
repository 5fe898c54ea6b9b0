"""Synthetic but realistic declarations, deterministic for a seed (benchmarks and tests)."""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from typing import Any

PARTNERS = (
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
DAYS = ("mo", "tu", "we", "th", "fr", "sa")
FTES = (0.5, 0.6, 0.7, 0.8, 1.0)


def synthetic_declaration(index: int, *, communes: Sequence[str], seed: int = 0) -> dict[str, Any]:
    """The ``index``-th declaration of a set: every place distinct, about a third not conform."""
    rng = random.Random(seed * 1_000_003 + index)
    days = DAYS[: rng.choice((4, 5, 5, 5, 6))]
    hours = {}
    for day in days:
        morning = [f"{rng.choice((8, 9)):02d}:{rng.choice((0, 30)):02d}", "12:00"]
        hours[day] = [morning, ["13:30", f"{rng.choice((16, 17, 18)):02d}:00"]]
    agents = []
    for n in range(rng.choice((1, 2, 2, 3, 3, 4))):
        trainings = []
        if rng.random() < 0.8:
            done = datetime.date(2020, 1, 1) + datetime.timedelta(days=rng.randrange(1700))
            trainings.append({"kind": "france_services_initiale", "completed_on": done.isoformat()})
        if rng.random() < 0.3:
            trainings.append(
                {
                    "kind": "operateur",
                    "completed_on": "2021-06-01",
                    "operator": rng.choice(PARTNERS),
                }
            )
        agents.append(
            {"name": f"Agent {index}-{n}", "fte": rng.choice(FTES), "trainings": trainings}
        )
    operators = [
        {"code": code, "presence": rng.choice(("on_site", "remote", "remote", "remote"))}
        for code in PARTNERS
        if rng.random() < 0.97
    ]
    if rng.random() < 0.2:
        operators.append({"code": "autre", "label": "Mission locale", "presence": "on_site"})
    porteur: dict[str, Any] = {"kind": rng.choice(("commune", "epci", "association")), "name": ""}
    if rng.random() < 0.5:
        porteur["siret"] = f"{21000000000000 + index:014d}"
        porteur["name"] = f"Porteur {index}"
    else:
        porteur["name"] = f"Porteur sans SIRET {index % 50}"
    site: dict[str, Any] = {
        "name": f"France Services n° {index}",
        "commune_insee": communes[index % len(communes)],
        "address": f"{index % 90 + 1} place de la Mairie",
        "latitude": round(43 + rng.random() * 6, 4),
        "longitude": round(-1 + rng.random() * 7, 4),
        "porteur": porteur,
    }
    if index % 2 == 0:
        site["id_fs"] = f"fs-{seed}-{index:06d}"
    return {
        "schema": "declaration/1",
        "reference_date": "2025-03-03",
        "site": site,
        "opening_hours": hours,
        "agents": agents,
        "operators": operators,
        "premises": {
            "confidential_office": rng.random() < 0.95,
            "digital_space": rng.random() < 0.95,
            "accessible_pmr": rng.random() < 0.8,
        },
    }


def synthetic_declarations(
    count: int, *, communes: Sequence[str], seed: int = 0
) -> list[dict[str, Any]]:
    return [synthetic_declaration(i, communes=communes, seed=seed) for i in range(count)]
