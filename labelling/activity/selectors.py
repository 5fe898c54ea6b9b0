"""Reading the monthly figures, scoped by `labelling.permissions.ACTIVITY`: the rows, the monthly
series of the charts, a place's year with its months without figures."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet, Sum

from labelling.models import ActivityYearClosure, MonthlyActivity, Operator, Place, User
from labelling.permissions import activity_in_scope

MONTH_NAMES = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def month_label(month: datetime.date) -> str:
    return f"{MONTH_NAMES[month.month - 1]} {month.year}"


@dataclass(frozen=True)
class Filters:
    year: int | None = None
    departement: str = ""
    place_id: str = ""
    operator: str = ""


def rows(*, user: User, filters: Filters) -> QuerySet[MonthlyActivity]:
    qs = activity_in_scope(
        user, MonthlyActivity.objects.select_related("place__commune", "operator")
    )
    if filters.year:
        qs = qs.filter(month__year=filters.year)
    if filters.departement:
        qs = qs.filter(place__departement_id=filters.departement)
    if filters.place_id:
        qs = qs.filter(place_id=filters.place_id)
    if filters.operator:
        qs = qs.filter(operator_id=filters.operator)
    return qs.order_by("month", "place__name", "operator__position")


@dataclass(frozen=True)
class MonthTotal:
    month: datetime.date
    people: int
    requests: int

    @property
    def label(self) -> str:
        return month_label(self.month)


@dataclass
class Series:
    months: list[MonthTotal] = field(default_factory=list)
    by_operator: dict[str, dict[datetime.date, int]] = field(default_factory=dict)
    operator_totals: list[tuple[str, int, int]] = field(
        default_factory=list
    )  # name, people, requests

    @property
    def people(self) -> int:
        return sum(m.people for m in self.months)

    @property
    def requests(self) -> int:
        return sum(m.requests for m in self.months)

    def chart(self) -> dict:
        """What activity.js draws: people and requests per month, requests per operator."""
        labels = [m.label for m in self.months]
        return {
            "labels": labels,
            "people": [m.people for m in self.months],
            "requests": [m.requests for m in self.months],
            "operators": [
                {"label": name, "data": [values.get(m.month, 0) for m in self.months]}
                for name, values in self.by_operator.items()
            ],
        }


def series(*, user: User, filters: Filters) -> Series:
    """Monthly totals (every month between the first and the last with figures, empty ones at
    0) and requests per operator, in two queries."""
    qs = rows(user=user, filters=filters).order_by()
    totals = {
        row["month"]: row
        for row in qs.values("month").annotate(people=Sum("people_helped"), asked=Sum("requests"))
    }
    result = Series()
    if not totals:
        return result
    first, last = min(totals), max(totals)
    month = first
    while month <= last:
        row = totals.get(month)
        result.months.append(
            MonthTotal(month, row["people"] if row else 0, row["asked"] if row else 0)
        )
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    names = dict(Operator.objects.values_list("pk", "name"))
    by_operator: dict[str, dict[datetime.date, int]] = defaultdict(dict)
    people_by_operator: dict[str, int] = defaultdict(int)
    for row in qs.values("operator_id", "month").annotate(
        people=Sum("people_helped"), asked=Sum("requests")
    ):
        name = names.get(row["operator_id"], row["operator_id"])
        by_operator[name][row["month"]] = row["asked"]
        people_by_operator[name] += row["people"]
    result.by_operator = dict(sorted(by_operator.items()))
    result.operator_totals = sorted(
        (
            (name, people_by_operator[name], sum(values.values()))
            for name, values in by_operator.items()
        ),
        key=lambda item: -item[2],
    )
    return result


def years(*, user: User) -> list[int]:
    return sorted({d.year for d in activity_in_scope(user).dates("month", "year")}, reverse=True)


@dataclass
class PlaceYear:
    place: Place
    year: int
    months: list[datetime.date]
    operators: list[Operator]
    # (month, operator) → (people, requests)
    cells: dict[tuple[datetime.date, str], tuple[int, int]]
    missing: list[datetime.date]
    closed: bool

    @property
    def people(self) -> int:
        return sum(people for people, _ in self.cells.values())

    @property
    def requests(self) -> int:
        return sum(requests for _, requests in self.cells.values())

    @property
    def months_with_figures(self) -> int:
        return len({month for month, _ in self.cells})

    @property
    def missing_labels(self) -> list[str]:
        return [month_label(m) for m in self.missing]

    def table(self) -> list[dict]:
        return [
            {
                "month": month,
                "label": month_label(month),
                "cells": [self.cells.get((month, op.pk)) for op in self.operators],
                "people": sum(self.cells.get((month, op.pk), (0, 0))[0] for op in self.operators),
                "requests": sum(self.cells.get((month, op.pk), (0, 0))[1] for op in self.operators),
                "missing": month in self.missing,
            }
            for month in self.months
        ]


def expected_months(place: Place, year: int, *, today: datetime.date) -> list[datetime.date]:
    """The months of `year` for which the place owes figures: from its label's start (or
    January) to December, never a month not yet over."""
    start = datetime.date(year, 1, 1)
    label_start = place.label_effective_on or place.labelled_on
    if label_start and label_start.year == year:
        start = label_start.replace(day=1)
    elif label_start and label_start.year > year:
        return []
    months = []
    month = start
    current = today.replace(day=1)
    while month.year == year and month < current:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def place_year(*, place: Place, year: int, today: datetime.date, operator: str = "") -> PlaceYear:
    """The place's figures of `year`, month by month and operator by operator, with the months
    that have none (an operator user reads its own operator's only: `operator`)."""
    qs = MonthlyActivity.objects.filter(place=place, month__year=year)
    if operator:
        qs = qs.filter(operator_id=operator)
    cells = {(r.month, r.operator_id): (r.people_helped, r.requests) for r in qs}
    present = set(place.presences.exclude(presence="none").values_list("operator_id", flat=True))
    codes = {code for _, code in cells} | (present if not operator else {operator})
    operators = list(Operator.objects.filter(pk__in=codes).order_by("position", "name"))
    expected = expected_months(place, year, today=today)
    with_figures = {month for month, _ in cells}
    months = sorted(set(expected) | with_figures)
    return PlaceYear(
        place=place,
        year=year,
        months=months,
        operators=operators,
        cells=cells,
        missing=[m for m in expected if m not in with_figures],
        closed=ActivityYearClosure.objects.filter(place=place, year=year).exists(),
    )


def month_figures(*, place: Place, month: datetime.date) -> dict[str, tuple[int, int]]:
    return {
        r.operator_id: (r.people_helped, r.requests)
        for r in MonthlyActivity.objects.filter(place=place, month=month)
    }
