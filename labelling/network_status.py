"""The network's status, read whole: the aggregates of the national status pages (issue 14).

Each function answers one panel with one grouped query (never one per row), over the places
the caller passes (already scoped by `labelling.permissions`, already filtered), so that the
number of queries of a page does not grow with the network.

The status of a place as the agency speaks of it (`STATUSES`) is read from its label columns;
two of them depend on files that live in `workflows` (« en instruction »: a submitted label
application; « mis en demeure »: a renewal under formal notice), which this app never imports:
the caller gives their conditions (`StatusConditions`), built where the files live."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, CharField, Count, F, Max, Q, QuerySet, Sum, Value, When
from django.db.models.functions import TruncMonth

from labelling.models import Commune, CommuneCoverage, Departement, Place, Region
from labelling.models.network import LabelStatus, PlaceFormat, PlaceKind

# --- statuses -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Status:
    key: str
    label: str
    help: str


CANDIDATE = "candidate"
UNDER_REVIEW = "under_review"
LABELLED = "labelled"
UPCOMING = "upcoming"
UNDER_NOTICE = "under_notice"
SUSPENDED = "suspended"
ABROGATED = "abrogated"

STATUSES: tuple[Status, ...] = (
    Status(CANDIDATE, "En projet", "lieu en projet, sans candidature déposée en cours"),
    Status(UNDER_REVIEW, "En instruction", "lieu en projet dont la candidature est déposée"),
    Status(LABELLED, "Labellisé", "label en vigueur"),
    Status(UPCOMING, "Labellisé, effet à venir", "label accordé dont la date d'effet est à venir"),
    Status(
        UNDER_NOTICE,
        "Mis en demeure",
        "label en vigueur, lieu mis en demeure de se mettre en conformité",
    ),
    Status(SUSPENDED, "Suspendu", "label suspendu"),
    Status(ABROGATED, "Abrogé", "label retiré ou abrogé"),
)
STATUS_LABELS = {status.key: status.label for status in STATUSES}
#: The statuses of a place whose label is in force (what « couvert » means for coverage).
IN_FORCE = (LABELLED, UNDER_NOTICE)


@dataclass(frozen=True)
class StatusConditions:
    """Conditions on `Place` rows given by the apps that own the files: « a label application
    is under review » and « the place is under formal notice ». Empty: never."""

    under_review: Q | None = None
    under_notice: Q | None = None


def status_expression(*, today: datetime.date, conditions: StatusConditions) -> Case:
    """The place's status key (`STATUSES`) as a SQL expression."""
    labelled = Q(label_status=LabelStatus.LABELLED)
    whens = [
        When(label_status=LabelStatus.SUSPENDED, then=Value(SUSPENDED)),
        When(label_status=LabelStatus.WITHDRAWN, then=Value(ABROGATED)),
        When(labelled & Q(label_effective_on__gt=today), then=Value(UPCOMING)),
    ]
    if conditions.under_notice is not None:
        whens.append(When(labelled & conditions.under_notice, then=Value(UNDER_NOTICE)))
    whens.append(When(labelled, then=Value(LABELLED)))
    if conditions.under_review is not None:
        whens.append(
            When(
                Q(label_status=LabelStatus.CANDIDATE) & conditions.under_review,
                then=Value(UNDER_REVIEW),
            )
        )
    return Case(*whens, default=Value(CANDIDATE), output_field=CharField())


def in_force_q(*, today: datetime.date) -> Q:
    """A place whose label is in force today (whatever a formal notice says)."""
    return Q(label_status=LabelStatus.LABELLED) & (
        Q(label_effective_on__isnull=True) | Q(label_effective_on__lte=today)
    )


# --- the scope of a page ----------------------------------------------------------------------


@dataclass(frozen=True)
class Area:
    """What a page shows: the whole network, a région or a département (already checked
    against what the user may see)."""

    region: Region | None = None
    departement: Departement | None = None

    @property
    def label(self) -> str:
        if self.departement is not None:
            return f"{self.departement.name} ({self.departement.code})"
        if self.region is not None:
            return self.region.name
        return "France entière"

    @property
    def grouping(self) -> str:
        """What the rows of the status table are: régions nationally, else départements."""
        return "region" if self.region is None and self.departement is None else "departement"

    def filter_places(self, places: QuerySet[Place]) -> QuerySet[Place]:
        if self.departement is not None:
            return places.filter(departement_id=self.departement.code)
        if self.region is not None:
            return places.filter(departement__region_id=self.region.code)
        return places

    def filter_communes(self, communes: QuerySet[Commune]) -> QuerySet[Commune]:
        if self.departement is not None:
            return communes.filter(departement_id=self.departement.code)
        if self.region is not None:
            return communes.filter(departement__region_id=self.region.code)
        return communes

    def departements(self) -> list[Departement]:
        qs = Departement.objects.select_related("region").order_by("code")
        if self.departement is not None:
            return [self.departement]
        if self.region is not None:
            qs = qs.filter(region_id=self.region.code)
        return list(qs)


# --- places by status -------------------------------------------------------------------------


@dataclass
class StatusRow:
    """One line of the status table: a région or a département and its count per status."""

    code: str
    name: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count(self, key: str) -> int:
        return self.counts.get(key, 0)

    @property
    def cells(self) -> list[int]:
        return [self.count(status.key) for status in STATUSES]


def status_by_departement(
    *, places: QuerySet[Place], today: datetime.date, conditions: StatusConditions
) -> dict[str, dict[str, int]]:
    """departement code → status → number of places (one query)."""
    rows = (
        places.order_by()
        .annotate(status=status_expression(today=today, conditions=conditions))
        .values("departement_id", "status")
        .annotate(n=Count("pk"))
    )
    table: dict[str, dict[str, int]] = defaultdict(dict)
    for row in rows:
        table[row["departement_id"]][row["status"]] = row["n"]
    return table


def status_table(
    *, area: Area, by_departement: Mapping[str, Mapping[str, int]]
) -> tuple[list[StatusRow], StatusRow]:
    """The rows (régions for the whole network, else départements; every one listed, even
    without a place) and the total row."""
    departements = area.departements()
    rows: dict[str, StatusRow] = {}
    for dep in departements:
        if area.grouping == "region":
            key, name = dep.region_id, dep.region.name
        else:
            key, name = dep.code, dep.name
        row = rows.setdefault(key, StatusRow(key, name))
        for status, n in by_departement.get(dep.code, {}).items():
            row.counts[status] = row.counts.get(status, 0) + n
    total = StatusRow("", "Total")
    for row in rows.values():
        for status, n in row.counts.items():
            total.counts[status] = total.counts.get(status, 0) + n
    ordered = sorted(
        rows.values(),
        key=lambda r: (r.code == "COM", r.name if area.grouping == "region" else r.code),
    )
    return ordered, total


# --- labels over time, formats --------------------------------------------------------------


def labels_by_month(*, places: QuerySet[Place]) -> list[tuple[datetime.date, int]]:
    """(first day of the month, number of labels taking effect that month), oldest first; the
    labels granted, whatever became of them since (one query)."""
    rows = (
        places.order_by()
        .exclude(label_status=LabelStatus.CANDIDATE)
        .filter(label_effective_on__isnull=False)
        .annotate(month=TruncMonth("label_effective_on"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    result = []
    for row in rows:
        month = row["month"]
        if isinstance(month, datetime.datetime):
            month = month.date()
        result.append((month, row["n"]))
    return result


@dataclass(frozen=True)
class FormatRow:
    format: str
    label: str
    principal: int
    antenne: int
    unknown: int

    @property
    def total(self) -> int:
        return self.principal + self.antenne + self.unknown


def formats_and_kinds(*, places: QuerySet[Place]) -> list[FormatRow]:
    """Places by format (rows) and type (principal, antenne, not said), one query."""
    counts: dict[tuple[str, str], int] = {}
    for row in places.order_by().values("format", "kind").annotate(n=Count("pk")):
        counts[(row["format"], row["kind"])] = row["n"]
    labels = [*PlaceFormat.choices, ("", "Non renseigné")]
    rows = []
    for value, label in labels:
        row = FormatRow(
            value,
            label,
            counts.get((value, PlaceKind.PRINCIPAL), 0),
            counts.get((value, PlaceKind.ANTENNE), 0),
            counts.get((value, ""), 0),
        )
        if row.total or value:
            rows.append(row)
    return rows


# --- coverage ---------------------------------------------------------------------------------
#
# Precomputed per commune by `labelling.coverage.refresh_coverage` (a beat task); read here
# with grouped queries on `CommuneCoverage`.

#: Straight-line distances shown (km): the national aim is a place within 30 minutes of every
#: home, about 20 km as the crow flies on rural roads.
DISTANCE_STEPS = (10, 20, 30)


@dataclass
class CoverageRow:
    code: str
    name: str
    population: int
    covered: int
    epci: int
    epci_covered: int
    within: dict[int, int] = field(default_factory=dict)
    farthest_km: Decimal | None = None

    @property
    def share(self) -> float | None:
        return self.covered / self.population if self.population else None

    @property
    def share_label(self) -> str:
        """The share in French (« 53,2 % »), empty without population."""
        return _percent(self.share)

    def within_label(self, km: int) -> str:
        return _percent(self.within.get(km, 0) / self.population if self.population else None)

    @property
    def within_labels(self) -> list[str]:
        return [self.within_label(km) for km in DISTANCE_STEPS]

    @property
    def uncovered(self) -> int:
        return self.population - self.covered


def _percent(share: float | None) -> str:
    return "" if share is None else f"{share * 100:.1f} %".replace(".", ",")


def coverage_by_departement(*, area: Area) -> tuple[list[CoverageRow], CoverageRow]:
    """Per département: its population (INSEE legal populations), the part living in an EPCI
    with a place in force, its EPCI (covered or not), the part living within each of
    `DISTANCE_STEPS` km of a place, and its commune farthest from any (two queries)."""
    rows_qs = _coverage(area)
    sums = {
        row["departement_id"]: row
        for row in rows_qs.values("departement_id").annotate(
            total=Sum("population"),
            covered_population=Sum("population", filter=Q(covered=True)),
            farthest=Max("distance_km"),
            **{
                f"within_{km}": Sum("population", filter=Q(distance_km__lte=km))
                for km in DISTANCE_STEPS
            },
        )
    }
    epci_rows = (
        rows_qs.filter(epci__isnull=False)
        .values_list("departement_id", "epci_id", "covered")
        .distinct()
    )
    epci_counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    all_epci: dict[str, bool] = {}
    for departement, epci, covered in epci_rows:
        counts = epci_counts[departement]
        counts[0] += 1
        counts[1] += int(covered)
        all_epci[epci] = covered
    rows = []
    for dep in area.departements():
        row = sums.get(dep.code, {})
        epci, epci_covered = epci_counts.get(dep.code, [0, 0])
        rows.append(
            CoverageRow(
                dep.code,
                dep.name,
                row.get("total") or 0,
                row.get("covered_population") or 0,
                epci,
                epci_covered,
                {km: row.get(f"within_{km}") or 0 for km in DISTANCE_STEPS},
                row.get("farthest"),
            )
        )
    farthest = [r.farthest_km for r in rows if r.farthest_km is not None]
    total = CoverageRow(
        "",
        "Total",
        sum(r.population for r in rows),
        sum(r.covered for r in rows),
        # An EPCI that crosses départements counts once in the total.
        len(all_epci),
        sum(all_epci.values()),
        {km: sum(r.within.get(km, 0) for r in rows) for km in DISTANCE_STEPS},
        max(farthest) if farthest else None,
    )
    return rows, total


def _coverage(area: Area) -> QuerySet[CommuneCoverage]:
    rows = CommuneCoverage.objects.order_by()
    if area.departement is not None:
        return rows.filter(departement_id=area.departement.code)
    if area.region is not None:
        return rows.filter(departement__region_id=area.region.code)
    return rows


@dataclass(frozen=True)
class UncoveredEPCI:
    siren: str
    name: str
    kind: str
    population: int
    communes: int
    departements: str


def uncovered_epci(*, area: Area) -> list[UncoveredEPCI]:
    """The EPCI of the area without any place in force, most populated first (two queries;
    population and communes counted in the whole EPCI)."""
    in_area = _coverage(area).filter(epci__isnull=False, covered=False).values("epci_id")
    rows = (
        CommuneCoverage.objects.filter(epci_id__in=in_area)
        .order_by()
        .values("epci_id", "epci__name", "epci__kind")
        .annotate(total=Sum("population"), n=Count("pk"))
    )
    departements: dict[str, set[str]] = defaultdict(set)
    for epci, dep in (
        CommuneCoverage.objects.filter(epci_id__in=in_area)
        .order_by()
        .values_list("epci_id", "departement_id")
        .distinct()
    ):
        departements[epci].add(dep)
    result = [
        UncoveredEPCI(
            row["epci_id"],
            row["epci__name"],
            row["epci__kind"],
            row["total"] or 0,
            row["n"],
            ", ".join(sorted(departements.get(row["epci_id"], ()))),
        )
        for row in rows
    ]
    result.sort(key=lambda e: (-e.population, e.name))
    return result


def farthest_communes(*, area: Area) -> QuerySet[CommuneCoverage]:
    """The communes of the area farthest from a place in force (no place within
    `labelling.coverage.MAX_KM` first), with their nearest place."""
    return (
        _coverage(area)
        .select_related("commune", "nearest_place__commune")
        .order_by(F("distance_km").desc(nulls_first=True), "-population", "commune_id")
    )


# --- funding -----------------------------------------------------------------------------------


@dataclass
class FundingRow:
    """A département's envelope for one funder and one year, and what decisions committed."""

    code: str
    name: str
    funder: str
    envelope: Decimal
    committed: Decimal

    @property
    def left(self) -> Decimal:
        return self.envelope - self.committed

    @property
    def used_label(self) -> str:
        return _percent(float(self.committed / self.envelope) if self.envelope else None)


def funding_by_departement(*, area: Area, year: int) -> tuple[list[FundingRow], list[FundingRow]]:
    """Envelopes of ``year`` against the amounts committed by signed funding decisions, per
    département and funder, then per funder for the whole area (two queries)."""
    from labelling.models.funding import Envelope, EnvelopeCommitment

    envelopes = Envelope.objects.filter(year=year).order_by()
    commitments = EnvelopeCommitment.objects.filter(envelope__year=year).order_by()
    if area.departement is not None:
        envelopes = envelopes.filter(departement_id=area.departement.code)
        commitments = commitments.filter(envelope__departement_id=area.departement.code)
    elif area.region is not None:
        envelopes = envelopes.filter(departement__region_id=area.region.code)
        commitments = commitments.filter(envelope__departement__region_id=area.region.code)
    used = {
        (row["envelope__departement_id"], row["envelope__funder_id"]): row["total"]
        for row in commitments.values("envelope__departement_id", "envelope__funder_id").annotate(
            total=Sum("amount")
        )
    }
    rows = []
    for row in (
        envelopes.values(
            "departement_id", "departement__name", "funder_id", "funder__short_name",
            "funder__position",
        )
        .annotate(total=Sum("amount"))
        .order_by("departement_id", "funder__position", "funder_id")
    ):  # fmt: skip
        rows.append(
            FundingRow(
                row["departement_id"],
                row["departement__name"],
                row["funder__short_name"],
                row["total"] or Decimal(0),
                used.get((row["departement_id"], row["funder_id"])) or Decimal(0),
            )
        )
    totals: dict[str, FundingRow] = {}
    for row in rows:
        total = totals.setdefault(
            row.funder, FundingRow("", "Total", row.funder, Decimal(0), Decimal(0))
        )
        total.envelope += row.envelope
        total.committed += row.committed
    return rows, list(totals.values())


# --- the map ----------------------------------------------------------------------------------


def map_points(
    *, places: QuerySet[Place], today: datetime.date, conditions: StatusConditions
) -> Iterable[dict]:
    """The places with a position, as the map reads them (one query)."""
    rows = (
        places.order_by()
        .filter(latitude__isnull=False, longitude__isnull=False)
        .annotate(status=status_expression(today=today, conditions=conditions))
        .values_list("pk", "name", "latitude", "longitude", "status", "commune__name")
    )
    for pk, name, lat, lon, status, commune in rows.iterator(chunk_size=5000):
        yield {
            "id": str(pk),
            "name": name,
            "lat": float(lat),
            "lon": float(lon),
            "status": STATUS_LABELS[status],
            "commune": commune,
        }
