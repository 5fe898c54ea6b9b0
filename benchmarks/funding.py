"""Benchmarks of the funding decisions (see /work/shared/contracts/BENCH.md).

- ``funding.year_decisions_3000``: opening the year's funding files of 3,000 labelled places
  (`workflows.funding.services.open_year`): eligibility, the rules' amount (pro-rata for the
  places labelled during the year), the parts by funder, the journal; La Poste's places (18 %,
  as in the network of 2022) get their « autre canal » file. Goal: seconds, not minutes.
- ``funding.year_decisions_3000_ratio``: that time over a baseline measured in the same run, the
  bare bulk inserts of the same rows (files, parts, journal entries, nothing computed nor read).

What the benchmark creates is deleted at the end (the database is a throw-away one anyway)."""

from __future__ import annotations

import datetime
import time
import uuid
from decimal import Decimal

from benchmarks import labelled_places

PLACES = 3_000
YEAR = 2024
GOAL_SECONDS = 30
RATIO_GOAL = 4.0


PREFIX = "bench "
TABLES = ["funding_journalentry", "funding_payment", "funding_fundingpart", "funding_fundingfile"]


def _network() -> None:
    labelled_places.build(
        count=PLACES,
        prefix=PREFIX,
        # A tenth labelled during the year (pro-rata), the others before it.
        effective_on=lambda n: (
            datetime.date(YEAR, 1 + n % 12, 1 + n % 28)
            if n % 10 == 0
            else datetime.date(2020, 1, 1)
        ),
        # La Poste's places: 18 %, as in the network of 2022.
        porteur_kind=lambda n: "la_poste" if n % 100 < 18 else "commune",
    )


def _clear() -> None:
    labelled_places.clear(prefix=PREFIX, tables=TABLES)


def _baseline() -> float:
    from workflows.funding.models import FundingFile, FundingPart, JournalEntry

    places = labelled_places.place_rows(PREFIX, "pk", "departement_id", "porteur_id")
    files = [
        FundingFile(
            id=uuid.uuid4(),
            place_id=pk,
            departement_id=dep,
            porteur_id=porteur,
            year=YEAR + 1,
            cause="annee",
            amount=Decimal("35000"),
            proposed_amount=Decimal("35000"),
        )
        for pk, dep, porteur in places
    ]
    parts = [
        FundingPart(
            file=f, funder_id=code, percent=Decimal(50), amount=Decimal("17500"), position=i
        )
        for f in files
        for i, code in enumerate(("fnadt", "fonds_national_fs"))
    ]
    entries = [
        JournalEntry(
            file=f,
            actor_label="x",
            from_state="a_instruire",
            to_state="a_instruire",
            action="open",
            comment="Forfait",
            data={},
        )
        for f in files
    ]
    start = time.perf_counter()
    FundingFile.objects.bulk_create(files, batch_size=500)
    FundingPart.objects.bulk_create(parts, batch_size=1000)
    JournalEntry.objects.bulk_create(entries, batch_size=1000)
    return time.perf_counter() - start


def run() -> list[dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from workflows.funding.services import open_year

    _clear()
    _network()
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        result = open_year(user=None, year=YEAR)
        seconds = time.perf_counter() - start
    if result.opened + result.other_channel != PLACES:
        raise RuntimeError(f"every place should have its file: {result}")
    baseline = _baseline()
    _clear()
    ratio = seconds / baseline
    return [
        {
            "name": "funding.year_decisions_3000",
            "value": round(seconds, 2),
            "unit": "s",
            "goal": f"<= {GOAL_SECONDS}",
            "met": seconds <= GOAL_SECONDS,
            "queries": len(queries.captured_queries),
            "files": result.opened,
            "other_channel": result.other_channel,
        },
        {
            "name": "funding.year_decisions_3000_ratio",
            "value": round(ratio, 2),
            "unit": "ratio",
            "baseline": "bare bulk inserts of the same files, parts and journal entries",
            "goal": f"<= {RATIO_GOAL}",
            "met": ratio <= RATIO_GOAL,
        },
    ]
