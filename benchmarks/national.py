"""Benchmarks of the national network (see /work/shared/contracts/BENCH.md).

- ``national.import_sample``: ``import_national_list`` of the real sample (621 places of 20
  départements, ``tests/data``), from the bytes of the file to the places, their opening hours
  and their permissions.
- ``national.import_2845``: the same on the size of the whole national list of August 2024
  (the sample's rows repeated with fresh ``id_fs`` up to 2,845 rows); goal: well under a minute.
- ``national.import_2845_ratio``: that time over a baseline measured in the same run, the bare
  writes of the same places and intervals the way the import writes them (``bulk_create`` of
  the places, ``insert_rows`` of the intervals; no reading, no commune resolution, no
  comparison): what the import adds to the unavoidable writes.
- ``national.reimport_2845``: the same file again (every place unchanged).
- ``national.commune_search_p50`` / ``_p95``: latency of ``GET /territoires/communes/?q=…``
  (names, postcodes, INSEE codes), with its number of SQL queries.

What the benchmark creates is deleted at the end (the database is a throw-away one anyway).
"""

from __future__ import annotations

import csv
import io
import statistics
import time
from pathlib import Path

SAMPLE = Path(__file__).resolve().parent.parent / "tests" / "data" / "france-services-sample.csv"
NATIONAL_ROWS = 2_845
IMPORT_GOAL_SECONDS = 60
RATIO_GOAL = 4.0
SEARCH_RUNS = 60
SEARCH_GOAL_MS = 50
SEARCHES = (
    "clermont",
    "saint-eti",
    "63660",
    "13003",
    "93059",
    "Pierrefitte",
    "st denis",
    "2A004",
    "ambert",
    "97150",
)


def scaled_list(rows: int = NATIONAL_ROWS) -> bytes:
    """The sample's rows repeated with fresh ``id_fs`` up to ``rows`` rows, as CSV bytes."""
    with SAMPLE.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, sample = reader.fieldnames, list(reader)
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=header, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writeheader()
    for n in range(rows):
        source = sample[n % len(sample)]
        writer.writerow({**source, "id_fs": f"{source['id_fs']}-{n // len(sample)}"})
    return out.getvalue().encode("utf-8")


def _clear() -> None:
    from labelling.models import Place

    Place.objects.all().delete()


def _import(data: bytes):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from labelling.national_list import import_national_list, read_national_list

    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        summary = import_national_list(listed=read_national_list(data))
        seconds = time.perf_counter() - start
    if summary.errors:
        raise RuntimeError(f"refused rows: {summary.errors[:3]}")
    return seconds, summary, len(queries.captured_queries)


def _bare_writes(data: bytes) -> float:
    """The baseline: the same places and intervals written as the import writes them, nothing
    else."""
    from labelling.bulk import insert_rows
    from labelling.models import OpeningInterval, Place
    from labelling.national_list import read_national_list
    from labelling.territories import resolve_commune_codes

    listed = read_national_list(data).places
    communes = resolve_commune_codes(p.insee_code for p in listed)
    places = [
        Place(
            id_fs=p.id_fs,
            name=p.name,
            address=p.address,
            commune_id=communes[p.insee_code].commune.insee_code,
            departement_id=communes[p.insee_code].commune.departement_id,
            label_status="labelled",
            label_effective_on=p.label_effective_on,
        )
        for p in listed
    ]
    intervals = [
        (place.pk, d, s, e, n)
        for place, p in zip(places, listed, strict=True)
        for d, day in enumerate(p.hours)
        for n, (s, e) in enumerate(day)
    ]
    start = time.perf_counter()
    Place.objects.bulk_create(places, batch_size=500)
    insert_rows(
        OpeningInterval,
        ["place_id", "weekday", "start_minute", "end_minute", "position"],
        intervals,
    )
    return time.perf_counter() - start


def imports() -> list[dict]:
    _clear()
    sample_seconds, summary, _ = _import(SAMPLE.read_bytes())
    if summary.created != 621:
        raise RuntimeError("every place of the sample should have been created")
    _clear()
    data = scaled_list()
    seconds, summary, queries = _import(data)
    if summary.created != NATIONAL_ROWS:
        raise RuntimeError("every row should have been created")
    again, summary, _ = _import(data)
    if summary.unchanged != NATIONAL_ROWS:
        raise RuntimeError("a second import should change nothing")
    _clear()
    baseline = _bare_writes(data)
    _clear()
    ratio = seconds / baseline
    return [
        {
            "name": "national.import_sample",
            "value": round(sample_seconds, 2),
            "unit": "s",
            "goal": f"< {IMPORT_GOAL_SECONDS}",
            "met": sample_seconds < IMPORT_GOAL_SECONDS,
        },
        {
            "name": "national.import_2845",
            "value": round(seconds, 2),
            "unit": "s",
            "goal": f"< {IMPORT_GOAL_SECONDS}",
            "met": seconds < IMPORT_GOAL_SECONDS,
        },
        {
            "name": "national.import_2845_ratio",
            "value": round(ratio, 2),
            "unit": "ratio",
            "baseline": f"bare writes of the same places and intervals ({baseline:.2f} s)",
            "goal": f"<= {RATIO_GOAL}",
            "met": ratio <= RATIO_GOAL,
        },
        {
            "name": "national.import_2845_queries",
            "value": queries,
            "unit": "SQL queries",
            # Per batch of 500 rows, not per row (SQLite splits multi-row INSERTs at 999
            # parameters, so it counts more than PostgreSQL).
            "goal": f"< {NATIONAL_ROWS // 5}",
            "met": queries < NATIONAL_ROWS // 5,
        },
        {
            "name": "national.reimport_2845",
            "value": round(again, 2),
            "unit": "s",
            "goal": f"< {IMPORT_GOAL_SECONDS}",
            "met": again < IMPORT_GOAL_SECONDS,
        },
    ]


def commune_search() -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = Client()
    url = reverse("labelling:commune_search")
    for query in SEARCHES:  # warm-up
        client.get(url, {"q": query})
    timings, counts = [], []
    for n in range(SEARCH_RUNS):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url, {"q": SEARCHES[n % len(SEARCHES)]})
            timings.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200 or not response.json()["results"]:
            raise RuntimeError(f"search {SEARCHES[n % len(SEARCHES)]!r} found nothing")
        counts.append(len(queries.captured_queries))
    p50 = statistics.median(timings)
    p95 = statistics.quantiles(timings, n=20)[-1]
    return [
        {
            "name": "national.commune_search_p50",
            "value": round(p50, 1),
            "unit": "ms",
            "goal": f"< {SEARCH_GOAL_MS}",
            "met": p50 < SEARCH_GOAL_MS,
        },
        {
            "name": "national.commune_search_p95",
            "value": round(p95, 1),
            "unit": "ms",
            "goal": f"< {SEARCH_GOAL_MS}",
            "met": p95 < SEARCH_GOAL_MS,
            "queries": max(counts),
        },
    ]


def run() -> list[dict]:
    return [*imports(), *commune_search()]
