"""Every figure of a network status page, computed at once for an area and kept for a few
minutes (`NETWORK_STATUS_CACHE_SECONDS`, default 300) in the cache shared by every process
(Redis in production): the page is then plain rendering, whatever the size of the network.
The figures carry the time they were computed at, which the page shows. A beat task computes
the national page's figures ahead (`workflows.dashboard.tasks.warm_network_status`).

The area is what `labelling.permissions.network_area` gave the user: its places, files and
invitations are the same for every steward allowed to see it, so one entry serves them all."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from labelling import coverage
from labelling import network_status as ns
from labelling.models import CoverageRun, User
from workflows.dashboard import selectors

OVERDUE_SHOWN = 20
UNCOVERED_SHOWN = 30
FARTHEST_SHOWN = 20
CACHE_VERSION = 1


@dataclass(frozen=True)
class OverdueItem:
    """An open file past its stage's deadline, whatever its kind."""

    kind: str
    title: str
    commune: str
    departement: str
    stage: str
    deadline: datetime.date
    assigned: str
    url: str


@dataclass
class Figures:
    computed_at: datetime.datetime
    year: int
    status_rows: list[ns.StatusRow]
    status_total: ns.StatusRow
    kinds: list[selectors.FileKind]
    overdue: list[OverdueItem]
    overdue_total: int
    months: list[tuple[datetime.date, int]]
    formats: list[ns.FormatRow]
    coverage_run: CoverageRun | None
    coverage_rows: list[ns.CoverageRow]
    coverage_total: ns.CoverageRow
    uncovered: list[ns.UncoveredEPCI]
    uncovered_total: int
    farthest: list = field(default_factory=list)
    funding_rows: list[ns.FundingRow] = field(default_factory=list)
    funding_totals: list[ns.FundingRow] = field(default_factory=list)
    onboarding: dict = field(default_factory=dict)

    @property
    def in_force(self) -> int:
        return self.status_total.count(ns.LABELLED) + self.status_total.count(ns.UNDER_NOTICE)

    @property
    def files_open(self) -> int:
        return sum(kind.open_files for kind in self.kinds)


def _overdue(*, user: User | None, area: ns.Area, today: datetime.date) -> list[OverdueItem]:
    apps = selectors.overdue_files(user=user, area=area, today=today)
    reviews = selectors.overdue_reviews(user=user, area=area, today=today)
    items = [
        OverdueItem(
            "Candidature",
            app.place.name if app.place_id else app.reference,
            app.place.commune.name if app.place_id else "",
            app.departement_id or "",
            app.get_state_display(),
            app.stage_deadline,
            app.assigned_to.get_full_name() if app.assigned_to_id else "",
            reverse("workflows:application_detail", args=[app.pk]),
        )
        for app in apps[:OVERDUE_SHOWN]
    ] + [
        OverdueItem(
            "Revue annuelle",
            f"{review.place.name} ({review.year})",
            review.place.commune.name,
            review.departement_id or "",
            review.get_state_display(),
            review.stage_deadline,
            review.assigned_to.get_full_name() if review.assigned_to_id else "",
            reverse("renewal:detail", args=[review.pk]),
        )
        for review in reviews[:OVERDUE_SHOWN]
    ]
    items.sort(key=lambda item: (item.deadline, item.title))
    return items[:OVERDUE_SHOWN]


def compute(*, user: User | None, area: ns.Area, year: int | None = None) -> Figures:
    """Every figure of the page (a fixed number of queries, whatever the network's size)."""
    today = timezone.localdate()
    year = year or today.year
    conditions = selectors.status_conditions()
    places = selectors.places(user=user, area=area)
    by_dep = ns.status_by_departement(places=places, today=today, conditions=conditions)
    status_rows, status_total = ns.status_table(area=area, by_departement=by_dep)
    kinds = selectors.files_by_stage(user=user, area=area, today=today)
    overdue = _overdue(user=user, area=area, today=today)
    coverage_rows, coverage_total = ns.coverage_by_departement(area=area)
    uncovered = ns.uncovered_epci(area=area)
    funding_rows, funding_totals = ns.funding_by_departement(area=area, year=year)
    return Figures(
        computed_at=timezone.now(),
        year=year,
        status_rows=status_rows,
        status_total=status_total,
        kinds=kinds,
        overdue=overdue,
        overdue_total=sum(kind.overdue for kind in kinds),
        months=ns.labels_by_month(places=places),
        formats=ns.formats_and_kinds(places=places),
        coverage_run=coverage.latest_run(),
        coverage_rows=coverage_rows,
        coverage_total=coverage_total,
        uncovered=uncovered[:UNCOVERED_SHOWN],
        uncovered_total=len(uncovered),
        farthest=list(ns.farthest_communes(area=area)[:FARTHEST_SHOWN]),
        funding_rows=funding_rows,
        funding_totals=funding_totals,
        onboarding=selectors.onboarding(user=user, area=area, places_qs=places),
    )


def cache_key(area: ns.Area, year: int) -> str:
    if area.departement is not None:
        where = f"d{area.departement.code}"
    elif area.region is not None:
        where = f"r{area.region.code}"
    else:
        where = "fr"
    return f"network-status:{CACHE_VERSION}:{where}:{year}:{timezone.localdate().isoformat()}"


def seconds() -> int:
    return int(getattr(settings, "NETWORK_STATUS_CACHE_SECONDS", 300))


def figures_for(*, area: ns.Area, year: int | None = None) -> Figures:
    """The area's figures from the cache, or computed now (and kept). The area comes from
    `labelling.permissions.network_area`: whoever may see it sees all of it."""
    year = year or timezone.localdate().year
    ttl = seconds()
    if ttl <= 0:
        return compute(user=None, area=area, year=year)
    key = cache_key(area, year)
    figures = cache.get(key)
    if figures is None:
        figures = compute(user=None, area=area, year=year)
        cache.set(key, figures, ttl)
    return figures


def forget(area: ns.Area, year: int | None = None) -> None:
    """Drop the cached figures of an area (after the agency asks for fresh ones)."""
    cache.delete(cache_key(area, year or timezone.localdate().year))
