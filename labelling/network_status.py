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

from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, QuerySet, Sum, Value, When
from django.db.models.functions import TruncMonth

from labelling.models import EPCI, Commune, Departement, Place, Region
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


@dataclass
class CoverageRow:
    code: str
    name: str
    population: int
    covered: int
    epci: int
    epci_covered: int

    @property
    def share(self) -> float | None:
        return self.covered / self.population if self.population else None

    @property
    def share_label(self) -> str:
        """The share in French (« 53,2 % »), empty without population."""
        return "" if self.share is None else f"{self.share * 100:.1f} %".replace(".", ",")

    @property
    def uncovered(self) -> int:
        return self.population - self.covered


def _covering_places(today: datetime.date) -> QuerySet[Place]:
    # Coverage is national by nature: an EPCI is covered by a place anywhere in it, even in a
    # neighbouring département (EPCI may cross them), so it reads every place in force.
    return Place.objects.filter(in_force_q(today=today))


def _covered_commune_q(today: datetime.date) -> Q:
    places = _covering_places(today)
    in_covered_epci = Q(epci__isnull=False) & Exists(
        places.filter(commune__epci_id=OuterRef("epci_id"))
    )
    # A commune outside any EPCI (the islands, the collectivités d'outre-mer, Paris before
    # 2016…) is covered by a place of its own.
    alone_with_a_place = Q(epci__isnull=True) & Exists(
        places.filter(commune_id=OuterRef("insee_code"))
    )
    return in_covered_epci | alone_with_a_place


def coverage_by_departement(
    *, area: Area, today: datetime.date
) -> tuple[list[CoverageRow], CoverageRow]:
    """Per département: its population (INSEE legal population of its communes), the part that
    lives in an EPCI with at least one place in force, and its EPCI covered (one query each)."""
    covered_q = _covered_commune_q(today)
    communes = area.filter_communes(Commune.objects.all()).order_by()
    populations = {
        row["departement_id"]: row
        for row in communes.values("departement_id").annotate(
            total_population=Sum("population"),
            covered_population=Sum("population", filter=covered_q),
        )
    }
    epci_rows = (
        communes.filter(epci__isnull=False)
        .annotate(covered=Case(When(covered_q, then=Value(1)), default=Value(0)))
        .values("departement_id", "epci_id", "covered")
        .distinct()
    )
    epci_counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    all_epci: dict[str, int] = {}
    for row in epci_rows:
        counts = epci_counts[row["departement_id"]]
        counts[0] += 1
        counts[1] += row["covered"]
        all_epci[row["epci_id"]] = row["covered"]
    rows = []
    for dep in area.departements():
        pop = populations.get(dep.code, {})
        epci, epci_covered = epci_counts.get(dep.code, [0, 0])
        rows.append(
            CoverageRow(
                dep.code,
                dep.name,
                pop.get("total_population") or 0,
                pop.get("covered_population") or 0,
                epci,
                epci_covered,
            )
        )
    total = CoverageRow(
        "",
        "Total",
        sum(r.population for r in rows),
        sum(r.covered for r in rows),
        # An EPCI that crosses départements counts once in the total.
        len(all_epci),
        sum(all_epci.values()),
    )
    return rows, total


@dataclass(frozen=True)
class UncoveredEPCI:
    siren: str
    name: str
    kind: str
    population: int
    communes: int
    departements: str


def uncovered_epci(*, area: Area, today: datetime.date) -> list[UncoveredEPCI]:
    """The EPCI of the area without any place in force, most populated first (one query)."""
    places = _covering_places(today)
    communes = area.filter_communes(Commune.objects.all())
    rows = (
        EPCI.objects.filter(communes__in=communes)
        .exclude(Exists(places.filter(commune__epci_id=OuterRef("siren"))))
        .order_by()
        .values("siren", "name", "kind")
        .annotate(total_population=Sum("communes__population"), n=Count("communes"))
    )
    departements = _epci_departements(area)
    result = [
        UncoveredEPCI(
            row["siren"],
            row["name"],
            row["kind"],
            row["total_population"] or 0,
            row["n"],
            ", ".join(sorted(departements.get(row["siren"], ()))),
        )
        for row in rows
    ]
    result.sort(key=lambda e: (-e.population, e.name))
    return result


def _epci_departements(area: Area) -> dict[str, set[str]]:
    result: dict[str, set[str]] = defaultdict(set)
    rows = (
        area.filter_communes(Commune.objects.filter(epci__isnull=False))
        .order_by()
        .values_list("epci_id", "departement_id")
        .distinct()
    )
    for siren, dep in rows:
        result[siren].add(dep)
    return result


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
