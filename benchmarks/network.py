"""Benchmarks of the network's status pages (issue 14; see /work/shared/contracts/BENCH.md).

The network is built by `config.scale` (what ``seed_scale`` runs) in two steps: 3,000 places
and 10,000 files, then grown to 30,000 places and 100,000 files — ten times today's network.

- ``network.seed_30000``: the time to write the 27,000 places and 90,000 files of the second
  step (bulk writes, COPY on PostgreSQL).
- ``network.coverage_refresh``: `labelling.coverage.refresh_coverage` at 30,000 places (the
  hourly beat task: coverage and distance of every commune).
- ``network.queries_growth``: the largest difference, over the national page and a
  département's, between the number of SQL queries of a request at 30,000 places and at 3,000
  (goal: 0, the count does not grow with the data).
- ``network.national_p50`` / ``_p95`` and ``network.departement_p50`` / ``_p95``: latency of
  ``GET /reseau/`` for an agent of the agency (the whole network) and of a préfecture (its
  département; several départements in turn), as served: figures kept in the shared cache
  for `NETWORK_STATUS_CACHE_SECONDS` and computed ahead for the nation by the beat task (run
  once before measuring, as beat does). Goal p95 < 300 ms.
- ``network.national_cold_p95`` / ``network.departement_cold_p95``: the same with every
  request computing its figures (cache off): what the beat task and the first agent of a
  département pay.
"""

from __future__ import annotations

import statistics
import time

RUNS = 30
GOAL_MS = 300
DEPARTEMENTS = ("63", "05", "75", "29", "2A", "13", "59", "974")


def _users():
    from labelling.models import Departement, Role, User

    national = User.objects.create_user(
        email="banc-national@echelle.estampille.test", password=None, role=Role.NATIONAL
    )
    prefectures = [
        User.objects.create_user(
            email=f"banc-prefecture-{code}@echelle.estampille.test",
            password=None,
            role=Role.INSTRUCTEUR,
            departement=Departement.objects.get(pk=code),
        )
        for code in DEPARTEMENTS
    ]
    return national, prefectures


def _clients(users):
    from django.test import Client

    clients = []
    for user in users:
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def _get(client) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get("/reseau/")
        elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 200 or b"Lieux par statut" not in response.content:
        raise RuntimeError(f"/reseau/ a répondu {response.status_code}")
    return elapsed, len(queries.captured_queries)


def _measure(clients) -> tuple[float, float, int]:
    for client in clients:  # warm-up
        _get(client)
    timings, counts = [], []
    for n in range(RUNS):
        elapsed, count = _get(clients[n % len(clients)])
        timings.append(elapsed)
        counts.append(count)
    return statistics.median(timings), statistics.quantiles(timings, n=20)[-1], max(counts)


def _query_counts(national, prefecture) -> tuple[int, int]:
    """Queries of a request once the process is warm (the first one reads a few things that
    are kept afterwards)."""
    _get(national), _get(prefecture)
    return _get(national)[1], _get(prefecture)[1]


def run() -> list[dict]:
    from django.conf import settings
    from django.core.cache import cache

    from config import scale
    from labelling.coverage import refresh_coverage
    from workflows.dashboard.tasks import warm_network_status

    national_user, prefecture_users = _users()
    national, *_ = _clients([national_user])
    prefectures = _clients(prefecture_users)
    cache_seconds = settings.NETWORK_STATUS_CACHE_SECONDS
    try:
        settings.NETWORK_STATUS_CACHE_SECONDS = 0
        scale.build(places=3_000, files=10_000, seed=14)
        refresh_coverage()
        small = _query_counts(national, prefectures[0])

        start = time.perf_counter()
        scale.build(places=27_000, files=90_000, seed=14, start=3_000)
        seed_seconds = time.perf_counter() - start
        start = time.perf_counter()
        refresh_coverage()
        coverage_seconds = time.perf_counter() - start
        large = _query_counts(national, prefectures[0])
        growth = max(large[0] - small[0], large[1] - small[1])

        national_cold = _measure([national])
        departement_cold = _measure(prefectures)

        settings.NETWORK_STATUS_CACHE_SECONDS = cache_seconds or 300
        cache.clear()
        warm_network_status()
        national_served = _measure([national])
        departement_served = _measure(prefectures)
    finally:
        settings.NETWORK_STATUS_CACHE_SECONDS = cache_seconds
        cache.clear()
        scale.clear()

    def latency(name, value, queries, goal=True):
        return {
            "name": name,
            "value": round(value, 1),
            "unit": "ms",
            "goal": f"< {GOAL_MS}",
            "met": value < GOAL_MS if goal else None,
            "queries": queries,
        }

    return [
        {
            "name": "network.seed_30000",
            "value": round(seed_seconds, 1),
            "unit": "s",
            "goal": "bulk writes (27,000 places, 90,000 files)",
            "met": None,
        },
        {
            "name": "network.coverage_refresh",
            "value": round(coverage_seconds, 1),
            "unit": "s",
            "goal": "< 60 (hourly beat task)",
            "met": coverage_seconds < 60,
        },
        {
            "name": "network.queries_growth",
            "value": growth,
            "unit": "queries",
            "baseline": f"3,000 places: national {small[0]}, département {small[1]} queries; "
            f"30,000: {large[0]}, {large[1]}",
            "goal": "== 0",
            "met": growth == 0,
        },
        latency("network.national_p50", national_served[0], national_served[2]),
        latency("network.national_p95", national_served[1], national_served[2]),
        latency("network.departement_p50", departement_served[0], departement_served[2]),
        latency("network.departement_p95", departement_served[1], departement_served[2]),
        latency("network.national_cold_p95", national_cold[1], national_cold[2]),
        latency("network.departement_cold_p95", departement_cold[1], departement_cold[2]),
    ]
