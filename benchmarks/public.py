"""Benchmarks of the public directory (see /work/shared/contracts/BENCH.md).

- ``public.search_p50`` / ``public.search_p95``: latency of the directory page
  ``GET /annuaire/?…`` through the Django test client (the whole request: middleware, search,
  template), at 30,000 places in force — ten times today's network —, over searches by commune
  name, postcode, département and position (« près de moi »), with the largest number of SQL
  queries of one request. Goal: p95 < 100 ms.
- ``public.api_places_p95``: ``GET /api/v1/places/?departement=…`` on the same data.

The 30,000 places are written with bulk inserts (each with five opening intervals), spread at
random (fixed seed) over metropolitan France and its communes; they are deleted at the end.
"""

from __future__ import annotations

import datetime
import random
import statistics
import time

PLACES = 30_000
RUNS = 60
GOAL_MS = 100
SEARCHES = (
    {"q": "Ambert"},
    {"q": "63600"},
    {"q": "Clermont-Ferrand"},
    {"lat": "45.64", "lon": "3.245"},
    {"q": "Puy-de-Dôme"},
    {"q": "Gap"},
    {"lat": "48.853", "lon": "2.35"},
    {"q": "13003"},
    {"q": "Brest"},
    {"lat": "43.6", "lon": "1.44"},
)


def build(count: int = PLACES) -> None:
    from labelling.models import Commune, LabelStatus, OpeningInterval, Place

    rng = random.Random(15)
    communes = list(
        Commune.objects.exclude(departement__region_id="COM")
        .exclude(departement__code__startswith="97")
        .values_list("insee_code", "departement_id", "postal_codes")
    )
    places = []
    for n in range(count):
        code, departement, postcodes = rng.choice(communes)
        places.append(
            Place(
                name=f"France services de banc d'essai n° {n}",
                commune_id=code,
                departement_id=departement,
                postal_code=(postcodes.split() or [""])[0],
                address=f"{n} place de la Mairie",
                latitude=round(rng.uniform(42.5, 51.0), 6),
                longitude=round(rng.uniform(-4.5, 7.8), 6),
                label_status=LabelStatus.LABELLED,
                label_effective_on=datetime.date(2020, 1, 1),
                id_fs=f"bench-{n}",
            )
        )
    Place.objects.bulk_create(places, batch_size=2000)
    OpeningInterval.objects.bulk_create(
        (
            OpeningInterval(place=place, weekday=day, start_minute=540, end_minute=1020)
            for place in places
            for day in range(5)
        ),
        batch_size=5000,
    )
    from django.db import connection

    if connection.vendor == "postgresql":  # as autovacuum would: plans on real statistics
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE labelling_place")
            cursor.execute("ANALYZE labelling_openinginterval")


def clear() -> None:
    from labelling.models import Place

    Place.objects.filter(id_fs__startswith="bench-").delete()


def measure(url: str, params: list[dict], check) -> tuple[float, float, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    for query in params:  # warm-up
        client.get(url, query)
    timings, counts = [], []
    for n in range(RUNS):
        query = params[n % len(params)]
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url, query)
            timings.append((time.perf_counter() - start) * 1000)
        check(query, response)
        counts.append(len(queries.captured_queries))
    return statistics.median(timings), statistics.quantiles(timings, n=20)[-1], max(counts)


def _found_places(query, response) -> None:
    if response.status_code != 200 or b"data-result" not in response.content:
        raise RuntimeError(f"la recherche {query!r} n'a rien trouvé ({response.status_code})")


def _api_ok(query, response) -> None:
    if response.status_code != 200 or not response.json()["results"]:
        raise RuntimeError(f"l'API n'a rien rendu pour {query!r} ({response.status_code})")


def run() -> list[dict]:
    from django.core.cache import cache

    from labelling.rest import PublicThrottle

    start = time.perf_counter()
    build()
    built_s = time.perf_counter() - start
    PublicThrottle.rate = "1000000/min"  # the benchmark is one client hammering the API
    cache.clear()
    try:
        p50, p95, queries = measure("/annuaire/", list(SEARCHES), _found_places)
        api = [{"departement": d} for d in ("63", "05", "75", "29", "2A", "13")]
        api_p50, api_p95, api_queries = measure("/api/v1/places/", api, _api_ok)
    finally:
        del PublicThrottle.rate
        clear()
    return [
        {
            "name": "public.build_30000",
            "value": round(built_s, 1),
            "unit": "s",
            "goal": "bulk writes",
            "met": None,
        },
        {
            "name": "public.search_p50",
            "value": round(p50, 1),
            "unit": "ms",
            "goal": f"< {GOAL_MS}",
            "met": p50 < GOAL_MS,
            "queries": queries,
        },
        {
            "name": "public.search_p95",
            "value": round(p95, 1),
            "unit": "ms",
            "goal": f"< {GOAL_MS}",
            "met": p95 < GOAL_MS,
            "queries": queries,
        },
        {
            "name": "public.api_places_p50",
            "value": round(api_p50, 1),
            "unit": "ms",
            "goal": f"< {GOAL_MS}",
            "met": api_p50 < GOAL_MS,
            "queries": api_queries,
        },
        {
            "name": "public.api_places_p95",
            "value": round(api_p95, 1),
            "unit": "ms",
            "goal": f"< {GOAL_MS}",
            "met": api_p95 < GOAL_MS,
            "queries": api_queries,
        },
    ]
