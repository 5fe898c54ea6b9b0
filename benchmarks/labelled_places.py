"""A network of labelled places made in bulk for a benchmark, and its removal (funding, renewal).

The places are spread over five départements (the first 500 of their communes), one porteur
each; `effective_on(n)` gives the n-th place's date of effect and `porteur_kind(n)` its porteur's
nature. Everything is named from `prefix` so that `clear` finds it again."""

from __future__ import annotations

import datetime
from collections.abc import Callable

DEPARTEMENTS = ["63", "05", "13", "59", "69"]


def build(
    *,
    count: int,
    prefix: str,
    effective_on: Callable[[int], datetime.date],
    porteur_kind: Callable[[int], str] = lambda n: "commune",
) -> None:
    from labelling.models import Commune, Place, Porteur

    communes = list(
        Commune.objects.filter(departement_id__in=DEPARTEMENTS).values_list(
            "insee_code", "departement_id"
        )[:500]
    )
    porteurs = [Porteur(kind=porteur_kind(n), name=f"Porteur {prefix}{n}") for n in range(count)]
    Porteur.objects.bulk_create(porteurs, batch_size=1000)
    places = []
    for n in range(count):
        insee, dep = communes[n % len(communes)]
        effective = effective_on(n)
        places.append(
            Place(
                name=f"France Services {prefix}{n}",
                commune_id=insee,
                departement_id=dep,
                porteur=porteurs[n],
                label_status="labelled",
                labelled_on=effective,
                label_effective_on=effective,
            )
        )
    Place.objects.bulk_create(places, batch_size=1000)


def place_rows(prefix: str, *fields: str) -> list[tuple]:
    from labelling.models import Place

    return list(
        Place.objects.filter(name__startswith=f"France Services {prefix}").values_list(*fields)
    )


def clear(*, prefix: str, tables: list[str]) -> None:
    """Empty the file tables of the benchmark (journals included) and remove its places."""
    from django.db import connection

    from labelling.models import Place, Porteur
    from workflows.journal_triggers import flushing

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)}")  # no row trigger fires
        else:
            with flushing():  # the journal's guard lets the flushing thread through
                for table in tables:
                    cursor.execute(f"DELETE FROM {table}")
    Place.objects.filter(name__startswith=f"France Services {prefix}").delete()
    Porteur.objects.filter(name__startswith=f"Porteur {prefix}").delete()
