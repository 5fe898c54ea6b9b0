"""Benchmarks of the conformity engine, the bulk import and the impact of a draft."""

from __future__ import annotations

import dataclasses
import json
import time

from benchmarks.generate import synthetic_declarations

THROUGHPUT_GOAL = 20_000
IMPORT_COUNT = 3_000
IMPORT_GOAL_SECONDS = 10  # issue 14: « under 10 s on PostgreSQL » (22 s before the fast path)
IMPACT_COUNT = 30_000
IMPACT_GOAL_SECONDS = 10


def _communes(count: int) -> list[str]:
    from labelling.models import Commune

    return list(Commune.objects.order_by("insee_code").values_list("insee_code", flat=True)[:count])


def _declarations(count: int, *, seed: int):
    from labelling.conformity import validate_declaration

    return [
        validate_declaration(raw)
        for raw in synthetic_declarations(count, communes=_communes(500), seed=seed)
    ]


def throughput() -> list[dict]:
    """Checks per second on one core, declarations already validated."""
    from labelling.conformity import check
    from labelling.versions.store import get_version_spec

    version = get_version_spec("france-services-2019")
    declarations = _declarations(2_000, seed=1)
    for declaration in declarations[:200]:  # warm-up
        check(declaration=declaration, version=version)
    best = 0.0
    for _ in range(5):
        start = time.perf_counter()
        for declaration in declarations:
            check(declaration=declaration, version=version)
        best = max(best, len(declarations) / (time.perf_counter() - start))
    return [
        {
            "name": "conformity.throughput",
            "value": round(best),
            "unit": "declarations/s",
            "goal": f">= {THROUGHPUT_GOAL}",
            "met": best >= THROUGHPUT_GOAL,
        }
    ]


def import_3000() -> list[dict]:
    """Validation and import of 3,000 new places, as ``import_declarations`` does."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from labelling.conformity import validate_declaration
    from labelling.conformity.validation import _validator, parse_json
    from labelling.declarations import import_declarations

    raws = synthetic_declarations(IMPORT_COUNT, communes=_communes(500), seed=2)
    texts = [json.dumps(raw) for raw in raws]
    # Validation alone, as the command does it (JSON text of each line), against the baseline
    # of the full JSON Schema validator on the same lines.
    start = time.perf_counter()
    for text in texts:
        validate_declaration(text)
    validate_seconds = time.perf_counter() - start
    validator = _validator()
    start = time.perf_counter()
    for text in texts:
        list(validator.iter_errors(parse_json(text)))
    baseline = time.perf_counter() - start
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        outcomes = import_declarations(declarations=[validate_declaration(r) for r in raws])
        seconds = time.perf_counter() - start
    if any(o.status != "created" for o in outcomes):
        raise RuntimeError("every synthetic place should have been created")
    return [
        {
            "name": "conformity.import_3000",
            "value": round(seconds, 2),
            "unit": "s",
            "goal": f"< {IMPORT_GOAL_SECONDS}",
            "met": seconds < IMPORT_GOAL_SECONDS,
        },
        {
            "name": "conformity.validate_3000_ratio",
            "value": round(validate_seconds / baseline, 3),
            "unit": "ratio",
            "baseline": f"jsonschema iter_errors on the same lines ({baseline:.2f} s)",
            "goal": "<= 0.5",
            "met": validate_seconds / baseline <= 0.5,
        },
        {
            "name": "conformity.import_3000_queries",
            "value": len(queries.captured_queries),
            "unit": "SQL queries",
            # Per batch, not per line: fewer queries than places (on SQLite, multi-row INSERTs
            # split at 999 parameters, so the count is higher than on PostgreSQL).
            "goal": f"< {IMPORT_COUNT}",
            "met": len(queries.captured_queries) < IMPORT_COUNT,
        },
    ]


def impact_30000() -> list[dict]:
    """Impact of a stricter draft on 30,000 declarations held in memory."""
    from labelling.conformity import VersionSpec
    from labelling.conformity.impact import ImpactItem, compute_impact
    from labelling.versions.store import get_version_spec

    baseline = get_version_spec("france-services-2019")
    criteria = tuple(
        dataclasses.replace(c, params={"minutes": 30 * 60}) if c.kind == "min_weekly_hours" else c
        for c in baseline.criteria
    )
    draft = VersionSpec(code="brouillon-30h", title="Brouillon 30 h", criteria=criteria)
    distinct = _declarations(3_000, seed=3)
    items = [
        ImpactItem(
            key=str(i),
            name=f"Lieu {i}",
            region=f"Région {i % 13}",
            departement=f"{i % 96:02d}",
            declaration=distinct[i % len(distinct)],
        )
        for i in range(IMPACT_COUNT)
    ]
    start = time.perf_counter()
    result = compute_impact(items=items, draft=draft, baseline=baseline)
    seconds = time.perf_counter() - start
    if result["totals"]["places"] != IMPACT_COUNT:
        raise RuntimeError("every place should have been checked")
    return [
        {
            "name": "conformity.impact_30000",
            "value": round(seconds, 2),
            "unit": "s",
            "goal": f"< {IMPACT_GOAL_SECONDS}",
            "met": seconds < IMPACT_GOAL_SECONDS,
        }
    ]


def run() -> list[dict]:
    return [*throughput(), *import_3000(), *impact_30000()]
