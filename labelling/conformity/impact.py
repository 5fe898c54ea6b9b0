"""The impact of a draft version on the network: which places it would make non-conform, by
territory and by criterion, compared with the version in force."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from labelling.conformity.declaration import Declaration
from labelling.conformity.engine import check
from labelling.conformity.specs import VersionSpec

PROGRESS_EVERY = 1000


@dataclass(frozen=True, slots=True)
class ImpactItem:
    key: str
    name: str
    region: str
    departement: str
    declaration: Declaration


def compute_impact(
    *,
    items: Iterable[ImpactItem],
    draft: VersionSpec,
    baseline: VersionSpec | None,
    on_progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Check every place against the draft (and the baseline). The result is JSON-ready:
    totals, counts by criterion, by territory, and the places non-conform under the draft or
    whose conformity changes."""
    fails: Counter[str] = Counter()
    warnings: Counter[str] = Counter()
    territories: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    places: list[dict[str, Any]] = []
    totals: Counter[str] = Counter()
    for done, item in enumerate(items, start=1):
        after = check(declaration=item.declaration, version=draft)
        before = (
            check(declaration=item.declaration, version=baseline).conform
            if baseline is not None
            else None
        )
        failed = []
        for criterion in after.criteria:
            if criterion.status == "fail":
                fails[criterion.code] += 1
                failed.append(criterion.code)
            elif criterion.status == "warning":
                warnings[criterion.code] += 1
        newly_non_conform = before is True and not after.conform
        newly_conform = before is False and after.conform
        territory = territories[(item.region, item.departement)]
        territory["places"] += 1
        territory["conform_after"] += after.conform
        territory["newly_non_conform"] += newly_non_conform
        totals["places"] += 1
        totals["conform_after"] += after.conform
        totals["conform_before"] += before is True
        totals["newly_non_conform"] += newly_non_conform
        totals["newly_conform"] += newly_conform
        if failed or newly_conform:
            places.append(
                {
                    "key": item.key,
                    "name": item.name,
                    "region": item.region,
                    "departement": item.departement,
                    "conform_before": before,
                    "conform_after": after.conform,
                    "failed": failed,
                }
            )
        if on_progress is not None and done % PROGRESS_EVERY == 0:
            on_progress(done)
    return {
        "draft": draft.code,
        "baseline": baseline.code if baseline is not None else None,
        "totals": {
            key: totals[key]
            for key in (
                "places",
                "conform_before",
                "conform_after",
                "newly_non_conform",
                "newly_conform",
            )
        },
        "criteria": [
            {
                "code": c.code,
                "label": c.label,
                "severity": c.severity,
                "fail": fails[c.code],
                "warning": warnings[c.code],
            }
            for c in draft.criteria
        ],
        "territories": [
            {"region": region, "departement": departement, **dict(counts)}
            for (region, departement), counts in sorted(territories.items())
        ],
        "places": sorted(places, key=lambda p: (p["region"], p["departement"], p["name"])),
    }
