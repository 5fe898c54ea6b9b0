"""Benchmarks of the yearly renewal campaign (see /work/shared/contracts/BENCH.md).

- ``renewal.campaign_3000``: opening the campaign of a year for 3,000 labelled places
  (`workflows.renewal.services.open_campaign`): eligibility, the version in force, the version of
  each label, one review and one journal entry per place, in bulk. Goal: seconds.
- ``renewal.campaign_3000_ratio``: that time over a baseline measured in the same run, the bare
  bulk inserts of the same reviews and journal entries (nothing computed nor read).
- ``renewal.campaign_3000_rerun``: the second run, which creates nothing (idempotence).

What the benchmark creates is deleted at the end (the database is a throw-away one anyway)."""

from __future__ import annotations

import datetime
import time
import uuid

from benchmarks import labelled_places

PLACES = 3_000
YEAR = 2026
GOAL_SECONDS = 10
RATIO_GOAL = 4.0


PREFIX = "revue "
TABLES = [
    "renewal_journalentry",
    "renewal_reviewmessage",
    "renewal_reviewdocument",
    "renewal_review",
]


def _network() -> None:
    labelled_places.build(
        count=PLACES,
        prefix=PREFIX,
        # A third labelled as MSAP (msap-2016), the others as France Services.
        effective_on=lambda n: (
            datetime.date(2017, 6, 1) if n % 3 == 0 else datetime.date(2021, 1, 1)
        ),
    )


def _clear() -> None:
    labelled_places.clear(prefix=PREFIX, tables=TABLES)


def _baseline() -> float:
    from workflows.renewal.models import JournalEntry, Review

    places = labelled_places.place_rows(PREFIX, "pk", "departement_id")
    day = datetime.date(YEAR + 1, 1, 15)
    reviews = [
        Review(
            id=uuid.uuid4(),
            place_id=pk,
            departement_id=dep,
            year=YEAR + 1,
            review_date=day,
            version_code="france-services-2019",
            label_version_code="france-services-2019",
            stage_deadline=day,
        )
        for pk, dep in places
    ]
    entries = [
        JournalEntry(
            review_id=r.pk,
            actor_label="Estampille (automatiquement)",
            from_state="a_remplir",
            to_state="a_remplir",
            action="open",
            data={"annee": YEAR + 1},
        )
        for r in reviews
    ]
    start = time.perf_counter()
    Review.objects.bulk_create(reviews, batch_size=1000)
    JournalEntry.objects.bulk_create(entries, batch_size=1000)
    return time.perf_counter() - start


def run() -> list[dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from workflows.renewal.services import open_campaign

    _clear()
    _network()
    day = datetime.date(YEAR, 1, 15)
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        first = open_campaign(year=YEAR, on=day, notify=False)
        seconds = time.perf_counter() - start
    if first.created != PLACES:
        raise RuntimeError(f"every place should have its review: {first.summary()}")
    start = time.perf_counter()
    second = open_campaign(year=YEAR, on=day, notify=False)
    rerun = time.perf_counter() - start
    if second.created or second.existing != PLACES:
        raise RuntimeError(f"a second run creates nothing: {second.summary()}")
    baseline = _baseline()
    _clear()
    ratio = seconds / baseline
    return [
        {
            "name": "renewal.campaign_3000",
            "value": round(seconds, 2),
            "unit": "s",
            "goal": f"<= {GOAL_SECONDS}",
            "met": seconds <= GOAL_SECONDS,
            "queries": len(queries.captured_queries),
            "reviews": first.created,
        },
        {
            "name": "renewal.campaign_3000_ratio",
            "value": round(ratio, 2),
            "unit": "ratio",
            "baseline": "bare bulk inserts of the same reviews and journal entries",
            "goal": f"<= {RATIO_GOAL}",
            "met": ratio <= RATIO_GOAL,
        },
        {
            "name": "renewal.campaign_3000_rerun",
            "value": round(rerun, 2),
            "unit": "s",
            "goal": f"<= {GOAL_SECONDS}",
            "met": rerun <= GOAL_SECONDS,
            "created": second.created,
        },
    ]
